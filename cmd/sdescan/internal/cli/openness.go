package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks"
	openness "github.com/sdescan/sdescan/collectors/github"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/reports"
)

// OpennessOptions are the flags of `sdescan openness`.
type OpennessOptions struct {
	Paths        []string
	Recursive    bool
	Orgs         []string
	Repos        []string
	GitHubURL    string
	CacheDir     string
	NoCache      bool
	Attestations []string
	Format       string
	Output       string
	SaveFacts    string
	FailOn       string
	Strict       bool
	Eval         evalLimitFlags

	// token and sleep are injectable for tests; by default the token comes from
	// GITHUB_TOKEN or `gh auth token`.
	token func(ctx context.Context) string
	now   func() time.Time
}

// NewCmdOpenness builds `sdescan openness`. runF replaces the run (tests).
func NewCmdOpenness(g *globalOptions, runF func(context.Context, *globalOptions, *OpennessOptions) error) *cobra.Command {
	o := &OpennessOptions{}
	if runF == nil {
		runF = opennessRun
	}
	cmd := &cobra.Command{
		Use:   "openness [PATH...] [--recursive] [--github-org ORG] [--github-repo OWNER/NAME]",
		Short: "Assess code openness and RAP level of git repositories (local and GitHub)",
		Long: `openness assesses the code of analysis projects for NHS SDE guideline 9 (open working
and code sharing): licence, README, CI, tests, pinned dependencies, tags or changelog,
branch protection, committed secrets and data files, and the NHS RAP level (none,
baseline, silver, gold) of each repository, with what the next level needs.

Local repositories (PATH, or every repository under PATH with --recursive) are read with
go-git and never modified. GitHub organisations and repositories are read through the API
(token from GITHUB_TOKEN or ` + "`gh auth token`" + `; public repositories need none) with
conditional requests cached under the user cache directory. What cannot be read is
reported as not assessed, never as passing. See docs/openness.md.`,
		Example: `  sdescan openness ~/src/analysis
  sdescan openness --recursive ~/src --format md --output openness.md
  sdescan openness --github-org nhs-example --save-facts facts.json
  sdescan openness --github-repo nhs-example/rtt-analysis --github-url https://ghe.example.nhs.uk`,
		Args: positional(0, -1, "PATH... (local repositories)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			if len(o.Paths) == 0 && len(o.Orgs) == 0 && len(o.Repos) == 0 {
				return inputError(errors.New("openness needs a PATH, --github-org or --github-repo"))
			}
			if !contains(reports.OpennessFormats, o.Format) {
				return inputError(fmt.Errorf("--format %q: want %s", o.Format, strings.Join(reports.OpennessFormats, ", ")))
			}
			for _, p := range o.Paths {
				st, err := os.Stat(p)
				if err != nil || !st.IsDir() {
					return inputError(fmt.Errorf("%s: not a readable directory", p))
				}
			}
			return runF(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Recursive, "recursive", "r", false, "assess every git repository found under each PATH")
	f.StringSliceVar(&o.Orgs, "github-org", nil, "assess every repository of the GitHub organisation `ORG` (repeatable)")
	f.StringSliceVar(&o.Repos, "github-repo", nil, "assess one GitHub repository `OWNER/NAME` (repeatable)")
	f.StringVar(&o.GitHubURL, "github-url", "", "GitHub Enterprise Server `URL` (default github.com)")
	f.StringVar(&o.CacheDir, "cache-dir", "", "`DIR` caching GitHub responses for conditional requests (default: user cache dir/sdescan/github)")
	f.BoolVar(&o.NoCache, "no-cache", false, "do not read or write the GitHub response cache")
	f.StringArrayVar(&o.Attestations, "attestations", nil, "attestations `FILE` whose publication-exceptions name private repositories (repeatable)")
	f.StringVarP(&o.Format, "format", "f", "table", "output `FORMAT`: table, json or md")
	f.StringVarP(&o.Output, "output", "o", "", "write the report to `FILE` instead of stdout")
	f.StringVar(&o.SaveFacts, "save-facts", "", "also write the collected facts to `FILE` (for sdescan evaluate)")
	f.StringVar(&o.FailOn, "fail-on", "", "exit 1 when an OPEN check fails at or above `SEVERITY`: critical, high, medium or low")
	f.BoolVar(&o.Strict, "strict", false, "exit 3 when any collection did not complete")
	o.Eval.add(f)
	return cmd
}

func newOpennessCmd(g *globalOptions) *cobra.Command { return NewCmdOpenness(g, nil) }

// opennessRun collects, evaluates the OPEN checks with the shared engine and writes
// the per-repository view.
func opennessRun(ctx context.Context, g *globalOptions, o *OpennessOptions) error {
	var gate runner.Gate
	if o.FailOn != "" {
		s, err := checks.ParseSeverity(o.FailOn)
		if err != nil {
			return inputError(fmt.Errorf("--fail-on: %w", err))
		}
		gate.Severity = s
	}
	now := o.now
	if now == nil {
		now = func() time.Time { return time.Now().UTC().Truncate(time.Second) }
	}
	lim, err := o.Eval.limits()
	if err != nil {
		return inputError(err)
	}
	// The facts are collected at started, and judged at it.
	started := now()
	setup, err := builtinSetup(runner.Params{AsOf: started}, gate, lim, nil)
	if err != nil {
		return err
	}
	prep, err := runner.Prepare(setup)
	if err != nil {
		return err
	}
	exceptions, err := publicationExceptions(o.Attestations, prep.Catalogue, started)
	if err != nil {
		return inputError(err)
	}
	facts := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: Version}, CollectedAt: started}
	if len(o.Paths) > 0 {
		res, run := openness.CollectLocal(ctx, o.Paths, openness.LocalOptions{Recursive: o.Recursive, Now: now})
		facts.Resources = append(facts.Resources, res...)
		facts.Runs = append(facts.Runs, run)
	}
	if len(o.Orgs) > 0 || len(o.Repos) > 0 {
		tr := &openness.Transport{}
		if !o.NoCache {
			dir := o.CacheDir
			if dir == "" {
				if dir, err = openness.DefaultCacheDir(); err != nil {
					return inputError(fmt.Errorf("no user cache directory (%v): give --cache-dir or --no-cache", err))
				}
			}
			tr.Cache = &openness.DiskCache{Dir: dir}
		}
		token := ""
		if o.token != nil {
			token = o.token(ctx)
		} else {
			token = githubToken(ctx)
		}
		// The token goes over HTTPS only (or to a loopback test server): refused
		// here, before any request, as a usage error.
		if _, err := openness.APIOrigin(o.GitHubURL, token != ""); err != nil {
			return inputError(err)
		}
		res, run, st := openness.CollectGitHub(ctx, openness.GitHubOptions{
			Orgs: o.Orgs, Repos: o.Repos, BaseURL: o.GitHubURL, Token: token, Transport: tr,
			PublicationExceptions: exceptions, Now: now,
		})
		facts.Resources = append(facts.Resources, res...)
		facts.Runs = append(facts.Runs, run)
		perRepo := 0
		for _, n := range st.PerRepo {
			perRepo = max(perRepo, n)
		}
		fmt.Fprintf(g.stderr, "github: %d requests (%d conditional, %d not modified), at most %d per repository\n", st.Requests, st.Conditional, st.NotModified, perRepo)
	}
	facts.Normalize()
	if o.SaveFacts != "" {
		if err := writeFileCtx(ctx, o.SaveFacts, func(w io.Writer) error { return checks.WriteJSON(w, facts) }); err != nil {
			return inputError(err)
		}
	}
	run, err := prep.Run(ctx, facts, runner.Options{KeepResources: true})
	if err != nil {
		return err
	}
	findings, err := run.Findings.Collect() // Run's, in memory
	if err != nil {
		return err
	}
	view := reports.BuildOpenness(checks.Version{Name: "sdescan", Version: Version}, facts, findings)
	render := func(w io.Writer) error { return reports.WriteOpenness(w, o.Format, view, g.width()) }
	if o.Output != "" {
		if err := writeFileCtx(ctx, o.Output, render); err != nil {
			return inputError(err)
		}
	} else {
		bw := bufio.NewWriter(g.stdout)
		if err := render(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return exitFor(facts, "the openness scan", gate, run, o.Strict)
}

// githubToken reads GITHUB_TOKEN, else asks the GitHub CLI when it is installed.
// The token is passed to the transport only; it is never printed or logged.
func githubToken(ctx context.Context) string {
	if t := strings.TrimSpace(os.Getenv("GITHUB_TOKEN")); t != "" {
		return t
	}
	if _, err := exec.LookPath("gh"); err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "gh", "auth", "token").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// publicationExceptions lists the repositories (OWNER/NAME) named under
// details.repositories of valid, in-date publication-exceptions attestations.
func publicationExceptions(files []string, cat *controls.Catalogue, asOf time.Time) ([]string, error) {
	var out []string
	kind := cat.Kinds["publication-exceptions"]
	for _, file := range files {
		list, err := controls.LoadAttestations(file, cat.Kinds)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if a.ID != "publication-exceptions" || len(a.Problems) > 0 {
				continue
			}
			date, err := time.Parse("2006-01-02", a.Date)
			if err != nil || date.After(asOf) {
				continue
			}
			expiry := time.Time{}
			if a.Expires != "" {
				if e, err := time.Parse("2006-01-02", a.Expires); err == nil {
					expiry = e
				}
			}
			if kind != nil && kind.MaxAgeDays != nil && *kind.MaxAgeDays > 0 {
				byAge := date.AddDate(0, 0, *kind.MaxAgeDays)
				if expiry.IsZero() || byAge.Before(expiry) {
					expiry = byAge
				}
			}
			if !expiry.IsZero() && asOf.After(expiry.Add(24*time.Hour-time.Nanosecond)) {
				continue
			}
			out = append(out, strings.FieldsFunc(a.Details["repositories"], func(r rune) bool {
				return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == ';'
			})...)
		}
	}
	return out, nil
}
