# METADATA
# title: Container image is pinned by digest or exact version, not latest
# description: >-
#   An image named by a floating tag (latest, or no tag at all, which means latest)
#   changes under the same name: what was assessed is not what runs next week, and
#   a rebuild can silently pull a different base. Judged, in this order, on the
#   base image named by the OCI annotations org.opencontainers.image.base.name /
#   base.digest when the image has them, else the registry reference the operator
#   gave, else the RepoTags of a docker save archive. Passes when one of the judged
#   names has a digest (@sha256:…) or a tag that is not floating (latest, stable,
#   edge, lts, current, mainline, rolling, nightly).
# custom:
#   id: IMG-005
#   severity: low
#   resource_types: [image.container]
#   remediation: >-
#     Name base and deployed images by digest (FROM alpine:3.22@sha256:…) or by an
#     exact version tag (app:1.4.2), and record the base with the OCI annotations
#     org.opencontainers.image.base.name and base.digest when building.
package sdescan.checks.image.pinned

import rego.v1

attrs := input.resource.attributes

floating := {"latest", "stable", "edge", "lts", "current", "mainline", "rolling", "nightly"}

# judged are the names the check judges, and what they are.
judged := {"what": "base image annotation", "names": names} if {
	attrs.base_digest != ""
	names := [sprintf("%s@%s", [attrs.base_name, attrs.base_digest])]
} else := {"what": "base image annotation", "names": [attrs.base_name]} if {
	attrs.base_name != ""
} else := {"what": "reference", "names": [attrs.reference]} if {
	attrs.reference != ""
} else := {"what": "RepoTags", "names": attrs.repo_tags}

tag_of(r) := t if {
	not contains(r, "@")
	parts := split(r, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
}

pinned(r) if contains(r, "@sha256:")

pinned(r) if {
	t := tag_of(r)
	not lower(t) in floating
}

deny contains msg if {
	count(judged.names) > 0
	not any_pinned
	msg := sprintf("%s %s is not pinned: no digest and no exact version tag (untagged or a floating tag such as latest)", [judged.what, concat(", ", judged.names)])
}

any_pinned if {
	some r in judged.names
	pinned(r)
}

missing contains "attributes.repo_tags: the image has no reference, RepoTags or base-image annotation to judge" if {
	count(judged.names) == 0
}
