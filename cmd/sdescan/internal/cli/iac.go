package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/collectors/trivy"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/reports"
	"github.com/sdescan/sdescan/reports/texttable"
)

// IACFormats are the output formats of `sdescan iac`.
var IACFormats = []string{"table", "json", "sarif", "junit", "md"}

// gateOptions are the flags `sdescan iac` and `sdescan image` share: the report,
// its formats and files, and the CI gate (waivers, baseline, --fail-on).
type gateOptions struct {
	Waivers    []string
	Baseline   string
	Frameworks []string
	Format     string
	Output     string
	Outputs    []string // --output values: FILE, or FORMAT=FILE (repeatable)
	Reports    []string
	FailOn     string
	AsOf       string
	Eval       evalLimitFlags
	// evalLimits are Eval, checked by check().
	evalLimits engine.EvalLimits
}

// addFlags declares the shared flags of command cmd. waivers and asOf end the
// help of --waivers and --as-of; example is a report file name.
func (o *gateOptions) addFlags(f *pflag.FlagSet, cmd, example, waivers, asOf string) {
	f.StringArrayVar(&o.Waivers, "waivers", nil, "waivers `FILE`, as for scan (repeatable)"+waivers)
	f.StringVar(&o.Baseline, "baseline", "", "a previous `FILE` of sdescan "+cmd+" --format json: only findings not in it fail the gate")
	f.StringArrayVar(&o.Frameworks, "framework", nil, "report only the framework `ID` (repeatable; default all)")
	f.StringVarP(&o.Format, "format", "f", "table", "output `FORMAT`: "+strings.Join(IACFormats, ", "))
	f.StringArrayVarP(&o.Outputs, "output", "o", nil, "write the report to `FILE` instead of stdout; FORMAT=FILE (e.g. sarif="+example+") writes that format too (repeatable)")
	f.StringArrayVar(&o.Reports, "report", nil, "also write FORMAT to FILE, as `FORMAT=FILE` (repeatable; same as --output FORMAT=FILE)")
	f.StringVar(&o.FailOn, "fail-on", "", "exit 1 when a new, failing, unwaived finding is at or above `SEVERITY`: critical, high, medium or low")
	f.StringVar(&o.AsOf, "as-of", "", "assessment `TIME` (YYYY-MM-DD or RFC 3339; default now): "+asOf)
	o.Eval.add(f)
}

// IACOptions are the flags of `sdescan iac`.
type IACOptions struct {
	gateOptions
	Paths      []string
	SkipDirs   []string
	TFVars     []string
	HelmValues []string

	// Scanner is the IaC scanner (tests may replace it).
	Scanner trivy.Scanner
}

func newIACCmd(g *globalOptions) *cobra.Command { return NewCmdIAC(g, nil) }

