package trivy

import (
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// FuzzIaCYAML feeds bytes to the IaC YAML path as a Kubernetes manifest, a
// CloudFormation template (YAML and JSON) or ARM template (JSON), a Compose
// file and a Helm values file: the alias pre-screen, then sdescan's parser. It must not panic, and a
// file beyond the (small) alias budget must be refused before it is decoded.
func FuzzIaCYAML(f *testing.F) {
	f.Add([]byte(billionLaughs()))
	f.Add([]byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: n\nstringData:\n  password: changeme\n"))
	f.Add([]byte("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-x'\n      Tags: [{Key: a, Value: !GetAtt X.Arn}]\n"))
	f.Add([]byte(`{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": {"Statement": [{"Action": "*"}]}}]}}}}`))
	f.Add([]byte("services:\n  db:\n    image: postgres\n    ports: ['5432:5432', {target: 80, published: 8080, host_ip: 0.0.0.0}]\n    environment: [POSTGRES_PASSWORD=postgres]\n    volumes: [/var/run/docker.sock:/var/run/docker.sock]\n"))
	f.Add([]byte("a: &a {x: 1}\nb: {<<: *a, y: 2}\n---\nc: *a\n"))
	f.Add([]byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "name": "[parameters('n')]", "properties": {"securityRules": ["[variables('r')]", {"properties": {"copy": [{"name": "x", "input": {}}]}}]}, "resources": [{"type": "securityRules", "name": "r", "properties": "[[x]"}]}, {"type": "Microsoft.Resources/deployments", "properties": {"template": {"resources": {"a": {"type": "Microsoft.DesktopVirtualization/hostPools", "properties": {"customRdpProperty": "a:i:0;;b"}}}}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"k8s/manifest.yaml", "cfn/template.json", "docker-compose.yml", "chart/values.yaml"} {
			p := &parser{
				res:       &Result{Files: map[string]string{}, Checks: map[string]*checks.Check{}},
				lim:       bounds{yaml: 1 << 20, maxInstances: DefaultMaxInstances, maxTotal: DefaultMaxTotalInstances},
				kinds:     map[string]string{},
				charts:    map[string]bool{"chart": true},
				excluded:  map[string]bool{},
				badCharts: map[string]bool{},
			}
			if name == "chart/values.yaml" {
				p.helmValues(name, data)
			} else {
				p.yamlFile(name, data)
			}
			if _, err := yamlDocuments(data, 1<<20); err != nil {
				if _, ok := err.(*aliasError); ok && len(p.res.Resources) > 0 {
					t.Fatalf("%s: resources parsed from a file beyond the alias budget", name)
				}
			}
			p.joinNetworkPolicies()
		}
	})
}
