package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/reports"
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
	asOf := in.facts.AsOf()
	if o.asOf != "" {
		t, err := parseAsOf(o.asOf)
		if err != nil {
			return inputError(err)
		}
		asOf = t
	}
	if asOf.IsZero() {
		return inputError(fmt.Errorf("%s: no collected_at time; give --as-of", in.factsName))
	}

	sources := []checks.PolicySource{checks.Builtin()}
	for _, d := range append(append([]string{}, cfg.PolicyDirs...), o.policyDirs...) {
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			return inputError(fmt.Errorf("%s: not a readable directory of checks", d))
		}
		sources = append(sources, checks.DirSource(d))
	}
	engine, err := checks.NewEngine(sources...)
	if err != nil {
		return inputError(err)
	}
	if engine.Limits, err = o.eval.limits(); err != nil {
		return inputError(err)
	}
	// Trivy's checks too: a waiver file shared with `sdescan iac` may cite them.
	resolve := checkResolver(engine)
	cat, err := controls.LoadBuiltin(resolve)
	if err != nil {
		return inputError(err)
	}
	// How old a restore test may be (BKP-007); the pack records the catalogue as
	// changed, so verify judges it the same way.
	if days := cfg.Backup.RestoreTestMaxAgeDays; days > 0 {
		if k, ok := cat.Kinds["restore-test"]; ok {
			d := days
			k.MaxAgeDays = &d
		}
	}
	for _, name := range in.demoFrameworks {
		data, err := fs.ReadFile(in.demo, name)
		if err != nil {
			return inputError(fmt.Errorf("demo %s: %w", name, err))
		}
		if err := addFramework(cat, data, "demo/"+name, resolve); err != nil {
			return inputError(err)
		}
	}
	for _, file := range append(append([]string{}, cfg.FrameworkFiles...), o.frameworkFiles...) {
		data, err := limits.ReadFile(file, limits.Framework)
		if err != nil {
			return inputError(err)
		}
		if err := addFramework(cat, data, file, resolve); err != nil {
			return inputError(err)
		}
	}
	selected := append(append([]string{}, cfg.Frameworks...), o.frameworks...)
	for _, id := range selected {
		if _, ok := cat.Framework(id); !ok {
			return inputError(fmt.Errorf("unknown framework %q (see `sdescan controls list`)", id))
		}
	}

	var atts []*controls.Attestation
	var attSources []reports.AttestationSource
	for _, name := range in.demoAttest {
		list, err := controls.LoadAttestationsFS(in.demo, name, "demo/"+name, cat.Kinds)
		if err != nil {
			return inputError(err)
		}
		atts = append(atts, list...)
		attSources = append(attSources, reports.AttestationSource{FS: in.demo, File: name, Name: "demo/" + name, Attestations: list})
	}
	for _, file := range append(append([]string{}, cfg.Attestations...), o.attestations...) {
		// As controls.LoadAttestations: documents resolve inside the file's
		// folder, which the pack reads them from again.
		fsys, base, err := controls.OpenAttestationDir(file)
		if err != nil {
			return inputError(err)
		}
		list, err := controls.LoadAttestationsFS(fsys, base, file, cat.Kinds)
		if err != nil {
			return inputError(err)
		}
		atts = append(atts, list...)
		attSources = append(attSources, reports.AttestationSource{FS: fsys, File: base, Name: file, Attestations: list})
	}
	var waivers []*controls.Waiver
	var waiverSources []reports.WaiverSource
	for _, name := range in.demoWaivers {
		data, err := fs.ReadFile(in.demo, name)
		if err != nil {
			return inputError(fmt.Errorf("demo/%s: %w", name, err))
		}
		list, err := controls.ParseWaivers(data, "demo/"+name, resolve)
		if err != nil {
			return inputError(err)
		}
		waivers = append(waivers, list...)
		waiverSources = append(waiverSources, reports.WaiverSource{Name: "demo/" + name, Data: data})
	}
	for _, file := range append(append([]string{}, cfg.Waivers...), o.waivers...) {
		// As controls.LoadWaivers, keeping the bytes for an evidence pack.
		data, err := limits.ReadFile(file, limits.Waivers)
		if err != nil {
			return inputError(err)
		}
		list, err := controls.ParseWaivers(data, file, resolve)
		if err != nil {
			return inputError(err)
		}
		waivers = append(waivers, list...)
		waiverSources = append(waiverSources, reports.WaiverSource{Name: file, Data: data})
	}

	start := time.Now()
	params := checks.Params{AsOf: asOf, ClassificationTag: cfg.ClassificationTag, BreakGlassRoles: cfg.BreakGlassRoles,
		BackupDefaultRPOHours: cfg.Backup.DefaultRPOHours, BackupMinRetentionDays: cfg.Backup.MinRetentionDays}
	findings, err := engine.Evaluate(ctx, in.facts, params)
	if err != nil {
		return err
	}
	// The resources are no longer needed: let the collector reclaim them before the
	// report is built (the roll-up reads only the collector runs).
	nResources := len(in.facts.Resources)
	// The backup review reads the data stores' attributes: built before they go.
	var review *reports.BackupReview
	if o.backupReview {
		review = reports.NewBackupReview(in.facts, findings, params, "")
	}
	// The engine's checks and those whose results the facts record (Trivy's).
	checkList := engine.ChecksFor(in.facts)
	// Reports keep only what locates findings in files.
	rin := reports.NewInput(nil, checkList, in.facts.Resources)
	in.facts.Resources = nil
	slog.Debug("evaluated", "checks", len(engine.Checks()), "resources", nResources, "findings", len(findings), "elapsed", time.Since(start))
	a := controls.Assess(controls.Input{
		Tool:         checks.Version{Name: "sdescan", Version: Version},
		Facts:        in.facts,
		Findings:     findings,
		Checks:       checkList,
		Catalogue:    cat,
		Attestations: atts,
		Waivers:      waivers,
		AsOf:         asOf,
		Frameworks:   selected,
		ExpiringDays: cfg.ExpiringDays,
	})

	var built *reports.PackFiles
	if pk != nil {
		built, err = reports.BuildPack(&reports.Pack{
			Tool:                   checks.Version{Name: "sdescan", Version: Version},
			Facts:                  pk.facts,
			AsOf:                   asOf,
			Frameworks:             selected,
			ClassificationTag:      cfg.ClassificationTag,
			BreakGlassRoles:        cfg.BreakGlassRoles,
			ExpiringDays:           cfg.ExpiringDays,
			BackupDefaultRPOHours:  cfg.Backup.DefaultRPOHours,
			BackupMinRetentionDays: cfg.Backup.MinRetentionDays,
			Policies:               sources,
			Catalogue:              cat,
			Attestations:           attSources,
			Waivers:                waiverSources,
			Findings:               findings,
			Assessment:             a,
			Key:                    pk.key,
		})
		if err != nil {
			return inputError(err)
		}
	}

	rin.Assessment, rin.Previous = a, prev
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
	if err := nothingAssessed(in.facts, in.factsName); err != nil && !o.packOnly {
		return &exitError{code: ExitIncomplete, err: err}
	}
	if gate != "" && !o.packOnly {
		if n := gateFailures(a, gate); n > 0 {
			return &exitError{code: ExitGateFailed, err: fmt.Errorf("gate failed: %d unwaived finding(s) at or above %s", n, gate)}
		}
	}
	if o.strict {
		if len(in.facts.Runs) == 0 {
			return &exitError{code: ExitIncomplete, err: fmt.Errorf("scan incomplete: %s records no collector run, so nothing was collected", in.factsName)}
		}
		for _, r := range in.facts.Runs {
			if r.Status != checks.RunOK {
				return &exitError{code: ExitIncomplete, err: fmt.Errorf("scan incomplete: collector %s (%s) is %s with %d error(s)", r.Collector, r.Scope, r.Status, len(r.Errors))}
			}
		}
	}
	return nil
}