// NewCmdIAC builds `sdescan iac`. runF replaces the run (tests).
func NewCmdIAC(g *globalOptions, runF func(context.Context, *globalOptions, *IACOptions) error) *cobra.Command {
	o := &IACOptions{}
	if runF == nil {
		runF = iacRun
	}
	cmd := &cobra.Command{
		Use:   "iac PATH... [--fail-on SEVERITY] [--format table|json|sarif|junit|md]",
		Short: "Check infrastructure code (Terraform, CloudFormation, Kubernetes, Helm, Dockerfile, Compose): a CI gate",
		Long: `iac scans infrastructure code offline with Trivy's embedded misconfiguration checks
(IDs as Trivy prints them: AWS-0090, KSV-0014, DS-0002) and sdescan's own IAC-… checks
for secure data environments (AppStream, SageMaker, TLS-only buckets, IAM wildcards,
public IPs, flow logs, Azure public access, Kubernetes NetworkPolicy and RBAC,
hard-coded credentials, Docker Compose). Nothing is downloaded: a remote Terraform
module is reported as not assessed, with the reason.

A file that does not parse is an error entry naming the file; the rest is scanned.
Findings roll up into the frameworks like those of scan. Inline ignores work as in Trivy
(#trivy:ignore:AVD-AWS-0090); waivers use the waiver file of scan, with resource
patterns over IDs such as iac:infra/main.tf#aws_s3_bucket.raw. See docs/iac.md.`,
		Example: `  sdescan iac infra/ --fail-on high
  sdescan iac . --format sarif --output results.sarif --report junit=iac-junit.xml
  sdescan iac infra/ --tf-vars prod.tfvars --waivers waivers.yaml --baseline previous.json --fail-on high`,
		Args: positional(1, -1, "PATH... (one or more directories of infrastructure code)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			if err := o.check(); err != nil {
				return err
			}
			return runF(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.SkipDirs, "skip-dirs", nil, "`DIR` to skip, relative to PATH (glob; repeatable or comma-separated)")
	f.StringArrayVar(&o.TFVars, "tf-vars", nil, "Terraform variables `FILE` (repeatable)")
	f.StringArrayVar(&o.HelmValues, "helm-values", nil, "Helm values `FILE` (repeatable)")
	o.addFlags(f, "iac", "results.sarif", "", "waiver expiry is judged at it")
	return cmd
}

// check validates the shared flags and sorts --output values into the report
// file (Output) and the FORMAT=FILE reports.
func (o *gateOptions) check() error {
	var err error
	if o.evalLimits, err = o.Eval.limits(); err != nil {
		return inputError(err)
	}
	if !contains(IACFormats, o.Format) {
		return inputError(fmt.Errorf("--format %q: want %s", o.Format, strings.Join(IACFormats, ", ")))
	}
	// --output takes one FILE for --format, and any number of FORMAT=FILE (a
	// value is FORMAT=FILE only when it starts with a known format's name).
	for _, v := range o.Outputs {
		if format, _, ok := strings.Cut(v, "="); ok && contains(IACFormats, format) {
			o.Reports = append(o.Reports, v)
			continue
		}
		if o.Output != "" && o.Output != v {
			return inputError(fmt.Errorf("--output %q: the report already goes to %s (use FORMAT=FILE for more)", v, o.Output))
		}
		o.Output = v
	}
	o.Outputs = nil
	seen := map[string]bool{}
	for _, r := range o.Reports {
		format, file, ok := strings.Cut(r, "=")
		switch {
		case !ok || format == "" || file == "":
			return inputError(fmt.Errorf("--report %q: want FORMAT=FILE, e.g. sarif=results.sarif", r))
		case !contains(IACFormats, format):
			return inputError(fmt.Errorf("--report %q: unknown format %q (want %s)", r, format, strings.Join(IACFormats, ", ")))
		case seen[file] || file == o.Output:
			return inputError(fmt.Errorf("--report %q: %s is written twice", r, file))
		}
		seen[file] = true
	}
	if o.FailOn != "" {
		if _, err := checks.ParseSeverity(o.FailOn); err != nil {
			return inputError(fmt.Errorf("--fail-on: %w", err))
		}
	}
	return nil
}

func (o *IACOptions) check() error {
	if err := o.gateOptions.check(); err != nil {
		return err
	}
	for _, p := range o.Paths {
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			return inputError(fmt.Errorf("%s: not a readable directory", p))
		}
	}
	for _, list := range [][]string{o.TFVars, o.HelmValues, o.Waivers} {
		for _, f := range list {
			// A regular file within the limit of a variables file (a FIFO
			// or /dev/zero would hang or exhaust the scanners that read it).
			fh, err := limits.Open(f)
			if err != nil {
				return inputError(err)
			}
			st, err := fh.Stat()
			fh.Close()
			if err != nil {
				return inputError(fmt.Errorf("%s: %w", f, cleanOSError(err)))
			}
			if st.Size() > limits.Variables {
				return inputError(fmt.Errorf("%s: larger than the %s limit for this kind of file", f, limits.Size(limits.Variables)))
			}
		}
	}
	return nil
}

// splitList accepts repeated and comma-separated values.
func splitList(in []string) []string {
	var out []string
	for _, s := range in {
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}

// displayPrefix is the PATH as reported: relative to the working directory when
// it is inside it, so that SARIF locations are repository paths.
func displayPrefix(p string) string {
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
				p = rel
			}
		}
	}
	p = filepath.ToSlash(filepath.Clean(p))
	if p == "." {
		return ""
	}
	return p
}

// iacRoot is a directory of infrastructure code: where it is, and the path its
// files are reported under (as the user wrote it, so that IDs do not depend on
// where sdescan runs).
type iacRoot struct {
	Dir, Display string
}

