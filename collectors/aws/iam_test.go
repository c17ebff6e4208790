package aws

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

const (
	aliceID = mototest.IAMGoodUserID
	bobID   = mototest.IAMBadUserID
)

var iamChecks = []string{"AWS-IAM-003", "AWS-IAM-004", "AWS-IAM-005", "AWS-IAM-007"}

// iamNow is a collection time just after the seeding. moto stamps creation and
// last-use times with the real clock and cannot backdate them, so the IAM tests
// cannot use fixedNow (which is before them): ages are made by moving the
// collection time instead.
func iamNow(after time.Duration) func() time.Time {
	at := time.Now().UTC().Add(time.Hour + after)
	return func() time.Time { return at }
}

func iamResource(t *testing.T, f *checks.Facts, id string) map[string]any {
	t.Helper()
	for _, r := range f.Resources {
		if r.ID == id {
			return r.Attributes
		}
	}
	t.Fatalf("no resource %s", id)
	return nil
}

func iamErrors(f *checks.Facts) []checks.CollectError {
	var out []checks.CollectError
	for _, e := range f.Runs[0].Errors {
		if e.Service == "iam" {
			out = append(out, e)
		}
	}
	return out
}

func wantStatuses(t *testing.T, got map[string]checks.Finding, want map[string]checks.Status) {
	t.Helper()
	for key, w := range want {
		if g, ok := got[key]; !ok || g.Status != w {
			t.Errorf("%s: %q %v, want %s", key, g.Status, g.Messages, w)
		}
	}
}

func last4(keyID string) string { return "…" + keyID[len(keyID)-4:] }