// nothingAssessed says why a run assessed nothing at all — every collector run
// failed (an account unreachable, credentials refused), or the facts record
// neither a run nor a resource — or returns nil. Such a run exits 3 whatever
// --strict says: its report holds no evidence, only gaps.
func nothingAssessed(f *checks.Facts, name string) error {
	if len(f.Runs) == 0 {
		if len(f.Resources) == 0 {
			return fmt.Errorf("nothing assessed: %s records no collector run and no resource", name)
		}
		return nil
	}
	for _, r := range f.Runs {
		if r.Status != checks.RunFailed {
			return nil
		}
	}
	r := f.Runs[0]
	why := "no error recorded"
	if len(r.Errors) > 0 {
		why = r.Errors[0].Message
	}
	runs := "the collector run"
	if len(f.Runs) > 1 {
		runs = fmt.Sprintf("all %d collector runs", len(f.Runs))
	}
	return fmt.Errorf("nothing assessed: %s failed; %s %s: %s", runs, r.Collector, r.Scope, why)
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

func addFramework(cat *controls.Catalogue, data []byte, name string, resolve controls.CheckResolver) error {
	fw, err := controls.ParseFramework(data, name)
	if err != nil {
		return err
	}
	return cat.Add(fw, resolve)
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

// gateFailures counts failing, unwaived findings at or above the gate severity.
func gateFailures(a *controls.Assessment, gate checks.Severity) int {
	n := 0
	for _, f := range a.Findings {
		if f.Status == checks.Fail && f.Waiver == nil && f.Severity.Rank() >= gate.Rank() {
			n++
		}
	}
	return n
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