// scanIaC scans the roots with Trivy and sdescan's parsers and returns the result
// and the facts (the parsed resources, the failures of Trivy's checks recorded as
// facts, and one collector run whose errors are what could not be assessed).
func scanIaC(ctx context.Context, sc trivy.Scanner, roots []iacRoot, opts trivy.Options, tool checks.Version, at time.Time) (*trivy.Result, *checks.Facts, error) {
	res := &trivy.Result{Files: map[string]string{}, Checks: map[string]*checks.Check{}}
	var scopes []string
	for _, root := range roots {
		o := opts
		o.Prefix = root.Display
		r, err := sc.Scan(ctx, root.Dir, o)
		if err != nil {
			return nil, nil, err
		}
		res.Merge(r)
		scopes = append(scopes, cmp.Or(root.Display, "."))
	}
	return res, res.Facts(tool, at, strings.Join(scopes, ",")), nil
}

// IACReport is everything `sdescan iac` renders.
type IACReport struct {
	Result *trivy.Result
	Input  reports.Input
	// Verdict is the gate's: it says which failing findings are not in the
	// baseline.
	Verdict runner.Verdict
}

func iacRun(ctx context.Context, g *globalOptions, o *IACOptions) error {
	setup, err := o.setup()
	if err != nil {
		return err
	}
	asOf, gate := setup.Params.AsOf, setup.Gate
	defer g.quietTrivy()()
	sc := o.Scanner
	if sc == nil {
		sc = trivy.New()
	}
	// Compile sdescan's checks, list Trivy's and load the catalogue while the tree
	// is scanned: on a small tree these dominate the run (docs/performance.md).
	type prepared struct {
		p   *runner.Prepared
		err error
	}
	prepCh := make(chan prepared, 1)
	go func() {
		p, err := runner.Prepare(setup)
		prepCh <- prepared{p, err}
	}()
	tool := setup.Tool
	var roots []iacRoot
	for _, p := range o.Paths {
		roots = append(roots, iacRoot{Dir: p, Display: displayPrefix(p)})
	}
	res, facts, err := scanIaC(ctx, sc, roots, trivy.Options{SkipDirs: splitList(o.SkipDirs), TFVars: o.TFVars, HelmValues: o.HelmValues}, tool, asOf)
	prep := <-prepCh
	if err != nil {
		return inputError(err)
	}
	if prep.err != nil {
		return inputError(prep.err)
	}

	// The evaluator runs sdescan's checks and adds the failures of Trivy's, which
	// the facts record (checks.RecordedFindings). The checks reported: sdescan's
	// IaC checks, and Trivy's checks that failed (with the metadata of Trivy's
	// results).
	run, err := prep.p.Run(ctx, facts, runner.Options{Select: trivy.IaCCollector().Reads, KeepResources: true})
	if err != nil {
		return err
	}
	a, list := run.Assessment, run.Checks
	_, regions, paths := res.Findings()
	rin := reports.NewInput(a, list, facts.Resources)
	rin.Width = g.width()
	rin.Regions = map[string][2]int{}
	for id, r := range regions {
		rin.Regions[id] = [2]int{r.StartLine, r.EndLine}
	}
	for id, p := range paths {
		rin.Paths[id] = p
	}
	// A finding on a whole file (a Dockerfile, a values file) is located at its
	// first line: SARIF viewers want a region.
	for id := range rin.Paths {
		if _, ok := rin.Regions[id]; !ok {
			rin.Regions[id] = [2]int{1, 1}
		}
	}
	var gateErr error
	if err := run.Verdict.Err(gate); err != nil {
		gateErr = &exitError{code: ExitGateFailed, err: err}
	}
	gateErr = notAssessedGate(gate.Severity, res.Entries, gateErr)
	rep := &IACReport{Result: res, Input: rin, Verdict: run.Verdict}
	if err := writeReports(ctx, g, o.Format, o.Output, o.Reports, func(w io.Writer, format string) error { return writeIAC(w, format, rep) }); err != nil {
		return err
	}
	for _, e := range res.Entries {
		fmt.Fprintf(g.stderr, "sdescan: %s: %s: %s\n", e.Kind, e.Path, e.Reason)
	}
	return gateErr
}

// setup is the runner's setup of iac and image: the built-in checks, judged
// at --as-of (default now), with the waivers, the baseline and --fail-on.
func (o *gateOptions) setup() (runner.Setup, error) {
	asOf := time.Now().UTC().Truncate(time.Second)
	if o.AsOf != "" {
		t, err := parseAsOf(o.AsOf)
		if err != nil {
			return runner.Setup{}, inputError(err)
		}
		asOf = t
	}
	gate, err := o.gate()
	if err != nil {
		return runner.Setup{}, err
	}
	return builtinSetup(runner.Params{AsOf: asOf, Frameworks: o.Frameworks}, gate, o.evalLimits, o.Waivers)
}

