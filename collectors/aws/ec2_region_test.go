package aws

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// ec2ProtectedRegion turns every region-wide protection on.
var ec2ProtectedRegion = mototest.RegionSettings{
	EBSEncryptionByDefault: true,
	GuardDutyDetector:      true,
	GuardDutyEnabled:       true,
	ConfigRecorder:         true,
	ConfigRecording:        true,
	SecurityHub:            true,
}

// seedEC2Region seeds the compute and network resources and a protected region.
func seedEC2Region(t *testing.T, moto *mototest.Server) (mototest.EC2Network, mototest.EC2Compute) {
	t.Helper()
	n := moto.SeedNetwork(t)
	c := moto.SeedCompute(t, n)
	moto.SeedRegion(t, ec2ProtectedRegion)
	return n, c
}

func ec2RegionResource(t *testing.T, f *checks.Facts, id string) checks.Resource {
	t.Helper()
	for _, r := range f.Resources {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no resource %s collected", id)
	return checks.Resource{}
}

// withoutMotoGaps returns the run's errors other than those moto's gaps cause: moto
// 5.2 does not implement GetEbsDefaultKmsKeyId (it answers 500), so with EBS
// encryption by default on that read fails against moto on every run. The test
// checks that the failure is recorded as it should be and hides only its attribute.
func withoutMotoGaps(t *testing.T, f *checks.Facts) []checks.CollectError {
	t.Helper()
	var rest []checks.CollectError
	for _, e := range f.Runs[0].Errors {
		if e.API == "GetEbsDefaultKmsKeyId" {
			if e.Service != "ec2" || e.Resource != mototest.RegionResourceID || len(e.ResourceTypes) != 1 || e.ResourceTypes[0] != "aws.region" || e.Region != mototest.Region {
				t.Errorf("GetEbsDefaultKmsKeyId error %+v: want it against the region resource", e)
			}
			if _, present := ec2RegionResource(t, f, mototest.RegionResourceID).Attributes["ebs_default_kms_key_id"]; present {
				t.Error("ebs_default_kms_key_id is present although its read failed")
			}
			continue
		}
		rest = append(rest, e)
	}
	return rest
}

func wantEC2RegionStatuses(t *testing.T, got map[string]checks.Finding, want map[string]checks.Status) {
	t.Helper()
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			t.Errorf("%s: no finding, want %s", key, w)
			continue
		}
		if g.Status != w {
			t.Errorf("%s: %s %v, want %s", key, g.Status, g.Messages, w)
		}
	}
}

