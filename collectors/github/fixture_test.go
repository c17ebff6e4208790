package github

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Licence texts for fixtures. MIT is OSI-approved; the JSON licence (MIT plus
// "shall be used for Good, not Evil") is not.
const (
	mitText = `MIT License

Copyright (c) 2026 NHS Example Trust

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`
	jsonLicenceText = `Copyright (c) 2026 NHS Example Trust

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

The Software shall be used for Good, not Evil.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`
	goodReadme = "# Waiting times analysis\n\nThis repository holds the code that turns the monthly referral-to-treatment\nextract into the waiting-time tables published by the trust each month, with the\nchecks used before publication.\n\n## How to run\n\n```sh\npip install -r requirements.txt\npython -m rtt.run --month 2026-10\n```\n"
)

// PlantedSecret is a fake AWS access key id in the shape of a real one. Tests
// assert it never appears in facts, findings or any rendered output. It is
// assembled from parts so that this file holds none (sdescan's own history is
// scanned by OPEN-008).
const PlantedSecret = "AK" + "IA" + "J2R5T7W3Y4Q6P2M5"

// step is one commit of a fixture repository: files to write (relative path to
// content) and files to delete.
type step struct {
	write  map[string]string
	remove []string
	tag    string
}

var fixtureTime = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// makeRepo creates a repository under dir/name with go-git and commits the steps.
func makeRepo(t *testing.T, dir, name string, steps ...step) string {
	t.Helper()
	root := filepath.Join(dir, name)
	repo, err := git.PlainInit(root, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		for p, content := range s.write {
			f := filepath.Join(root, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := wt.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range s.remove {
			if _, err := wt.Remove(p); err != nil {
				t.Fatal(err)
			}
		}
		when := fixtureTime.Add(time.Duration(i) * time.Hour)
		sig := &object.Signature{Name: "Analyst", Email: "analyst@example.nhs.uk", When: when}
		h, err := wt.Commit("step", &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
		if err != nil {
			t.Fatal(err)
		}
		if s.tag != "" {
			if _, err := repo.CreateTag(s.tag, h, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// headOf returns a repository's HEAD commit, to prove a scan moved nothing.
func headOf(t *testing.T, root string) plumbing.Hash {
	t.Helper()
	r, err := git.PlainOpen(root)
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h.Hash()
}