// gate reads the baseline and --fail-on; errors are bad input (exit 2).
func (o *gateOptions) gate() (runner.Gate, error) {
	var g runner.Gate
	var err error
	if g.Baseline, err = readBaseline(o.Baseline); err != nil {
		return g, inputError(err)
	}
	if o.FailOn != "" {
		if g.Severity, err = checks.ParseSeverity(o.FailOn); err != nil {
			return g, inputError(fmt.Errorf("--fail-on: %w", err))
		}
	}
	return g, nil
}

// notAssessedGate is the gate's verdict on what sdescan refused to parse,
// follow or wait for (trivy.Entry.Refused: beyond a bound, a link or a local
// module not followed, a scanner that broke or ran out of time): under
// --fail-on it fails the gate (exit 1), since such code may be deployed all
// the same and the gate cannot vouch for it. A remote module, a file that does
// not parse or a chart that needs values stays not assessed without failing
// it. err is the verdict on the findings.
func notAssessedGate(sev checks.Severity, entries []trivy.Entry, err error) error {
	n := 0
	for _, e := range entries {
		if e.Refused {
			n++
		}
	}
	if sev == "" || n == 0 {
		return err
	}
	msg := fmt.Sprintf("%d file(s) or part(s) beyond sdescan's bounds or not followed, not assessed (listed on stderr and under \"Not assessed\")", n)
	if err != nil {
		return &exitError{code: ExitGateFailed, err: fmt.Errorf("%w; %s", err, msg)}
	}
	return &exitError{code: ExitGateFailed, err: fmt.Errorf("gate failed: %s", msg)}
}

