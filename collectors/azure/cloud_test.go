package azure

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
)

// TestLoadCloud: a custom cloud file gives the SDK's configuration; anything
// else is one line naming the file and what is wrong, and never echoes a
// password a URL holds.
func TestLoadCloud(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "cloud.json")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{"name": "stack", "authority_host": "https://login.local/", "resource_manager": "https://management.local/", "audience": "https://management.local/"}`
	c, err := LoadCloud(write(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.ActiveDirectoryAuthorityHost != "https://login.local/" || c.Services[cloud.ResourceManager].Endpoint != "https://management.local/" || c.Services[cloud.ResourceManager].Audience != "https://management.local/" {
		t.Errorf("configuration %+v", c)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"plain http", strings.Replace(good, "https://login.local/", "http://login.local/", 1), "authority_host: \"http://login.local/\" is not https"},
		{"user information", strings.Replace(good, "https://management.local/\", \"audience", "https://u:hunter2@management.local/\", \"audience", 1), "resource_manager: \"https://u:xxxxx@management.local/\" holds user information"},
		{"no host", strings.Replace(good, "https://login.local/", "https:///x", 1), "authority_host: \"https:///x\" has no host"},
		{"missing field", `{"name": "x", "authority_host": "https://a/", "resource_manager": "https://b/"}`, "audience: missing"},
		{"unknown field", strings.Replace(good, `"name"`, `"nmae"`, 1), "unknown field"},
		{"no name", strings.Replace(good, `"stack"`, `""`, 1), "name is missing"},
		{"not JSON", "name: x", "invalid character"},
		{"two objects", good + good, "unexpected data after the JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(tc.body)
			_, err := LoadCloud(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), p+": ") || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("LoadCloud: %v, want %q naming the file", err, tc.want)
			}
		})
	}
	if _, err := LoadCloud("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadCloud(/dev/zero): %v", err)
	}
}