// TestCollectEC2AndRegionAgainstMoto runs the real collector and checks against
// seeded instances, volumes, snapshots, VPCs, subnets and a region with every
// protection on: each check passes on the compliant resource and fails on the
// misconfigured one.
func TestCollectEC2AndRegionAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	n, c := seedEC2Region(t, moto)
	// moto ignores DescribeSnapshots' OwnerIds (and owns its ~1,150 built-in AMI
	// snapshots as the test account), so that the collector asks for the
	// account's own snapshots only is checked on the request itself.
	var snapshotQuery atomic.Value
	proxy := moto.Deny(t, func(q mototest.Request) bool {
		if q.Service == "ec2" && q.Op == "DescribeSnapshots" {
			snapshotQuery.Store(string(q.Body))
		}
		return false
	})
	f := Collect(context.Background(), proxy.Config(), Options{Version: "test", Now: fixedNow})
	if errs := withoutMotoGaps(t, f); len(errs) > 0 {
		t.Fatalf("collect errors %+v", errs)
	}
	if q, _ := snapshotQuery.Load().(string); !strings.Contains(q, "Owner.1=self") {
		t.Errorf("DescribeSnapshots request %q does not ask for OwnerIds=self", q)
	}
	validateFacts(t, f)

	// Shapes, as the schema and the demo facts have them.
	good := ec2RegionResource(t, f, c.GoodInstance)
	if good.Tags["Name"] != "sde-analysis" || good.Scope.Region != mototest.Region || good.Scope.Account != "123456789012" {
		t.Errorf("good instance tags %v scope %+v", good.Tags, good.Scope)
	}
	md, _ := good.Attributes["metadata_options"].(map[string]any)
	if md["http_tokens"] != "required" || md["http_endpoint"] != "enabled" || good.Attributes["has_public_ip"] != false || good.Attributes["state"] != "running" {
		t.Errorf("good instance attributes %v", good.Attributes)
	}
	if _, ok := good.Attributes["public_ip_address"]; ok {
		t.Errorf("good instance has public_ip_address %v", good.Attributes["public_ip_address"])
	}
	bad := ec2RegionResource(t, f, c.BadInstance)
	if bad.Attributes["has_public_ip"] != true || bad.Attributes["public_ip_address"] == nil {
		t.Errorf("bad instance attributes %v: want a public IP", bad.Attributes)
	}
	if bad.Attributes["subnet_id"] != strings.TrimPrefix(n.PublicSubnet, "aws://123456789012/eu-west-2/ec2/subnet/") {
		t.Errorf("bad instance subnet %v, want the public subnet", bad.Attributes["subnet_id"])
	}
	vol := ec2RegionResource(t, f, c.EncryptedVolume)
	if vol.Attributes["encrypted"] != true || vol.Attributes["size_gib"] != 20 || vol.Attributes["kms_key_id"] == nil || vol.Tags["data-classification"] != "pseudonymised" {
		t.Errorf("encrypted volume %v tags %v", vol.Attributes, vol.Tags)
	}
	snap := ec2RegionResource(t, f, c.PlainSnapshot)
	if snap.Attributes["encrypted"] != false || snap.Attributes["volume_id"] != strings.TrimPrefix(c.PlainVolume, "aws://123456789012/eu-west-2/ec2/volume/") {
		t.Errorf("plain snapshot %v", snap.Attributes)
	}
	if p := ec2RegionResource(t, f, c.EncryptedSnapshot).Attributes["create_volume_permissions"]; !reflect.DeepEqual(p, map[string]any{"groups": []any{}, "user_ids": []any{"210987654321"}}) {
		t.Errorf("shared snapshot's permissions %v", p)
	}
	logs, _ := ec2RegionResource(t, f, n.LoggedVPC).Attributes["flow_logs"].([]any)
	if len(logs) != 1 {
		t.Fatalf("logged VPC flow_logs %v, want one", logs)
	}
	if fl := logs[0].(map[string]any); fl["traffic_type"] != "ALL" || fl["status"] != "ACTIVE" || fl["log_destination_type"] != "cloud-watch-logs" ||
		fl["log_destination"] != "/sde/vpc-flow-logs" || fl["deliver_logs_status"] != "SUCCESS" {
		t.Errorf("flow log %v", fl)
	}
	// The subnet's flow log is not the VPC's.
	if fls, ok := ec2RegionResource(t, f, n.UnloggedVPC).Attributes["flow_logs"].([]any); !ok || len(fls) != 0 {
		t.Errorf("unlogged VPC flow_logs %v, want []", fls)
	}
	region := ec2RegionResource(t, f, mototest.RegionResourceID)
	ra := region.Attributes
	if region.Type != "aws.region" || region.Scope.Region != mototest.Region || ra["ebs_encryption_by_default"] != true || ra["security_hub_enabled"] != true {
		t.Errorf("region %+v", region)
	}
	if at, _ := ra["security_hub_subscribed_at"].(string); at == "" {
		t.Errorf("security_hub_subscribed_at %v", ra["security_hub_subscribed_at"])
	} else if _, err := time.Parse(time.RFC3339, at); err != nil || !strings.HasSuffix(at, "Z") {
		t.Errorf("security_hub_subscribed_at %q is not RFC3339 UTC", at)
	}
	dets, _ := ra["guardduty_detectors"].([]any)
	if len(dets) != 1 || dets[0].(map[string]any)["status"] != "ENABLED" || dets[0].(map[string]any)["detector_id"] == "" {
		t.Errorf("guardduty_detectors %v", ra["guardduty_detectors"])
	}
	recs, _ := ra["config_recorders"].([]any)
	if len(recs) != 1 {
		t.Fatalf("config_recorders %v", ra["config_recorders"])
	}
	if r := recs[0].(map[string]any); r["name"] != "default" || r["recording"] != true || r["all_supported"] != true || r["include_global_resource_types"] != true {
		t.Errorf("config recorder %v", r)
	}

	got := evaluate(t, f)
	wantEC2RegionStatuses(t, got, map[string]checks.Status{
		"AWS-EC2-003 " + c.GoodInstance:            checks.Pass,
		"AWS-EC2-003 " + c.BadInstance:             checks.Fail,
		"AWS-EC2-006 " + c.GoodInstance:            checks.Pass,
		"AWS-EC2-006 " + c.BadInstance:             checks.Fail,
		"AWS-EC2-005 " + c.EncryptedVolume:         checks.Pass,
		"AWS-EC2-005 " + c.PlainVolume:             checks.Fail,
		"AWS-EC2-005 " + c.EncryptedSnapshot:       checks.Pass,
		"AWS-EC2-005 " + c.PlainSnapshot:           checks.Fail,
		"AWS-EC2-007 " + c.EncryptedSnapshot:       checks.Pass, // shared with one named account
		"AWS-EC2-007 " + c.PlainSnapshot:           checks.Fail, // public
		"AWS-VPC-001 " + n.LoggedVPC:               checks.Pass,
		"AWS-VPC-001 " + n.RejectOnlyVPC:           checks.Fail,
		"AWS-VPC-001 " + n.UnloggedVPC:             checks.Fail,
		"AWS-VPC-002 " + n.PrivateSubnet:           checks.Pass,
		"AWS-VPC-002 " + n.PublicSubnet:            checks.Fail,
		"AWS-EC2-004 " + mototest.RegionResourceID: checks.Pass,
		"AWS-GD-001 " + mototest.RegionResourceID:  checks.Pass,
		"AWS-CFG-001 " + mototest.RegionResourceID: checks.Pass,
		"AWS-SH-001 " + mototest.RegionResourceID:  checks.Pass,
	})

	// One listing per type and region; flow logs read once for all VPCs; one
	// GetDetector per detector.
	calls := f.Runs[0].APICalls
	for op, want := range map[string]int{
		"ec2:DescribeInstances": 1, "ec2:DescribeVolumes": 1, "ec2:DescribeSnapshots": 1,
		"ec2:DescribeVpcs": 1, "ec2:DescribeSubnets": 1, "ec2:DescribeFlowLogs": 1,
		"ec2:GetEbsEncryptionByDefault": 1, "ec2:GetEbsDefaultKmsKeyId": 1,
		"guardduty:ListDetectors": 1, "guardduty:GetDetector": 1,
		"configservice:DescribeConfigurationRecorders": 1, "configservice:DescribeConfigurationRecorderStatus": 1,
		"securityhub:DescribeHub": 1,
	} {
		if calls[op] != want {
			t.Errorf("api calls of %s: %d, want %d", op, calls[op], want)
		}
	}
}

