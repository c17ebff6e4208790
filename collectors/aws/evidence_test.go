package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/evidence"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// fullAccessKeyID matches an access key ID that was not masked.
var fullAccessKeyID = regexp.MustCompile(`(AKIA|ASIA)[A-Z0-9]{16}`)

// TestEvidenceIsKeptAndCited: with an evidence sink, every resource cites the raw
// responses its facts come from (by path and sha256, files that exist and match),
// a bucket cites its own reads and not another bucket's, access key IDs are
// masked and the credentials used never appear, and the facts are otherwise those
// of a collection without evidence.
func TestEvidenceIsKeptAndCited(t *testing.T) {
	moto := mototest.StartIAM(t)
	moto.SeedS3(t)
	seed := moto.SeedIAM(t)
	const canaryKey, canarySecret = "AKIACANARYCANARY0001", "canary/secret/Key+DoNotLeak0123456789abc"
	cfg := moto.Config()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(canaryKey, canarySecret, "canary-session-token-do-not-leak")

	root := t.TempDir()
	f := Collect(context.Background(), cfg, Options{Version: "test", Now: fixedNow, Evidence: &evidence.Dir{Root: root}})
	if f.Runs[0].Status != checks.RunOK {
		t.Fatalf("run %s: %+v", f.Runs[0].Status, f.Runs[0].Errors)
	}
	plain := Collect(context.Background(), cfg, Options{Version: "test", Now: fixedNow})

	cited := map[string]bool{}
	for _, ref := range f.Runs[0].Evidence {
		cited[ref.Path] = true
	}
	for i, r := range f.Resources {
		if len(r.Evidence) == 0 {
			t.Errorf("%s cites no evidence", r.ID)
		}
		for _, ref := range r.Evidence {
			cited[ref.Path] = true
			if !strings.HasPrefix(ref.Path, "evidence/aws/123456789012/") {
				t.Errorf("%s cites %s, outside the account's evidence", r.ID, ref.Path)
			}
			data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(ref.Path)))
			if err != nil {
				t.Fatalf("%s cites %s: %v", r.ID, ref.Path, err)
			}
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != ref.SHA256 {
				t.Errorf("%s: sha256 of %s does not match its reference", r.ID, ref.Path)
			}
			var rec apiResponse
			if err := json.Unmarshal(data, &rec); err != nil || rec.API == "" {
				t.Errorf("%s: not an API response record (%v)", ref.Path, err)
			}
		}
		// Apart from the citations, the facts are those of a plain collection.
		r.Evidence = nil
		a, _ := json.Marshal(r)
		b, _ := json.Marshal(plain.Resources[i])
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs when evidence is kept:\n%s\n%s", r.ID, a, b)
		}
	}

	// A bucket cites its own configuration reads and the listing, never another bucket's reads.
	good := resourceByID(f, mototest.GoodBucketID)
	apis := map[string]bool{}
	for _, ref := range good.Evidence {
		data, _ := os.ReadFile(filepath.Join(root, filepath.FromSlash(ref.Path)))
		var rec apiResponse
		_ = json.Unmarshal(data, &rec)
		apis[rec.API] = true
		if strings.Contains(string(rec.Request), "sde-bad-data") {
			t.Errorf("the good bucket cites a read of the bad one: %s", ref.Path)
		}
	}
	for _, want := range []string{"s3:ListBuckets", "s3:GetBucketEncryption", "s3:GetBucketPolicy", "s3:GetBucketTagging", "s3control:GetPublicAccessBlock"} {
		if !apis[want] {
			t.Errorf("the good bucket does not cite %s (cites %v)", want, apis)
		}
	}

	// Nothing kept holds a credential: not the caller's, not an IAM user's key ID.
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, secret := range []string{canaryKey, canarySecret, "canary-session-token", seed.GoodKeyID, seed.BadKeyID, "Correct-Horse-Battery-9"} {
			if secret != "" && bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds a credential %q", p, secret[:8])
			}
		}
		if m := fullAccessKeyID.Find(data); m != nil {
			t.Errorf("%s holds an unmasked access key ID ending %s", p, m[len(m)-4:])
		}
		rel, _ := filepath.Rel(root, p)
		if !cited[filepath.ToSlash(rel)] {
			t.Errorf("kept but cited by no resource and not by the run: %s", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < len(f.Runs[0].APICalls) {
		t.Errorf("%d evidence files for %d kinds of call", files, len(f.Runs[0].APICalls))
	}
}

// failingSink refuses every write.
type failingSink struct{}

func (failingSink) Put(string, []byte) (checks.EvidenceRef, error) {
	return checks.EvidenceRef{}, errors.New("disk full")
}

// TestEvidenceFailureIsReported: evidence that cannot be kept makes the run
// partial with one error that says so; the facts and findings are unchanged.
func TestEvidenceFailureIsReported(t *testing.T) {
	moto := mototest.Start(t)
	moto.SeedS3(t)
	f := Collect(context.Background(), moto.Config(), Options{Version: "test", Now: fixedNow, Evidence: failingSink{}})
	run := f.Runs[0]
	if run.Status != checks.RunPartial || len(run.Errors) != 1 || run.Errors[0].Service != "evidence" || !strings.Contains(run.Errors[0].Message, "disk full") {
		t.Fatalf("run %s, errors %+v: want partial with one evidence error", run.Status, run.Errors)
	}
	for _, r := range f.Resources {
		if len(r.Evidence) != 0 {
			t.Errorf("%s cites evidence that was not kept", r.ID)
		}
	}
	got := evaluate(t, f)
	want := evaluate(t, Collect(context.Background(), moto.Config(), Options{Version: "test", Now: fixedNow}))
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("%d findings with failing evidence, %d without", len(got), len(want))
	}
	for k, v := range want {
		if got[k].Status != v.Status {
			t.Errorf("%s: %s with failing evidence, %s without", k, got[k].Status, v.Status)
		}
	}
}
