package sdescan.lib.public_ip_test

import data.sdescan.lib.public_ip as lib
import rego.v1

test_requested if {
	lib.requested([]) == false
	lib.requested([false, "false"]) == false
	lib.requested([false, true]) == true
	lib.requested(["TRUE"]) == true
	lib.requested([null, true]) == true
	not lib.requested([null, false])
	not lib.requested(["yes"])
}

test_machine if {
	lib.public_ip({"has_public_ip": true})
	not lib.public_ip({"has_public_ip": false})
	lib.public_ip_unknown({})
	lib.public_ip_unknown({"has_public_ip": null})
	not lib.public_ip_unknown({"has_public_ip": false})
	lib.ipv6({"ipv6_addresses": ["2001:db8::1"]})
	not lib.ipv6({"ipv6_addresses": []})
	not lib.ipv6({})
}

test_subnet if {
	lib.maps_public_ip({"map_public_ip_on_launch": true})
	not lib.maps_public_ip({"map_public_ip_on_launch": false})
	lib.maps_public_ip_unknown({})
	lib.maps_public_ip_unknown({"map_public_ip_on_launch": "true"})
	lib.boolean(lib.subnet_default) == false
}
