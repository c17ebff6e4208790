package github

import (
	"compress/zlib"
	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/collectors/github/rap"
)

const notebookWithOutputs = `{"cells": [{"cell_type": "code", "source": ["df.head()"], "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["nhs_number  age"]}}]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`
const notebookClean = `{"cells": [{"cell_type": "code", "source": ["df.head()"], "outputs": []}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`

// fixtures builds the local repositories the tests read.
func fixtures(t *testing.T) (dir string, repos map[string]string) {
	t.Helper()
	dir = t.TempDir()
	code := map[string]string{"rtt/run.py": "print('ok')\n"}
	with := func(m map[string]string, more map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	repos = map[string]string{
		"licence-LICENSE":     makeRepo(t, dir, "licence-LICENSE", step{write: with(code, map[string]string{"LICENSE": mitText})}),
		"licence-LICENCE.md":  makeRepo(t, dir, "licence-LICENCE.md", step{write: with(code, map[string]string{"LICENCE.md": mitText})}),
		"licence-COPYING":     makeRepo(t, dir, "licence-COPYING", step{write: with(code, map[string]string{"COPYING": mitText})}),
		"licence-license.txt": makeRepo(t, dir, "licence-license.txt", step{write: with(code, map[string]string{"license.txt": mitText})}),
		"no-licence":          makeRepo(t, dir, "no-licence", step{write: with(code, map[string]string{"README.md": "short"})}),
		"non-osi":             makeRepo(t, dir, "non-osi", step{write: with(code, map[string]string{"LICENSE": jsonLicenceText})}),
		"data-files": makeRepo(t, dir, "data-files", step{write: with(code, map[string]string{
			"data/cohort.csv": "nhs_number,age\n", ".Rhistory": "load('x')\n", "analysis.RData": "RDX3",
			"explore.ipynb": notebookWithOutputs, "clean.ipynb": notebookClean,
		})}),
		"secret-in-history": makeRepo(t, dir, "secret-in-history",
			step{write: with(code, map[string]string{"config.py": "AWS_ACCESS_KEY_ID = \"" + PlantedSecret + "\"\n", "extract.xlsx": "PK"})},
			step{remove: []string{"config.py", "extract.xlsx"}, write: map[string]string{"config.py.example": "AWS_ACCESS_KEY_ID = os.environ['AWS_ACCESS_KEY_ID']\n"}},
		),
		"gold": makeRepo(t, dir, "gold",
			step{write: with(code, map[string]string{
				"LICENSE": mitText, "README.md": goodReadme, "requirements.txt": "pandas==2.2.3\nnumpy==2.1.0  # arrays\n",
				"pyproject.toml": "[project]\nname = \"rtt\"\n", "tests/test_run.py": "def test_ok():\n    assert True\n",
				".github/workflows/test.yml": "on: [push]\n", "CHANGELOG.md": "# 1.0.0\n",
			}), tag: "v1.0.0"},
		),
	}
	return dir, repos
}

func collectOne(t *testing.T, root string) checks.Resource {
	t.Helper()
	res, run := CollectLocal(context.Background(), []string{root}, LocalOptions{})
	if run.Status != checks.RunOK || len(res) != 1 {
		t.Fatalf("%s: run %s, %d resources, errors %v", root, run.Status, len(res), run.Errors)
	}
	return res[0]
}

func TestLocalLicenceSpellings(t *testing.T) {
	_, repos := fixtures(t)
	cases := []struct {
		repo, file, spdx string
		osi              any
	}{
		{"licence-LICENSE", "LICENSE", "MIT", true},
		{"licence-LICENCE.md", "LICENCE.md", "MIT", true},
		{"licence-COPYING", "COPYING", "MIT", true},
		{"licence-license.txt", "license.txt", "MIT", true},
		{"no-licence", "", "", nil},
		{"non-osi", "LICENSE", "JSON", false},
	}
	for _, c := range cases {
		t.Run(c.repo, func(t *testing.T) {
			a := collectOne(t, repos[c.repo]).Attributes
			if a["licence_file"] != c.file {
				t.Errorf("licence_file = %v, want %q", a["licence_file"], c.file)
			}
			if c.file == "" {
				if _, ok := a["licence_spdx"]; ok {
					t.Errorf("licence_spdx set without a licence file: %v", a["licence_spdx"])
				}
				return
			}
			if a["licence_spdx"] != c.spdx || a["licence_osi_approved"] != c.osi {
				t.Errorf("licence = %v osi %v, want %s osi %v", a["licence_spdx"], a["licence_osi_approved"], c.spdx, c.osi)
			}
		})
	}
}

func TestLocalFacts(t *testing.T) {
	_, repos := fixtures(t)
	data := collectOne(t, repos["data-files"]).Attributes
	if got := data["data_files"]; !reflect.DeepEqual(got, []any{".Rhistory", "analysis.RData", "data/cohort.csv"}) {
		t.Errorf("data_files = %v", got)
	}
	if got := data["notebooks_with_outputs"]; !reflect.DeepEqual(got, []any{"explore.ipynb"}) {
		t.Errorf("notebooks_with_outputs = %v", got)
	}

	hist := collectOne(t, repos["secret-in-history"]).Attributes
	secrets, _ := hist["secrets"].([]any)
	if len(secrets) != 1 {
		t.Fatalf("secrets = %v, want one", hist["secrets"])
	}
	s := secrets[0].(map[string]any)
	if s["rule"] != "aws-access-key-id" || s["file"] != "config.py" || s["in_head"] != false || len(s["commit"].(string)) != 40 {
		t.Errorf("secret = %v", s)
	}
	if got := hist["data_files_in_history"]; !reflect.DeepEqual(got, []any{"extract.xlsx"}) {
		t.Errorf("data_files_in_history = %v", got)
	}
	if hist["history_complete"] != true || hist["commits_scanned"] != float64(2) {
		t.Errorf("history_complete %v commits %v", hist["history_complete"], hist["commits_scanned"])
	}

	goldRes := collectOne(t, repos["gold"])
	gold := goldRes.Attributes
	want := map[string]any{
		"readme_explains_usage": true, "dependencies_pinned": true, "packaged": true,
		"has_tags": true, "changelog_file": "CHANGELOG.md", "ci_systems": []any{"github-actions"},
		"test_files": float64(1), "open_source_languages": true, "primary_language": "Python",
	}
	for k, v := range want {
		if !reflect.DeepEqual(gold[k], v) {
			t.Errorf("gold %s = %v, want %v", k, gold[k], v)
		}
	}
	// The RAP level is judged from the OPEN findings, not recorded by the collector.
	cases := []struct {
		repo, level string
		missing     bool
	}{{"gold", rap.Gold, false}, {"no-licence", rap.None, true}}
	for _, c := range cases {
		r := collectOne(t, repos[c.repo])
		for _, k := range []string{"rap_level", "rap_missing", "rap_unassessed"} {
			if _, ok := r.Attributes[k]; ok {
				t.Errorf("%s: the collector wrote %s", c.repo, k)
			}
		}
		facts := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: "test"}, CollectedAt: fixtureTime, Resources: []checks.Resource{r}}
		e, err := engine.New(collectors.Builtin())
		if err != nil {
			t.Fatal(err)
		}
		findings, err := e.Evaluate(context.Background(), facts, engine.Params{AsOf: fixtureTime})
		if err != nil {
			t.Fatal(err)
		}
		if l := rap.Assess(r, findings); l.Level != c.level || (len(l.Missing) > 0) != c.missing {
			t.Errorf("%s: RAP %s %q, want %s", c.repo, l.Level, l.Missing, c.level)
		}
	}
}

