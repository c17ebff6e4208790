package sdescan.lib.backup_test

import data.sdescan.lib.backup
import rego.v1

store(typ, extra, attrs) := {"resource": object.union({"id": "aws://1/eu-west-2/x", "type": typ, "attributes": attrs}, extra)}

test_name_first_present if {
	backup.name == "t" with input as store("aws.dynamodb.table", {}, {"table_name": "t", "volume_id": "v"})
	backup.name == "i" with input as store("aws.rds.db_instance", {}, {"db_instance_identifier": "i", "db_cluster_identifier": "c"})
	backup.name == "c" with input as store("aws.rds.db_cluster", {}, {"db_cluster_identifier": "c", "file_system_id": "f"})
	backup.name == "v" with input as store("aws.ec2.volume", {}, {"volume_id": "v"})
	backup.name == "f" with input as store("aws.efs.file_system", {}, {"file_system_id": "f"})
}

# As object.get does: a present attribute names the store whatever its value.
test_name_present_null_or_false if {
	backup.name == null with input as store("aws.s3.bucket", {}, {"name": null, "table_name": "t"})
	backup.name == false with input as store("aws.s3.bucket", {}, {"name": false, "table_name": "t"})
}

test_name_falls_back_to_id if {
	backup.name == "aws://1/eu-west-2/x" with input as store("aws.s3.bucket", {}, {})
}
