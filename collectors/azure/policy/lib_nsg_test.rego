package sdescan.lib.azure_nsg_test

import data.sdescan.lib.azure_nsg as lib
import rego.v1

test_covers_port if {
	lib.covers_port("*", 22)
	lib.covers_port("22", 22)
	lib.covers_port(" 3389 ", 3389)
	lib.covers_port("20-30", 22)
	lib.covers_port("3389-3389", 3389)
	lib.covers_port("0-65535", 3389)
	not lib.covers_port("23", 22)
	not lib.covers_port("23-30", 22)
	not lib.covers_port("1-21", 22)
	not lib.covers_port("abc", 22)
}

test_internet_source if {
	lib.internet_source({"source_prefixes": ["10.0.0.0/8", "Internet"]}) == "Internet"
	lib.internet_source({"source_prefixes": ["ANY"]}) == "ANY"
	lib.internet_source({"source_prefixes": ["*"]}) == "*"
	lib.internet_source({"source_prefixes": ["0.0.0.0/0"]}) == "0.0.0.0/0"
	lib.internet_source({"source_prefixes": ["::/0"]}) == "::/0"
	not lib.internet_source({"source_prefixes": ["10.0.0.0/8", "VirtualNetwork", "AzureLoadBalancer"]})
}

test_inbound_allow if {
	lib.inbound_allow({"direction": "Inbound", "access": "Allow"})
	not lib.inbound_allow({"direction": "Outbound", "access": "Allow"})
	not lib.inbound_allow({"direction": "Inbound", "access": "Deny"})
}

test_ported if {
	lib.ported({"protocol": "Tcp"})
	lib.ported({"protocol": "*"})
	not lib.ported({"protocol": "Icmp"})
}

test_incomplete if {
	lib.incomplete({"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_prefixes": [], "destination_ports": []}) == set()
	lib.incomplete({"direction": null, "access": "Allow", "protocol": "Tcp", "source_prefixes": []}) == {"direction", "destination_ports"}
}

test_covers_port_odd_specs if {
	not lib.covers_port("", 22)
	not lib.covers_port("-", 22)
	not lib.covers_port("1-2-3", 22)
	not lib.covers_port(22, 22)
	not lib.covers_port(null, 22)
}

test_odd_rules_not_judged if {
	not lib.inbound_allow({"direction": null, "access": "Allow"})
	not lib.ported({"protocol": 6})
	not lib.internet_source({"source_prefixes": [null, 1]})
}
