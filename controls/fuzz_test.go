package controls_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/controls"
	"gopkg.in/yaml.v3"
)

// The fuzz targets assert only what every input must satisfy: no panic, and an
// error is one line that starts with the file name. Run them with, e.g.,
//
//	go test ./controls -run '^$' -fuzz '^FuzzParseFramework$' -fuzztime 20s

const fuzzFile = "fuzz/input.yaml"

// maxFuzzInput bounds the inputs the targets parse. Go's fuzzer minimises every
// new interesting input for up to a minute, and minimising an 80 KiB catalogue
// would take a whole `make fuzz` run; the full files are covered by unit tests.
const maxFuzzInput = 8 << 10

// addSeeds adds every file matching the glob patterns to the fuzz corpus, each
// passed through shrink.
func addSeeds(f *testing.F, shrink func(f *testing.F, data []byte, file string) []byte, patterns ...string) {
	f.Helper()
	n := 0
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(shrink(f, data, file))
			n++
		}
	}
	if n == 0 {
		f.Fatalf("no seed files match %v", patterns)
	}
}

// asIs keeps a seed file unchanged.
func asIs(f *testing.F, data []byte, file string) []byte {
	if len(data) > maxFuzzInput {
		f.Fatalf("seed %s is larger than %d bytes", file, maxFuzzInput)
	}
	return data
}

// frameworkSeed keeps a small framework file as it is, and cuts a large one down
// to its first requirements (and the groups they sit in) so that it still parses.
func frameworkSeed(f *testing.F, data []byte, file string) []byte {
	if len(data) <= maxFuzzInput || strings.HasSuffix(file, ".mapping.yaml") || filepath.Base(file) == "attestations.yaml" {
		return data
	}
	fw, err := controls.ParseFramework(data, file)
	if err != nil {
		f.Fatal(err)
	}
	var best []byte
	for k := 1; k <= len(fw.Requirements); k++ {
		small := *fw
		small.Notes = ""
		small.Requirements = fw.Requirements[:k]
		small.Groups = groupsOf(fw.Groups, small.Requirements)
		out, err := yaml.Marshal(&small)
		if err != nil {
			f.Fatal(err)
		}
		if len(out) > maxFuzzInput {
			break
		}
		best = out
	}
	if best == nil {
		f.Fatalf("cannot cut %s below %d bytes", file, maxFuzzInput)
	}
	if _, err := controls.ParseFramework(best, file); err != nil {
		f.Fatalf("cut seed of %s does not parse: %v", file, err)
	}
	return best
}

// groupsOf keeps the groups (and their ancestors) that requirements sit in, in order.
func groupsOf(groups []controls.Group, reqs []controls.Requirement) []controls.Group {
	parent := map[string]string{}
	for _, g := range groups {
		parent[g.ID] = g.Parent
	}
	keep := map[string]bool{}
	for _, r := range reqs {
		for g := r.Group; g != "" && !keep[g]; g = parent[g] {
			keep[g] = true
		}
	}
	var out []controls.Group
	for _, g := range groups {
		if keep[g.ID] {
			out = append(out, g)
		}
	}
	return out
}

// checkError is the fuzz targets' one assertion about an error.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error is not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, fuzzFile+": ") {
		t.Fatalf("error does not start with the file name: %q", msg)
	}
}

func FuzzParseFramework(f *testing.F) {
	addSeeds(f, frameworkSeed, "frameworks/*.yaml")
	f.Add([]byte("id: x\ntitle: T\nversion: \"1\"\nsource: s\nvocabulary: satre\ngroups: [{id: g, title: G}, {id: h, title: H, parent: g}]\nrequirements:\n  - {id: r, title: R, group: h, importance: Mandatory, checks: [AWS-S3-001], attestations: [pentest]}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	kinds, err := controls.ParseAttestationKinds(builtinKinds(f), "attestations.yaml")
	if err != nil {
		f.Fatal(err)
	}
	resolve := func(id string) (string, bool) { return strings.ToUpper(id), strings.HasPrefix(id, "AWS-") }
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		fw, err := controls.ParseFramework(data, fuzzFile)
		checkError(t, err)
		if err != nil {
			return
		}
		// A parsed framework can be added to a catalogue; a rejection is one line too.
		cat := &controls.Catalogue{Kinds: map[string]*controls.AttestationKind{}}
		for _, k := range kinds {
			cat.Kinds[k.ID] = k
		}
		checkError(t, cat.Add(fw, resolve))
	})
}

func FuzzParseAttestations(f *testing.F) {
	addSeeds(f, asIs, "testdata/attestations/*.yaml")
	f.Add([]byte("attestations:\n  - {id: pentest, attested_by: abc, date: 2026-01-01, statement: 0123456789, details: {a: 1.5e3, b: .inf}}\n"))
	kindsList, err := controls.ParseAttestationKinds(builtinKinds(f), "attestations.yaml")
	if err != nil {
		f.Fatal(err)
	}
	kinds := map[string]*controls.AttestationKind{}
	for _, k := range kindsList {
		kinds[k.ID] = k
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		_, err := controls.ParseAttestations(data, fuzzFile, nil)
		checkError(t, err)
		list, err := controls.ParseAttestations(data, fuzzFile, kinds)
		checkError(t, err)
		if err != nil {
			return
		}
		// Judging what parsed must not panic either.
		cat := &controls.Catalogue{Kinds: kinds}
		controls.Assess(controls.Input{Catalogue: cat, Attestations: list, AsOf: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)})
	})
}

func FuzzParseWaivers(f *testing.F) {
	addSeeds(f, asIs, "testdata/waivers/*.yaml")
	f.Add([]byte("waivers:\n  - {id: x, check: AWS-S3-001, resource: '*?*', reason: 0123456789, approver: abc, expires: 9999-12-31, approved_on: 0001-01-01}\n"))
	resolve := func(id string) (string, bool) { return id, strings.HasPrefix(id, "AWS-") }
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		_, err := controls.ParseWaivers(data, fuzzFile, nil)
		checkError(t, err)
		list, err := controls.ParseWaivers(data, fuzzFile, resolve)
		checkError(t, err)
		at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		for _, w := range list {
			w.Expired(at)
			w.Matches(w.Check, w.Resource)
			controls.Glob(w.Resource, "aws://111111111111/eu-west-2/s3/bucket/research-raw")
		}
	})
}
