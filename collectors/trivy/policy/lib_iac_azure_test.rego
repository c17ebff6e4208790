package sdescan.lib.iac_azure_test

import data.sdescan.lib.iac_azure as iac
import rego.v1

attrs := {
	"config": {"a": 1, "old": 2, "blk": [{"x": true}], "two": [{}, {}]},
	"properties": {"p": {"q": "v"}},
	"unknown_attributes": ["u", "blk.0.y", "properties.p.r", "ranges.1"],
}

test_unknown_at if {
	iac.unknown_at(attrs, "u")
	iac.unknown_at(attrs, "blk.0.y")
	iac.unknown_at(attrs, "blk")
	iac.unknown_at(attrs, "blk.0.y.z")
	iac.unknown_at(attrs, "ranges")
	not iac.unknown_at(attrs, "blk.0.x")
	not iac.unknown_at(attrs, "uu")
	not iac.unknown_at(attrs, "a")
}

test_tf_arg if {
	iac.tf_arg(attrs, ["a", "old"], 0) == 1
	iac.tf_arg(attrs, ["missing", "old"], 0) == 2
	iac.tf_arg(attrs, ["missing"], "d") == "d"
	not iac.tf_arg(attrs, ["a", "u"], 0)
}

test_tf_block if {
	iac.tf_block(attrs, "blk") == {"x": true}
	iac.tf_block(attrs, "none") == {}
	not iac.tf_block(attrs, "two")
	not iac.tf_block(attrs, "u")
}

test_arm_prop if {
	iac.arm_prop(attrs, ["p", "q"], null) == "v"
	iac.arm_prop(attrs, ["p", "s"], "d") == "d"
	not iac.arm_prop(attrs, ["p", "r"], null)
	not iac.arm_prop(attrs, ["p"], null)
}

test_values if {
	iac.bool(true) == true
	iac.bool("false") == false
	not iac.bool("yes")
	iac.bool_or_null(null) == null
	iac.string_or_null("x") == "x"
	not iac.string_or_null(1)
}

test_tf_block_unknown if {
	not iac.tf_block({"config": {}, "unknown_attributes": ["b"]}, "b")
	not iac.tf_block({"config": {"b": [{}]}, "unknown_attributes": ["b.1"]}, "b")
	iac.tf_block({"config": {"b": [{"k": 1}]}, "unknown_attributes": ["b.0.other"]}, "b") == {"k": 1}
}
