package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// endUserServices are the services of sagemaker.go, workspaces.go and appstream.go
// as their collect errors name them.
var endUserServices = []string{"appstream", "sagemaker", "workspaces"}

func endUserErrors(f *checks.Facts) []checks.CollectError {
	var out []checks.CollectError
	for _, e := range f.Runs[0].Errors {
		if slices.Contains(endUserServices, e.Service) {
			out = append(out, e)
		}
	}
	return out
}

// The AppStream resources of testdata/appstream.
var (
	asDesktopStack   = "aws://123456789012/eu-west-2/appstream/stack/sde-desktop"
	asSupportStack   = "aws://123456789012/eu-west-2/appstream/stack/sde-desktop-support"
	asDesktopFleet   = "aws://123456789012/eu-west-2/appstream/fleet/sde-desktop-fleet"
	asBuildFleet     = "aws://123456789012/eu-west-2/appstream/fleet/sde-build-fleet"
	asElasticFleet   = "aws://123456789012/eu-west-2/appstream/fleet/sde-elastic-fleet"
	asPrivateBuilder = "aws://123456789012/eu-west-2/appstream/image-builder/sde-image-builder"
	asOpenBuilder    = "aws://123456789012/eu-west-2/appstream/image-builder/sde-image-2026-11"
)

const appStreamTestdata = "testdata/appstream"

// recordedAppStream answers the AppStream 2.0 JSON API from testdata/appstream.
// Those responses are hand-made in the shape the AppStream API Reference documents
// (no AWS account is reachable from here, and moto 5.2.1 does not implement
// AppStream at all); see testdata/appstream/README.md. Each request is checked to
// be what the AWS SDK sends: AWS JSON 1.1, signed for appstream in the test region.
// A NextToken selects the file <Operation>-<token>.json; tags come from
// ListTagsForResource/<kind>-<name>.json (none when there is no file), and an ARN
// no listing returned is not found, as in AWS.
func recordedAppStream(t *testing.T) http.Handler {
	t.Helper()
	known := map[string]bool{}
	for _, f := range []string{"DescribeStacks.json", "DescribeStacks-sde-page-2.json", "DescribeFleets.json", "DescribeImageBuilders.json"} {
		data, err := os.ReadFile(filepath.Join(appStreamTestdata, f))
		if err != nil {
			t.Fatal(err)
		}
		var page map[string]json.RawMessage
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for key, raw := range page {
			if key == "NextToken" {
				continue
			}
			var items []struct{ Arn string }
			if err := json.Unmarshal(raw, &items); err != nil {
				t.Fatalf("%s: %s: %v", f, key, err)
			}
			for _, it := range items {
				known[it.Arn] = true
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), mototest.AppStreamTarget)
		if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
			t.Errorf("AppStream %s sent with Content-Type %q", op, ct)
		}
		if a := r.Header.Get("Authorization"); !strings.Contains(a, "/"+mototest.Region+"/appstream/aws4_request") {
			t.Errorf("AppStream %s not signed for appstream in %s: %q", op, mototest.Region, a)
		}
		var in struct {
			NextToken   string
			ResourceArn string
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			mototest.WriteAWSJSONError(w, http.StatusBadRequest, "SerializationException", err.Error())
			return
		}
		var file string
		switch op {
		case "DescribeStacks", "DescribeFleets", "DescribeImageBuilders":
			file = op + ".json"
			if in.NextToken != "" {
				file = op + "-" + in.NextToken + ".json"
			}
		case "ListTagsForResource":
			if !known[in.ResourceArn] {
				mototest.WriteAWSJSONError(w, http.StatusBadRequest, "ResourceNotFoundException", "resource not found: "+in.ResourceArn)
				return
			}
			_, res, _ := strings.Cut(in.ResourceArn, ":123456789012:")
			file = "ListTagsForResource/" + strings.ReplaceAll(res, "/", "-") + ".json"
		default:
			t.Errorf("AppStream %s called: the collector reads only the listings and tags", op)
			mototest.WriteAWSJSONError(w, http.StatusBadRequest, "UnknownOperationException", op)
			return
		}
		data, err := os.ReadFile(filepath.Join(appStreamTestdata, file))
		switch {
		case errors.Is(err, fs.ErrNotExist) && op == "ListTagsForResource":
			data = []byte(`{"Tags":{}}`)
		case err != nil:
			t.Errorf("AppStream %s (NextToken %q): %v", op, in.NextToken, err)
			mototest.WriteAWSJSONError(w, http.StatusBadRequest, "InvalidParameterCombinationException", "no such page")
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-RequestId", "00000000-0000-4000-8000-000000000000")
		_, _ = w.Write(data)
	})
}

