package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNothingAssessedExits3: a run that assessed nothing (every collector run
// failed, or facts with neither a run nor a resource) exits 3 with one line
// saying why, without --strict; a partial run still exits 0 without --strict.
func TestNothingAssessedExits3(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const tool = `"tool": {"name": "sdescan", "version": "test"}, "collected_at": "2026-12-01T00:00:00Z"`
	failed := write("failed.json", `{`+tool+`, "runs": [
	  {"collector": "aws", "scope": "111111111111 eu-west-2", "status": "failed", "errors": [{"collector": "aws", "message": "AccessDenied: not authorised"}]},
	  {"collector": "aws", "scope": "111111111111 global", "status": "failed", "errors": [{"collector": "aws", "message": "AccessDenied"}]}],
	  "resources": []}`)
	empty := write("empty.json", `{`+tool+`, "runs": [], "resources": []}`)
	partial := write("partial.json", `{`+tool+`, "runs": [
	  {"collector": "aws", "scope": "111111111111 eu-west-2", "status": "failed", "errors": [{"collector": "aws", "message": "AccessDenied"}]},
	  {"collector": "aws", "scope": "111111111111 global", "status": "ok"}],
	  "resources": []}`)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"every run failed", []string{"evaluate", failed}, ExitIncomplete,
			"sdescan: nothing assessed: all 2 collector runs failed; aws 111111111111 eu-west-2: AccessDenied: not authorised\n"},
		{"no run, no resource", []string{"evaluate", empty}, ExitIncomplete,
			"sdescan: nothing assessed: " + empty + " records no collector run and no resource\n"},
		{"partial without --strict", []string{"evaluate", partial}, ExitOK, ""},
		{"partial with --strict", []string{"evaluate", partial, "--strict"}, ExitIncomplete,
			"sdescan: scan incomplete: collector aws (111111111111 eu-west-2) is failed with 1 error(s)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, append(tc.args, "--output", filepath.Join(t.TempDir(), "out.txt"))...)
			if r.code != tc.code || r.stderr != tc.stderr {
				t.Errorf("exit %d, stderr %q; want %d, %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}
}

// TestScanAWSUnreachable: scan --aws against an endpoint nothing listens on
// exits 3 and says why on stderr (the endpoint is a closed loopback port).
func TestScanAWSUnreachable(t *testing.T) {
	unreachableAWS(t)
	r := runBounded(t, "scan", "--aws", "--region", "eu-west-2", "--output", filepath.Join(t.TempDir(), "out.txt"))
	if r.code != ExitIncomplete || !strings.HasPrefix(r.stderr, "sdescan: nothing assessed: the collector run failed; aws ") ||
		!strings.Contains(r.stderr, "connection refused") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q; want exit 3 and one line saying the collector run failed", r.code, r.stderr)
	}
}

// unreachableAWS points the AWS SDK at a closed loopback port with example
// credentials and no shared configuration, so nothing leaves the machine and
// every call fails at once.
func unreachableAWS(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close()
	home := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "test-secret",
		"AWS_REGION": "eu-west-2", "AWS_CONFIG_FILE": filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1", "AWS_PROFILE": "", "AWS_SESSION_TOKEN": "",
	} {
		t.Setenv(k, v)
	}
}
