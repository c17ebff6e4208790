# Shared reading of Azure network security group rules (AZ-NET-001 and
# AZ-NET-002). A library, not a check (it has no custom.id).
#
# A rule is as the collector normalises it: direction, access, protocol,
# priority, source_prefixes (sourceAddressPrefix and sourceAddressPrefixes
# merged) and destination_ports (destinationPortRange and
# destinationPortRanges merged: "22", "20-30" or "*").
package sdescan.lib.azure_nsg

import rego.v1

# The source prefixes that mean the whole internet: any address ("*", "Any"),
# the Internet service tag and the all-addresses CIDRs. Compared in any case.
internet_prefixes := {"*", "any", "internet", "0.0.0.0/0", "::/0"}

# internet_source(r): each of the rule's sources that is the internet.
internet_source(r) := s if {
	some s in r.source_prefixes
	is_string(s)
	lower(trim_space(s)) in internet_prefixes
}

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
