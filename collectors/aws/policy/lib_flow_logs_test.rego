package sdescan.lib.flow_logs_test

import data.sdescan.lib.flow_logs as lib
import rego.v1

test_captures_all if {
	lib.captures_all({"resource_type": "VPC", "traffic_type": "ALL"})
	lib.captures_all({"resource_type": "VPC", "traffic_type": "ALL", "status": "ACTIVE", "deliver_logs_status": "SUCCESS"})
	not lib.captures_all({"resource_type": "VPC", "traffic_type": "ACCEPT"})
	not lib.captures_all({"resource_type": "VPC", "traffic_type": "REJECT"})
	not lib.captures_all({"resource_type": "VPC", "traffic_type": "all"})
	not lib.captures_all({"resource_type": "VPC", "traffic_type": "ALL", "deliver_logs_status": "FAILED"})
	not lib.captures_all({"resource_type": "VPC", "traffic_type": "ALL", "status": "INACTIVE"})
	not lib.captures_all({"resource_type": "Subnet", "traffic_type": "ALL"})
	not lib.captures_all({"traffic_type": "ALL"})
}

test_traffic_unknown if {
	lib.traffic_unknown({})
	lib.traffic_unknown({"traffic_type": "all"})
	lib.traffic_unknown({"traffic_type": null})
	not lib.traffic_unknown({"traffic_type": "REJECT"})
}
