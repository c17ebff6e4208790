package trivy

import (
	"fmt"
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// sageMakerCases are notebook instances with the verdict AWS-SM-001 (live) and
// IAC-SM-001 (code) must both give them (collectors/aws/policy/lib_sagemaker.rego).
// A value is "Enabled" or "Disabled" as written; "" leaves the setting out,
// which AWS applies as Enabled (and the live facts then report as enabled);
// "?" is a value not known (Terraform: a variable without a value;
// CloudFormation: a !Ref; live: a value AWS returned that is neither, which the
// collector leaves out).
var sageMakerCases = []struct {
	name         string
	internet     string
	root         string
	want         checks.Status
	liveInternet any // the live fact; nil: left out
	liveRoot     any
}{
	{"both disabled", "Disabled", "Disabled", checks.Pass, false, false},
	{"internet enabled", "Enabled", "Disabled", checks.Fail, true, false},
	{"root enabled", "Disabled", "Enabled", checks.Fail, false, true},
	{"both enabled", "Enabled", "Enabled", checks.Fail, true, true},
	{"internet omitted (AWS default Enabled)", "", "Disabled", checks.Fail, true, false},
	{"root omitted (AWS default Enabled)", "Disabled", "", checks.Fail, false, true},
	{"both omitted", "", "", checks.Fail, true, true},
	{"internet unknown", "?", "Disabled", checks.Error, nil, false},
	{"root unknown", "Disabled", "?", checks.Error, false, nil},
	{"unknown beside an enabled one", "?", "Enabled", checks.Fail, nil, true},
}

// TestSageMakerPairVerdicts feeds each notebook through Terraform,
// CloudFormation and live facts and wants the same verdict from AWS-SM-001 and
// IAC-SM-001 on all three.
func TestSageMakerPairVerdicts(t *testing.T) {
	tf := "variable \"unknown\" {\n  type = string\n}\n\n"
	var cfn [][3]string
	var live []checks.Resource
	for i, tc := range sageMakerCases {
		tf += fmt.Sprintf("resource \"aws_sagemaker_notebook_instance\" \"n%02d\" {\n  name = \"n%02d\"\n  role_arn = \"arn:aws:iam::111111111111:role/sm\"\n  instance_type = \"ml.t3.medium\"\n", i, i)
		props := "RoleArn: arn:aws:iam::111111111111:role/sm\nInstanceType: ml.t3.medium\n"
		attrs := map[string]any{"notebook_instance_name": fmt.Sprintf("n%02d", i)}
		for _, s := range []struct {
			v, tf, cfn, live string
			fact             any
		}{
			{tc.internet, "direct_internet_access", "DirectInternetAccess", "direct_internet_access_enabled", tc.liveInternet},
			{tc.root, "root_access", "RootAccess", "root_access_enabled", tc.liveRoot},
		} {
			switch s.v {
			case "":
			case "?":
				tf += fmt.Sprintf("  %s = var.unknown\n", s.tf)
				props += fmt.Sprintf("%s: !Ref Unknown\n", s.cfn)
			default:
				tf += fmt.Sprintf("  %s = %q\n", s.tf, s.v)
				props += fmt.Sprintf("%s: %s\n", s.cfn, s.v)
			}
			if s.fact != nil {
				attrs[s.live] = s.fact
			}
		}
		tf += "}\n\n"
		cfn = append(cfn, [3]string{fmt.Sprintf("N%02d", i), "AWS::SageMaker::NotebookInstance", props})
		live = append(live, pairLive("aws.sagemaker.notebook_instance", "sagemaker/notebook-instance", fmt.Sprintf("n%02d", i), attrs))
	}
	got := pairRun(t, map[string]string{"main.tf": tf, "notebook.yaml": cfnTemplate(cfn)}, live, "AWS-SM-001", "IAC-SM-001")
	for i, tc := range sageMakerCases {
		pairWant(t, got, tc.name, tc.want,
			pairForm{"AWS-SM-001", fmt.Sprintf("aws://111111111111/eu-west-2/sagemaker/notebook-instance/n%02d", i)},
			pairForm{"IAC-SM-001", fmt.Sprintf("iac:main.tf#aws_sagemaker_notebook_instance.n%02d", i)},
			pairForm{"IAC-SM-001", fmt.Sprintf("iac:notebook.yaml#N%02d", i)},
		)
	}
}
