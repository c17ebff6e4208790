package sdescan.lib.facts_test

import data.sdescan.lib.facts
import rego.v1

inp := {"resource": {"id": "x", "type": "t", "attributes": {"a": null, "b": false, "c": 0, "d": "", "e": {}, "f": []}}}

test_present_whatever_the_value if {
	every k in ["a", "b", "c", "d", "e", "f"] {
		facts.present(k) with input as inp
	}
}

test_absent if {
	not facts.present("g") with input as inp
	not facts.present("a") with input as {"resource": {"attributes": {}}}
}

test_as_object_keys if {
	found := {k | some k in ["a", "b", "c", "d", "e", "f", "g"]; facts.present(k)} with input as inp
	found == object.keys(inp.resource.attributes)
}

test_has_as_object_keys if {
	o := inp.resource.attributes
	found := {k | some k in ["a", "b", "c", "d", "e", "f", "g"]; facts.has(o, k)}
	found == object.keys(o)
}
