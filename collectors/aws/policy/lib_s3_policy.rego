# The one decision on S3 bucket policies that deny requests without TLS, shared by
# the live check (AWS-S3-004, over aws.s3.bucket) and its IaC twin (IAC-S3-001,
# over aws_s3_bucket_policy and AWS::S3::BucketPolicy). A library, not a check (it
# has no custom.id). Both read statements normalised by the same Go code
# (checks/policydoc: every list an array, Principal "*" as {"AWS": ["*"]},
# condition keys lower-cased, condition values strings), so the same document
# gets the same verdict whether it was read from AWS or from code.
#
# A statement counts only when, on its own, it denies every request made without
# TLS to the bucket's objects (a combination of narrower statements does not
# count: AWS evaluates each statement alone, and proving that several cover every
# principal, action and object together is not worth the risk of a wrong proof):
#
#   - Effect is Deny;
#   - it applies to every principal: Principal "*" or {"AWS": "*"}. A
#     NotPrincipal statement denies everyone except those it lists, so it counts
#     only when that list is empty (anyone it lists may still use plain HTTP);
#   - it applies to every S3 action: Action "*" or "s3:*" (any case). A NotAction
#     statement counts only when none of the actions it excludes can be an S3
#     action: each names another service without wildcards in the service
#     ("iam:*" yes; "s3:GetObject", "*", "s*:Get*" no);
#   - it covers the bucket's objects: a resource "*", "arn:aws:s3:::*",
#     "arn:aws:s3:::*/*" or "<bucket ARN>/*". The bucket ARN alone (without "/*")
#     covers bucket operations, not object reads and writes, so it is not enough.
#     When the bucket's name is unknown (IaC that refers to a bucket defined
#     elsewhere), any "arn:aws:s3:::<name>/*" with no wildcard in the name
#     counts. In code, a value only known once deployed reads ${reference}
#     (Terraform "${aws_s3_bucket.b.arn}/*", CloudFormation !Sub
#     "${Bucket.Arn}/*" or !Join with !GetAtt Bucket.Arn): "${reference}/*",
#     or "arn:aws:s3:::<name with a ${reference}>/*", counts as the bucket's
#     objects, as sdescan cannot tell offline which bucket the reference names
#     (the one leniency; an IAM policy variable such as ${aws:username} is not
#     a reference). A NotResource statement does not count;
#   - its only condition is Bool or BoolIfExists on aws:SecureTransport with
#     every value false ("false" in any case; the normaliser turns a JSON false
#     into "false"). Another condition key narrows the deny (StringEquals
#     aws:SourceVpc denies only in that VPC), so the statement does not count.
#     aws:SecureTransport under another operator (Null, StringEquals) does not
#     count either: AWS documents it as a Bool key. NumericLessThan
#     aws:TlsVersion is another control and does not count on its own.
package sdescan.lib.s3_policy

import rego.v1

# denies_insecure_transport(statements, bucket): some statement of the policy
# denies every request without TLS to the objects of bucket (its name; null or
# "" when unknown).
denies_insecure_transport(statements, bucket) if {
	some s in statements
	tls_deny(s, bucket)
}

# tls_deny(s, bucket): statement s alone denies every request without TLS.
tls_deny(s, bucket) if {
	s.effect == "Deny"
	every_principal(s)
	every_s3_action(s)
	covers_objects(s, bucket)
	insecure_transport_only(s)
}

every_principal(s) if {
	not s.not_principals
	"*" in s.principals.AWS
}

every_principal(s) if {
	not s.principals
	is_object(s.not_principals)
	every _, excluded in s.not_principals {
		count(excluded) == 0
	}
}

every_s3_action(s) if {
	not s.not_actions
	some a in s.actions
	lower(a) in {"*", "s3:*"}
}

every_s3_action(s) if {
	not s.actions
	is_array(s.not_actions)
	every a in s.not_actions {
		other_service(a)
	}
}

# other_service(a): action a names a service other than S3, with no wildcard in
# the service name.
other_service(a) if {
	parts := split(lower(a), ":")
	count(parts) == 2
	regex.match(`^[a-z0-9-]+$`, parts[0])
	parts[0] != "s3"
}

covers_objects(s, bucket) if {
	not s.not_resources
	some r in s.resources
	object_resource(r, bucket)
}

object_resource(r, _) if r in {"*", "arn:aws:s3:::*", "arn:aws:s3:::*/*"}

object_resource(r, bucket) if {
	known_bucket(bucket)
	r == sprintf("arn:aws:s3:::%s/*", [bucket])
}

object_resource(r, bucket) if {
	not known_bucket(bucket)
	regex.match(`^arn:aws:s3:::[^/*?${}]+/\*$`, r)
}

# An unresolved reference in code (the bucket's ARN), then "/*".
object_resource(r, _) if regex.match(concat("", ["^", reference, "/\\*$"]), r)

# A bucket name built with an unresolved reference in code
# ("arn:aws:s3:::${B}/*", "arn:aws:s3:::${var.prefix}-raw/*").
object_resource(r, _) if {
	part := concat("", ["(?:[^/*?${}]|", reference, ")*"])
	regex.match(concat("", ["^arn:aws:s3:::", part, reference, part, "/\\*$"]), r)
}

# reference is how the IaC parser writes a value unknown offline: ${name} with a
# Terraform reference or CloudFormation logical ID, attribute or pseudo
# parameter (AWS::AccountId), never an IAM policy variable such as
# ${aws:username} (one colon), which a live policy may hold.
reference := `\$\{(?:[A-Za-z0-9_.\[\]"-]+|AWS::[A-Za-z]+)\}`

known_bucket(bucket) if {
	is_string(bucket)
	bucket != ""
}

insecure_transport_only(s) if {
	count(s.conditions) == 1
	some op, keys in s.conditions
	op in {"Bool", "BoolIfExists"}
	count(keys) == 1
	values := keys["aws:securetransport"]
	count(values) > 0
	every v in values {
		lower(v) == "false"
	}
}