// appStreamServer puts recordedAppStream in front of moto: AppStream requests get
// the files' answers, everything else (STS first) reaches moto.
func appStreamServer(t *testing.T, moto *mototest.Server) *mototest.Server {
	t.Helper()
	return moto.WithAppStream(t, recordedAppStream(t))
}

// expectedEndUserFindings is what the checks say on the seeded resources when
// everything could be read.
func expectedEndUserFindings(ids mototest.EndUsers) map[string]checks.Status {
	return map[string]checks.Status{
		"AWS-SM-001 " + ids.GoodNotebook: checks.Pass,
		"AWS-SM-001 " + ids.OpenNotebook: checks.Fail, // direct internet and root access
		"AWS-SM-001 " + ids.RootNotebook: checks.Fail, // root access

		"AWS-WS-001 " + ids.GoodWorkspace:            checks.Pass,
		"AWS-WS-001 " + ids.RootUnencryptedWorkspace: checks.Fail,
		"AWS-WS-001 " + ids.PlainWorkspace:           checks.Fail,

		"AWS-AS-001 " + asDesktopStack:   checks.Pass,
		"AWS-AS-001 " + asSupportStack:   checks.Fail, // paste, upload and printing not listed: ENABLED; a OneDrive connector
		"AWS-AS-002 " + asDesktopFleet:   checks.Pass,
		"AWS-AS-002 " + asBuildFleet:     checks.Fail,
		"AWS-AS-002 " + asElasticFleet:   checks.Error, // AWS did not say: unknown, not false
		"AWS-AS-002 " + asPrivateBuilder: checks.Pass,
		"AWS-AS-002 " + asOpenBuilder:    checks.Fail,
	}
}