// TestCollectUnprotectedRegionAgainstMoto: a region with nothing turned on, a
// stopped Config recorder and a disabled GuardDuty detector fails every region
// check, and Security Hub's "not subscribed" answer is a fact (false), not an
// error. moto's default VPC (no flow logs) and default subnets (public IPs on
// launch) are judged too.
func TestCollectUnprotectedRegionAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	moto.SeedRegion(t, mototest.RegionSettings{GuardDutyDetector: true, ConfigRecorder: true})
	f := Collect(context.Background(), moto.Config(), Options{Version: "test", Now: fixedNow})
	if f.Runs[0].Status != checks.RunOK {
		t.Fatalf("run %s with errors %+v, want ok", f.Runs[0].Status, f.Runs[0].Errors)
	}
	validateFacts(t, f)
	ra := ec2RegionResource(t, f, mototest.RegionResourceID).Attributes
	if ra["ebs_encryption_by_default"] != false || ra["security_hub_enabled"] != false {
		t.Errorf("region attributes %v", ra)
	}
	for _, k := range []string{"ebs_default_kms_key_id", "security_hub_subscribed_at"} {
		if _, ok := ra[k]; ok {
			t.Errorf("region has %s = %v", k, ra[k])
		}
	}
	if d := ra["guardduty_detectors"].([]any); len(d) != 1 || d[0].(map[string]any)["status"] != "DISABLED" {
		t.Errorf("guardduty_detectors %v", d)
	}
	if r := ra["config_recorders"].([]any); len(r) != 1 || r[0].(map[string]any)["recording"] != false {
		t.Errorf("config_recorders %v", r)
	}
	got := evaluate(t, f)
	wantEC2RegionStatuses(t, got, map[string]checks.Status{
		"AWS-EC2-004 " + mototest.RegionResourceID: checks.Fail,
		"AWS-GD-001 " + mototest.RegionResourceID:  checks.Fail,
		"AWS-CFG-001 " + mototest.RegionResourceID: checks.Fail,
		"AWS-SH-001 " + mototest.RegionResourceID:  checks.Fail,
	})
	if m := got["AWS-GD-001 "+mototest.RegionResourceID].Messages; len(m) != 1 || !strings.Contains(m[0], "not enabled") {
		t.Errorf("AWS-GD-001 messages %v", m)
	}
	if m := got["AWS-CFG-001 "+mototest.RegionResourceID].Messages; len(m) != 1 || !strings.Contains(m[0], "not recording") {
		t.Errorf("AWS-CFG-001 messages %v", m)
	}
	defaults := 0
	for _, r := range f.Resources {
		if r.Type == "aws.ec2.vpc" && r.Attributes["is_default"] == true {
			defaults++
			if s := got["AWS-VPC-001 "+r.ID].Status; s != checks.Fail {
				t.Errorf("AWS-VPC-001 on the default VPC: %s, want fail", s)
			}
		}
	}
	if defaults != 1 {
		t.Errorf("%d default VPCs, want moto's one", defaults)
	}
	publicSubnets := 0
	for _, r := range f.Resources {
		if r.Type == "aws.ec2.subnet" && r.Attributes["map_public_ip_on_launch"] == true {
			publicSubnets++
			if s := got["AWS-VPC-002 "+r.ID].Status; s != checks.Fail {
				t.Errorf("AWS-VPC-002 on default subnet %s: %s, want fail", r.ID, s)
			}
		}
	}
	if publicSubnets == 0 {
		t.Error("moto's default subnets map public IPs on launch, but none was collected so")
	}
	if calls := f.Runs[0].APICalls; calls["ec2:GetEbsDefaultKmsKeyId"] != 0 || calls["ec2:DescribeFlowLogs"] != 1 {
		t.Errorf("api calls %v: the default key is read only when encryption by default is on", calls)
	}
}

