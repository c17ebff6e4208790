package checks

import (
	"embed"
	"io/fs"
)

// builtinFS holds the checks shipped in the binary, beside the collectors whose
// facts they read.
//
//go:embed aws/policy/*.rego github/policy/*.rego trivy/policy/*.rego
var builtinFS embed.FS

// Builtin is the policy source of the checks sdescan ships.
func Builtin() PolicySource {
	return PolicySource{Name: "builtin", FS: builtinFS}
}

// BuiltinFS exposes the embedded policy tree (for evidence packs).
func BuiltinFS() fs.FS { return builtinFS }
