package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// A check is data, not code with powers: it judges the facts it is given and
// nothing else, the same way every time. Every check — the built-in catalogue,
// a --policy directory, and the checks packed in an evidence pack that
// `sdescan verify` re-evaluates — is compiled with one restricted set of OPA
// capabilities (Capabilities), so a check that calls a built-in with powers is
// refused when the engine is built, with an error naming its file and line;
// it never runs. The plan runner (plan.go) holds plans to the same set.
//
// Refused, by family (refusedBuiltins gives each built-in's reason):
//
//   - http.send, net.*: the network. http.send makes HTTP requests and
//     net.lookup_ip_addr resolves names. The CIDR helpers (net.cidr_contains,
//     …) read nothing, but are refused with their family: one rule, with no
//     exception to review. Allowing them is a matter of exempting them from
//     refusedFamilies.
//   - json.match_schema, json.verify_schema: a schema may $ref a remote URL
//     or a local file, which OPA then fetches (OPA marks them non-deterministic).
//   - opa.runtime: the environment variables and OPA's configuration of the
//     process running the check.
//   - time.now_ns, io.jwt.decode_verify, crypto.x509.parse_and_verify_certificates
//     (and _with_options), providers.aws.sign_req: the wall clock. A result
//     must depend on the facts only, so that verifying a pack later gives the
//     same findings: ages are measured from data.sdescan.params.as_of.
//   - rand.intn, uuid.rfc4122, io.jwt.encode_sign, io.jwt.encode_sign_raw:
//     randomness (a signature with ECDSA or RSA-PSS is random).
//   - trace: writes to the evaluator's trace, a side channel.
//   - graph.reachable_paths (exponential in the graph), strings.render_template
//     (a Go template loops over data and calls templates), bits.lsh (one call
//     makes a number of any size, which then takes any time to print): one
//     call can run or allocate without bound, and a built-in call is stopped
//     by the evaluation limits only if it polls them (numbers.range, concat,
//     the regex built-ins do; these do not).
//   - any other built-in OPA marks non-deterministic (ast.Builtin.Nondeterministic),
//     so a newer OPA's additions are refused by default.
//
// print is not refused but erased: checks are compiled with print statements
// disabled (ast.Compiler.WithEnablePrintStatements(false)), which removes each
// print call from the compiled policy, so a check left with a debugging print
// compiles and gives the same findings as without it, and prints nothing.
//
// AllowNet is an empty list: the hosts built-ins may reach (none). (Written
// as JSON, OPA omits an empty allow_net, which opa reads as "any host": it is
// the refused built-ins that keep checks off the network.)

// refusedBuiltins names the built-ins refused by name, with the reason.
var refusedBuiltins = map[string]string{
	"http.send":              "it makes network requests",
	"net.lookup_ip_addr":     "it resolves names over the network",
	"json.match_schema":      "a schema may reference a remote or local document, which OPA would fetch",
	"json.verify_schema":     "a schema may reference a remote or local document, which OPA would fetch",
	"opa.runtime":            "it reads the environment and configuration of the process",
	"time.now_ns":            "it reads the clock; measure ages from data.sdescan.params.as_of",
	"io.jwt.decode_verify":   "it reads the clock",
	"providers.aws.sign_req": "it reads the clock",
	"crypto.x509.parse_and_verify_certificates":              "it reads the clock",
	"crypto.x509.parse_and_verify_certificates_with_options": "it reads the clock",
	"rand.intn":               "it is random",
	"uuid.rfc4122":            "it is random",
	"io.jwt.encode_sign":      "its signature may be random",
	"io.jwt.encode_sign_raw":  "its signature may be random",
	"trace":                   "it writes to the evaluator's trace",
	"graph.reachable_paths":   "one call can run without bound, beyond the evaluation limits",
	"strings.render_template": "one call can run without bound, beyond the evaluation limits",
	"bits.lsh":                "one call can allocate without bound, beyond the evaluation limits",
}

// refusedFamilies are prefixes of built-in names refused as a family.
var refusedFamilies = map[string]string{
	"net.":       "the net.* built-ins are refused as a family (net.lookup_ip_addr uses the network)",
	"http.":      "it makes network requests",
	"rand.":      "it is random",
	"providers.": "it reads the clock",
}

// refusal returns why the built-in b is refused in checks, or "" when it is allowed.
func refusal(b *ast.Builtin) string {
	if r, ok := refusedBuiltins[b.Name]; ok {
		return r
	}
	for prefix, r := range refusedFamilies {
		if strings.HasPrefix(b.Name, prefix) {
			return r
		}
	}
	if b.Nondeterministic {
		return "OPA marks it non-deterministic"
	}
	return ""
}

// refusedReason returns why the built-in named name is refused, or "" when
// it is allowed or is no built-in of this OPA.
func refusedReason(name string) string {
	b, ok := ast.BuiltinMap[name]
	if !ok {
		return ""
	}
	return refusal(b)
}

// checkCapabilities is the capability set every check is compiled with (shared,
// never modified), and allowedBuiltins the names of its built-ins.
var checkCapabilities, allowedBuiltins = newCheckCapabilities()

func newCheckCapabilities() (*ast.Capabilities, map[string]bool) {
	caps := ast.CapabilitiesForThisVersion()
	allowed := map[string]bool{}
	kept := make([]*ast.Builtin, 0, len(caps.Builtins))
	for _, b := range caps.Builtins {
		if refusal(b) != "" {
			continue
		}
		kept = append(kept, b)
		allowed[b.Name] = true
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps, allowed
}

// Capabilities returns a copy of the OPA capabilities sdescan compiles checks
// with: this OPA's, without the refused built-ins and with no network host
// allowed. Written as JSON, it is what `opa check --capabilities FILE` takes.
func Capabilities() *ast.Capabilities {
	c := *checkCapabilities
	c.Builtins = make([]*ast.Builtin, len(checkCapabilities.Builtins))
	for i, b := range checkCapabilities.Builtins {
		cp := *b
		c.Builtins[i] = &cp
	}
	c.AllowNet = []string{}
	c.FutureKeywords = slices.Clone(checkCapabilities.FutureKeywords)
	c.Features = slices.Clone(checkCapabilities.Features)
	c.WasmABIVersions = slices.Clone(checkCapabilities.WasmABIVersions)
	return &c
}

// RefusedBuiltins returns the names of this OPA's built-ins that checks may
// not call, sorted.
func RefusedBuiltins() []string {
	var out []string
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if refusal(b) != "" {
			out = append(out, b.Name)
		}
	}
	slices.Sort(out)
	return out
}

// builtinAllowed reports whether checks may call the built-in named name.
func builtinAllowed(name string) bool { return allowedBuiltins[name] }

// refusedError is the one-line error for a call of a refused built-in.
func refusedError(loc *ast.Location, name string) error {
	msg := fmt.Sprintf("%s is not allowed in sdescan checks (%s)", name, refusedReason(name))
	if loc == nil {
		return fmt.Errorf("%s", msg)
	}
	return fmt.Errorf("%s:%d: %s", loc.File, loc.Row, msg)
}
