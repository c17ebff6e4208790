package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/reports"
	"github.com/sdescan/sdescan/reports/pack"
)

// assessOptions are the flags shared by scan and evaluate.
type assessOptions struct {
	config         string
	policyDirs     []string
	attestations   []string
	waivers        []string
	frameworks     []string
	frameworkFiles []string
	asOf           string
	eval           evalLimitFlags
	format         string
	output         string
	outputDir      string
	failOn         string
	strict         bool
	// reports are extra outputs, FORMAT=FILE (--report, repeatable).
	reports []string
	// previous is an earlier pack or assessment JSON: the trend (--previous).
	previous string

	// pack says where to write an evidence pack (none when both are empty).
	pack packOptions
	// backupReview replaces the report by the backup review (sdescan backup).
	backupReview bool
	// packOnly writes the pack alone: no report, and no gate or --strict exit
	// (the pack command).
	packOnly bool

	cfg *Config // the configuration, once read (loadConfig)
}

func (o *assessOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	o.addInputFlags(f, "report")
	f.StringVarP(&o.format, "format", "f", "table", "output `FORMAT`: "+reports.FormatList())
	f.StringArrayVar(&o.reports, "report", nil, "also write the report in FORMAT to FILE, as `FORMAT=FILE` (repeatable; e.g. sarif=results.sarif)")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of stdout")
	f.StringVar(&o.outputDir, "output-dir", "", "also write assessment.json into `DIR`")
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when a failing, unwaived finding is at or above `SEVERITY`: critical, high, medium or low")
	f.BoolVar(&o.strict, "strict", false, "exit 3 when any collector run did not complete")
	f.StringVar(&o.previous, "previous", "", "an earlier evidence `PACK` or assessment JSON: add the trend to the reports")
}

// addInputFlags declares what an assessment is made of: configuration, checks,
// attestations, waivers, frameworks (which it is to verb: report or assess)
// and the assessment time.
func (o *assessOptions) addInputFlags(f *pflag.FlagSet, verb string) {
	f.StringVarP(&o.config, "config", "c", "", "configuration `FILE` (sdescan.yaml; see sdescan init)")
	f.StringArrayVar(&o.policyDirs, "policy", nil, "`DIR` of extra Rego checks (repeatable)")
	f.StringArrayVar(&o.attestations, "attestations", nil, "attestations `FILE` (repeatable)")
	f.StringArrayVar(&o.waivers, "waivers", nil, "waivers `FILE` (repeatable)")
	f.StringArrayVar(&o.frameworks, "framework", nil, verb+" only the framework `ID` (repeatable; default all)")
	f.StringArrayVar(&o.frameworkFiles, "framework-file", nil, "add a framework of your own from the YAML `FILE` (repeatable)")
	f.StringVar(&o.asOf, "as-of", "", "assessment `TIME` (YYYY-MM-DD or RFC 3339; default: when the facts were collected)")
	o.eval.add(f)
}

// loadConfig reads --config once (scan reads it before collecting, to know what
// code and images to add); without --config it is the default configuration.
func (o *assessOptions) loadConfig() (*Config, error) {
	if o.cfg != nil {
		return o.cfg, nil
	}
	o.cfg = &Config{}
	if o.config != "" {
		c, err := loadConfig(o.config)
		if err != nil {
			o.cfg = nil
			return nil, inputError(err)
		}
		o.cfg = c
	}
	return o.cfg, nil
}

// inputs are the files an assessment reads, wherever they come from.
type inputs struct {
	facts     *checks.Facts
	factsName string
	// file, when set and facts is nil, is a facts file streamed as it is
	// evaluated (runner.RunFile): no pack, no backup review.
	file string
	// evidence, when set, holds the raw evidence the facts cite: a reference
	// "evidence/aws/…" is that path in this file system (the directory of the
	// facts file, or where the collector wrote it). nil: the facts cite none.
	evidence fs.FS
	// demo, when set, supplies the attestation, waiver and framework files named below.
	demo           fs.FS
	demoAttest     []string
	demoWaivers    []string
	demoFrameworks []string
}

