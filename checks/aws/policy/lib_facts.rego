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
