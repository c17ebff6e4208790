package trivy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// publicIPMachineCases are machines with the verdict AWS-EC2-006 (live
// instance) and IAC-EC2-001 (an aws_instance, an aws_launch_template and their
// CloudFormation types) must give them (collectors/aws/policy/lib_public_ip.rego).
// associate is associate_public_ip_address as code writes it ("" left out, "?"
// not known offline); ipv6 the IPv6 address count it asks for; live the
// instance AWS runs from it. liveWant, when set, is where the live verdict
// differs, documented: code says what the machine asks for, live what AWS
// assigned, and left out, AWS applies the subnet's MapPublicIpOnLaunch, which
// the machine's code does not say (its subnet is judged on its own, below).
var publicIPMachineCases = []struct {
	name      string
	associate string
	ipv6      int
	want      checks.Status
	live      map[string]any
	liveWant  checks.Status
	skipTFLT  bool // no Terraform launch template form
}{
	{name: "no public address", associate: "false", want: checks.Pass,
		live: map[string]any{"has_public_ip": false, "ipv6_addresses": []any{}}},
	{name: "public address", associate: "true", want: checks.Fail,
		live: map[string]any{"has_public_ip": true, "public_ip_address": "203.0.113.10", "ipv6_addresses": []any{}}},
	{name: "public address as a string", associate: `"true"`, want: checks.Fail,
		live: map[string]any{"has_public_ip": true, "ipv6_addresses": []any{}}},
	{name: "left out, in a private subnet", associate: "", want: checks.Pass,
		live: map[string]any{"has_public_ip": false, "ipv6_addresses": []any{}}},
	{name: "left out, in a public subnet (the subnet fails)", associate: "", want: checks.Pass,
		live: map[string]any{"has_public_ip": true, "ipv6_addresses": []any{}}, liveWant: checks.Fail},
	{name: "IPv6 address", associate: "false", ipv6: 1, want: checks.Fail,
		live: map[string]any{"has_public_ip": false, "ipv6_addresses": []any{"2001:db8::1"}}},
	// Terraform names only top-level arguments not known offline: a launch
	// template's network_interfaces value that is not known reads as left out
	// (not tested here).
	{name: "not known", associate: "?", want: checks.Error, skipTFLT: true,
		live: map[string]any{"ipv6_addresses": []any{}}},
}

// publicIPSubnetCases are subnets with the verdict AWS-VPC-002 (live) and
// IAC-EC2-001 (code) must both give them: map_public_ip_on_launch as written
// ("" left out: AWS's default false; "?" not known offline) and as AWS reports
// it (nil: left out).
var publicIPSubnetCases = []struct {
	name string
	tf   string
	cfn  string
	want checks.Status
	live any
}{
	{"private", "false", "false", checks.Pass, false},
	{"public", "true", "true", checks.Fail, true},
	{"public as a string", `"true"`, `"true"`, checks.Fail, true},
	{"left out (AWS default false)", "", "", checks.Pass, false},
	{"not known", "var.unknown", "!Ref Unknown", checks.Error, nil},
}

