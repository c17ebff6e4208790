# Reading azurerm Terraform resources and ARM template resources for the IaC
# twins of the Azure checks (IAC-AZ-002 to IAC-AZ-007). A library, not a check
# (it has no custom.id). Each twin normalises the code into the live facts'
# shape with these helpers and hands it to the decision library it shares with
# its live twin (collectors/azure/policy/lib_*.rego).
#
# A value not known offline (a Terraform variable without a value, another
# resource's computed attribute; an ARM template expression) is named in the
# fact's unknown_attributes, by a dotted path from config (Terraform:
# "min_tls_version", "security_rule.0.source_address_prefix") or from the
# resource (ARM: "properties.minimumTlsVersion"). The helpers are undefined
# for such a value, so the twin leaves the setting out of the shape and the
# library reports it unknown: not assessed, never passed.
package sdescan.lib.iac_azure

import data.sdescan.lib.facts
import rego.v1

# tf(r, t): r is a Terraform resource block of type t.
tf(r, t) if {
	r.type == "iac.terraform.resource"
	r.attributes.mode == "resource"
	r.attributes.resource_type == t
}

# arm(r, t): r is an ARM template resource of type t (compared in any case,
# as ARM does).
arm(r, t) if {
	r.type == "iac.arm.resource"
	is_string(r.attributes.resource_type)
	lower(r.attributes.resource_type) == lower(t)
}

# unknown_at(attrs, path): the value at path, or one within it or around it,
# is not known offline.
unknown_at(attrs, path) if {
	some u in object.get(attrs, "unknown_attributes", [])
	is_string(u)
	related(u, path)
}

related(u, path) if u == path

related(u, path) if startswith(u, concat("", [path, "."]))

related(u, path) if startswith(path, concat("", [u, "."]))

# tf_arg(attrs, names, dflt): the value of the first of the argument names
# (the provider's current name first, then older ones) written in the block's
# config, or dflt when none is; undefined when any is not known offline.
tf_arg(attrs, names, dflt) := v if {
	not any_unknown(attrs, names)
	written := [attrs.config[n] | some n in names; facts.has(attrs.config, n)]
	v := first_or(written, dflt)
}

any_unknown(attrs, names) if {
	some n in names
	unknown_at(attrs, n)
}

first_or(l, _) := l[0] if count(l) > 0

first_or(l, d) := d if count(l) == 0

# tf_written(attrs, names): one of the argument names is written.
tf_written(attrs, names) if {
	some n in names
	facts.has(attrs.config, n)
}

# tf_block(attrs, name): the only block name written in the config (a list
# of objects, as the collector writes nested blocks); {} when none is;
# undefined when the block itself is not known offline (a dynamic block whose
# for_each is unknown, a list that is a variable) or is written more than
# once. An argument within it that is not known is the caller's to look for.
tf_block(attrs, name) := {} if {
	not block_unknown(attrs, name)
	count(object.get(attrs.config, name, [])) == 0
}

tf_block(attrs, name) := b if {
	not block_unknown(attrs, name)
	[b] := object.get(attrs.config, name, [])
	is_object(b)
}

block_unknown(attrs, name) if {
	some u in object.get(attrs, "unknown_attributes", [])
	is_string(u)
	u == name
}

block_unknown(attrs, name) if {
	some u in object.get(attrs, "unknown_attributes", [])
	is_string(u)
	startswith(u, concat("", [name, "."]))
	regex.match(`^[0-9]+$`, substring(u, count(name) + 1, -1))
}

# arm_prop(attrs, path, dflt): the value at path (an array of keys) within
# the resource's properties, or dflt when the template leaves it out;
# undefined when it is not known (an expression at it, within it or around it).
arm_prop(attrs, path, dflt) := v if {
	not unknown_at(attrs, concat(".", array.concat(["properties"], path)))
	v := object.get(attrs.properties, path, dflt)
}

# bool(v): the boolean v is; undefined for anything else (a value the
# provider would refuse is not assessed).
bool(v) := v if is_boolean(v)

bool(v) if v == "true"

bool(v) := false if v == "false"

# bool_or_null(v): bool(v), or null for null (a setting left unset).
bool_or_null(v) := bool(v)

bool_or_null(v) := null if v == null

# string_or_null(v): v when it is a string or null; undefined otherwise.
string_or_null(v) := v if is_string(v)

string_or_null(v) := null if v == null
