package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/sdescan/sdescan/checks"
)

// customCheck is a check of resource type typ whose body is body, in package
// sdescan.checks.t.<id>.
func customCheck(id, typ, body string) string {
	return fmt.Sprintf("# METADATA\n# title: t\n# custom:\n#   id: %s\n#   severity: high\n#   resource_types: [%s]\npackage sdescan.checks.t.%s\n\nimport rego.v1\n\n%s\n",
		id, typ, strings.ToLower(strings.ReplaceAll(id, "-", "_")), body)
}

// TestRefusedBuiltinsFailCompilation: a check calling a built-in with powers
// (network, environment, clock, randomness, trace) is refused when the engine
// is built, with one line naming its file, line and the built-in.
func TestRefusedBuiltinsFailCompilation(t *testing.T) {
	for _, tc := range []struct {
		builtin string
		rule    string // on line 11 of evil.rego
	}{
		{"http.send", `deny contains "x" if http.send({"method": "get", "url": "http://127.0.0.1:1/"}).status_code == 200`},
		{"net.lookup_ip_addr", `deny contains "x" if count(net.lookup_ip_addr("localhost")) > 0`},
		{"net.cidr_contains", `deny contains "x" if net.cidr_contains("10.0.0.0/8", input.resource.attributes.cidr)`},
		{"opa.runtime", `deny contains "x" if opa.runtime().env.HOME`},
		{"rand.intn", `deny contains "x" if rand.intn("seed", 10) == 3`},
		{"time.now_ns", `deny contains "x" if time.now_ns() > time.parse_rfc3339_ns(input.resource.attributes.at)`},
		{"trace", `deny contains "x" if trace("hello")`},
		{"uuid.rfc4122", `deny contains x if x := uuid.rfc4122("k")`},
		{"io.jwt.decode_verify", `deny contains "x" if io.jwt.decode_verify(input.resource.attributes.jwt, {"secret": "s"})[0]`},
		{"io.jwt.encode_sign", `deny contains x if x := io.jwt.encode_sign({"alg": "HS256"}, {}, {"kty": "oct", "k": "c2VjcmV0"})`},
		{"crypto.x509.parse_and_verify_certificates", `deny contains "x" if crypto.x509.parse_and_verify_certificates(input.resource.attributes.pem)[0]`},
		{"providers.aws.sign_req", `deny contains "x" if providers.aws.sign_req({}, {}, 0)`},
		{"json.match_schema", `deny contains "x" if json.match_schema({}, {"$ref": "file:///etc/passwd"})[0]`},
		{"graph.reachable_paths", `deny contains "x" if count(graph.reachable_paths({"a": ["b"], "b": ["a"]}, ["a"])) > 0`},
		{"strings.render_template", `deny contains x if x := strings.render_template("{{range .a}}{{range $.a}}.{{end}}{{end}}", {"a": [1, 2]})`},
		{"bits.lsh", `deny contains "x" if bits.lsh(1, input.resource.attributes.n) > 0`},
		{"time.now_ns", `deny contains "x" if input.resource.attributes.v with time.now_ns as 1`},
	} {
		t.Run(tc.builtin, func(t *testing.T) {
			src := customCheck("EVIL-1", "t.evil", tc.rule)
			if line := strings.Count(src[:strings.Index(src, tc.rule)], "\n") + 1; line != 11 {
				t.Fatalf("the rule is on line %d", line)
			}
			_, err := New(checks.PolicySource{Name: "pol", FS: fstest.MapFS{"evil.rego": {Data: []byte(src)}}})
			if err == nil {
				t.Fatal("compiled")
			}
			msg := err.Error()
			want := "pol/evil.rego:11: " + tc.builtin + " is not allowed in sdescan checks ("
			if !strings.HasPrefix(msg, want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting %q", msg, want)
			}
		})
	}
}

// TestHTTPSendNeverRequested: a check that would call a loopback server never
// reaches it: compiling it is refused; and compiled with all of OPA's built-ins
// (as if the compiler let it through) but no host allowed, as sdescan's
// capabilities allow none, the plan runner refuses to plan it and OPA's
// evaluator refuses the host.
func TestHTTPSendNeverRequested(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		fmt.Fprint(w, `{"ok": true}`)
	}))
	defer srv.Close()
	src := checks.PolicySource{Name: "pol", FS: fstest.MapFS{"send.rego": {Data: []byte(customCheck("SEND-1", "t.send",
		fmt.Sprintf(`deny contains "reached" if http.send({"method": "get", "url": %q}).status_code == 200`, srv.URL)))}}}
	if _, err := New(src); err == nil || !strings.Contains(err.Error(), "http.send is not allowed") {
		t.Fatalf("New: %v", err)
	}
	facts := &checks.Facts{Resources: []checks.Resource{{ID: "s/1", Type: "t.send", Attributes: map[string]any{}}}}
	facts.Normalize()
	caps := ast.CapabilitiesForThisVersion()
	caps.AllowNet = []string{}
	for _, topdownOnly := range []bool{false, true} {
		e, err := newEngine(caps, src)
		if err != nil {
			t.Fatal(err)
		}
		e.topdownOnly = topdownOnly
		got, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Status != checks.Error {
			t.Errorf("topdownOnly %v: %+v, want one error", topdownOnly, got)
		}
		t.Logf("topdownOnly %v: %q", topdownOnly, got[0].Messages)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the server got %d requests", n)
	}
}

