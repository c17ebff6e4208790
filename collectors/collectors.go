// Package collectors owns what the collectors ship with sdescan besides their
// facts: the built-in checks, embedded from every collector's policy folder
// (collectors/<collector>/policy, beside the collector whose facts it reads) as
// one tree whose paths are "<collector>/policy/<file>.rego" (Builtin, BuiltinFS,
// BuiltinPolicyDirs, ShippedPolicies), and the registry the command line builds
// from the collectors (Collector, Registry), which everything that lists
// collectors reads.
//
// Each collector is a package below it, named for what it collects: aws (an
// AWS account or organization), github (git repositories and GitHub) and trivy
// (infrastructure as code and container images, through Trivy). The collectors
// import this package, for their registration and their shipped checks; it
// imports only the fact model (checks), never a collector nor the engine.
package collectors

import (
	"embed"
	"io/fs"
	"path"
	"sort"

	"github.com/sdescan/sdescan/checks"
)

// builtinFS holds the checks shipped in the binary: every collector's policy
// folder (collectors/<collector>/policy), each beside the collector whose facts it
// reads. The folders a collector owns are registered (Collector.PolicyDir);
// TestRegistry (cmd/sdescan/internal/cli) proves the two agree.
//
//go:embed */policy/*.rego
var builtinFS embed.FS

// Builtin is the policy source of the checks sdescan ships.
func Builtin() checks.PolicySource {
	return checks.PolicySource{Name: "builtin", FS: builtinFS}
}

// BuiltinFS exposes the embedded policy tree (for evidence packs).
func BuiltinFS() fs.FS { return builtinFS }

// BuiltinPolicyDirs are the policy folders of the embedded tree ("aws/policy"),
// sorted.
func BuiltinPolicyDirs() []string {
	dirs, _ := fs.Glob(builtinFS, "*/policy")
	sort.Strings(dirs)
	for i, d := range dirs {
		dirs[i] = path.Clean(d)
	}
	return dirs
}