// TestCollectEndUserServices runs the real collector and the real checks against
// SageMaker notebooks and WorkSpaces seeded in moto and the AppStream 2.0 stacks,
// fleets and image builders of testdata/appstream: each check passes on the
// compliant resources and fails on the misconfigured ones, for the right reasons.
func TestCollectEndUserServices(t *testing.T) {
	moto := mototest.Start(t)
	ids := moto.SeedEndUsers(t)
	srv := appStreamServer(t, moto)
	f := Collect(context.Background(), srv.Config(), Options{Version: "test", Now: fixedNow})
	if len(f.Runs) != 1 || f.Runs[0].Scope != "123456789012" {
		t.Fatalf("runs = %+v, want one run for account 123456789012", f.Runs)
	}
	if errs := endUserErrors(f); len(errs) != 0 {
		t.Fatalf("collect errors: %+v", errs)
	}
	if f.Runs[0].Status != checks.RunOK {
		t.Errorf("run %s with errors %+v, want ok", f.Runs[0].Status, f.Runs[0].Errors)
	}
	validateFacts(t, f)

	assertTypeCounts(t, f, map[string]int{"aws.sagemaker.notebook_instance": 3, "aws.workspaces.workspace": 3, "aws.appstream.stack": 2, "aws.appstream.fleet": 3, "aws.appstream.image_builder": 2})

	got := evaluate(t, f)
	assertFindings(t, got, expectedEndUserFindings(ids))
	// Each failure for the right reasons, and only those.
	for key, want := range map[string][]string{
		"AWS-SM-001 " + ids.OpenNotebook:             {"notebook sde-scratch allows root access", "notebook sde-scratch has direct internet access"},
		"AWS-SM-001 " + ids.RootNotebook:             {"notebook sde-admin-tools allows root access"},
		"AWS-WS-001 " + ids.RootUnencryptedWorkspace: {"WorkSpace " + ids.RootUnencryptedWorkspaceID + " root volume is not encrypted"},
		"AWS-WS-001 " + ids.PlainWorkspace:           {"WorkSpace " + ids.PlainWorkspaceID + " root volume is not encrypted", "WorkSpace " + ids.PlainWorkspaceID + " user volume is not encrypted"},
		"AWS-AS-001 " + asSupportStack: {"AppStream stack sde-desktop-support allows file upload",
			"AppStream stack sde-desktop-support allows pasting from the local device's clipboard (data entering outside the airlock)",
			"AppStream stack sde-desktop-support allows printing to a local printer",
			"AppStream stack sde-desktop-support connects users' OneDrive storage to the session"},
		"AWS-AS-002 " + asBuildFleet:  {"AppStream fleet sde-build-fleet has default internet access"},
		"AWS-AS-002 " + asOpenBuilder: {"AppStream image builder sde-image-2026-11 has default internet access"},
	} {
		msgs := slices.Sorted(slices.Values(got[key].Messages))
		if !slices.Equal(msgs, want) {
			t.Errorf("%s: messages %q, want %q", key, msgs, want)
		}
	}
	// Tags come through, so findings are weighted by data classification.
	for key, want := range map[string]string{
		"AWS-SM-001 " + ids.GoodNotebook:             "pseudonymised",
		"AWS-SM-001 " + ids.OpenNotebook:             "identifiable",
		"AWS-WS-001 " + ids.RootUnencryptedWorkspace: "identifiable",
		"AWS-AS-001 " + asDesktopStack:               "pseudonymised",
		"AWS-AS-002 " + asDesktopFleet:               "pseudonymised",
		"AWS-AS-002 " + asOpenBuilder:                "identifiable",
		"AWS-AS-002 " + asBuildFleet:                 "",
	} {
		if c := got[key].Classification; c != want {
			t.Errorf("%s: classification %q, want %q", key, c, want)
		}
	}

	// Shapes the checks and the schema do not pin down.
	attrs := func(id string) map[string]any {
		t.Helper()
		r := resourceByID(f, id)
		if r == nil {
			t.Fatalf("no resource %s", id)
		}
		return r.Attributes
	}
	if a := attrs(ids.GoodNotebook); a["subnet_id"] == nil || a["kms_key_id"] != mototest.NotebookKey || len(a["security_group_ids"].([]any)) != 1 || a["status"] != "InService" {
		t.Errorf("compliant notebook %v", a)
	}
	if a := attrs(ids.OpenNotebook); a["subnet_id"] != nil || a["kms_key_id"] != nil || !reflect.DeepEqual(a["security_group_ids"], []any{}) {
		t.Errorf("notebook outside the VPC %v", a)
	}
	if a := attrs(ids.GoodWorkspace); a["volume_encryption_key"] != mototest.WorkspacesKey || a["directory_id"] != ids.DirectoryID || a["user_name"] != "alice.analyst" || a["state"] != "AVAILABLE" {
		t.Errorf("compliant WorkSpace %v", a)
	}
	if _, ok := attrs(ids.PlainWorkspace)["volume_encryption_key"]; ok {
		t.Error("the unencrypted WorkSpace has a volume encryption key")
	}
	if us := attrs(asSupportStack)["user_settings"]; !reflect.DeepEqual(us, map[string]any{
		"clipboard_copy_from_local_device": true, // not listed: ENABLED
		"clipboard_copy_to_local_device":   false,
		"file_upload":                      true, // not listed: ENABLED
		"file_download":                    false,
		"printing_to_local_device":         true, // not listed: ENABLED
	}) {
		t.Errorf("user settings of the support stack %v", us)
	}
	if a := attrs(asDesktopFleet); !reflect.DeepEqual(a["subnet_ids"], []any{"subnet-0a1111111111111a1", "subnet-0a1111111111111a2"}) || a["fleet_type"] != "ON_DEMAND" || a["state"] != "RUNNING" ||
		a["arn"] != "arn:aws:appstream:eu-west-2:123456789012:fleet/sde-desktop-fleet" {
		t.Errorf("desktop fleet %v", a)
	}
	if s := attrs(asBuildFleet)["subnet_ids"]; !reflect.DeepEqual(s, []any{}) {
		t.Errorf("subnets of the fleet outside a VPC %v", s)
	}
	if _, ok := attrs(asElasticFleet)["default_internet_access_enabled"]; ok {
		t.Error("default_internet_access_enabled invented for the fleet AWS said nothing about")
	}

	// Calls: one listing each (two pages of stacks); per-resource reads once per
	// resource.
	calls := f.Runs[0].APICalls
	assertCalls(t, calls, map[string]int{
		"sagemaker:ListNotebookInstances": 1, "sagemaker:DescribeNotebookInstance": 3, "sagemaker:ListTags": 3,
		"workspaces:DescribeWorkspaces": 1, "workspaces:DescribeTags": 3,
		"appstream:DescribeStacks": 2, "appstream:DescribeFleets": 1, "appstream:DescribeImageBuilders": 1, "appstream:ListTagsForResource": 7,
	})

	assertDeterministic(t, srv.Config(), f)
}