// TestPlanRunnerRefusesBuiltins: the plan runner refuses, when planning, a plan
// calling a built-in outside the checks' capabilities; an engine whose checks
// call one (compiled with OPA's full capabilities) gives an error finding for
// each of that type's checks, and never runs the built-in.
func TestPlanRunnerRefusesBuiltins(t *testing.T) {
	ctx := context.Background()
	for _, q := range []string{`x := rand.intn("s", 10)`, `x := opa.runtime()`, `x := time.now_ns()`} {
		capture := &planCapture{}
		_, err := rego.New(rego.Query(q), rego.Target(planTarget)).PrepareForEval(context.WithValue(ctx, planCaptureKey{}, capture))
		var refused *refusedBuiltinError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), "is not allowed in sdescan checks") {
			t.Errorf("%s: planned (%v)", q, err)
		}
	}
	src := checks.PolicySource{Name: "pol", FS: fstest.MapFS{
		"env.rego":   {Data: []byte(customCheck("ENV-1", "t.env", `deny contains "home" if opa.runtime().env.HOME != ""`))},
		"plain.rego": {Data: []byte(customCheck("ENV-2", "t.env", `deny contains "off" if input.resource.attributes.on == false`))},
	}}
	e, err := newEngine(ast.CapabilitiesForThisVersion(), src)
	if err != nil {
		t.Fatal(err)
	}
	facts := &checks.Facts{Resources: []checks.Resource{{ID: "e/1", Type: "t.env", Attributes: map[string]any{"on": true}}}}
	facts.Normalize()
	got, err := e.Evaluate(ctx, facts, Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	for _, f := range got {
		if f.Status != checks.Error || len(f.Messages) != 1 || !strings.Contains(f.Messages[0], "built-in opa.runtime is not allowed in sdescan checks") {
			t.Errorf("%s: %s %q", f.CheckID, f.Status, f.Messages)
		}
	}
}

// TestPrintIsErased: a print left in a check compiles, prints nothing and
// changes no finding.
func TestPrintIsErased(t *testing.T) {
	src := checks.PolicySource{Name: "pol", FS: fstest.MapFS{"p.rego": {Data: []byte(customCheck("PRINT-1", "t.print", `deny contains "off" if {
	print("checking", input.resource.id)
	input.resource.attributes.on == false
}`))}}}
	e, err := New(src)
	if err != nil {
		t.Fatal(err)
	}
	facts := &checks.Facts{Resources: []checks.Resource{
		{ID: "p/on", Type: "t.print", Attributes: map[string]any{"on": true}},
		{ID: "p/off", Type: "t.print", Attributes: map[string]any{"on": false}},
	}}
	facts.Normalize()
	got, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]checks.Status{"p/on": checks.Pass, "p/off": checks.Fail}
	for _, f := range got {
		if f.Status != want[f.ResourceID] {
			t.Errorf("%s: %s %q", f.ResourceID, f.Status, f.Messages)
		}
	}
	if len(got) != 2 {
		t.Errorf("%+v", got)
	}
}

// TestCapabilities: the capability set has none of the refused built-ins, no
// host allowed, every other built-in of this OPA, and is returned as a copy.
func TestCapabilities(t *testing.T) {
	c := Capabilities()
	if c.AllowNet == nil || len(c.AllowNet) != 0 {
		t.Errorf("AllowNet %v, want an empty list", c.AllowNet)
	}
	refused := RefusedBuiltins()
	for _, name := range []string{"http.send", "net.lookup_ip_addr", "net.cidr_contains", "opa.runtime", "rand.intn", "time.now_ns",
		"trace", "uuid.rfc4122", "io.jwt.decode_verify", "io.jwt.encode_sign", "io.jwt.encode_sign_raw", "json.match_schema", "json.verify_schema",
		"crypto.x509.parse_and_verify_certificates", "crypto.x509.parse_and_verify_certificates_with_options", "providers.aws.sign_req",
		"graph.reachable_paths", "strings.render_template", "bits.lsh"} {
		if !slices.Contains(refused, name) {
			t.Errorf("%s is not refused", name)
		}
	}
	have := map[string]bool{}
	for _, b := range c.Builtins {
		have[b.Name] = true
		if slices.Contains(refused, b.Name) || b.Nondeterministic {
			t.Errorf("%s is in the capabilities", b.Name)
		}
	}
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		if !have[b.Name] && !slices.Contains(refused, b.Name) {
			t.Errorf("%s is missing", b.Name)
		}
	}
	for _, name := range []string{"print", "internal.print", "time.parse_rfc3339_ns", "regex.match", "json.unmarshal", "sprintf"} {
		if !have[name] {
			t.Errorf("%s is not allowed", name)
		}
	}
	c.Builtins[0] = &ast.Builtin{Name: "http.send"}
	c.AllowNet = append(c.AllowNet, "example.com")
	if d := Capabilities(); d.Builtins[0].Name == "http.send" || len(d.AllowNet) != 0 {
		t.Error("Capabilities returns a shared value")
	}
	if len(refused) != len(ast.CapabilitiesForThisVersion().Builtins)-len(c.Builtins) {
		t.Errorf("%d refused, %d kept of %d", len(refused), len(c.Builtins), len(ast.CapabilitiesForThisVersion().Builtins))
	}
	t.Logf("refused: %s", strings.Join(refused, " "))
}
