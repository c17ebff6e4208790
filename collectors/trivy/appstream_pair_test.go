package trivy

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// asStackActions are the stack user settings both AWS-AS-001 and IAC-AS-001
// judge: AppStream action → live fact key.
var asStackActions = map[string]string{
	"CLIPBOARD_COPY_FROM_LOCAL_DEVICE": "clipboard_copy_from_local_device",
	"CLIPBOARD_COPY_TO_LOCAL_DEVICE":   "clipboard_copy_to_local_device",
	"FILE_UPLOAD":                      "file_upload",
	"FILE_DOWNLOAD":                    "file_download",
	"PRINTING_TO_LOCAL_DEVICE":         "printing_to_local_device",
}

// asLocked lists every judged action DISABLED, with changes (an empty
// permission removes the action).
func asLocked(changes map[string]string) map[string]string {
	out := map[string]string{}
	for a := range asStackActions {
		out[a] = "DISABLED"
	}
	for a, p := range changes {
		if p == "" {
			delete(out, a)
		} else {
			out[a] = p
		}
	}
	return out
}

// asLiveSettings are the live user settings: every judged one false but those
// enabled; those in unknown are left out (the collector did not record them).
func asLiveSettings(enabled, unknown []string) map[string]any {
	out := map[string]any{}
	for _, k := range asStackActions {
		out[k] = false
	}
	for _, k := range enabled {
		out[k] = true
	}
	for _, k := range unknown {
		delete(out, k)
	}
	return out
}

// appStreamStackCases are stacks with the verdict AWS-AS-001 (live) and
// IAC-AS-001 (code) must both give them (collectors/aws/policy/lib_appstream.rego).
// perms lists the stack's user settings as code writes them (action →
// permission, "?" a value not known offline: a Terraform variable without a
// value, a CloudFormation !Ref); connectors its storage connectors ("?" not
// known); live is the same stack as the AWS collector records it, where AWS
// enables every action a stack does not list and a value not known is left
// out.
var appStreamStackCases = []struct {
	name       string
	perms      map[string]string
	connectors []string
	want       checks.Status
	live       map[string]any
}{
	{"all disabled", asLocked(nil), nil, checks.Pass,
		map[string]any{"user_settings": asLiveSettings(nil, nil), "storage_connectors": []any{}}},
	{"nothing listed: every action enabled", map[string]string{}, nil, checks.Fail,
		map[string]any{"user_settings": asLiveSettings([]string{"clipboard_copy_from_local_device", "clipboard_copy_to_local_device", "file_upload", "file_download", "printing_to_local_device"}, nil), "storage_connectors": []any{}}},
	{"download enabled", asLocked(map[string]string{"FILE_DOWNLOAD": "ENABLED"}), nil, checks.Fail,
		map[string]any{"user_settings": asLiveSettings([]string{"file_download"}, nil), "storage_connectors": []any{}}},
	{"upload not listed (enabled)", asLocked(map[string]string{"FILE_UPLOAD": ""}), nil, checks.Fail,
		map[string]any{"user_settings": asLiveSettings([]string{"file_upload"}, nil), "storage_connectors": []any{}}},
	{"paste from the local device enabled", asLocked(map[string]string{"CLIPBOARD_COPY_FROM_LOCAL_DEVICE": "ENABLED"}), nil, checks.Fail,
		map[string]any{"user_settings": asLiveSettings([]string{"clipboard_copy_from_local_device"}, nil), "storage_connectors": []any{}}},
	{"printing enabled", asLocked(map[string]string{"PRINTING_TO_LOCAL_DEVICE": "ENABLED"}), nil, checks.Fail,
		map[string]any{"user_settings": asLiveSettings([]string{"printing_to_local_device"}, nil), "storage_connectors": []any{}}},
	{"time zone redirection enabled (not judged)", asLocked(map[string]string{"AUTO_TIME_ZONE_REDIRECTION": "ENABLED"}), nil, checks.Pass,
		map[string]any{"user_settings": asLiveSettings(nil, nil), "storage_connectors": []any{}}},
	{"home folders", asLocked(nil), []string{"HOMEFOLDERS"}, checks.Pass,
		map[string]any{"user_settings": asLiveSettings(nil, nil), "storage_connectors": []any{"HOMEFOLDERS"}}},
	{"Google Drive", asLocked(nil), []string{"HOMEFOLDERS", "GOOGLE_DRIVE"}, checks.Fail,
		map[string]any{"user_settings": asLiveSettings(nil, nil), "storage_connectors": []any{"GOOGLE_DRIVE", "HOMEFOLDERS"}}},
	{"OneDrive", asLocked(nil), []string{"ONE_DRIVE"}, checks.Fail,
		map[string]any{"user_settings": asLiveSettings(nil, nil), "storage_connectors": []any{"ONE_DRIVE"}}},
	{"upload permission unknown", asLocked(map[string]string{"FILE_UPLOAD": "?"}), nil, checks.Error,
		map[string]any{"user_settings": asLiveSettings(nil, []string{"file_upload"}), "storage_connectors": []any{}}},
	{"connector unknown", asLocked(nil), []string{"?"}, checks.Error,
		map[string]any{"user_settings": asLiveSettings(nil, nil)}},
	{"upload unknown beside download enabled", asLocked(map[string]string{"FILE_UPLOAD": "?", "FILE_DOWNLOAD": "ENABLED"}), nil, checks.Fail,
		map[string]any{"user_settings": asLiveSettings([]string{"file_download"}, []string{"file_upload"}), "storage_connectors": []any{}}},
}