// The secret planted in history (added, then deleted) is found, and its value
// appears nowhere: not in facts, findings, messages or errors.
func TestLocalSecretNeverStored(t *testing.T) {
	dir, repos := fixtures(t)
	before := headOf(t, repos["secret-in-history"])
	res, run := CollectLocal(context.Background(), []string{dir}, LocalOptions{Recursive: true})
	if len(res) != len(repos) {
		t.Fatalf("recursive found %d repositories, want %d (errors %v)", len(res), len(repos), run.Errors)
	}
	facts := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: "test"}, CollectedAt: fixtureTime, Runs: []checks.CollectorRun{run}, Resources: res}
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	findings, err := e.Evaluate(context.Background(), facts, engine.Params{AsOf: fixtureTime})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(map[string]any{"facts": facts, "findings": findings})
	if strings.Contains(string(out), PlantedSecret) || strings.Contains(string(out), PlantedSecret[4:]) {
		t.Fatal("the planted secret appears in facts or findings")
	}
	found := false
	for _, f := range findings {
		if f.CheckID == "OPEN-008" && strings.Contains(f.ResourceID, "secret-in-history") {
			found = f.Status == checks.Fail && strings.Contains(strings.Join(f.Messages, " "), "aws-access-key-id")
		}
	}
	if !found {
		t.Error("OPEN-008 does not fail on the repository with a secret in its history")
	}
	if after := headOf(t, repos["secret-in-history"]); after != before {
		t.Error("the scan moved HEAD")
	}
}

