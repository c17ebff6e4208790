package cli

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/reports/pack"
)

// packOptions say where to write an evidence pack and how to sign it (scan and pack).
type packOptions struct {
	zip string // write the pack as this zip file
	dir string // or as this directory
	key string // sign manifest.json with this private key (PKCS #8 PEM)
}

func (p *packOptions) enabled() bool { return p.zip != "" || p.dir != "" }

// packing is what a pack needs before the assessment: the facts made ready for it
// (redacted, their evidence read) and the signing key.
type packing struct {
	facts *pack.Facts
	key   ed25519.PrivateKey
}

// prepare checks the pack flags, reads the key and the evidence the facts cite,
// and redacts the facts. Errors are input errors: nothing has been written yet.
func (p *packOptions) prepare(in inputs) (*packing, error) {
	if p.zip != "" && p.dir != "" {
		return nil, inputError(errors.New("a pack is a zip file or a directory: give one of them, not both"))
	}
	pk := &packing{}
	if p.key != "" {
		data, err := limits.ReadFile(p.key, limits.Key)
		if err != nil {
			return nil, inputError(err)
		}
		if pk.key, err = pack.ParsePrivateKey(data, p.key); err != nil {
			return nil, inputError(err)
		}
	}
	pf, err := pack.PrepareFacts(in.facts, in.factsName, in.evidence)
	if err != nil {
		return nil, inputError(err)
	}
	pk.facts = pf
	return pk, nil
}

// write writes a built pack where the flags say.
func (p *packOptions) write(built *pack.Files) error {
	target := p.zip
	if p.zip != "" {
		if err := writeFileAtomic(p.zip, built.WriteZip); err != nil {
			return inputError(err)
		}
	} else {
		target = p.dir
		if err := built.WriteDir(p.dir); err != nil {
			return inputError(err)
		}
	}
	slog.Info("evidence pack written", "pack", target, "files", len(built.Names()), "signed", p.key != "")
	return nil
}

func newPackCmd(g *globalOptions) *cobra.Command {
	o := &assessOptions{format: "table", packOnly: true}
	cmd := &cobra.Command{
		Use:   "pack FACTS.json (-o PACK.zip | --dir DIR) [--key PREFIX.key]",
		Short: "Build an evidence pack from saved facts",
		Long: `pack assesses saved facts, as evaluate does, and writes the evidence pack an assessor
can check with ` + "`sdescan verify`" + `: the facts (secrets redacted), the raw evidence they cite
(from the facts file's directory), the findings, the assessment, the exact checks and
catalogue used, the attestations with their documents, the waivers and a summary, with
a manifest of every file's sha256. --key signs the manifest (see ` + "`sdescan keygen`" + `).

The same facts, catalogue, attestations, waivers and key give a byte-identical pack.
See docs/evidence-pack.md.`,
		Example: `  sdescan pack facts.json --attestations attestations.yaml --waivers waivers.yaml -o pack.zip
  sdescan pack facts.json --dir pack/ --key sdescan.key`,
		Args: positional(1, 1, "FACTS.json (a facts file from scan --save-facts or collect)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !o.pack.enabled() {
				return inputError(errors.New("pack needs -o PACK.zip or --dir DIR"))
			}
			if _, err := o.eval.limits(); err != nil {
				return inputError(err)
			}
			file := args[0]
			facts, err := checks.ReadFactsFile(file)
			if err != nil {
				return inputError(err)
			}
			in := inputs{facts: facts, factsName: file, evidence: os.DirFS(filepath.Dir(file))}
			if err := o.run(cmd.Context(), g, in); err != nil {
				return err
			}
			target := o.pack.zip
			if target == "" {
				target = o.pack.dir
			}
			signed := "unsigned"
			if o.pack.key != "" {
				signed = "signed with " + o.pack.key
			}
			_, err = fmt.Fprintf(g.stdout, "wrote %s (%s)\n", target, signed)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.pack.zip, "output", "o", "", "write the pack as the zip `FILE`")
	f.StringVar(&o.pack.dir, "dir", "", "write the pack as the directory `DIR` (which must not exist or be empty)")
	f.StringVar(&o.pack.key, "key", "", "sign the manifest with the ed25519 private key in `FILE` (PKCS #8 PEM, from sdescan keygen)")
	o.addInputFlags(f, "assess")
	return cmd
}

// addFlags adds the evidence pack flags of scan.
func (p *packOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&p.zip, "pack", "", "also write an evidence pack as the zip `FILE` (docs/evidence-pack.md)")
	f.StringVar(&p.dir, "pack-dir", "", "also write an evidence pack as the directory `DIR` (which must not exist or be empty)")
	f.StringVar(&p.key, "key", "", "sign the pack's manifest with the ed25519 private key in `FILE` (PKCS #8 PEM, from sdescan keygen)")
}
