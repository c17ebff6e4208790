# METADATA
# title: SageMaker Studio domains are VPC-only with root access disabled
# description: >-
#   A Studio domain in PublicInternetOnly mode gives every app SageMaker's own route to
#   the internet, outside the SDE's VPC, its egress controls and its VPC endpoints: data
#   can leave from any notebook. VpcOnly sends all app traffic through the domain's VPC.
#   Studio has no root-access switch like a notebook instance's: its apps run in
#   containers whose users AWS maps to unprivileged users on the instance, so root inside
#   an app's container does not reach the instance. What does is Docker access
#   (DomainSettings.DockerSettings) without rootless Docker: it must be off. Root inside
#   the app containers (the images' run-as user and sudo) is not a domain setting and is
#   not judged here.
# custom:
#   id: AWS-SM-002
#   severity: high
#   resource_types: [aws.sagemaker.domain]
#   remediation: >-
#     Terraform: aws_sagemaker_domain with app_network_access_type = "VpcOnly" (and VPC
#     endpoints for SageMaker, S3 and the other services the apps need), and
#     domain_settings docker_settings enable_docker_access = "DISABLED" (or rootless
#     Docker). Changing the network access type needs the domain's apps deleted first.
package sdescan.checks.aws.sagemaker_domain

import rego.v1

attrs := input.resource.attributes

name := object.get(attrs, "domain_name", object.get(attrs, "domain_id", input.resource.id))

# AWS writes VpcOnly and PublicInternetOnly; compared without case.
deny contains sprintf("Studio domain %s reaches the internet outside its VPC (AppNetworkAccessType %s, not VpcOnly)", [name, attrs.app_network_access_type]) if {
	is_string(attrs.app_network_access_type)
	lower(attrs.app_network_access_type) != "vpconly"
}

deny contains sprintf("Studio domain %s gives its users Docker access without rootless Docker: root on the instance their apps run on", [name]) if {
	attrs.docker_access_enabled == true
	attrs.rootless_docker_enabled == false
}

missing contains "attributes.app_network_access_type" if not is_string(object.get(attrs, "app_network_access_type", null))

missing contains "attributes.docker_access_enabled" if not is_boolean(object.get(attrs, "docker_access_enabled", null))

missing contains "attributes.rootless_docker_enabled" if {
	attrs.docker_access_enabled == true
	not is_boolean(object.get(attrs, "rootless_docker_enabled", null))
}