// Each check's verdict on the fixtures, through the real engine.
func TestLocalFindings(t *testing.T) {
	_, repos := fixtures(t)
	var list []string
	for _, r := range repos {
		list = append(list, r)
	}
	res, run := CollectLocal(context.Background(), list, LocalOptions{})
	facts := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: "test"}, CollectedAt: fixtureTime, Runs: []checks.CollectorRun{run}, Resources: res}
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	findings, err := e.Evaluate(context.Background(), facts, engine.Params{AsOf: fixtureTime})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]checks.Status{}
	for _, f := range findings {
		got[filepath.Base(f.ResourceID)+" "+f.CheckID] = f.Status
	}
	cases := map[string]checks.Status{
		"gold OPEN-001": checks.Pass, "gold OPEN-002": checks.Pass, "gold OPEN-003": checks.Pass,
		"gold OPEN-004": checks.Pass, "gold OPEN-005": checks.Pass, "gold OPEN-006": checks.Pass,
		"gold OPEN-008": checks.Pass, "gold OPEN-009": checks.Pass,
		"no-licence OPEN-001": checks.Fail, "no-licence OPEN-002": checks.Fail, "no-licence OPEN-003": checks.Fail,
		"no-licence OPEN-004": checks.Fail, "no-licence OPEN-005": checks.Fail, "no-licence OPEN-006": checks.Fail,
		"non-osi OPEN-001": checks.Fail, "licence-COPYING OPEN-001": checks.Pass,
		"data-files OPEN-009": checks.Fail, "secret-in-history OPEN-009": checks.Fail,
		"secret-in-history OPEN-008": checks.Fail,
	}
	for k, want := range cases {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	for k := range got {
		if strings.Contains(k, "OPEN-007") || strings.Contains(k, "OPEN-010") {
			t.Errorf("%s: a GitHub-only check judged a local repository", k)
		}
	}
}

// A path that is not a repository is a collection error, never a resource; the
// checks over git.repo are then not assessed (see the CLI test for the roll-up).
func TestLocalNotARepository(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.Mkdir(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		paths     []string
		recursive bool
	}{
		{"plain directory", []string{plain}, false},
		{"missing path", []string{filepath.Join(dir, "absent")}, false},
		{"recursive, nothing found", []string{plain}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, run := CollectLocal(context.Background(), c.paths, LocalOptions{Recursive: c.recursive, Now: func() time.Time { return fixtureTime }})
			if len(res) != 0 || run.Status != checks.RunFailed || len(run.Errors) == 0 {
				t.Fatalf("resources %d, status %s, errors %v", len(res), run.Status, run.Errors)
			}
			if got := run.Errors[0].ResourceTypes; !reflect.DeepEqual(got, []string{TypeLocalRepo}) {
				t.Errorf("error hides %v", got)
			}
		})
	}
}

// A history longer than the bound is scanned up to it: with no secret found the
// secrets fact is left out (not assessed), never reported as clean.
func TestLocalHistoryBound(t *testing.T) {
	dir := t.TempDir()
	root := makeRepo(t, dir, "long", step{write: map[string]string{"a.py": "1"}}, step{write: map[string]string{"a.py": "2"}}, step{write: map[string]string{"a.py": "3"}})
	res, _ := CollectLocal(context.Background(), []string{root}, LocalOptions{MaxCommits: 2})
	a := res[0].Attributes
	if a["history_complete"] != false {
		t.Fatalf("history_complete = %v", a["history_complete"])
	}
	if _, ok := a["secrets"]; ok {
		t.Errorf("secrets reported for an incomplete history: %v", a["secrets"])
	}
}

// writeLooseBlob writes a blob of size zero bytes (or text, repeated) as a loose
// object, streaming: neither the test nor git holds it whole.
func writeLooseBlob(t *testing.T, root string, size int64, prefix, fill string) plumbing.Hash {
	t.Helper()
	objects := filepath.Join(root, ".git", "objects")
	tmp, err := os.CreateTemp(objects, "tmp-")
	if err != nil {
		t.Fatal(err)
	}
	h := sha1.New()
	zw, err := zlib.NewWriterLevel(tmp, zlib.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	w := io.MultiWriter(h, zw)
	fmt.Fprintf(w, "blob %d\x00", size)
	io.WriteString(w, prefix)
	chunk := []byte(strings.Repeat(fill, (1<<20)/len(fill)))
	for left := size - int64(len(prefix)); left > 0; {
		n := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			t.Fatal(err)
		}
		left -= n
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tmp.Close(); err != nil {
		t.Fatal(err)
	}
	var hash plumbing.Hash
	copy(hash[:], h.Sum(nil))
	dir := filepath.Join(objects, hash.String()[:2])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, hash.String()[2:])); err != nil {
		t.Fatal(err)
	}
	return hash
}