// run assesses the inputs and writes the report; the returned error carries the exit code.
func (o *assessOptions) run(ctx context.Context, g *globalOptions, in inputs) error {
	cfg, err := o.loadConfig()
	if err != nil {
		return err
	}
	if err := o.checkFormats(); err != nil {
		return err
	}
	prev, err := readPrevious(g, o.previous)
	if err != nil {
		return err
	}
	failOn := o.failOn
	if failOn == "" {
		failOn = cfg.FailOn
	}
	var gate checks.Severity
	if failOn != "" {
		s, err := checks.ParseSeverity(failOn)
		if err != nil {
			return inputError(fmt.Errorf("--fail-on: %w", err))
		}
		gate = s
	}
	// Runs that name no covers (facts made before runs recorded them) cover what
	// their collector's registration says, in the report and in the pack alike.
	registry().FillCovers(in.facts)
	streamed := in.facts == nil
	var pk *packing
	if o.pack.key != "" && !o.pack.enabled() {
		return inputError(errors.New("--key signs an evidence pack: give --pack FILE.zip or --pack-dir DIR too"))
	}
	if o.pack.enabled() {
		if pk, err = o.pack.prepare(in); err != nil {
			return err
		}
		in.facts = pk.facts.Facts
	}
	// The assessment time: --as-of, else when the facts were collected.
	asOfOf := func(f *checks.Facts) (time.Time, error) {
		if o.asOf != "" {
			return parseAsOf(o.asOf)
		}
		if t := f.AsOf(); !t.IsZero() {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("%s: no collected_at time; give --as-of", in.factsName)
	}
	var asOf time.Time
	if o.asOf != "" || !streamed {
		if asOf, err = asOfOf(in.facts); err != nil {
			return inputError(err)
		}
	}

	builtin, err := builtinPolicies()
	if err != nil {
		return err
	}
	sources := []checks.PolicySource{builtin}
	for _, d := range append(append([]string{}, cfg.PolicyDirs...), o.policyDirs...) {
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			return inputError(fmt.Errorf("%s: not a readable directory of checks", d))
		}
		sources = append(sources, checks.DirSource(d))
	}
	setup := runner.Setup{
		Tool:     checks.Version{Name: "sdescan", Version: Version},
		Policies: sources,
		// Trivy's checks too: a waiver file shared with `sdescan iac` may cite them.
		Collectors: registry(),
		Recorded:   in.facts,
		// How old a restore test may be (BKP-007); the pack records the catalogue
		// as changed, so verify judges it the same way.
		RestoreTestMaxAgeDays: cfg.Backup.RestoreTestMaxAgeDays,
		Params: runner.Params{AsOf: asOf, Frameworks: append(append([]string{}, cfg.Frameworks...), o.frameworks...),
			ClassificationTag: cfg.ClassificationTag, BreakGlassRoles: cfg.BreakGlassRoles, ExpiringDays: cfg.ExpiringDays,
			BackupDefaultRPOHours: cfg.Backup.DefaultRPOHours, BackupMinRetentionDays: cfg.Backup.MinRetentionDays,
			DataResidencyAllowedRegions: cfg.DataResidency.AllowedRegions, ImageMaxDBAgeDays: cfg.Image.MaxDBAgeDays,
			AzurePolicyInitiatives: cfg.Azure.PolicyInitiatives, AzureGuestObjectIDs: cfg.Azure.GuestObjectIDs},
		Gate: runner.Gate{Severity: gate},
	}
	if setup.Limits, err = o.eval.limits(); err != nil {
		return inputError(err)
	}
	for _, name := range in.demoFrameworks {
		data, err := fs.ReadFile(in.demo, name)
		if err != nil {
			return inputError(fmt.Errorf("demo %s: %w", name, err))
		}
		setup.Frameworks = append(setup.Frameworks, runner.File{Name: "demo/" + name, Data: data})
	}
	files, err := readInputFiles(append(append([]string{}, cfg.FrameworkFiles...), o.frameworkFiles...), limits.Framework)
	if err != nil {
		return err
	}
	setup.Frameworks = append(setup.Frameworks, files...)
	for _, name := range in.demoAttest {
		setup.Attestations = append(setup.Attestations, runner.AttestationFile{FS: in.demo, File: name, Name: "demo/" + name})
	}
	atts, err := openAttestations(append(append([]string{}, cfg.Attestations...), o.attestations...))
	if err != nil {
		return err
	}
	setup.Attestations = append(setup.Attestations, atts...)
	for _, name := range in.demoWaivers {
		data, err := fs.ReadFile(in.demo, name)
		if err != nil {
			return inputError(fmt.Errorf("demo/%s: %w", name, err))
		}
		setup.Waivers = append(setup.Waivers, runner.File{Name: "demo/" + name, Data: data})
	}
	files, err = readInputFiles(append(append([]string{}, cfg.Waivers...), o.waivers...), limits.Waivers)
	if err != nil {
		return err
	}
	setup.Waivers = append(setup.Waivers, files...)
	var review *reports.BackupReview
	var rin reports.Input
	var loc reports.Locator
	// Reports keep only what locates findings in files (loc); the backup review
	// reads the data stores' attributes.
	opts := runner.Options{Evaluated: func(facts *checks.Facts, findings *checks.FindingSet, list []*checks.Check) {
		if o.backupReview { // not streamed: in memory
			list, _ := findings.Collect()
			review = reports.NewBackupReview(facts, list, setup.Params.Checks(), "")
		}
		rin = reports.NewInput(nil, list, nil)
	}, Observe: loc.Observe}
	var prep *runner.Prepared
	var res *runner.Result
	if streamed {
		defer boundHeap(in.file)()
		if prep, res, in.facts, err = runner.RunFile(ctx, setup, in.file, asOfOf, opts); err != nil {
			return inputError(err)
		}
	} else {
		if prep, err = runner.Prepare(setup); err != nil {
			return inputError(err)
		}
		if res, err = prep.Run(ctx, in.facts, opts); err != nil {
			return err
		}
	}
	// The findings' temporary file, if they spilled to one, once the reports are written.
	defer res.Close()
	a := res.Assessment
	rin.Paths = loc.Paths()

	var built *pack.Files
	if pk != nil {
		built, err = pack.Build(&pack.BuildInput{
			Facts:    pk.facts,
			Prepared: prep,
			Result:   res,
			Key:      pk.key,
		})
		if err != nil {
			return inputError(err)
		}
	}

	rin.Assessment, rin.Previous, rin.Width = a, prev, g.width()
	if review != nil {
		review.SetRestoreTest(restoreTestState(a))
		if err := o.writeBackupReview(g, review); err != nil {
			return err
		}
	} else if !o.packOnly {
		if err := o.write(g, rin); err != nil {
			return err
		}
	}
	if built != nil {
		if err := o.pack.write(built); err != nil {
			return err
		}
	}
	if o.packOnly {
		return nil
	}
	return exitFor(in.facts, in.factsName, setup.Gate, res, o.strict)
}

