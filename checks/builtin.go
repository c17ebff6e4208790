package checks

import (
	"embed"
	"io/fs"
	"path"
	"sort"
)

// builtinFS holds the checks shipped in the binary: every collector's policy
// folder (checks/<collector>/policy), each beside the collector whose facts it
// reads. The folders a collector owns are registered (Collector.PolicyDir);
// TestRegistry (cmd/sdescan/internal/cli) proves the two agree.
//
//go:embed */policy/*.rego
var builtinFS embed.FS

// Builtin is the policy source of the checks sdescan ships.
func Builtin() PolicySource {
	return PolicySource{Name: "builtin", FS: builtinFS}
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