// commitBlobs commits the blobs, by name, on top of HEAD.
func commitBlobs(t *testing.T, root string, blobs map[string]plumbing.Hash) {
	t.Helper()
	repo, err := git.PlainOpen(root)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	parent, err := repo.CommitObject(head.Hash())
	if err != nil {
		t.Fatal(err)
	}
	tree, err := parent.Tree()
	if err != nil {
		t.Fatal(err)
	}
	entries := append([]object.TreeEntry(nil), tree.Entries...)
	for name, h := range blobs {
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	store := func(o interface {
		Encode(plumbing.EncodedObject) error
	}) plumbing.Hash {
		obj := repo.Storer.NewEncodedObject()
		if err := o.Encode(obj); err != nil {
			t.Fatal(err)
		}
		h, err := repo.Storer.SetEncodedObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	sig := object.Signature{Name: "Analyst", Email: "analyst@example.nhs.uk", When: fixtureTime.Add(24 * time.Hour)}
	c := store(&object.Commit{Author: sig, Committer: sig, Message: "big", TreeHash: store(&object.Tree{Entries: entries}), ParentHashes: []plumbing.Hash{head.Hash()}})
	if err := repo.Storer.SetReference(plumbing.NewHashReference(head.Name(), c)); err != nil {
		t.Fatal(err)
	}
}

// A 200 MiB blob is never held whole: its size comes from the object header, it
// is not read, and it is recorded as not scanned, so the repository's secrets are
// not assessed (never clean). A 3 MiB one is read up to 2 MiB only.
func TestLocalHugeBlobStreamed(t *testing.T) {
	dir := t.TempDir()
	root := makeRepo(t, dir, "huge", step{write: map[string]string{"README.md": "x\n"}})
	huge := writeLooseBlob(t, root, 200<<20, "", "\x00")
	commitBlobs(t, root, map[string]plumbing.Hash{"dump.txt": huge})

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, run := CollectLocal(context.Background(), []string{root}, LocalOptions{})
	runtime.ReadMemStats(&after)
	if len(res) != 1 {
		t.Fatalf("errors %v", run.Errors)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("scanning a repository with a 200 MiB blob allocated %d MiB", alloc>>20)
	}
	a := res[0].Attributes
	if _, ok := a["secrets"]; ok {
		t.Errorf("secrets = %v: a blob that was not scanned cannot give a clean verdict", a["secrets"])
	}
	un, _ := json.Marshal(a["secrets_unscanned"])
	if !strings.Contains(string(un), `"file":"dump.txt"`) || !strings.Contains(string(un), "not scanned: larger than 8 MiB") || !strings.Contains(string(un), `"size":209715200`) {
		t.Errorf("secrets_unscanned = %s", un)
	}
	facts := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: "test"}, CollectedAt: fixtureTime, Runs: []checks.CollectorRun{run}, Resources: res}
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	findings, err := e.Evaluate(context.Background(), facts, engine.Params{AsOf: fixtureTime})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.CheckID == "OPEN-008" && f.Status != checks.Error {
			t.Errorf("OPEN-008 is %s, want error (not assessed)", f.Status)
		}
	}

	// Partly scanned: a secret in the first 2 MiB is found; nothing past it is.
	root = makeRepo(t, dir, "large", step{write: map[string]string{"README.md": "x\n"}})
	large := writeLooseBlob(t, root, 3<<20, "AWS_ACCESS_KEY_ID = \""+PlantedSecret+"\"\n", "filler line\n")
	commitBlobs(t, root, map[string]plumbing.Hash{"notes.txt": large})
	r := collectOne(t, root)
	got, _ := json.Marshal(map[string]any{"secrets": r.Attributes["secrets"], "unscanned": r.Attributes["secrets_unscanned"]})
	if !strings.Contains(string(got), `"rule":"aws-access-key-id"`) || !strings.Contains(string(got), "only its first 2 MiB scanned") || strings.Contains(string(got), PlantedSecret) {
		t.Errorf("large blob: %s", got)
	}
}