// readBaseline reads the failing findings of a previous JSON report; nil when none given.
func readBaseline(file string) (map[[2]string]bool, error) {
	if file == "" {
		return nil, nil
	}
	data, err := limits.ReadFile(file, limits.Baseline)
	if err != nil {
		return nil, fmt.Errorf("--baseline %w", err)
	}
	var doc struct {
		Findings []struct {
			CheckID    string `json:"check_id"`
			ResourceID string `json:"resource_id"`
			Status     string `json:"status"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("--baseline %s: not a JSON report of sdescan: %s", file, oneLine(err.Error()))
	}
	out := map[[2]string]bool{}
	for _, f := range doc.Findings {
		if f.Status == string(checks.Fail) {
			out[[2]string{f.CheckID, f.ResourceID}] = true
		}
	}
	return out, nil
}

func writeIAC(w io.Writer, format string, rep *IACReport) error {
	if format == "table" {
		return iacTable(w, rep)
	}
	return reports.Write(w, format, rep.Input)
}

// iacTable prints the failing findings, most severe first, then what could not
// be assessed, then a one-line summary.
func iacTable(w io.Writer, rep *IACReport) error {
	a := rep.Input.Assessment
	type row struct {
		f   controls.Finding
		loc string
	}
	var rows []row
	for f := range a.EachFinding() {
		if f.Status != checks.Fail {
			continue
		}
		loc := rep.Input.Paths[f.ResourceID]
		if r, ok := rep.Input.Regions[f.ResourceID]; ok {
			loc = fmt.Sprintf("%s:%d", loc, r[0])
		}
		rows = append(rows, row{f, loc})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].f.Severity.Rank() != rows[j].f.Severity.Rank() {
			return rows[i].f.Severity.Rank() > rows[j].f.Severity.Rank()
		}
		if rows[i].loc != rows[j].loc {
			return rows[i].loc < rows[j].loc
		}
		return rows[i].f.CheckID < rows[j].f.CheckID
	})
	width := rep.Input.Width
	t := texttable.New(texttable.Column{Header: "SEVERITY"}, texttable.Column{Header: "CHECK"},
		texttable.Column{Header: "LOCATION", Wrap: true}, texttable.Column{Header: "RESOURCE", Wrap: true},
		texttable.Column{Header: "FINDING", Wrap: true}).Plain()
	counts := map[checks.Severity]int{}
	waived, known := 0, 0
	for _, r := range rows {
		sev := strings.ToUpper(string(r.f.Severity))
		note := ""
		switch {
		case r.f.Waiver != nil:
			note = " [waived: " + r.f.Waiver.ID + "]"
			waived++
		case !rep.Verdict.New(r.f.CheckID, r.f.ResourceID):
			note = " [in baseline]"
			known++
		default:
			counts[r.f.Severity]++
		}
		res := r.f.ResourceID
		if i := strings.LastIndex(res, "#"); i >= 0 {
			res = res[i+1:]
		} else {
			res = "-"
		}
		msg := strings.Join(r.f.Messages, "; ")
		if len(msg) > 160 {
			msg = msg[:157] + "..."
		}
		t.Row(sev, r.f.CheckID, r.loc, res, msg+note)
	}
	if err := t.Render(w, width); err != nil {
		return err
	}
	var b strings.Builder
	if len(rep.Result.Entries) > 0 {
		b.WriteString("\nNot assessed:\n")
		for _, e := range rep.Result.Entries {
			b.WriteString(texttable.Fill(fmt.Sprintf("%s  %s: %s", strings.ToUpper(e.Kind), e.Path, e.Reason), width, "  ", "    "))
		}
	}
	sum := fmt.Sprintf("%d files, %d resources; failing: %d critical, %d high, %d medium, %d low", len(rep.Result.Files), len(rep.Input.Paths), counts[checks.Critical], counts[checks.High], counts[checks.Medium], counts[checks.Low])
	if waived > 0 {
		sum += fmt.Sprintf("; %d waived", waived)
	}
	if known > 0 {
		sum += fmt.Sprintf("; %d in the baseline", known)
	}
	sum += fmt.Sprintf("; %d not assessed", len(rep.Result.Entries))
	b.WriteString("\n")
	b.WriteString(texttable.Fill(sum, width, "", ""))
	_, err := io.WriteString(w, b.String())
	return err
}

// iacScope is the infrastructure code a scan assesses: iac.paths of the
// configuration and the --iac directories.
func (o *assessOptions) iacScope(dirs []string) (IaCConfig, error) {
	cfg, err := o.loadConfig()
	if err != nil {
		return IaCConfig{}, err
	}
	iac := cfg.IaC
	iac.roots = append([]iacRoot(nil), iac.roots...)
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return iac, inputError(fmt.Errorf("--iac %s: not a readable directory", d))
		}
		iac.roots = append(iac.roots, iacRoot{Dir: d, Display: displayPrefix(d)})
	}
	return iac, nil
}

// addIaC scans the infrastructure code and adds its facts to the scan's. The code
// is assessed as of the other facts' time (or --as-of), so that a scan of fixed
// facts stays reproducible; alone, as of now.
func (o *assessOptions) addIaC(ctx context.Context, g *globalOptions, in inputs, iac IaCConfig) (inputs, error) {
	at, err := o.collectionTime(in)
	if err != nil {
		return in, err
	}
	defer g.quietTrivy()()
	tool := checks.Version{Name: "sdescan", Version: Version}
	res, facts, err := scanIaC(ctx, trivy.New(), iac.roots, trivy.Options{SkipDirs: splitList(iac.SkipDirs), TFVars: iac.TFVars, HelmValues: iac.HelmValues}, tool, at)
	if err != nil {
		return in, inputError(err)
	}
	for _, e := range res.Entries {
		fmt.Fprintf(g.stderr, "sdescan: %s: %s: %s\n", e.Kind, e.Path, e.Reason)
	}
	return o.mergeFacts(in, facts, "iac scan")
}

// collectionTime is when code or images added to a scan are judged: the other
// facts' time, so that a scan of fixed facts stays reproducible, or --as-of;
// alone, now.
func (o *assessOptions) collectionTime(in inputs) (time.Time, error) {
	if o.asOf != "" {
		t, err := parseAsOf(o.asOf)
		if err != nil {
			return time.Time{}, inputError(err)
		}
		return t, nil
	}
	if in.facts != nil {
		return in.facts.AsOf(), nil
	}
	return time.Now().UTC().Truncate(time.Second), nil
}

// mergeFacts adds facts of another collector to the scan's.
func (o *assessOptions) mergeFacts(in inputs, facts *checks.Facts, name string) (inputs, error) {
	if in.facts == nil {
		return inputs{facts: facts, factsName: name, evidence: in.evidence}, nil
	}
	merged, err := checks.Merge([]*checks.Facts{in.facts, facts}, []string{in.factsName, name})
	if err != nil {
		return in, err
	}
	merged.Tool = in.facts.Tool
	in.facts = merged
	return in, nil
}

// quietTrivy silences Trivy's logs (what it skips, sdescan reports as collection
// errors) unless --verbose, and returns what restores them.
func (g *globalOptions) quietTrivy() func() {
	if g.verbose {
		return func() {}
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	return func() { slog.SetDefault(prev) }
}
