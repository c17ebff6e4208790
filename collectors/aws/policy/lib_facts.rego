# Helpers for reading a resource's facts. A library, not a check (it has no
# custom.id).
package sdescan.lib.facts

import rego.v1

# present(key): the resource has attribute key, whatever its value (null and
# false too), as key in object.keys(input.resource.attributes), without
# building the set of its keys.
present(key) if {
	_ = input.resource.attributes[key]
}

# has(obj, key): object obj has key, whatever its value, as key in
# object.keys(obj). Only for values known to be objects: has is undefined where
# object.keys would fail on a non-object.
has(obj, key) if {
	_ = obj[key]
}