// TestCollectEndUserServicesFailures: what could not be read is never a pass. A
// denied listing hides its type (recorded, nothing invented); a denied
// per-resource read leaves its attributes out, so the check reports an error on
// that resource only; everything else is judged as before.
func TestCollectEndUserServicesFailures(t *testing.T) {
	moto := mototest.Start(t)
	ids := moto.SeedEndUsers(t)
	srv := appStreamServer(t, moto)
	want := expectedEndUserFindings(ids)

	type failure struct{ service, api, resource string }
	cases := []struct {
		name string
		deny func(mototest.Request) bool
		// The collect errors, each with the types it hid.
		failures []failure
		types    map[failure][]string
		// hidden are the resources the failure removes, changed the findings that
		// differ from want, and gone the resource types that must have no resource.
		hidden  []string
		changed map[string]checks.Status
		gone    []string
		check   func(t *testing.T, f *checks.Facts)
	}{
		{
			name: "SageMaker DescribeNotebookInstance denied for one notebook",
			deny: func(q mototest.Request) bool {
				return q.Service == "sagemaker" && q.Op == "DescribeNotebookInstance" && bytes.Contains(q.Body, []byte(`"sde-analysis"`))
			},
			failures: []failure{{"sagemaker", "DescribeNotebookInstance", ids.GoodNotebook}},
			types:    map[failure][]string{{"sagemaker", "DescribeNotebookInstance", ids.GoodNotebook}: {"aws.sagemaker.notebook_instance"}},
			changed:  map[string]checks.Status{"AWS-SM-001 " + ids.GoodNotebook: checks.Error},
			check: func(t *testing.T, f *checks.Facts) {
				r := resourceByID(f, ids.GoodNotebook)
				if r == nil {
					t.Fatal("the notebook is gone: a failed read must not drop it")
				}
				for _, k := range []string{"direct_internet_access_enabled", "root_access_enabled", "subnet_id", "security_group_ids", "kms_key_id"} {
					if _, ok := r.Attributes[k]; ok {
						t.Errorf("%s present though DescribeNotebookInstance was denied", k)
					}
				}
				// What the listing gave stays, and so do the tags.
				if r.Attributes["arn"] == nil || r.Attributes["status"] != "InService" || r.Tags["data-classification"] != "pseudonymised" {
					t.Errorf("notebook %+v", r)
				}
			},
		},
		{
			name:     "WorkSpaces listing denied",
			deny:     func(q mototest.Request) bool { return q.Service == "workspaces" && q.Op == "DescribeWorkspaces" },
			failures: []failure{{"workspaces", "DescribeWorkspaces", ""}},
			types:    map[failure][]string{{"workspaces", "DescribeWorkspaces", ""}: {"aws.workspaces.workspace"}},
			hidden:   []string{ids.GoodWorkspace, ids.RootUnencryptedWorkspace, ids.PlainWorkspace},
			gone:     []string{"aws.workspaces.workspace"},
		},
		{
			name: "WorkSpaces tags denied",
			deny: func(q mototest.Request) bool { return q.Service == "workspaces" && q.Op == "DescribeTags" },
			failures: []failure{
				{"workspaces", "DescribeTags", ids.GoodWorkspace}, {"workspaces", "DescribeTags", ids.RootUnencryptedWorkspace}, {"workspaces", "DescribeTags", ids.PlainWorkspace},
			},
			check: func(t *testing.T, f *checks.Facts) {
				for _, id := range []string{ids.GoodWorkspace, ids.RootUnencryptedWorkspace, ids.PlainWorkspace} {
					if r := resourceByID(f, id); r == nil || r.Tags != nil {
						t.Errorf("%s: %+v, want it without tags", id, r)
					}
				}
				if c := evaluate(t, f)["AWS-WS-001 "+ids.GoodWorkspace].Classification; c != "" {
					t.Errorf("classification %q from tags that could not be read", c)
				}
			},
		},
		{
			name:     "AppStream fleets denied",
			deny:     func(q mototest.Request) bool { return q.Service == "appstream" && q.Op == "DescribeFleets" },
			failures: []failure{{"appstream", "DescribeFleets", ""}},
			types:    map[failure][]string{{"appstream", "DescribeFleets", ""}: {"aws.appstream.fleet"}},
			hidden:   []string{asDesktopFleet, asBuildFleet, asElasticFleet},
			gone:     []string{"aws.appstream.fleet"},
		},
		{
			// A listing is whole or not at all: the first page's stack, which would
			// pass, is not judged on half a listing.
			name: "AppStream second page of stacks denied",
			deny: func(q mototest.Request) bool {
				return q.Service == "appstream" && q.Op == "DescribeStacks" && bytes.Contains(q.Body, []byte("sde-page-2"))
			},
			failures: []failure{{"appstream", "DescribeStacks", ""}},
			types:    map[failure][]string{{"appstream", "DescribeStacks", ""}: {"aws.appstream.stack"}},
			hidden:   []string{asDesktopStack, asSupportStack},
			gone:     []string{"aws.appstream.stack"},
		},
		{
			name: "AppStream tags of one stack denied",
			deny: func(q mototest.Request) bool {
				return q.Service == "appstream" && q.Op == "ListTagsForResource" && bytes.Contains(q.Body, []byte("stack/sde-desktop\""))
			},
			failures: []failure{{"appstream", "ListTagsForResource", asDesktopStack}},
			types:    map[failure][]string{{"appstream", "ListTagsForResource", asDesktopStack}: {"aws.appstream.stack"}},
			check: func(t *testing.T, f *checks.Facts) {
				if r := resourceByID(f, asDesktopStack); r == nil || r.Tags != nil || r.Attributes["user_settings"] == nil {
					t.Errorf("stack %+v, want it with its settings and without tags", r)
				}
				if r := resourceByID(f, asSupportStack); r == nil || r.Tags["data-classification"] != "identifiable" {
					t.Errorf("the other stack lost its tags: %+v", r)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			proxy := srv.Deny(t, tc.deny)
			f := Collect(context.Background(), proxy.Config(), Options{Version: "test", Now: fixedNow})
			validateFacts(t, f)
			if f.Runs[0].Status != checks.RunPartial {
				t.Errorf("run status %s, want partial", f.Runs[0].Status)
			}
			var failures []failure
			for _, e := range endUserErrors(f) {
				k := failure{e.Service, e.API, e.Resource}
				failures = append(failures, k)
				if e.Region != mototest.Region || !strings.HasPrefix(e.Message, "AccessDeniedException: ") || !strings.Contains(e.Message, "not authorized") {
					t.Errorf("collect error %+v", e)
				}
				wantTypes, ok := tc.types[k]
				if !ok {
					wantTypes = []string{resourceTypeOfID(k.resource)}
				}
				if !reflect.DeepEqual(e.ResourceTypes, wantTypes) {
					t.Errorf("collect error %+v hid %v, want %v", k, e.ResourceTypes, wantTypes)
				}
			}
			cmp := func(a, b failure) int { return strings.Compare(a.service+a.api+a.resource, b.service+b.api+b.resource) }
			slices.SortFunc(failures, cmp)
			wantFailures := slices.SortedFunc(slices.Values(tc.failures), cmp)
			if !slices.Equal(failures, wantFailures) {
				t.Errorf("failures %v, want %v", failures, wantFailures)
			}
			for _, typ := range tc.gone {
				for _, r := range f.Resources {
					if r.Type == typ {
						t.Errorf("%s collected though its listing failed", r.ID)
					}
				}
			}
			got := evaluate(t, f)
			for key, w := range want {
				_, id, _ := strings.Cut(key, " ")
				g, judged := got[key]
				if slices.Contains(tc.hidden, id) {
					if judged {
						t.Errorf("%s: %s on a resource that could not be read", key, g.Status)
					}
					continue
				}
				if c, ok := tc.changed[key]; ok {
					w = c
				}
				if g.Status != w {
					t.Errorf("%s: %s %v, want %s", key, g.Status, g.Messages, w)
				}
			}
			// Nothing hidden passes, whatever the failure.
			for key, g := range got {
				_, id, _ := strings.Cut(key, " ")
				if slices.Contains(tc.hidden, id) || tc.changed[key] == checks.Error {
					if g.Status == checks.Pass {
						t.Errorf("%s passes though it could not be read", key)
					}
				}
			}
			if tc.check != nil {
				tc.check(t, f)
			}
		})
	}
}

// resourceTypeOfID names the type of one of this file's resource IDs.
func resourceTypeOfID(id string) string {
	for part, typ := range map[string]string{
		"/sagemaker/notebook-instance/": "aws.sagemaker.notebook_instance",
		"/workspaces/workspace/":        "aws.workspaces.workspace",
		"/appstream/stack/":             "aws.appstream.stack",
		"/appstream/fleet/":             "aws.appstream.fleet",
		"/appstream/image-builder/":     "aws.appstream.image_builder",
	} {
		if strings.Contains(id, part) {
			return typ
		}
	}
	return ""
}
