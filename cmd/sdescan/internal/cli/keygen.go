package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/reports/pack"
)

// keygenOptions are the flags of keygen.
type keygenOptions struct {
	out string
}

func newKeygenCmd(g *globalOptions) *cobra.Command {
	o := &keygenOptions{}
	cmd := &cobra.Command{
		Use:   "keygen --out PREFIX",
		Short: "Make an ed25519 key pair for signing evidence packs",
		Long: `keygen writes PREFIX.key, an ed25519 private key (PKCS #8 PEM, readable by its owner
only), and PREFIX.pub, its public key (PKIX PEM). Sign a pack with
` + "`--key PREFIX.key`" + ` and give assessors PREFIX.pub: they check a pack with
` + "`sdescan verify PACK --key PREFIX.pub`" + `, or with openssl alone (docs/evidence-pack.md).
Existing files are never overwritten.`,
		Example: `  sdescan keygen --out sdescan-signing`,
		Args:    noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return keygenRun(g, o)
		},
	}
	cmd.Flags().StringVar(&o.out, "out", "", "write `PREFIX`.key and PREFIX.pub")
	return cmd
}

func keygenRun(g *globalOptions, o *keygenOptions) error {
	if o.out == "" {
		return inputError(errors.New("keygen needs --out PREFIX"))
	}
	privFile, pubFile := o.out+".key", o.out+".pub"
	for _, f := range []string{privFile, pubFile} {
		if _, err := os.Lstat(f); err == nil {
			return inputError(fmt.Errorf("%s: already exists; keygen never overwrites a key", f))
		}
	}
	privPEM, pubPEM, err := pack.GenerateKey(nil)
	if err != nil {
		return err
	}
	if err := writeNew(privFile, privPEM, 0o600); err != nil {
		return inputError(err)
	}
	if err := writeNew(pubFile, pubPEM, 0o644); err != nil {
		os.Remove(privFile)
		return inputError(err)
	}
	pub, err := pack.ParsePublicKey(pubPEM, pubFile)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(g.stdout, "wrote %s (private: keep it secret) and %s (public key sha256 %s)\n", privFile, pubFile, pack.KeyFingerprint(pub))
	return err
}

// writeNew creates file with mode perm and writes data; it fails if file exists.
func writeNew(file string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("%s: %w", file, cleanOSError(err))
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(perm) // whatever the umask did
	}
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(file)
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}
