# METADATA
# title: EKS clusters keep their API private, encrypt secrets with KMS and log audits
# description: >-
#   An EKS cluster's API server runs the analysis workloads of an SDE. Open to the
#   whole internet it is one stolen token away from the data; Kubernetes secrets
#   (database passwords, tokens) are only base64 in etcd unless a KMS key encrypts
#   them; and without the control plane's audit log nobody can say who did what
#   to the cluster. A public endpoint passes only when its allowed CIDRs are
#   restricted (no 0.0.0.0/0 or ::/0).
# custom:
#   id: AWS-EKS-001
#   severity: high
#   resource_types: [aws.eks.cluster]
#   remediation: >-
#     aws eks update-cluster-config --resources-vpc-config
#     endpointPrivateAccess=true,endpointPublicAccess=false (or publicAccessCidrs set to
#     the SDE's admin ranges); aws eks associate-encryption-config with a KMS key for
#     resources ["secrets"]; aws eks update-cluster-config --logging
#     '{"clusterLogging":[{"types":["audit"],"enabled":true}]}'. Terraform:
#     aws_eks_cluster vpc_config, encryption_config and enabled_cluster_log_types.
package sdescan.checks.aws.eks_cluster

import data.sdescan.lib.facts
import rego.v1

a := input.resource.attributes

open_cidrs := {c | some c in a.public_access_cidrs; c in {"0.0.0.0/0", "::/0"}}

deny contains sprintf("EKS cluster %s: the API endpoint is public to the whole internet (%s)", [a.cluster_name, concat(", ", sort(open_cidrs))]) if {
	a.endpoint_public_access == true
	count(open_cidrs) > 0
}

deny contains sprintf("EKS cluster %s: the API endpoint is public and no CIDR restricts it", [a.cluster_name]) if {
	a.endpoint_public_access == true
	count(a.public_access_cidrs) == 0
}

deny contains sprintf("EKS cluster %s: Kubernetes secrets are not encrypted with a KMS key", [a.cluster_name]) if {
	a.secrets_kms_key == ""
}

deny contains sprintf("EKS cluster %s: control-plane audit logging is off", [a.cluster_name]) if {
	is_array(a.log_types_enabled)
	not "audit" in a.log_types_enabled
}

missing contains sprintf("attributes.%s", [k]) if {
	some k in ["endpoint_public_access", "public_access_cidrs", "secrets_kms_key", "log_types_enabled"]
	not facts.present(k)
}