// appStreamFleetCases are fleets and image builders with the verdict
// AWS-AS-002 and IAC-AS-002 must both give them: the setting as code writes it
// ("" left out, AWS's default false; "?" not known offline) and the live fact
// (nil: left out).
var appStreamFleetCases = []struct {
	name string
	tf   string // Terraform expression
	cfn  string // CloudFormation YAML value
	want checks.Status
	live any
}{
	{"disabled", "false", "false", checks.Pass, false},
	{"enabled", "true", "true", checks.Fail, true},
	{"enabled as a string", `"true"`, `"true"`, checks.Fail, true},
	{"left out (AWS default false)", "", "", checks.Pass, false},
	{"unknown", "var.unknown", "!Ref Unknown", checks.Error, nil},
}

// TestAppStreamPairVerdicts feeds each stack, fleet and image builder through
// Terraform, CloudFormation and live facts and wants the same verdict from
// AWS-AS-001/IAC-AS-001 and AWS-AS-002/IAC-AS-002 on all three.
func TestAppStreamPairVerdicts(t *testing.T) {
	var tf strings.Builder
	tf.WriteString("variable \"unknown\" {\n  type = string\n}\n\n")
	var cfn [][3]string
	var live []checks.Resource
	for i, tc := range appStreamStackCases {
		fmt.Fprintf(&tf, "resource \"aws_appstream_stack\" \"s%02d\" {\n  name = \"s%02d\"\n", i, i)
		var props strings.Builder
		actions := make([]string, 0, len(tc.perms))
		for a := range tc.perms {
			actions = append(actions, a)
		}
		sort.Strings(actions)
		if len(actions) > 0 {
			props.WriteString("UserSettings:\n")
		}
		for _, a := range actions {
			tfv, cfnv := fmt.Sprintf("%q", tc.perms[a]), tc.perms[a]
			if tc.perms[a] == "?" {
				tfv, cfnv = "var.unknown", "!Ref Unknown"
			}
			fmt.Fprintf(&tf, "  user_settings {\n    action = %q\n    permission = %s\n  }\n", a, tfv)
			fmt.Fprintf(&props, "  - Action: %s\n    Permission: %s\n", a, cfnv)
		}
		if len(tc.connectors) > 0 {
			props.WriteString("StorageConnectors:\n")
		}
		for _, c := range tc.connectors {
			tfv, cfnv := fmt.Sprintf("%q", c), c
			if c == "?" {
				tfv, cfnv = "var.unknown", "!Ref Unknown"
			}
			fmt.Fprintf(&tf, "  storage_connectors {\n    connector_type = %s\n  }\n", tfv)
			fmt.Fprintf(&props, "  - ConnectorType: %s\n", cfnv)
		}
		tf.WriteString("}\n\n")
		cfn = append(cfn, [3]string{fmt.Sprintf("S%02d", i), "AWS::AppStream::Stack", props.String()})
		attrs := map[string]any{"name": fmt.Sprintf("s%02d", i)}
		for k, v := range tc.live {
			attrs[k] = v
		}
		live = append(live, pairLive("aws.appstream.stack", "appstream/stack", fmt.Sprintf("s%02d", i), attrs))
	}
	for i, tc := range appStreamFleetCases {
		for _, k := range []struct{ tf, cfn, live, path, prefix string }{
			{"aws_appstream_fleet", "AWS::AppStream::Fleet", "aws.appstream.fleet", "appstream/fleet", "f"},
			{"aws_appstream_image_builder", "AWS::AppStream::ImageBuilder", "aws.appstream.image_builder", "appstream/image-builder", "b"},
		} {
			name := fmt.Sprintf("%s%02d", k.prefix, i)
			fmt.Fprintf(&tf, "resource %q %q {\n  name = %q\n  instance_type = \"stream.standard.small\"\n", k.tf, name, name)
			props := "InstanceType: stream.standard.small\n"
			if tc.tf != "" {
				fmt.Fprintf(&tf, "  enable_default_internet_access = %s\n", tc.tf)
				props += "EnableDefaultInternetAccess: " + tc.cfn + "\n"
			}
			tf.WriteString("}\n\n")
			cfn = append(cfn, [3]string{strings.ToUpper(name), k.cfn, props})
			attrs := map[string]any{"name": name, "subnet_ids": []any{}}
			if tc.live != nil {
				attrs["default_internet_access_enabled"] = tc.live
			}
			live = append(live, pairLive(k.live, k.path, name, attrs))
		}
	}
	got := pairRun(t, map[string]string{"main.tf": tf.String(), "appstream.yaml": cfnTemplate(cfn)}, live, "AWS-AS-001", "IAC-AS-001", "AWS-AS-002", "IAC-AS-002")
	for i, tc := range appStreamStackCases {
		pairWant(t, got, "stack "+tc.name, tc.want,
			pairForm{"AWS-AS-001", fmt.Sprintf("aws://111111111111/eu-west-2/appstream/stack/s%02d", i)},
			pairForm{"IAC-AS-001", fmt.Sprintf("iac:main.tf#aws_appstream_stack.s%02d", i)},
			pairForm{"IAC-AS-001", fmt.Sprintf("iac:appstream.yaml#S%02d", i)},
		)
	}
	for i, tc := range appStreamFleetCases {
		pairWant(t, got, "fleet "+tc.name, tc.want,
			pairForm{"AWS-AS-002", fmt.Sprintf("aws://111111111111/eu-west-2/appstream/fleet/f%02d", i)},
			pairForm{"IAC-AS-002", fmt.Sprintf("iac:main.tf#aws_appstream_fleet.f%02d", i)},
			pairForm{"IAC-AS-002", fmt.Sprintf("iac:appstream.yaml#F%02d", i)},
		)
		pairWant(t, got, "image builder "+tc.name, tc.want,
			pairForm{"AWS-AS-002", fmt.Sprintf("aws://111111111111/eu-west-2/appstream/image-builder/b%02d", i)},
			pairForm{"IAC-AS-002", fmt.Sprintf("iac:main.tf#aws_appstream_image_builder.b%02d", i)},
			pairForm{"IAC-AS-002", fmt.Sprintf("iac:appstream.yaml#B%02d", i)},
		)
	}
}
