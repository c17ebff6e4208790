package github

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"

	"github.com/sdescan/sdescan/checks"
)

func TestStripUserinfo(t *testing.T) {
	tests := []struct{ in, want string }{
		// Userinfo that url.Parse accepts.
		{"https://user:secretpw@github.com/org/repo.git", "https://github.com/org/repo.git"},
		{"https://ghp_tokenAsUserName@github.com/org/repo", "https://github.com/org/repo"},
		{"ssh://git@github.com:2222/org/repo.git", "ssh://github.com:2222/org/repo.git"},
		{"git://user:secretpw@git.example.org/repo", "git://git.example.org/repo"},
		{"file://user:secretpw@host.example/srv/repo", "file://host.example/srv/repo"},
		{"https://tok@[::1]:8080/org/repo", "https://[::1]:8080/org/repo"},
		{"http://user:secretpw@localhost:3000/org/repo", "http://localhost:3000/org/repo"},
		// Userinfo that url.Parse rejects.
		{"https://user:p@ss/word@github.com/org/repo", "https://github.com/org/repo"},
		{"https://user:pa%zzss@host/x", "https://host/x"},
		{"https://user:pa%zzss@git.example.org/x", "https://git.example.org/x"},
		{"https://user:secret pw@github.com/org/repo", "https://github.com/org/repo"},
		{"https://user:pa#ss@github.com/org/repo", "https://github.com/org/repo"},
		{"https://user:pa?ss@github.com/org/repo", "https://github.com/org/repo"},
		{"https://user:p/ss@github.com/org/repo", "https://github.com/org/repo"},
		{"https://us@er:secretpw@github.com/org/repo", "https://github.com/org/repo"},
		{"https://user:secretpw@github.com:notaport/org/repo", "https://github.com:notaport/org/repo"},
		{"https://user:secretpw@host:port/x", "https://host:port/x"},
		{"HTTPS://user:secretpw@GitHub.com/org/repo", "HTTPS://GitHub.com/org/repo"},
		// scp-like.
		{"git@github.com:org/repo.git", "github.com:org/repo.git"},
		{"user:secretpw@host:org/repo", "host:org/repo"},
		{"user:secretpw@git.example.org:org/repo", "git.example.org:org/repo"},
		{"user:p@ss@git.example.org:org/repo", "git.example.org:org/repo"},
		{"user:p/ss@git.example.org:org/repo", "git.example.org:org/repo"},
		// Nothing to strip.
		{"https://github.com/org/repo.git", "https://github.com/org/repo.git"},
		{"https://github.com/org/repo@v1", "https://github.com/org/repo@v1"},
		{"github.com:org/repo.git", "github.com:org/repo.git"},
		{"file:///srv/git/repo.git", "file:///srv/git/repo.git"},
		{"/srv/git/repo@2.git", "/srv/git/repo@2.git"},
		{"./repo@x", "./repo@x"},
		{"../repo", "../repo"},
		{"~/src/repo", "~/src/repo"},
		{"dir/a@b:c", "dir/a@b:c"},
		{"", ""},
	}
	for _, tt := range tests {
		got := StripUserinfo(tt.in)
		if got != tt.want {
			t.Errorf("StripUserinfo(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for _, secret := range []string{"secretpw", "p@ss", "ss/word", "pa%zz", "secret pw", "pa#ss", "pa?ss", "p/ss", "tokenAsUserName"} {
			if strings.Contains(tt.in, secret) && strings.Contains(got, secret) {
				t.Errorf("StripUserinfo(%q) = %q keeps %q", tt.in, got, secret)
			}
		}
	}
}

// A repository whose origin holds a password in any spelling: the saved facts
// (and the run's errors) never hold it.
func TestLocalRemotePasswordNeverStored(t *testing.T) {
	remotes := []string{
		"https://user:p@ss/word@github.com/org/repo",
		"https://user:pa%zzss@host/x",
		"user:pass-scp-secret@host:org/repo",
		"https://user:port-secret@github.com:notaport/org/repo",
		"ssh://user:ssh-secret@git.example.org/org/repo",
	}
	secrets := []string{"p@ss", "ss/word", "pa%zzss", "pass-scp-secret", "port-secret", "ssh-secret"}
	dir := t.TempDir()
	var roots []string
	for i, remote := range remotes {
		root := makeRepo(t, dir, "r"+string(rune('a'+i)), step{write: map[string]string{"README.md": "x\n"}})
		repo, err := git.PlainOpen(root)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{remote}}); err != nil {
			t.Fatalf("%s: %v", remote, err)
		}
		roots = append(roots, root)
	}
	res, run := CollectLocal(context.Background(), roots, LocalOptions{})
	if len(res) != len(remotes) {
		t.Fatalf("%d resources, errors %v", len(res), run.Errors)
	}
	facts := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: "test"}, CollectedAt: fixtureTime, Runs: []checks.CollectorRun{run}, Resources: res}
	out, err := json.Marshal(facts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(out), s) {
			t.Errorf("password %q in the facts: %s", s, out)
		}
	}
	hosts := 0
	for _, r := range res {
		if u, _ := r.Attributes["remote_url"].(string); strings.Contains(u, "host") || strings.Contains(u, "github.com") || strings.Contains(u, "git.example.org") {
			hosts++
		}
	}
	if hosts != len(remotes) {
		t.Errorf("remote URLs lost their host: %s", out)
	}
}