// TestCollectEC2RegionFailures: what could not be read is never a pass, and only
// what depended on it changes. Each case denies some reads through a proxy and
// compares every finding with an undisturbed run over the same estate.
func TestCollectEC2RegionFailures(t *testing.T) {
	moto := mototest.Start(t)
	n, _ := seedEC2Region(t, moto)
	base := Collect(context.Background(), moto.Config(), Options{Version: "test", Now: fixedNow})
	if errs := withoutMotoGaps(t, base); len(errs) > 0 {
		t.Fatalf("undisturbed run errors %+v", errs)
	}
	baseline := evaluate(t, base)

	cases := []struct {
		name string
		deny func(mototest.Request) bool
		// a word every error message must have, if any.
		message string
		// errors wanted, as API -> the resource type it hid.
		errors map[string]string
		// checks that must turn to error on the listed resources.
		affected map[string][]string
		// facts checks what the failed reads left out, and what they did not.
		facts func(*testing.T, *checks.Facts)
	}{
		{
			// EC2 is the query protocol (Action in the POST body); GuardDuty is
			// REST-JSON (GET /detector).
			name: "flow logs and detectors",
			deny: func(q mototest.Request) bool {
				r := q.HTTP
				return (q.Service == "ec2" && q.Op == "DescribeFlowLogs") || (r.Method == http.MethodGet && r.URL.Path == "/detector")
			},
			errors: map[string]string{"DescribeFlowLogs": "aws.ec2.vpc", "ListDetectors": "aws.region"},
			affected: map[string][]string{
				"AWS-VPC-001": {n.LoggedVPC, n.RejectOnlyVPC, n.UnloggedVPC},
				"AWS-GD-001":  {mototest.RegionResourceID},
			},
			facts: func(t *testing.T, f *checks.Facts) {
				if v := ec2RegionResource(t, f, n.LoggedVPC).Attributes; v["flow_logs"] != nil || v["vpc_id"] == nil {
					t.Errorf("VPC attributes %v: want all but flow_logs", v)
				}
				ra := ec2RegionResource(t, f, mototest.RegionResourceID).Attributes
				if _, ok := ra["guardduty_detectors"]; ok || ra["config_recorders"] == nil || ra["security_hub_enabled"] != true || ra["ebs_encryption_by_default"] != true {
					t.Errorf("region attributes %v: want all but guardduty_detectors", ra)
				}
			},
		},
		{
			// Config is JSON 1.1 (X-Amz-Target); Security Hub and GuardDuty are
			// REST-JSON (GET /accounts, GET /detector/<id>). AccessDeniedException
			// on DescribeHub is not "not subscribed" (InvalidAccessException):
			// Security Hub is unknown, not off. The recorder and the detector stay
			// listed, their state unknown.
			name:    "config status, detector status and security hub",
			message: "AccessDeniedException",
			deny: func(q mototest.Request) bool {
				r := q.HTTP
				return r.Header.Get("X-Amz-Target") == "StarlingDoveService.DescribeConfigurationRecorderStatus" ||
					(r.Method == http.MethodGet && (r.URL.Path == "/accounts" || strings.HasPrefix(r.URL.Path, "/detector/")))
			},
			errors: map[string]string{"DescribeConfigurationRecorderStatus": "aws.region", "DescribeHub": "aws.region", "GetDetector": "aws.region"},
			affected: map[string][]string{
				"AWS-CFG-001": {mototest.RegionResourceID},
				"AWS-SH-001":  {mototest.RegionResourceID},
				"AWS-GD-001":  {mototest.RegionResourceID},
			},
			facts: func(t *testing.T, f *checks.Facts) {
				ra := ec2RegionResource(t, f, mototest.RegionResourceID).Attributes
				recs, _ := ra["config_recorders"].([]any)
				if len(recs) != 1 {
					t.Fatalf("config_recorders %v, want the recorder", ra["config_recorders"])
				}
				if r := recs[0].(map[string]any); r["name"] != "default" || r["all_supported"] != true || r["recording"] != nil || r["last_status"] != nil {
					t.Errorf("config recorder %v: want it listed without status", r)
				}
				dets, _ := ra["guardduty_detectors"].([]any)
				if len(dets) != 1 || dets[0].(map[string]any)["detector_id"] == nil || dets[0].(map[string]any)["status"] != nil {
					t.Errorf("guardduty_detectors %v: want the detector listed without status", ra["guardduty_detectors"])
				}
				if _, ok := ra["security_hub_enabled"]; ok || ra["ebs_encryption_by_default"] != true {
					t.Errorf("region attributes %v: want all but security_hub_enabled", ra)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			proxy := moto.Deny(t, tc.deny)
			f := Collect(context.Background(), proxy.Config(), Options{Version: "test", Now: fixedNow})
			if f.Runs[0].Status != checks.RunPartial {
				t.Fatalf("run status %s, want partial", f.Runs[0].Status)
			}
			errs := withoutMotoGaps(t, f)
			if len(errs) != len(tc.errors) {
				t.Fatalf("errors %+v, want one each for %v", errs, tc.errors)
			}
			for _, e := range errs {
				typ, ok := tc.errors[e.API]
				if !ok || len(e.ResourceTypes) != 1 || e.ResourceTypes[0] != typ || e.Region != mototest.Region || e.Message == "" || !strings.Contains(e.Message, tc.message) {
					t.Errorf("collect error %+v", e)
				}
			}
			validateFacts(t, f)
			tc.facts(t, f)
			got := evaluate(t, f)
			for check, ids := range tc.affected {
				for _, id := range ids {
					if _, ok := got[check+" "+id]; !ok {
						t.Errorf("%s %s: no finding, want error", check, id)
					}
				}
			}
			// The affected checks are in error on every resource (moto's default
			// VPC too), never pass or fail; every other finding is as in the
			// undisturbed run.
			for key, b := range baseline {
				check, _, _ := strings.Cut(key, " ")
				want := b.Status
				if _, affected := tc.affected[check]; affected {
					want = checks.Error
				}
				if g := got[key]; g.Status != want {
					t.Errorf("%s is %s %v, want %s (undisturbed: %s)", key, g.Status, g.Messages, want, b.Status)
				}
			}
			if len(got) != len(baseline) {
				t.Errorf("%d findings, was %d", len(got), len(baseline))
			}
		})
	}
}
