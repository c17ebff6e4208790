package aws

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// TestReadOnlyGuardAgainstMoto proves against a real emulator that reads go
// through and that a write is refused before it leaves the process.
func TestReadOnlyGuardAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	ctx := context.Background()
	open := moto.Config()
	s3open := s3.NewFromConfig(open, func(o *s3.Options) { o.UsePathStyle = true })

	var calls Calls
	guarded := moto.Config(ReadOnlyGuard(&calls))
	s3ro := s3.NewFromConfig(guarded, func(o *s3.Options) { o.UsePathStyle = true })

	// A write through the guard is refused with our error ...
	_, err := s3ro.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: sdkaws.String("must-not-exist")})
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Service != "S3" || refused.Operation != "CreateBucket" {
		t.Fatalf("CreateBucket through the guard: got %v, want a RefusedError for S3 CreateBucket", err)
	}
	// ... and nothing reached the emulator.
	out, err := s3open.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Buckets) != 0 {
		t.Fatalf("the refused CreateBucket reached moto: buckets %v", out.Buckets)
	}

	// Reads pass and are counted.
	if _, err := s3open.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: sdkaws.String("seeded"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(mototest.Region)}}); err != nil {
		t.Fatal(err)
	}
	got, err := s3ro.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(got.Buckets) != 1 {
		t.Fatalf("ListBuckets through the guard: %v, %v", got, err)
	}
	if _, err := sts.NewFromConfig(guarded).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity through the guard: %v", err)
	}
	if c := calls.Snapshot(); c["s3:ListBuckets"] != 1 || c["sts:GetCallerIdentity"] != 1 || c["s3:CreateBucket"] != 0 {
		t.Fatalf("call counts %v", c)
	}
}

// TestRefusedWritesNeverLeaveTheProcess sends writes of several services at a
// server that counts requests: none may arrive.
func TestRefusedWritesNeverLeaveTheProcess(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	moto := &mototest.Server{URL: srv.URL}
	cfg := moto.Config(ReadOnlyGuard(nil))
	cfg.RetryMaxAttempts = 1
	ctx := context.Background()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	writes := map[string]func() error{
		"S3 DeleteBucket": func() error {
			_, err := s3c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: sdkaws.String("b")})
			return err
		},
		"S3 PutBucketPolicy": func() error {
			_, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: sdkaws.String("b"), Policy: sdkaws.String("{}")})
			return err
		},
		"S3 PutObject": func() error {
			_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: sdkaws.String("b"), Key: sdkaws.String("k")})
			return err
		},
	}
	for name, call := range writes {
		var refused *RefusedError
		if err := call(); !errors.As(err, &refused) {
			t.Errorf("%s: got %v, want RefusedError", name, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d refused request(s) reached the server", n)
	}
}

func TestAllowListIsReadOnlyAndMatchesIAMPolicy(t *testing.T) {
	doc, err := IAMPolicy()
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Statement []struct {
			Effect string   `json:"Effect"`
			Action []string `json:"Action"`
		} `json:"Statement"`
	}
	if err := json.Unmarshal(doc, &p); err != nil {
		t.Fatal(err)
	}
	inPolicy := map[string]bool{}
	for _, s := range p.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement effect %q", s.Effect)
		}
		for _, a := range s.Action {
			inPolicy[a] = true
		}
	}
	readPrefixes := []string{"Get", "List", "Describe", "GenerateCredentialReport", "AssumeRole", "GetCallerIdentity"}
	for _, op := range AllowedOperations() {
		if !inPolicy[op.Action] {
			t.Errorf("%s %s: IAM action %s missing from the iam-policy output", op.Service, op.Name, op.Action)
		}
		ok := false
		for _, pre := range readPrefixes {
			if len(op.Name) >= len(pre) && op.Name[:len(pre)] == pre {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s %s is on the allow-list but is not a read operation", op.Service, op.Name)
		}
	}
}
