package sdescan.checks.aws.backup_plan_selected_test

import data.sdescan.checks.aws.backup_plan_selected as check
import rego.v1

table(backup) := {"resource": {"id": "aws://1/eu-west-2/dynamodb/table/t", "type": "aws.dynamodb.table", "classification": "identifiable", "attributes": {"table_name": "t", "backup": backup}}}

test_pass if {
	inp := table({"native": [], "aws_backup": {"selected_by": [{"plan_name": "daily", "selection": "all"}], "unresolved": []}})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"t (identifiable) is not selected by any AWS Backup plan (it relies on dynamodb-pitr alone)"} with input as table({"native": [{"mechanism": "dynamodb-pitr", "enabled": true}], "aws_backup": {"selected_by": [], "unresolved": []}})
}

test_unresolved_is_missing if {
	inp := table({"native": [], "aws_backup": {"selected_by": [], "unresolved": [{"plan_name": "daily", "selection": "mixed", "reason": "only one of Resources and ListOfTags matches"}]}})
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.backup.aws_backup (selection mixed of plan daily cannot be decided: only one of Resources and ListOfTags matches)"} with input as inp
}

test_unreadable_is_missing if {
	inp := table({"native": []})
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.backup.aws_backup"} with input as inp
}

test_unclassified_not_applicable if {
	not check.applicable with input as {"resource": {"id": "x", "type": "aws.ec2.volume", "attributes": {"volume_id": "vol-1"}}}
}

test_rpo_tag_makes_applicable if {
	check.applicable with input as {"resource": {"id": "x", "type": "aws.ec2.volume", "backup_rpo_hours": 4, "attributes": {"volume_id": "vol-1"}}}
}

test_aurora_member_not_applicable if {
	not check.applicable with input as {"resource": {"id": "x", "type": "aws.rds.db_instance", "classification": "identifiable", "attributes": {"db_cluster_identifier": "c"}}}
}
