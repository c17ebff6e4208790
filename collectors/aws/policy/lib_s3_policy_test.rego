package sdescan.lib.s3_policy_test

import data.sdescan.lib.s3_policy as lib
import rego.v1

tls := {
	"effect": "Deny",
	"principals": {"AWS": ["*"]},
	"actions": ["s3:*"],
	"resources": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
	"conditions": {"Bool": {"aws:securetransport": ["false"]}},
}

# with_fields replaces whole fields (object.union alone would merge nested objects).
with_fields(fields) := object.union(object.remove(tls, object.keys(fields)), fields)

without(field) := object.remove(tls, {field})

test_counts if {
	lib.denies_insecure_transport([tls], "b")
	lib.denies_insecure_transport([tls], null)
	lib.denies_insecure_transport([with_fields({"conditions": {"BoolIfExists": {"aws:securetransport": ["FALSE"]}}})], "b")
	lib.denies_insecure_transport([with_fields({"actions": ["*"]})], "b")
	lib.denies_insecure_transport([with_fields({"actions": ["S3:*"]})], "b")
	lib.denies_insecure_transport([with_fields({"resources": ["*"]})], "b")
	lib.denies_insecure_transport([object.union(without("actions"), {"not_actions": ["iam:*"]})], "b")
	lib.denies_insecure_transport([object.union(without("principals"), {"not_principals": {"AWS": []}})], "b")
	lib.denies_insecure_transport([{"effect": "Allow", "principals": {"AWS": ["*"]}, "actions": ["s3:GetObject"], "resources": ["*"]}, tls], "b")
}

test_does_not_count if {
	not lib.denies_insecure_transport([], "b")
	not lib.denies_insecure_transport([with_fields({"effect": "Allow"})], "b")
	not lib.denies_insecure_transport([with_fields({"principals": {"AWS": ["arn:aws:iam::111111111111:root"]}})], "b")
	not lib.denies_insecure_transport([object.union(without("principals"), {"not_principals": {"AWS": ["arn:aws:iam::111111111111:role/admin"]}})], "b")
	not lib.denies_insecure_transport([with_fields({"actions": ["s3:GetObject"]})], "b")
	not lib.denies_insecure_transport([object.union(without("actions"), {"not_actions": ["s3:GetObject"]})], "b")
	not lib.denies_insecure_transport([object.union(without("actions"), {"not_actions": ["s*:Get*"]})], "b")
	not lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::b"]})], "b")
	not lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::other/*"]})], "b")
	not lib.denies_insecure_transport([object.union(without("resources"), {"not_resources": ["arn:aws:s3:::b/private/*"]})], "b")
	not lib.denies_insecure_transport([with_fields({"conditions": {"Bool": {"aws:securetransport": ["true"]}}})], "b")
	not lib.denies_insecure_transport([with_fields({"conditions": {"StringEquals": {"aws:securetransport": ["false"]}}})], "b")
	not lib.denies_insecure_transport([with_fields({"conditions": {"Bool": {"aws:securetransport": ["false"]}, "StringEquals": {"aws:sourcevpc": ["vpc-1"]}}})], "b")
	not lib.denies_insecure_transport([with_fields({"conditions": {"NumericLessThan": {"s3:tlsversion": ["1.2"]}}})], "b")
	not lib.denies_insecure_transport([without("conditions")], "b")
}

# Two statements that only together cover every action do not count.
test_combination_does_not_count if {
	not lib.denies_insecure_transport([with_fields({"actions": ["s3:GetObject"]}), with_fields({"actions": ["s3:PutObject"]})], "b")
}

# With the bucket unknown (IaC), any bucket's objects count; a wildcard name does not.
test_unknown_bucket if {
	lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::${Bucket}/*"]})], "")
	not lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::b*/*"]})], null)
}

# A reference unresolved offline, then /*, counts as the bucket's objects; the
# reference alone (the bucket ARN) does not.
test_reference if {
	lib.denies_insecure_transport([with_fields({"resources": ["${aws_s3_bucket.b.arn}/*"]})], null)
	lib.denies_insecure_transport([with_fields({"resources": ["${Bucket.Arn}/*"]})], "b")
	not lib.denies_insecure_transport([with_fields({"resources": ["${aws_s3_bucket.b.arn}"]})], null)
	not lib.denies_insecure_transport([with_fields({"resources": ["${aws_s3_bucket.b.arn}/private/*"]})], null)
	lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::${B}/*"]})], "b")
	lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::${var.prefix}-raw-${AWS::AccountId}/*"]})], "b")
	not lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::${aws:username}/*"]})], "b")
	not lib.denies_insecure_transport([with_fields({"resources": ["${aws:username}/*"]})], null)
	not lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::${aws:username}/*"]})], null)
	not lib.denies_insecure_transport([with_fields({"resources": ["arn:aws:s3:::${B}*/*"]})], "b")
}
