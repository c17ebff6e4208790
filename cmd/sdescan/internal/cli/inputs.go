package cli

import (
	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/controls/runner"
)

// readInputFiles reads each file, at most max bytes, for the runner; an error
// is bad input (exit 2) naming the file.
func readInputFiles(files []string, max int64) ([]runner.File, error) {
	var out []runner.File
	for _, file := range files {
		data, err := limits.ReadFile(file, max)
		if err != nil {
			return nil, inputError(err)
		}
		out = append(out, runner.File{Name: file, Data: data})
	}
	return out, nil
}

// openAttestations opens each attestations file's folder: its documents resolve
// inside it (as controls.LoadAttestations), and a pack reads them from it again.
func openAttestations(files []string) ([]runner.AttestationFile, error) {
	var out []runner.AttestationFile
	for _, file := range files {
		fsys, base, err := controls.OpenAttestationDir(file)
		if err != nil {
			return nil, inputError(err)
		}
		out = append(out, runner.AttestationFile{FS: fsys, File: base, Name: file})
	}
	return out, nil
}

// builtinSetup is the setup of a command that runs the built-in checks alone
// (iac, image, openness): Trivy's checks resolve too, so that waiver files and
// frameworks shared with scan may cite them.
func builtinSetup(p runner.Params, g runner.Gate, lim engine.EvalLimits, waivers []string) (runner.Setup, error) {
	builtin, err := builtinPolicies()
	if err != nil {
		return runner.Setup{}, err
	}
	s := runner.Setup{
		Tool:       checks.Version{Name: "sdescan", Version: Version},
		Policies:   []checks.PolicySource{builtin},
		Collectors: registry(),
		Params:     p,
		Gate:       g,
		Limits:     lim,
	}
	s.Waivers, err = readInputFiles(waivers, limits.Waivers)
	return s, err
}