// TestPublicIPPairVerdicts feeds each machine and subnet through Terraform,
// CloudFormation and live facts and wants the same verdict from AWS-EC2-006 /
// AWS-VPC-002 and IAC-EC2-001 (but the documented case).
func TestPublicIPPairVerdicts(t *testing.T) {
	var tf strings.Builder
	tf.WriteString("variable \"unknown\" {\n  type = string\n}\n\n")
	var cfn [][3]string
	var live []checks.Resource
	for i, tc := range publicIPMachineCases {
		tfv, cfnv := tc.associate, tc.associate
		if tc.associate == "?" {
			tfv, cfnv = "var.unknown", "!Ref Unknown"
		}
		fmt.Fprintf(&tf, "resource \"aws_instance\" \"i%02d\" {\n  ami = \"ami-0123456789abcdef0\"\n  instance_type = \"t3.micro\"\n  subnet_id = \"subnet-1\"\n", i)
		if tfv != "" {
			fmt.Fprintf(&tf, "  associate_public_ip_address = %s\n", tfv)
		}
		if tc.ipv6 > 0 {
			fmt.Fprintf(&tf, "  ipv6_address_count = %d\n", tc.ipv6)
		}
		tf.WriteString("}\n\n")
		if !tc.skipTFLT {
			fmt.Fprintf(&tf, "resource \"aws_launch_template\" \"lt%02d\" {\n  name = \"lt%02d\"\n  network_interfaces {\n    subnet_id = \"subnet-1\"\n", i, i)
			if tfv != "" {
				fmt.Fprintf(&tf, "    associate_public_ip_address = %s\n", tfv)
			}
			if tc.ipv6 > 0 {
				fmt.Fprintf(&tf, "    ipv6_address_count = %d\n", tc.ipv6)
			}
			tf.WriteString("  }\n}\n\n")
		}
		ni := "- DeviceIndex: \"0\"\n  SubnetId: subnet-1\n"
		if cfnv != "" {
			ni += "  AssociatePublicIpAddress: " + cfnv + "\n"
		}
		if tc.ipv6 > 0 {
			ni += fmt.Sprintf("  Ipv6AddressCount: %d\n", tc.ipv6)
		}
		cfn = append(cfn,
			[3]string{fmt.Sprintf("I%02d", i), "AWS::EC2::Instance", "ImageId: ami-0123456789abcdef0\nInstanceType: t3.micro\nNetworkInterfaces:\n" + pairIndent(ni, "  ")},
			[3]string{fmt.Sprintf("LT%02d", i), "AWS::EC2::LaunchTemplate", "LaunchTemplateData:\n  NetworkInterfaces:\n" + pairIndent(ni, "    ")},
		)
		attrs := map[string]any{"instance_id": fmt.Sprintf("i-%02d", i), "state": "running", "subnet_id": "subnet-1"}
		for k, v := range tc.live {
			attrs[k] = v
		}
		live = append(live, pairLive("aws.ec2.instance", "ec2/instance", fmt.Sprintf("i-%02d", i), attrs))
	}
	for i, tc := range publicIPSubnetCases {
		fmt.Fprintf(&tf, "resource \"aws_subnet\" \"s%02d\" {\n  vpc_id = \"vpc-1\"\n  cidr_block = \"10.0.%d.0/24\"\n", i, i)
		props := fmt.Sprintf("VpcId: vpc-1\nCidrBlock: 10.0.%d.0/24\n", i)
		if tc.tf != "" {
			fmt.Fprintf(&tf, "  map_public_ip_on_launch = %s\n", tc.tf)
			props += "MapPublicIpOnLaunch: " + tc.cfn + "\n"
		}
		tf.WriteString("}\n\n")
		cfn = append(cfn, [3]string{fmt.Sprintf("S%02d", i), "AWS::EC2::Subnet", props})
		attrs := map[string]any{"subnet_id": fmt.Sprintf("subnet-%02d", i), "vpc_id": "vpc-1"}
		if tc.live != nil {
			attrs["map_public_ip_on_launch"] = tc.live
		}
		live = append(live, pairLive("aws.ec2.subnet", "ec2/subnet", fmt.Sprintf("subnet-%02d", i), attrs))
	}
	got := pairRun(t, map[string]string{"main.tf": tf.String(), "network.yaml": cfnTemplate(cfn)}, live, "AWS-EC2-006", "AWS-VPC-002", "IAC-EC2-001")
	for i, tc := range publicIPMachineCases {
		code := []pairForm{
			{"IAC-EC2-001", fmt.Sprintf("iac:main.tf#aws_instance.i%02d", i)},
			{"IAC-EC2-001", fmt.Sprintf("iac:network.yaml#I%02d", i)},
			{"IAC-EC2-001", fmt.Sprintf("iac:network.yaml#LT%02d", i)},
		}
		if !tc.skipTFLT {
			code = append(code, pairForm{"IAC-EC2-001", fmt.Sprintf("iac:main.tf#aws_launch_template.lt%02d", i)})
		}
		liveForm := pairForm{"AWS-EC2-006", fmt.Sprintf("aws://111111111111/eu-west-2/ec2/instance/i-%02d", i)}
		if tc.liveWant != "" {
			pairWant(t, got, "machine "+tc.name, tc.want, code...)
			pairWant(t, got, "machine "+tc.name, tc.liveWant, liveForm)
			continue
		}
		pairWant(t, got, "machine "+tc.name, tc.want, append(code, liveForm)...)
	}
	for i, tc := range publicIPSubnetCases {
		pairWant(t, got, "subnet "+tc.name, tc.want,
			pairForm{"AWS-VPC-002", fmt.Sprintf("aws://111111111111/eu-west-2/ec2/subnet/subnet-%02d", i)},
			pairForm{"IAC-EC2-001", fmt.Sprintf("iac:main.tf#aws_subnet.s%02d", i)},
			pairForm{"IAC-EC2-001", fmt.Sprintf("iac:network.yaml#S%02d", i)},
		)
	}
}

// pairIndent prefixes every line of s.
func pairIndent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}
