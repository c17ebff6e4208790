// Package limits owns the bounds on every input sdescan reads from a user or a
// pack: which files may be read at all (regular files only, so a FIFO or a
// device such as /dev/zero ends at once), how large each kind of file may be,
// and how far YAML aliases may expand. Every reader of a file the user names
// goes through ReadFile; every YAML parser checks Aliases before it decodes.
//
// The limits are documented in SECURITY.md ("Limits"); a file beyond one is an
// input error (exit 2) naming the file and the limit.
package limits
