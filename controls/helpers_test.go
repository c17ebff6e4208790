package controls_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/collectors/aws"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/controls/runner"
)

// demoFacts is the bundled demo estate.
const demoFacts = "../fixtures/demo/facts.json"

var (
	engineOnce sync.Once
	builtin    *engine.Engine
	engineErr  error
)

// builtinEngine compiles the builtin checks once per test binary.
func builtinEngine(tb testing.TB) *engine.Engine {
	tb.Helper()
	engineOnce.Do(func() { builtin, engineErr = engine.New(collectors.Builtin()) })
	if engineErr != nil {
		tb.Fatalf("builtin checks: %v", engineErr)
	}
	return builtin
}

// engineResolver resolves check IDs and aliases as every command does
// (runner.Resolver), among the engine's checks alone.
func engineResolver(e *engine.Engine) controls.CheckResolver { return runner.Resolver(e, nil, nil) }

// setResolver accepts exactly the given check IDs.
func setResolver(ids ...string) controls.CheckResolver {
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
	}
	return func(id string) (string, bool) { return id, known[id] }
}

// builtinKinds is the real attestation-kind catalogue.
func builtinKinds(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile("frameworks/attestations.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// loadCatalogue builds a catalogue from framework files (name -> YAML) beside the
// real attestations.yaml, named "testcat".
func loadCatalogue(tb testing.TB, resolve controls.CheckResolver, files map[string]string) (*controls.Catalogue, error) {
	tb.Helper()
	fsys := fstest.MapFS{"attestations.yaml": &fstest.MapFile{Data: builtinKinds(tb)}}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return controls.LoadFS(fsys, "testcat", resolve)
}

func mustCatalogue(tb testing.TB, resolve controls.CheckResolver, files map[string]string) *controls.Catalogue {
	tb.Helper()
	cat, err := loadCatalogue(tb, resolve, files)
	if err != nil {
		tb.Fatalf("load catalogue: %v", err)
	}
	return cat
}

// assertOneLine fails unless err is a single line that starts with "file: ".
func assertOneLine(tb testing.TB, err error, file string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("expected an error naming %s, got none", file)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		tb.Errorf("error is not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, file+": ") {
		tb.Errorf("error does not start with %q: %q", file+": ", msg)
	}
}

// date parses YYYY-MM-DD in UTC.
func date(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// demoAssessment assesses the demo estate with the builtin checks and catalogue,
// through the one assessment runner.
func demoAssessment(tb testing.TB) *controls.Assessment {
	tb.Helper()
	facts, err := checks.ReadFactsFile(demoFacts)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := runner.Prepare(runner.Setup{Tool: checks.Version{Name: "sdescan", Version: "test"}, Policies: []checks.PolicySource{collectors.Builtin()},
		Collectors: collectors.Registry{aws.Collector()}, Params: runner.Params{AsOf: facts.AsOf()}})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := p.Run(context.Background(), facts, runner.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return res.Assessment
}

// requirement finds a requirement's result in an assessment.
func requirement(tb testing.TB, a *controls.Assessment, fw, id string) controls.RequirementResult {
	tb.Helper()
	for _, f := range a.Frameworks {
		if f.ID != fw {
			continue
		}
		for _, r := range f.Requirements {
			if r.ID == id {
				return r
			}
		}
	}
	tb.Fatalf("no requirement %s in framework %s", id, fw)
	return controls.RequirementResult{}
}

// frameworkResult finds a framework's result in an assessment.
func frameworkResult(tb testing.TB, a *controls.Assessment, fw string) controls.FrameworkResult {
	tb.Helper()
	for _, f := range a.Frameworks {
		if f.ID == fw {
			return f
		}
	}
	tb.Fatalf("no framework %s in assessment", fw)
	return controls.FrameworkResult{}
}

// testCovering is what the runner hands the roll-up: the registered AWS
// collector's covers for a run that records none (the demo's facts).
var testCovering = collectors.Registry{aws.Collector()}.Covering
