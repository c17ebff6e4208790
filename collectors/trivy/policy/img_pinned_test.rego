package sdescan.checks.image.pinned_test

import data.sdescan.checks.image.pinned as check
import rego.v1

res(attrs) := {"resource": {"id": "image:app.tar", "type": "image.container", "source": "image", "scope": {"path": "app.tar"}, "tags": {}, "attributes": object.union({"reference": "", "repo_tags": [], "base_name": "", "base_digest": ""}, attrs)}}

test_pass if {
	every a in [
		{"repo_tags": ["sde/app:1.4.2"]},
		{"repo_tags": ["sde/app:latest", "sde/app:1.4.2"]},
		{"reference": "registry.example.org:5000/sde/app@sha256:0123"},
		{"reference": "registry.example.org:5000/sde/app:2026.11"},
		{"base_name": "docker.io/library/alpine:3.22", "repo_tags": ["x:latest"]},
		{"base_name": "docker.io/library/alpine", "base_digest": "sha256:abcd"},
	] {
		inp := res(a)
		count(check.deny) == 0 with input as inp
		count(check.missing) == 0 with input as inp
	}
}

test_fail if {
	every a in [
		{"repo_tags": ["sde/app:latest"]},
		{"reference": "registry.example.org:5000/sde/app"},
		{"reference": "alpine:LATEST"},
		{"base_name": "docker.io/library/alpine:latest", "repo_tags": ["x:1.0"]},
		{"base_name": "docker.io/library/alpine"},
	] {
		count(check.deny) == 1 with input as res(a)
	}
}

test_fail_message if {
	check.deny == {"RepoTags sde/app:latest is not pinned: no digest and no exact version tag (untagged or a floating tag such as latest)"} with input as res({"repo_tags": ["sde/app:latest"]})
}

test_missing if {
	inp := res({})
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.repo_tags: the image has no reference, RepoTags or base-image annotation to judge"} with input as inp
}
