// Package demotest runs the demo estate through the assessment runner for the
// tests of reports and reports/pack, as `sdescan scan --demo` does: the demo's
// facts, framework, attestations and waivers, the built-in checks and the AWS
// collector's registration. It imports neither package, so both can use it.
package demotest

import (
	"context"
	"io/fs"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/collectors/aws"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/fixtures"
)

// Version is the sdescan version test assessments (and packs) are made by.
const Version = "test"

// FactsName is the name the demo facts are read under.
const FactsName = "demo/facts.json"

// Registry is the collectors of the demo facts, as the command line registers them.
var Registry = collectors.Registry{aws.Collector()}

// Facts decodes the demo facts afresh: the caller may change them.
func Facts(tb testing.TB) *checks.Facts {
	tb.Helper()
	data, err := fs.ReadFile(fixtures.DemoFS(), fixtures.DemoFacts)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := checks.DecodeFactsBytes(data, FactsName)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// Setup is the runner's setup of a test assessment: the built-in checks and
// those of policyDirs (--policy), and when demo the demo's framework,
// attestations and waivers.
func Setup(tb testing.TB, demo bool, policyDirs ...string) runner.Setup {
	tb.Helper()
	s := runner.Setup{Tool: checks.Version{Name: "sdescan", Version: Version}, Policies: []checks.PolicySource{collectors.Builtin()}, Collectors: Registry}
	for _, d := range policyDirs {
		s.Policies = append(s.Policies, checks.DirSource(d))
	}
	if !demo {
		return s
	}
	dfs := fixtures.DemoFS()
	read := func(name string) runner.File {
		data, err := fs.ReadFile(dfs, name)
		if err != nil {
			tb.Fatal(err)
		}
		return runner.File{Name: "demo/" + name, Data: data}
	}
	s.Frameworks = []runner.File{read(fixtures.DemoFramework)}
	s.Attestations = []runner.AttestationFile{{FS: dfs, File: fixtures.DemoAttestations, Name: "demo/" + fixtures.DemoAttestations}}
	s.Waivers = []runner.File{read(fixtures.DemoWaivers)}
	return s
}

// Run assesses the facts through the runner at the setup's time (zero: when
// the facts were collected).
func Run(tb testing.TB, facts *checks.Facts, s runner.Setup) (*runner.Prepared, *runner.Result) {
	tb.Helper()
	if s.Params.AsOf.IsZero() {
		s.Params.AsOf = facts.AsOf()
	}
	prep, err := runner.Prepare(s)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := prep.Run(context.Background(), facts, runner.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return prep, res
}