// TestCollectIAMAgainstMoto runs the real collector and the real checks against
// users, groups, roles and policies seeded in moto.
func TestCollectIAMAgainstMoto(t *testing.T) {
	moto := mototest.StartIAM(t)
	seed := moto.SeedIAM(t)

	f := Collect(context.Background(), moto.Config(), Options{Version: "test", Now: iamNow(0)})
	if f.Runs[0].Status != checks.RunOK {
		t.Fatalf("run %s with errors %+v, want ok", f.Runs[0].Status, f.Runs[0].Errors)
	}
	validateFacts(t, f)
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	byType := map[string]int{}
	for _, r := range f.Resources {
		byType[r.Type]++
		if strings.HasPrefix(r.Type, "aws.iam.") && (r.Scope.Account != "123456789012" || r.Scope.Region != "" || !strings.HasPrefix(r.ID, "aws://123456789012/global/iam/")) {
			t.Errorf("resource %s scope %+v: want account only, global ID", r.ID, r.Scope)
		}
	}
	// Only customer managed policies are resources: the AWS managed ones moto
	// loaded (AdministratorAccess among them) are not.
	for typ, n := range map[string]int{"aws.iam.user": 2, "aws.iam.group": 2, "aws.iam.role": 2, "aws.iam.policy": 2} {
		if byType[typ] != n {
			t.Errorf("%d %s, want %d (resources by type %v)", byType[typ], typ, n, byType)
		}
	}

	got := evaluate(t, f)
	wantStatuses(t, got, map[string]checks.Status{
		"AWS-IAM-003 " + aliceID: checks.Pass, // password and MFA
		"AWS-IAM-003 " + bobID:   checks.Fail, // password, no MFA
		"AWS-IAM-004 " + aliceID: checks.Pass, // keys an hour old
		"AWS-IAM-004 " + bobID:   checks.Pass,
		"AWS-IAM-005 " + aliceID: checks.Pass, // nothing idle for 45 days yet
		"AWS-IAM-005 " + bobID:   checks.Pass,

		"AWS-IAM-007 " + aliceID:                        checks.Pass,
		"AWS-IAM-007 " + bobID:                          checks.Fail, // inline "*" on "*"
		"AWS-IAM-007 " + mototest.IAMAdminRoleID:        checks.Fail, // AdministratorAccess
		"AWS-IAM-007 " + mototest.IAMReaderRoleID:       checks.Pass,
		"AWS-IAM-007 " + mototest.IAMAdminPolID:         checks.Fail, // "*" on "*", attached to a group
		"AWS-IAM-007 " + mototest.IAMReadPolID:          checks.Pass,
		"AWS-IAM-007 " + mototest.IAMAdminGroupID:       checks.Pass, // judged on the policy itself
		"AWS-IAM-007 " + mototest.IAMReadGroupID:        checks.Pass,
		"AWS-IAM-001 aws://123456789012/global/account": checks.Fail, // the account is still there
	})
	if m := got["AWS-IAM-007 "+mototest.IAMAdminPolID].Messages; len(m) != 1 || !strings.Contains(m[0], "attached to group sde-operators") {
		t.Errorf("AWS-IAM-007 on sde-full-access says %v", m)
	}

	// The shapes, as in the demo facts.
	alice, bob := iamResource(t, f, aliceID), iamResource(t, f, bobID)
	if alice["password_enabled"] != true || bob["password_enabled"] != true {
		t.Errorf("password_enabled alice %v bob %v, want true", alice["password_enabled"], bob["password_enabled"])
	}
	// moto never records a console sign-in: PasswordLastUsed is always empty, which
	// is "never used" (null), and password_created is there for the idle check.
	for _, u := range []map[string]any{alice, bob} {
		if v, ok := u["password_last_used"]; !ok || v != nil {
			t.Errorf("%s password_last_used %v (present %v), want null", u["user_name"], v, ok)
		}
		if _, err := time.Parse(time.RFC3339, u["password_created"].(string)); err != nil {
			t.Errorf("%s password_created: %v", u["user_name"], err)
		}
	}
	if d := alice["mfa_devices"].([]any); len(d) != 1 || d[0].(map[string]any)["serial_number"] != "arn:aws:iam::123456789012:mfa/sde-alice" {
		t.Errorf("alice mfa_devices %v", d)
	}
	if d := bob["mfa_devices"].([]any); len(d) != 0 {
		t.Errorf("bob mfa_devices %v, want []", d)
	}
	ak := alice["access_keys"].([]any)
	if len(ak) != 1 {
		t.Fatalf("alice access_keys %v", ak)
	}
	k := ak[0].(map[string]any)
	if k["access_key_id"] != last4(seed.GoodKeyID) || k["status"] != "Active" || k["last_used_service"] != "sts" {
		t.Errorf("alice's key %v", k)
	}
	if _, err := time.Parse(time.RFC3339, k["last_used"].(string)); err != nil {
		t.Errorf("alice's key last_used: %v", err)
	}
	bk := bob["access_keys"].([]any)
	if len(bk) != 2 {
		t.Fatalf("bob access_keys %v", bk)
	}
	keys := map[any]map[string]any{}
	for _, x := range bk {
		keys[x.(map[string]any)["access_key_id"]] = x.(map[string]any)
	}
	if k := keys[last4(seed.BadKeyID)]; k == nil || k["status"] != "Active" || k["last_used"] != nil || k["last_used_service"] != nil {
		t.Errorf("bob's active key %v: want Active, last_used null (never used), no service", k)
	}
	if k := keys[last4(seed.BadInactiveKeyID)]; k == nil || k["status"] != "Inactive" {
		t.Errorf("bob's inactive key %v", k)
	}
	if g := bob["groups"]; !reflect.DeepEqual(g, []any{"sde-operators"}) {
		t.Errorf("bob groups %v", g)
	}
	if m := iamResource(t, f, mototest.IAMAdminGroupID)["members"]; !reflect.DeepEqual(m, []any{"sde-bob"}) {
		t.Errorf("sde-operators members %v", m)
	}
	read := iamResource(t, f, mototest.IAMReadPolID)
	if !reflect.DeepEqual(read["attached_groups"], []any{"sde-analysts"}) || !reflect.DeepEqual(read["attached_roles"], []any{"sde-analysis-instance"}) ||
		!reflect.DeepEqual(read["attached_users"], []any{}) || read["attachment_count"] != 2 || read["default_version_id"] != "v1" || read["policy_name"] != "sde-curated-read" {
		t.Errorf("sde-curated-read %v", read)
	}
	role := iamResource(t, f, mototest.IAMReaderRoleID)
	if v, ok := role["last_used"]; !ok || v != nil || role["service_linked"] != false {
		t.Errorf("role last_used %v (present %v), service_linked %v: want null (never assumed), false", v, ok, role["service_linked"])
	}
	trust := role["trust_policy"].([]any)
	if len(trust) != 1 || !reflect.DeepEqual(trust[0].(map[string]any)["principals"], map[string]any{"Service": []any{"ec2.amazonaws.com"}}) {
		t.Errorf("trust policy %v", trust)
	}

	// No secret reaches the facts: neither the secret keys nor a whole key ID.
	var buf bytes.Buffer
	if err := checks.WriteJSON(&buf, f); err != nil {
		t.Fatal(err)
	}
	for _, s := range append([]string{seed.GoodKeyID, seed.BadKeyID, seed.BadInactiveKeyID}, seed.Secrets...) {
		if strings.Contains(buf.String(), s) {
			t.Errorf("the facts contain the secret or access key ID %s", s)
		}
	}

	// One listing for the whole account; per user: the login profile, MFA devices
	// and keys, and each key's last use. GetRole and GetUser are fallbacks only.
	calls := f.Runs[0].APICalls
	for op, n := range map[string]int{"iam:GetAccountAuthorizationDetails": 1, "iam:ListUsers": 1, "iam:GetLoginProfile": 2, "iam:ListMFADevices": 2,
		"iam:ListAccessKeys": 2, "iam:GetAccessKeyLastUsed": 3, "iam:GetRole": 0, "iam:GetUser": 0} {
		if calls[op] != n {
			t.Errorf("%s called %d times, want %d (calls %v)", op, calls[op], n, calls)
		}
	}

	// 100 days on, the same estate: every active key is too old, and every active
	// credential idle (alice's key was last used at seeding, bob's never; neither
	// password was ever used). Inactive keys stay out of it.
	later := Collect(context.Background(), moto.Config(), Options{Version: "test", Now: iamNow(100 * 24 * time.Hour)})
	validateFacts(t, later)
	got = evaluate(t, later)
	wantStatuses(t, got, map[string]checks.Status{
		"AWS-IAM-003 " + aliceID: checks.Pass,
		"AWS-IAM-003 " + bobID:   checks.Fail,
		"AWS-IAM-004 " + aliceID: checks.Fail,
		"AWS-IAM-004 " + bobID:   checks.Fail,
		"AWS-IAM-005 " + aliceID: checks.Fail,
		"AWS-IAM-005 " + bobID:   checks.Fail,
	})
	want004 := "IAM user sde-bob: active access key " + last4(seed.BadKeyID) + " is 100 days old (limit 90)"
	if m := got["AWS-IAM-004 "+bobID].Messages; !reflect.DeepEqual(m, []string{want004}) {
		t.Errorf("AWS-IAM-004 on bob says %q, want %q", m, want004)
	}
	m := strings.Join(got["AWS-IAM-005 "+bobID].Messages, "\n")
	if !strings.Contains(m, "console password unused for 100 days") || !strings.Contains(m, "access key "+last4(seed.BadKeyID)+" unused for 100 days") ||
		strings.Contains(m, last4(seed.BadInactiveKeyID)) {
		t.Errorf("AWS-IAM-005 on bob says %q", m)
	}
	if m := strings.Join(got["AWS-IAM-005 "+aliceID].Messages, "\n"); !strings.Contains(m, "access key "+last4(seed.GoodKeyID)+" unused for 100 days") {
		t.Errorf("AWS-IAM-005 on alice says %q", m)
	}
}

