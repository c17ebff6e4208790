package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/evidence"
	"github.com/sdescan/sdescan/collectors/trivy"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/reports"
	"github.com/sdescan/sdescan/reports/texttable"
)

// ImageCmdOptions are the flags of `sdescan image`.
type ImageCmdOptions struct {
	gateOptions
	Refs      []string
	DB        string
	SBOMDir   string
	SaveFacts string
	// MaxDBAgeDays is image.max_db_age_days for this command (0: the default).
	MaxDBAgeDays int
}

func newImageCmd(g *globalOptions) *cobra.Command {
	o := &ImageCmdOptions{}
	cmd := &cobra.Command{
		Use:   "image REF... [--db PATH] [--fail-on SEVERITY] [--format table|json|sarif|junit|md]",
		Short: "Check container images (docker save tarball, OCI layout, root file system): a CI gate",
		Long: `image analyses container images with Trivy, offline: operating system and its
end-of-life (Trivy's built-in dates, judged at --as-of), packages, user, exposed ports
and secrets in the layers (rule, file and line; never the secret). It runs sdescan's
IMG-… checks over them and keeps a CycloneDX SBOM of each image as evidence.

REF is a docker save tarball, an OCI image layout (directory or tar), an unpacked root
file system (directory), or a registry reference (the only case that uses the network).
Vulnerabilities are assessed only with --db PATH, a Trivy vulnerability database you
supply (a directory holding trivy.db, or Trivy's cache directory holding db/trivy.db);
sdescan never downloads one. See docs/images.md.`,
		Example: `  sdescan image app.tar --fail-on high
  sdescan image oci-layout/ --db ~/.cache/trivy --format sarif --output image.sarif
  sdescan image app.tar --save-facts out/facts.json --report junit=image-junit.xml`,
		Args: positional(1, -1, "REF... (a docker save tarball, an OCI layout, a root file system or a registry reference)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Refs = args
			if err := o.check(); err != nil {
				return err
			}
			return imageRun(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.DB, "db", "", "Trivy vulnerability database: the `DIR` holding trivy.db or db/trivy.db (never downloaded)")
	f.StringVar(&o.SBOMDir, "sbom-dir", "", "keep each image's CycloneDX SBOM under `DIR`/evidence/image/ (it is also kept beside --save-facts)")
	f.StringVar(&o.SaveFacts, "save-facts", "", "write the collected facts to `FILE` (for sdescan evaluate)")
	f.IntVar(&o.MaxDBAgeDays, "max-db-age-days", engine.DefaultImageMaxDBAgeDays, "the oldest the --db database may be, in `DAYS` before --as-of, for IMG-002 to say an image has no vulnerability (older: not assessed)")
	o.addFlags(f, "image", "image.sarif", "; resources are image:REF", "end-of-life and waiver expiry are judged at it")
	return cmd
}

func (o *ImageCmdOptions) check() error {
	if err := o.gateOptions.check(); err != nil {
		return err
	}
	if o.MaxDBAgeDays < 1 {
		return inputError(fmt.Errorf("--max-db-age-days %d: want at least 1", o.MaxDBAgeDays))
	}
	if o.DB != "" {
		if _, err := trivy.ResolveDB(o.DB); err != nil {
			return inputError(err)
		}
	}
	return nil
}

// writeReports writes the main report (to --output or stdout) and each
// --report FORMAT=FILE with render (iac.go does the same inline).
func writeReports(ctx context.Context, g *globalOptions, format, output string, extra []string, render func(io.Writer, string) error) error {
	for _, r := range extra {
		f, file, _ := strings.Cut(r, "=")
		if err := writeFileCtx(ctx, file, func(w io.Writer) error { return render(w, f) }); err != nil {
			return inputError(err)
		}
	}
	if output != "" {
		if err := writeFileCtx(ctx, output, func(w io.Writer) error { return render(w, format) }); err != nil {
			return inputError(err)
		}
		return nil
	}
	bw := bufio.NewWriterSize(g.stdout, 1<<16)
	if err := render(bw, format); err != nil {
		return err
	}
	return bw.Flush()
}

// ImageReport is everything `sdescan image` renders.
type ImageReport struct {
	Images []*trivy.ImageResult
	Input  reports.Input
}

func imageRun(ctx context.Context, g *globalOptions, o *ImageCmdOptions) error {
	setup, err := o.setup()
	if err != nil {
		return err
	}
	setup.Params.ImageMaxDBAgeDays = o.MaxDBAgeDays
	asOf, gate := setup.Params.AsOf, setup.Gate
	defer g.quietTrivy()()
	prep, err := runner.Prepare(setup)
	if err != nil {
		return inputError(err)
	}
	// The SBOM goes under --sbom-dir and beside the facts file, so that the
	// reference the facts cite (relative to the facts file) resolves.
	var sinks []evidence.Sink
	seen := map[string]bool{}
	for _, root := range []string{o.SBOMDir, filepath.Dir(o.SaveFacts)} {
		if root == "" || (root == "." && o.SaveFacts == "") || seen[filepath.Clean(root)] {
			continue
		}
		seen[filepath.Clean(root)] = true
		sinks = append(sinks, &evidence.Dir{Root: root})
	}
	var images []*trivy.ImageResult
	for _, ref := range o.Refs {
		r, err := trivy.ScanImage(ctx, ref, trivy.ImageOptions{DB: o.DB, AsOf: asOf, Remote: true})
		if err != nil {
			return inputError(err)
		}
		for _, sink := range sinks {
			if len(r.SBOM) == 0 {
				break
			}
			ev, err := sink.Put(r.SBOMPath(), r.SBOM)
			if err != nil {
				return inputError(err)
			}
			r.SBOMRef = &ev
		}
		images = append(images, r)
	}
	facts := trivy.ImageFacts(setup.Tool, asOf, images)
	if o.SaveFacts != "" {
		if err := writeFileCtx(ctx, o.SaveFacts, func(w io.Writer) error { return checks.WriteJSON(w, facts) }); err != nil {
			return inputError(err)
		}
	}
	run, err := prep.Run(ctx, facts, runner.Options{Select: trivy.ImageCollector().Reads, KeepResources: true})
	if err != nil {
		return err
	}
	a, list := run.Assessment, run.Checks
	rep := &ImageReport{Images: images, Input: reports.NewInput(a, list, facts.Resources)}
	rep.Input.Width = g.width()
	if err := writeReports(ctx, g, o.Format, o.Output, o.Reports, func(w io.Writer, format string) error {
		if format == "table" {
			return imageTable(w, rep)
		}
		return reports.Write(w, format, rep.Input)
	}); err != nil {
		return err
	}
	for _, r := range images {
		if r.Failure != "" {
			fmt.Fprintf(g.stderr, "sdescan: not assessed: %s: %s\n", r.Ref, r.Failure)
		}
	}
	if err := run.Verdict.Err(gate); err != nil {
		return &exitError{code: ExitGateFailed, err: err}
	}
	return nil
}

// imageTable prints one line per image, the failing findings most severe first,
// what could not be assessed and why, and a summary line.
func imageTable(w io.Writer, rep *ImageReport) error {
	a := rep.Input.Assessment
	width := rep.Input.Width
	t := texttable.New(texttable.Column{Header: "IMAGE", Wrap: true}, texttable.Column{Header: "KIND"},
		texttable.Column{Header: "OS", Wrap: true}, texttable.Column{Header: "USER", Wrap: true},
		texttable.Column{Header: "PACKAGES"}, texttable.Column{Header: "SECRETS"},
		texttable.Column{Header: "VULNERABILITIES", Wrap: true}).Plain()
	for _, r := range rep.Images {
		if r.Failure != "" {
			t.Row(r.Ref, r.Kind, "-", "-", "-", "-", "not assessed")
			continue
		}
		osName := "unknown"
		if r.OSFamily != "" {
			osName = r.OSFamily + " " + r.OSVersion
			if r.EOLKnown && r.EOL {
				osName += " (end-of-life)"
			}
		}
		user := "unknown"
		if r.UserKnown {
			user = r.User
			if user == "" {
				user = "(root)"
			}
		}
		vulns := "not assessed"
		if r.VulnsScanned {
			vulns = fmt.Sprint(len(r.Vulns))
		}
		t.Row(r.Ref, r.Kind, osName, user, fmt.Sprint(len(r.Packages)), fmt.Sprint(len(r.Secrets)), vulns)
	}
	if err := t.Render(w, width); err != nil {
		return err
	}
	var fails, notAssessed []controls.Finding
	for f := range a.EachFinding() {
		switch f.Status {
		case checks.Fail:
			fails = append(fails, f)
		case checks.Error:
			notAssessed = append(notAssessed, f)
		}
	}
	sort.SliceStable(fails, func(i, j int) bool { return fails[i].Severity.Rank() > fails[j].Severity.Rank() })
	counts := map[checks.Severity]int{}
	if len(fails) > 0 {
		fmt.Fprintln(w)
		t = texttable.New(texttable.Column{Header: "SEVERITY"}, texttable.Column{Header: "CHECK"},
			texttable.Column{Header: "IMAGE", Wrap: true}, texttable.Column{Header: "FINDING", Wrap: true}).Plain()
		for _, f := range fails {
			counts[f.Severity]++
			msg := strings.Join(f.Messages, "; ")
			if len(msg) > 200 {
				msg = msg[:197] + "..."
			}
			t.Row(strings.ToUpper(string(f.Severity)), f.CheckID, strings.TrimPrefix(f.ResourceID, "image:"), msg)
		}
		if err := t.Render(w, width); err != nil {
			return err
		}
	}
	na := 0
	if len(notAssessed) > 0 || len(a.CollectorRuns) > 0 {
		var lines []string
		for _, f := range notAssessed {
			lines = append(lines, fmt.Sprintf("%s  %s: %s", f.CheckID, strings.TrimPrefix(f.ResourceID, "image:"), strings.Join(f.Messages, "; ")))
		}
		for _, r := range a.CollectorRuns {
			for _, e := range r.Errors {
				lines = append(lines, "IMG-*  "+e.Message)
			}
		}
		na = len(lines)
		if na > 0 {
			fmt.Fprintln(w, "\nNot assessed:")
			for _, l := range lines {
				fmt.Fprint(w, texttable.Fill(l, width, "  ", "    "))
			}
		}
	}
	fmt.Fprint(w, "\n"+texttable.Fill(fmt.Sprintf("%d image(s); failing: %d critical, %d high, %d medium, %d low; %d not assessed", len(rep.Images), counts[checks.Critical], counts[checks.High], counts[checks.Medium], counts[checks.Low], na), width, "", ""))
	return nil
}

// imageScope is what a scan assesses of container images: images of the
// configuration and --image, with the vulnerability database.
type imageScope struct {
	refs []string
	db   string
}

func (o *assessOptions) imageScope(refs []string, db string) (imageScope, error) {
	cfg, err := o.loadConfig()
	if err != nil {
		return imageScope{}, err
	}
	sc := imageScope{refs: append(append([]string(nil), cfg.Images...), refs...), db: cfg.VulnerabilityDB}
	if db != "" {
		sc.db = db
	}
	if sc.db != "" {
		if _, err := trivy.ResolveDB(sc.db); err != nil {
			return sc, inputError(err)
		}
	}
	return sc, nil
}

// addImages scans the images and adds their facts to the scan's, keeping each
// image's SBOM as evidence under root (none when root is empty). Images are judged
// as of the other facts' time (or --as-of), as addIaC does.
func (o *assessOptions) addImages(ctx context.Context, g *globalOptions, in inputs, sc imageScope, root string) (inputs, error) {
	at, err := o.collectionTime(in)
	if err != nil {
		return in, err
	}
	defer g.quietTrivy()()
	var sink evidence.Sink
	if root != "" {
		sink = &evidence.Dir{Root: root}
	}
	var images []*trivy.ImageResult
	for _, ref := range sc.refs {
		r, err := trivy.ScanImage(ctx, ref, trivy.ImageOptions{DB: sc.db, AsOf: at, Remote: true})
		if err != nil {
			return in, inputError(err)
		}
		if sink != nil && len(r.SBOM) > 0 {
			ev, err := sink.Put(r.SBOMPath(), r.SBOM)
			if err != nil {
				return in, inputError(err)
			}
			r.SBOMRef = &ev
		}
		if r.Failure != "" {
			fmt.Fprintf(g.stderr, "sdescan: not assessed: %s: %s\n", r.Ref, r.Failure)
		}
		images = append(images, r)
	}
	return o.mergeFacts(in, trivy.ImageFacts(checks.Version{Name: "sdescan", Version: Version}, at, images), "image scan")
}