// exitFor is a run's exit: 3 when nothing was assessed, 1 when the gate
// failed, 3 under --strict when a collector run did not complete.
func exitFor(facts *checks.Facts, name string, g runner.Gate, res *runner.Result, strict bool) error {
	v := res.Verdict
	if err := runner.NothingAssessed(facts, res.Resources, name); err != nil {
		return &exitError{code: ExitIncomplete, err: err}
	}
	if err := v.Err(g); err != nil {
		return &exitError{code: ExitGateFailed, err: err}
	}
	if strict {
		if err := runner.Incomplete(facts, name); err != nil {
			return &exitError{code: ExitIncomplete, err: err}
		}
	}
	return nil
}

// checkFormats refuses an unknown --format or --report, or a bad evaluation
// limit, before any work is done.
func (o *assessOptions) checkFormats() error {
	if _, err := o.eval.limits(); err != nil {
		return inputError(err)
	}
	if !contains(reports.Formats, o.format) {
		return inputError(fmt.Errorf("--format %q: want %s", o.format, reports.FormatList()))
	}
	seen := map[string]bool{}
	for _, r := range o.reports {
		format, file, ok := strings.Cut(r, "=")
		switch {
		case !ok || format == "" || file == "":
			return inputError(fmt.Errorf("--report %q: want FORMAT=FILE, e.g. sarif=results.sarif", r))
		case !contains(reports.Formats, format):
			return inputError(fmt.Errorf("--report %q: unknown format %q (want %s)", r, format, reports.FormatList()))
		case seen[file] || file == o.output:
			return inputError(fmt.Errorf("--report %q: %s is written twice", r, file))
		}
		seen[file] = true
	}
	return nil
}

// write renders the report to stdout or --output, and assessment.json to --output-dir.
// Files are streamed into a temporary file and renamed into place, so a failed run
// never leaves a half-written report behind.
func (o *assessOptions) write(g *globalOptions, in reports.Input) error {
	a := in.Assessment
	if o.outputDir != "" {
		if err := os.MkdirAll(o.outputDir, 0o755); err != nil {
			return inputError(fmt.Errorf("%s: %w", o.outputDir, cleanOSError(err)))
		}
		if err := writeFileAtomic(filepath.Join(o.outputDir, "assessment.json"), func(w io.Writer) error { return reports.JSONWithTrend(w, a, in.Previous) }); err != nil {
			return inputError(err)
		}
	}
	for _, r := range o.reports {
		format, file, _ := strings.Cut(r, "=")
		if err := writeFileAtomic(file, func(w io.Writer) error { return reports.Write(w, format, in) }); err != nil {
			return inputError(err)
		}
	}
	render := func(w io.Writer) error { return reports.Write(w, o.format, in) }
	if o.output != "" {
		return inputError(writeFileAtomic(o.output, render))
	}
	bw := bufio.NewWriterSize(g.stdout, 1<<16)
	if err := render(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// writeFileAtomic streams content into a temporary file beside file, then renames it.
func writeFileAtomic(file string, content func(io.Writer) error) error {
	if file == os.DevNull {
		return content(io.Discard)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return fmt.Errorf("%s: %w", file, cleanOSError(err))
	}
	bw := bufio.NewWriterSize(tmp, 1<<16)
	werr := content(bw)
	if werr == nil {
		werr = bw.Flush()
	}
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", file, cleanOSError(err))
	}
	return nil
}

func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("--as-of %q: want YYYY-MM-DD or an RFC 3339 time", s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// boundHeap sets a soft limit on the Go heap while a facts file is streamed,
// unless GOMEMLIMIT sets one: a fixed working set (the compiled checks, a few
// runs of resources in flight, the findings not yet spilled to disk) and room
// for what grows with the facts (the resource IDs seen, recorded results).
// Without it the collector lets the heap grow to twice what is live between
// collections, and evaluation makes garbage fast (docs/performance.md,
// "Streaming"). It returns what restores the limit before.
func boundHeap(file string) func() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	const workingSet = 192 << 20
	size := int64(0)
	if st, err := os.Stat(file); err == nil {
		size = st.Size()
	}
	prev := debug.SetMemoryLimit(workingSet + size/2*3)
	return func() { debug.SetMemoryLimit(prev) }
}