// TestCollectIAMFailures: what could not be read is never a pass.
func TestCollectIAMFailures(t *testing.T) {
	moto := mototest.StartIAM(t)
	seed := moto.SeedIAM(t)

	t.Run("access keys denied", func(t *testing.T) {
		f := Collect(context.Background(), moto.Deny(t, func(q mototest.Request) bool { return q.Service == "iam" && q.Op == "ListAccessKeys" }).Config(), Options{Version: "test", Now: iamNow(0)})
		errs := iamErrors(f)
		if f.Runs[0].Status != checks.RunPartial || len(errs) != 2 {
			t.Fatalf("run %s with IAM errors %+v, want partial with one per user", f.Runs[0].Status, errs)
		}
		for i, id := range []string{aliceID, bobID} {
			e := errs[i]
			if e.API != "ListAccessKeys" || e.Resource != id || !reflect.DeepEqual(e.ResourceTypes, []string{"aws.iam.user"}) || !strings.Contains(e.Message, "AccessDenied") {
				t.Errorf("error %d: %+v, want ListAccessKeys AccessDenied on %s", i, e, id)
			}
		}
		validateFacts(t, f)
		for _, id := range []string{aliceID, bobID} {
			if _, ok := iamResource(t, f, id)["access_keys"]; ok {
				t.Errorf("%s has access_keys though they could not be listed", id)
			}
		}
		got := evaluate(t, f)
		wantStatuses(t, got, map[string]checks.Status{
			"AWS-IAM-004 " + aliceID: checks.Error,
			"AWS-IAM-004 " + bobID:   checks.Error,
			"AWS-IAM-005 " + aliceID: checks.Error,
			"AWS-IAM-005 " + bobID:   checks.Error,
			// Unaffected checks keep their results.
			"AWS-IAM-003 " + aliceID:                 checks.Pass,
			"AWS-IAM-003 " + bobID:                   checks.Fail,
			"AWS-IAM-007 " + mototest.IAMAdminRoleID: checks.Fail,
		})
		if m := got["AWS-IAM-004 "+aliceID].Messages; len(m) != 1 || !strings.Contains(m[0], "attributes.access_keys") {
			t.Errorf("AWS-IAM-004 on alice says %v", m)
		}
	})

	t.Run("key last use denied", func(t *testing.T) {
		f := Collect(context.Background(), moto.Deny(t, func(q mototest.Request) bool { return q.Service == "iam" && q.Op == "GetAccessKeyLastUsed" }).Config(), Options{Version: "test", Now: iamNow(0)})
		errs := iamErrors(f)
		if f.Runs[0].Status != checks.RunPartial || len(errs) != 3 {
			t.Fatalf("run %s with IAM errors %+v, want partial with one per key", f.Runs[0].Status, errs)
		}
		for _, e := range errs {
			if e.API != "GetAccessKeyLastUsed" || (e.Resource != aliceID && e.Resource != bobID) || !strings.Contains(e.Message, "AccessDenied") || !strings.Contains(e.Message, "…") {
				t.Errorf("error %+v, want GetAccessKeyLastUsed AccessDenied naming a masked key", e)
			}
		}
		validateFacts(t, f)
		var buf bytes.Buffer
		if err := checks.WriteJSON(&buf, f); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{seed.GoodKeyID, seed.BadKeyID, seed.BadInactiveKeyID} {
			if strings.Contains(buf.String(), s) {
				t.Errorf("the facts (errors included) contain the access key ID %s", s)
			}
		}
		// Each key is there, without last_used: its age can be judged, its idleness not.
		for _, k := range iamResource(t, f, bobID)["access_keys"].([]any) {
			if _, ok := k.(map[string]any)["last_used"]; ok {
				t.Errorf("bob's key %v has last_used though it could not be read", k)
			}
		}
		wantStatuses(t, evaluate(t, f), map[string]checks.Status{
			"AWS-IAM-004 " + aliceID: checks.Pass,
			"AWS-IAM-004 " + bobID:   checks.Pass,
			"AWS-IAM-005 " + aliceID: checks.Error,
			"AWS-IAM-005 " + bobID:   checks.Error,
		})
	})

	t.Run("login profile denied", func(t *testing.T) {
		f := Collect(context.Background(), moto.Deny(t, func(q mototest.Request) bool { return q.Service == "iam" && q.Op == "GetLoginProfile" }).Config(), Options{Version: "test", Now: iamNow(0)})
		errs := iamErrors(f)
		if f.Runs[0].Status != checks.RunPartial || len(errs) != 2 || errs[0].API != "GetLoginProfile" || errs[0].Resource != aliceID {
			t.Fatalf("run %s with IAM errors %+v", f.Runs[0].Status, errs)
		}
		validateFacts(t, f)
		got := evaluate(t, f)
		// Whether alice or bob can sign in is unknown: MFA cannot be judged, even for
		// the user who has a device.
		wantStatuses(t, got, map[string]checks.Status{
			"AWS-IAM-003 " + aliceID: checks.Error,
			"AWS-IAM-003 " + bobID:   checks.Error,
			"AWS-IAM-005 " + aliceID: checks.Error,
			"AWS-IAM-004 " + aliceID: checks.Pass,
		})
		if n := f.Runs[0].APICalls["iam:ListUsers"]; n != 0 {
			t.Errorf("ListUsers called %d times with no known console password", n)
		}
	})

	t.Run("list users denied", func(t *testing.T) {
		f := Collect(context.Background(), moto.Deny(t, func(q mototest.Request) bool { return q.Service == "iam" && q.Op == "ListUsers" }).Config(), Options{Version: "test", Now: iamNow(0)})
		errs := iamErrors(f)
		if f.Runs[0].Status != checks.RunPartial || len(errs) != 1 || errs[0].API != "ListUsers" || errs[0].Resource != "" {
			t.Fatalf("run %s with IAM errors %+v", f.Runs[0].Status, errs)
		}
		validateFacts(t, f)
		// When the passwords were last used is unknown: their idleness cannot be judged.
		wantStatuses(t, evaluate(t, f), map[string]checks.Status{
			"AWS-IAM-005 " + aliceID: checks.Error,
			"AWS-IAM-005 " + bobID:   checks.Error,
			"AWS-IAM-003 " + aliceID: checks.Pass,
			"AWS-IAM-004 " + bobID:   checks.Pass,
		})
	})

	t.Run("authorization details denied", func(t *testing.T) {
		f := Collect(context.Background(), moto.Deny(t, func(q mototest.Request) bool { return q.Service == "iam" && q.Op == "GetAccountAuthorizationDetails" }).Config(), Options{Version: "test", Now: iamNow(0)})
		errs := iamErrors(f)
		if f.Runs[0].Status != checks.RunPartial || len(errs) != 1 {
			t.Fatalf("run %s with IAM errors %+v, want partial with one", f.Runs[0].Status, errs)
		}
		if e := errs[0]; e.API != "GetAccountAuthorizationDetails" || e.Resource != "" || !strings.Contains(e.Message, "AccessDenied") ||
			!reflect.DeepEqual(e.ResourceTypes, []string{"aws.iam.group", "aws.iam.policy", "aws.iam.role", "aws.iam.user"}) {
			t.Errorf("error %+v", e)
		}
		validateFacts(t, f)
		for _, r := range f.Resources {
			if strings.HasPrefix(r.Type, "aws.iam.") {
				t.Errorf("resource %s reported though IAM could not be listed", r.ID)
			}
		}
		for key, g := range evaluate(t, f) {
			for _, id := range iamChecks {
				if strings.HasPrefix(key, id+" ") {
					t.Errorf("%s: %s, want no finding (not assessed)", key, g.Status)
				}
			}
		}
		if n := f.Runs[0].APICalls["iam:GetLoginProfile"]; n != 0 {
			t.Errorf("GetLoginProfile called %d times after the listing failed", n)
		}
	})

	t.Run("role last use not in the listing", func(t *testing.T) {
		// Should GetAccountAuthorizationDetails leave RoleLastUsed out, GetRole is
		// asked; moto always returns it (empty for a role never assumed).
		strip := regexp.MustCompile(`(?s)<RoleLastUsed\s*/>|<RoleLastUsed>.*?</RoleLastUsed>`)
		target, err := url.Parse(moto.URL)
		if err != nil {
			t.Fatal(err)
		}
		rp := httputil.NewSingleHostReverseProxy(target)
		var stripped atomic.Int32
		rp.ModifyResponse = func(resp *http.Response) error {
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if bytes.Contains(body, []byte("<GetAccountAuthorizationDetailsResponse")) {
				n := len(body)
				body = strip.ReplaceAll(body, nil)
				if len(body) < n {
					stripped.Add(1)
				}
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
			return nil
		}
		srv := httptest.NewServer(rp)
		t.Cleanup(srv.Close)
		f := Collect(context.Background(), (&mototest.Server{URL: srv.URL}).Config(), Options{Version: "test", Now: iamNow(0)})
		if n := stripped.Load(); n != 1 {
			t.Fatalf("stripped RoleLastUsed from %d responses, want 1", n)
		}
		if errs := iamErrors(f); len(errs) != 0 {
			t.Fatalf("IAM errors %+v", errs)
		}
		validateFacts(t, f)
		if n := f.Runs[0].APICalls["iam:GetRole"]; n != 2 {
			t.Errorf("GetRole called %d times, want once per role", n)
		}
		for _, id := range []string{mototest.IAMAdminRoleID, mototest.IAMReaderRoleID} {
			if v, ok := iamResource(t, f, id)["last_used"]; !ok || v != nil {
				t.Errorf("%s last_used %v (present %v), want null", id, v, ok)
			}
		}
	})
}
