package sdescan.checks.aws.sagemaker_domain_test

import data.sdescan.checks.aws.sagemaker_domain as check
import rego.v1

domain(extra) := {"resource": {
	"id": "aws://1/eu-west-2/sagemaker/domain/d-1", "type": "aws.sagemaker.domain", "source": "aws",
	"scope": {"account": "1", "region": "eu-west-2"},
	"attributes": object.union({"domain_id": "d-1", "domain_name": "sde", "app_network_access_type": "VpcOnly", "docker_access_enabled": false, "rootless_docker_enabled": false}, extra),
}}

test_vpc_only_no_docker_passes if {
	count(check.deny) == 0 with input as domain({})
	count(check.missing) == 0 with input as domain({})
}

test_public_internet_fails if {
	check.deny == {"Studio domain sde reaches the internet outside its VPC (AppNetworkAccessType PublicInternetOnly, not VpcOnly)"} with input as domain({"app_network_access_type": "PublicInternetOnly"})
}

# Values compared without case.
test_case if {
	count(check.deny) == 0 with input as domain({"app_network_access_type": "VPCONLY"})
}

test_rootful_docker_fails if {
	check.deny == {"Studio domain sde gives its users Docker access without rootless Docker: root on the instance their apps run on"} with input as domain({"docker_access_enabled": true})
}

test_rootless_docker_passes if {
	count(check.deny) == 0 with input as domain({"docker_access_enabled": true, "rootless_docker_enabled": true})
}

test_both_fail if {
	count(check.deny) == 2 with input as domain({"app_network_access_type": "PublicInternetOnly", "docker_access_enabled": true})
}

# What was not read is not assessed, never passed.
test_missing if {
	inp := {"resource": {"id": "x", "type": "aws.sagemaker.domain", "source": "aws", "attributes": {"domain_id": "d-1"}}}
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.app_network_access_type", "attributes.docker_access_enabled"} with input as inp
	unknown_rootless := json.remove(domain({"docker_access_enabled": true}), ["resource/attributes/rootless_docker_enabled"])
	count(check.deny) == 0 with input as unknown_rootless
	check.missing == {"attributes.rootless_docker_enabled"} with input as unknown_rootless
}
