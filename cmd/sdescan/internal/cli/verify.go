package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/reports/pack"
)

// verifyOptions are the flags of verify.
type verifyOptions struct {
	key  string
	eval evalLimitFlags
}

func newVerifyCmd(g *globalOptions) *cobra.Command {
	o := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify PACK [--key PREFIX.pub]",
		Short: "Check an evidence pack: digests, signature, and that its findings follow from its facts",
		Long: `verify checks an evidence pack (a zip file or a directory) without trusting the machine
that wrote it:

  - every file's sha256 and size match the manifest, and no file is missing or extra;
  - with --key, manifest.sig is an ed25519 signature of manifest.json by that key
    (without --key the signature is not checked, and verify says so);
  - every file is one sdescan writes: its reports, the evidence facts.json cites,
    the catalogue, checks, attestations and waivers the manifest lists;
  - the built-in checks are exactly the checks this sdescan ships, byte for byte
    (confirmed only for a pack made by this version); custom checks (--policy)
    are listed with their sha256 for you to review;
  - then, and only then, the packed checks, re-run over the packed facts with the
    packed catalogue, attestations and waivers at the pack's assessment time, give
    exactly the packed findings.json, assessment.json and reports.

Each problem is printed on its own line. Exit codes: 0 valid, 1 invalid, 2 the pack
or key cannot be read (or is unsafe to read: see the limits in docs/evidence-pack.md).`,
		Example: `  sdescan verify pack.zip --key sdescan-signing.pub
  sdescan verify pack/`,
		Args: positional(1, 1, "PACK (an evidence pack: a .zip file or a directory)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return verifyRun(cmd.Context(), g, o, args[0])
		},
	}
	cmd.Flags().StringVar(&o.key, "key", "", "the ed25519 public key `FILE` (PKIX PEM) the pack must be signed with")
	o.eval.add(cmd.Flags())
	return cmd
}

func verifyRun(ctx context.Context, g *globalOptions, o *verifyOptions, packName string) error {
	opts := pack.VerifyOptions{KeyName: o.key, Version: Version, Shipped: collectors.BuiltinFS(), Collectors: registry()}
	var err error
	if opts.EvalLimits, err = o.eval.limits(); err != nil {
		return inputError(err)
	}
	if o.key != "" {
		var data []byte
		data, err = limits.ReadFile(o.key, limits.Key)
		if err != nil {
			return inputError(err)
		}
		if opts.Key, err = pack.ParsePublicKey(data, o.key); err != nil {
			return inputError(err)
		}
	}
	v, err := pack.Verify(ctx, packName, opts)
	if err != nil {
		return inputError(err)
	}
	var b strings.Builder
	for _, w := range v.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	for _, c := range v.CustomChecks {
		fmt.Fprintf(&b, "custom check (not shipped by sdescan %s): %s sha256 %s, from --policy %q\n", Version, c.Path, c.SHA256, c.Policy)
	}
	for _, p := range v.Problems {
		fmt.Fprintf(&b, "%s\n", p)
	}
	if len(v.Problems) == 0 {
		sig := "signature not checked"
		if v.SignatureChecked {
			sig = "signature verified (key sha256 " + v.Manifest.PublicKey.SHA256 + ")"
		}
		custom := ""
		if n := len(v.CustomChecks); n > 0 {
			custom = fmt.Sprintf(" and %d custom check file(s), listed above", n)
		}
		fmt.Fprintf(&b, "%s: valid: %d files match the manifest; %s; %d built-in check files are those sdescan %s ships%s; findings and assessment follow from the packed facts (as of %s)\n",
			packName, v.Files, sig, v.ShippedChecks, Version, custom, v.Manifest.Assessment.AsOf)
	}
	if _, err := fmt.Fprint(g.stdout, b.String()); err != nil {
		return err
	}
	if len(v.Problems) > 0 {
		return &exitError{code: ExitGateFailed, err: fmt.Errorf("%s: invalid evidence pack: %d problem(s)", packName, len(v.Problems))}
	}
	return nil
}
