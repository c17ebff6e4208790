package sdescan.checks.aws.eks_cluster_test

import data.sdescan.checks.aws.eks_cluster as check
import rego.v1

cluster(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/eks/cluster/sde", "type": "aws.eks.cluster", "source": "aws", "attributes": object.union(
	{
		"cluster_name": "sde", "endpoint_public_access": false, "endpoint_private_access": true, "public_access_cidrs": [],
		"secrets_kms_key": "arn:aws:kms:eu-west-2:111111111111:key/k", "log_types_enabled": ["api", "audit"],
	},
	attrs,
)}}

test_private_encrypted_audited_passes if {
	inp := cluster({})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_public_restricted_passes if {
	count(check.deny) == 0 with input as cluster({"endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24"]})
}

test_public_to_all_fails if {
	check.deny == {"EKS cluster sde: the API endpoint is public to the whole internet (0.0.0.0/0)"} with input as cluster({"endpoint_public_access": true, "public_access_cidrs": ["0.0.0.0/0"]})
}

test_public_to_all_ipv6_fails if {
	check.deny == {"EKS cluster sde: the API endpoint is public to the whole internet (::/0)"} with input as cluster({"endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24", "::/0"]})
}

test_public_without_cidrs_fails if {
	count(check.deny) == 1 with input as cluster({"endpoint_public_access": true, "public_access_cidrs": []})
}

test_secrets_unencrypted_fails if {
	check.deny == {"EKS cluster sde: Kubernetes secrets are not encrypted with a KMS key"} with input as cluster({"secrets_kms_key": ""})
}

test_no_audit_log_fails if {
	check.deny == {"EKS cluster sde: control-plane audit logging is off"} with input as cluster({"log_types_enabled": ["api"]})
}

test_all_off_fails_three_ways if {
	count(check.deny) == 3 with input as cluster({"endpoint_public_access": true, "public_access_cidrs": ["0.0.0.0/0"], "secrets_kms_key": "", "log_types_enabled": []})
}

# What could not be read is not assessed, never passed.
test_missing_facts if {
	inp := {"resource": {"id": "x", "type": "aws.eks.cluster", "source": "aws", "attributes": {"cluster_name": "sde"}}}
	check.missing == {"attributes.endpoint_public_access", "attributes.public_access_cidrs", "attributes.secrets_kms_key", "attributes.log_types_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
