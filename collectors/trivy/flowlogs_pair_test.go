package trivy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// flowLogCases are flow logs with the verdict AWS-VPC-001 (live, on the VPC
// whose only flow log it is) and IAC-NET-002 (code, on the flow log) must give
// them (collectors/aws/policy/lib_flow_logs.rego). The checks keep their
// granularity: live judges a VPC (does one of its own flow logs capture all
// traffic, active and delivering?), code judges each flow log attached to a
// VPC. traffic is the traffic type as code writes it ("?" not known offline,
// "" left out); target what the flow log is attached to; live the VPC's flow
// logs as the collector records them. liveWant, when set, is where the live
// verdict differs, documented:
//
//   - delivery: whether AWS can deliver a flow log's records is known only
//     once it is deployed (its role or destination may be broken), so code
//     passes a flow log that live fails when delivery fails;
//   - a flow log of a subnet does not cover the VPC: live, the VPC has none of
//     its own and fails; in code the subnet's flow log is not judged (the code
//     of one flow log does not show whether the VPC has another).
var flowLogCases = []struct {
	name     string
	traffic  string
	target   string // VPC or Subnet
	want     checks.Status
	live     []any
	liveWant checks.Status
}{
	{name: "all traffic", traffic: "ALL", target: "VPC", want: checks.Pass,
		live: []any{map[string]any{"flow_log_id": "fl-1", "traffic_type": "ALL", "status": "ACTIVE", "deliver_logs_status": "SUCCESS"}}},
	{name: "accepted traffic only", traffic: "ACCEPT", target: "VPC", want: checks.Fail,
		live: []any{map[string]any{"flow_log_id": "fl-1", "traffic_type": "ACCEPT", "status": "ACTIVE", "deliver_logs_status": "SUCCESS"}}},
	{name: "rejected traffic only", traffic: "REJECT", target: "VPC", want: checks.Fail,
		live: []any{map[string]any{"flow_log_id": "fl-1", "traffic_type": "REJECT", "status": "ACTIVE", "deliver_logs_status": "SUCCESS"}}},
	{name: "traffic type not known", traffic: "?", target: "VPC", want: checks.Error,
		live: []any{map[string]any{"flow_log_id": "fl-1", "status": "ACTIVE", "deliver_logs_status": "SUCCESS"}}},
	{name: "traffic type not AWS's (lower case)", traffic: "all", target: "VPC", want: checks.Error,
		live: []any{map[string]any{"flow_log_id": "fl-1", "status": "ACTIVE", "deliver_logs_status": "SUCCESS"}}},
	{name: "traffic type left out", traffic: "", target: "VPC", want: checks.Error,
		live: []any{map[string]any{"flow_log_id": "fl-1", "status": "ACTIVE", "deliver_logs_status": "SUCCESS"}}},
	{name: "all traffic, delivery failing", traffic: "ALL", target: "VPC", want: checks.Pass,
		live:     []any{map[string]any{"flow_log_id": "fl-1", "traffic_type": "ALL", "status": "ACTIVE", "deliver_logs_status": "FAILED"}},
		liveWant: checks.Fail},
	{name: "all traffic of a subnet only", traffic: "ALL", target: "Subnet", want: checks.NotApplicable,
		live: []any{}, liveWant: checks.Fail},
}

// TestFlowLogPairVerdicts feeds each flow log through Terraform,
// CloudFormation and live facts and wants the same verdict from AWS-VPC-001
// and IAC-NET-002 (but the documented cases).
func TestFlowLogPairVerdicts(t *testing.T) {
	var tf strings.Builder
	tf.WriteString("variable \"unknown\" {\n  type = string\n}\n\n")
	var cfn [][3]string
	var live []checks.Resource
	for i, tc := range flowLogCases {
		tfTarget, cfnTarget := `vpc_id = "vpc-1"`, "ResourceType: VPC\nResourceId: vpc-1\n"
		if tc.target == "Subnet" {
			tfTarget, cfnTarget = `subnet_id = "subnet-1"`, "ResourceType: Subnet\nResourceId: subnet-1\n"
		}
		fmt.Fprintf(&tf, "resource \"aws_flow_log\" \"f%02d\" {\n  %s\n  log_destination = \"arn:aws:s3:::flow-logs\"\n  log_destination_type = \"s3\"\n", i, tfTarget)
		props := cfnTarget + "LogDestination: arn:aws:s3:::flow-logs\nLogDestinationType: s3\n"
		switch tc.traffic {
		case "":
		case "?":
			tf.WriteString("  traffic_type = var.unknown\n")
			props += "TrafficType: !Ref Unknown\n"
		default:
			fmt.Fprintf(&tf, "  traffic_type = %q\n", tc.traffic)
			props += "TrafficType: " + tc.traffic + "\n"
		}
		tf.WriteString("}\n\n")
		cfn = append(cfn, [3]string{fmt.Sprintf("F%02d", i), "AWS::EC2::FlowLog", props})
		live = append(live, pairLive("aws.ec2.vpc", "ec2/vpc", fmt.Sprintf("vpc-%02d", i), map[string]any{
			"vpc_id": fmt.Sprintf("vpc-%02d", i), "is_default": false, "flow_logs": tc.live,
		}))
	}
	got := pairRun(t, map[string]string{"main.tf": tf.String(), "network.yaml": cfnTemplate(cfn)}, live, "AWS-VPC-001", "IAC-NET-002")
	for i, tc := range flowLogCases {
		code := []pairForm{
			{"IAC-NET-002", fmt.Sprintf("iac:main.tf#aws_flow_log.f%02d", i)},
			{"IAC-NET-002", fmt.Sprintf("iac:network.yaml#F%02d", i)},
		}
		liveForm := pairForm{"AWS-VPC-001", fmt.Sprintf("aws://111111111111/eu-west-2/ec2/vpc/vpc-%02d", i)}
		if tc.liveWant != "" {
			pairWant(t, got, tc.name, tc.want, code...)
			pairWant(t, got, tc.name, tc.liveWant, liveForm)
			continue
		}
		pairWant(t, got, tc.name, tc.want, append(code, liveForm)...)
	}
}
