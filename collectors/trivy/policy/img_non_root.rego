# METADATA
# title: Container image runs as a non-root user
# description: >-
#   A container whose image sets no USER, or USER root / 0, runs its process as root:
#   a flaw in it or a mis-set mount gives an attacker root inside the container and a
#   shorter path to the host and to research data. Judged from the image config's User.
# custom:
#   id: IMG-003
#   severity: medium
#   resource_types: [image.container]
#   remediation: >-
#     Add a dedicated user to the image and end the Dockerfile with USER <name or
#     UID> (for example USER 10001), so that the container runs unprivileged by default.
package sdescan.checks.image.non_root

import rego.v1

attrs := input.resource.attributes

root_user(u) if u == ""

root_user(u) if u in {"root", "0"}

root_user(u) if {
	name := split(u, ":")[0]
	name in {"root", "0", ""}
}

deny contains msg if {
	attrs.user_known == true
	attrs.user == ""
	msg := "the image sets no user, so it runs as root"
}

deny contains msg if {
	attrs.user_known == true
	attrs.user != ""
	root_user(attrs.user)
	msg := sprintf("the image runs as %q (root)", [attrs.user])
}

missing contains "attributes.user: an unpacked root file system has no image config, so its user is unknown" if {
	not attrs.user_known == true
}
