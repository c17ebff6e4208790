package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/reports/texttable"
)

// builtinCatalogue loads the embedded checks and frameworks.
func builtinCatalogue() (*engine.Engine, *controls.Catalogue, error) {
	builtin, err := builtinPolicies()
	if err != nil {
		return nil, nil, err
	}
	p, err := runner.Prepare(runner.Setup{Policies: []checks.PolicySource{builtin}, Collectors: registry()})
	if err != nil {
		return nil, nil, err
	}
	return p.Engine, p.Catalogue, nil
}

func listFormat(f string) error {
	if f != "table" && f != "json" {
		return inputError(fmt.Errorf("--format %q: want table or json", f))
	}
	return nil
}

func newControlsCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "List and show the frameworks, requirements and attestation kinds",
	}
	commandGroup(cmd)
	var format string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the built-in frameworks",
		Args:  noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := listFormat(format); err != nil {
				return err
			}
			_, cat, err := builtinCatalogue()
			if err != nil {
				return err
			}
			type row struct {
				ID           string `json:"id"`
				Title        string `json:"title"`
				Version      string `json:"version"`
				Source       string `json:"source"`
				Requirements int    `json:"requirements"`
			}
			rows := []row{}
			for _, f := range cat.Frameworks {
				rows = append(rows, row{f.ID, f.Title, f.Version, f.Source, len(f.Requirements)})
			}
			if format == "json" {
				return checks.WriteJSON(g.stdout, rows)
			}
			t := texttable.New(texttable.Column{Header: "ID"}, texttable.Column{Header: "Title", Wrap: true},
				texttable.Column{Header: "Version", Wrap: true}, texttable.Column{Header: "Requirements"})
			for _, r := range rows {
				t.Row(r.ID, r.Title, r.Version, strconv.Itoa(r.Requirements))
			}
			return t.Render(g.stdout, g.width())
		},
	}
	list.Flags().StringVarP(&format, "format", "f", "table", "table or json")

	var showFormat string
	show := &cobra.Command{
		Use:   "show FRAMEWORK",
		Short: "Show a framework's requirements with the checks and attestations that evidence them",
		Args:  positional(1, 1, "FRAMEWORK (a framework ID from sdescan controls list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := listFormat(showFormat); err != nil {
				return err
			}
			_, cat, err := builtinCatalogue()
			if err != nil {
				return err
			}
			fw, ok := cat.Framework(args[0])
			if !ok {
				var ids []string
				for _, f := range cat.Frameworks {
					ids = append(ids, f.ID)
				}
				return inputError(fmt.Errorf("unknown framework %q (one of %s)", args[0], strings.Join(ids, ", ")))
			}
			if showFormat == "json" {
				return checks.WriteJSON(g.stdout, fw)
			}
			width := g.width()
			var b strings.Builder
			b.WriteString(texttable.Fill(fw.ID+": "+fw.Title, width, "", "  "))
			b.WriteString(texttable.Fill("version "+fw.Version+", "+fw.Publisher, width, "", "  "))
			b.WriteString(texttable.Fill("source "+fw.Source, width, "", "  "))
			if fw.Attribution != "" {
				b.WriteString(texttable.Fill(fw.Attribution, width, "", ""))
			}
			b.WriteString("\n")
			if _, err := io.WriteString(g.stdout, b.String()); err != nil {
				return err
			}
			t := texttable.New(texttable.Column{Header: "ID"}, texttable.Column{Header: "Requirement", Wrap: true},
				texttable.Column{Header: "Checks", Wrap: true}, texttable.Column{Header: "Attestations", Wrap: true})
			for _, r := range fw.Requirements {
				title := r.Title
				if r.Importance != "" {
					title += " [" + r.Importance + "]"
				}
				t.Row(r.ID, title, strings.Join(r.Checks, " "), strings.Join(r.Attestations, " "))
			}
			return t.Render(g.stdout, g.width())
		},
	}
	show.Flags().StringVarP(&showFormat, "format", "f", "table", "table or json")

	var attFormat string
	atts := &cobra.Command{
		Use:   "attestations",
		Short: "List the attestation kinds an attestations file may contain",
		Args:  noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := listFormat(attFormat); err != nil {
				return err
			}
			_, cat, err := builtinCatalogue()
			if err != nil {
				return err
			}
			kinds := sortedKinds(cat)
			if attFormat == "json" {
				return checks.WriteJSON(g.stdout, kinds)
			}
			t := texttable.New(texttable.Column{Header: "ID"}, texttable.Column{Header: "Title", Wrap: true},
				texttable.Column{Header: "Max age (days)", Wrap: true}, texttable.Column{Header: "Question", Wrap: true})
			for _, k := range kinds {
				t.Row(k.ID, k.Title, maxAge(k), k.Question)
			}
			return t.Render(g.stdout, g.width())
		},
	}
	atts.Flags().StringVarP(&attFormat, "format", "f", "table", "table or json")
	cmd.AddCommand(list, show, atts)
	return cmd
}

func maxAge(k *controls.AttestationKind) string {
	if k.MaxAgeDays == nil || *k.MaxAgeDays == 0 {
		return "never expires"
	}
	return strconv.Itoa(*k.MaxAgeDays)
}

func sortedKinds(cat *controls.Catalogue) []*controls.AttestationKind {
	out := make([]*controls.AttestationKind, 0, len(cat.Kinds))
	for _, k := range cat.Kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
