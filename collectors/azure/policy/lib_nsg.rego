# The one decision on Azure network security group rules, shared by the live
# checks (AZ-NET-001 and AZ-NET-002, over azure.network.nsg) and their IaC twin
# (IAC-AZ-003, over azurerm_network_security_group's security_rule blocks,
# azurerm_network_security_rule, Microsoft.Network/networkSecurityGroups and
# their securityRules). A library, not a check (it has no custom.id).
#
# A rule is as the live collector normalises it: direction, access, protocol,
# priority, source_prefixes (sourceAddressPrefix and sourceAddressPrefixes
# merged) and destination_ports (destinationPortRange and
# destinationPortRanges merged: "22", "20-30" or "*"). The IaC twin writes
# the same shape (normalised_prefixes below), leaving out a field whose value
# is not known offline: such a rule is incomplete, reported missing.
package sdescan.lib.azure_nsg

import rego.v1

# The source prefixes that mean the whole internet: any address ("*", "Any"),
# the Internet service tag and the all-addresses CIDRs. Compared in any case.
internet_prefixes := {"*", "any", "internet", "0.0.0.0/0", "::/0"}

# internet_source(r): the rule's source that is the internet, when it has one
# (the first in order, should several be).
internet_source(r) := min(internet_sources(r)) if count(internet_sources(r)) > 0

# internet_sources(r): the rule's sources that are the internet.
internet_sources(r) := {s |
	some s in r.source_prefixes
	is_string(s)
	lower(trim_space(s)) in internet_prefixes
}

# admin_ports are the administrative ports AZ-NET-001 keeps from the internet.
admin_ports := {22: "SSH", 3389: "RDP"}

# opens_admin(r, port): rule r admits the internet to administrative port
# port (a key of admin_ports: 22 or 3389), on TCP, UDP or any protocol.
opens_admin(r, port) if {
	inbound_allow(r)
	ported(r)
	count(internet_sources(r)) > 0
	some p, _ in admin_ports
	p == port
	some spec in r.destination_ports
	covers_port(spec, port)
}

# admin_only(r): rule r opens only SSH or RDP on TCP or UDP (AZ-NET-001's).
admin_only(r) if {
	is_string(r.protocol)
	lower(r.protocol) in {"tcp", "udp"}
	count(r.destination_ports) > 0
	every spec in r.destination_ports {
		is_string(spec)
		trim_space(spec) in {"22", "3389"}
	}
}

# opens_other(r): rule r admits the internet to anything but SSH or RDP alone
# and ICMP (AZ-NET-002).
opens_other(r) if {
	inbound_allow(r)
	is_string(r.protocol)
	not icmp(r)
	not admin_only(r)
	is_array(r.destination_ports)
	count(internet_sources(r)) > 0
}

# normalised_prefixes(one, many): a rule's singular and plural property merged
# as the live collector merges them: strings trimmed, empty ones dropped,
# without repeats, sorted. one may be null (not set), many null or a list.
normalised_prefixes(one, many) := sort({v |
	some s in array.concat(singular(one), plural(many))
	v := trim_space(s)
	v != ""
})

singular(x) := [x] if is_string(x)

singular(x) := [] if not is_string(x)

plural(x) := [s | some s in x; is_string(s)] if is_array(x)

plural(x) := [] if not is_array(x)

# inbound_allow(r): the rule admits inbound traffic.
inbound_allow(r) if {
	is_string(r.direction)
	is_string(r.access)
	lower(r.direction) == "inbound"
	lower(r.access) == "allow"
}

# ported(r): the rule's protocol has ports (TCP, UDP, or any protocol).
ported(r) if {
	is_string(r.protocol)
	lower(r.protocol) in {"tcp", "udp", "*"}
}

# icmp(r): the rule is for ICMP only.
icmp(r) if {
	is_string(r.protocol)
	lower(r.protocol) == "icmp"
}

# covers_port(spec, p): a destination port spec ("*", "22", "20-30") covers
# port p. Numbers are converted only once they are known to be digits (a
# built-in error is never part of a verdict).
covers_port(spec, _) if {
	is_string(spec)
	trim_space(spec) == "*"
}

covers_port(spec, p) if {
	is_string(spec)
	s := trim_space(spec)
	digits(s)
	to_number(s) == p
}

covers_port(spec, p) if {
	is_string(spec)
	parts := split(trim_space(spec), "-")
	count(parts) == 2
	lo := trim_space(parts[0])
	hi := trim_space(parts[1])
	digits(lo)
	digits(hi)
	to_number(lo) <= p
	p <= to_number(hi)
}

digits(s) if regex.match(`^[0-9]{1,5}$`, s)

# incomplete(r): the fields of a rule a verdict depends on, when any is not
# what the collector writes (a string, or a list for the prefixes and ports):
# such a rule is reported missing, never judged.
incomplete(r) := {key | some key in ["direction", "access", "protocol"]; not is_string(object.get(r, key, null))} | {key |
	some key in ["source_prefixes", "destination_ports"]
	not is_array(object.get(r, key, null))
}
