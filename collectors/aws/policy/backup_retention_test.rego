package sdescan.checks.aws.backup_retention_test

import data.sdescan.checks.aws.backup_retention as check
import rego.v1

params := {"backup_min_retention_days": 35}

store(backup) := {"resource": {"id": "x", "type": "aws.dynamodb.table", "classification": "identifiable", "attributes": {"table_name": "t", "backup": backup}}}

plan(days) := {"selected_by": [{"plan_name": "daily", "rules": [{"rule_name": "r", "lifecycle": {"delete_after_days": days}}]}], "unresolved": []}

test_long_enough if {
	inp := store({"native": [], "aws_backup": plan(35), "recovery_points": {"count": 1, "min_delete_after_days": 35}})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_rule_too_short if {
	check.deny == {"plan daily rule r keeps backups of t 7 days, less than the minimum of 35"} with input as store({"native": [], "aws_backup": plan(7), "recovery_points": {"count": 0}}) with data.sdescan.params as params
}

test_points_too_short if {
	check.deny == {"recovery points of t are kept only 7 days, less than the minimum of 35"} with input as store({"native": [], "aws_backup": {"selected_by": [], "unresolved": []}, "recovery_points": {"count": 2, "min_delete_after_days": 7}}) with data.sdescan.params as params
}

test_rds_automated if {
	check.deny == {"t keeps automated backups 7 days, less than the minimum of 35"} with input as store({"native": [{"mechanism": "rds-automated-backups", "enabled": true, "retention_days": 7}], "aws_backup": {"selected_by": [], "unresolved": []}, "recovery_points": {"count": 0}}) with data.sdescan.params as params
}

test_nothing_to_judge_fails if {
	check.deny == {"t has no backups whose retention could be judged"} with input as store({"native": [], "aws_backup": {"selected_by": [], "unresolved": []}, "recovery_points": {"count": 0}}) with data.sdescan.params as params
}

test_unknown if {
	inp := store({"native": []})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	check.missing == {"attributes.backup.aws_backup"} with input as inp with data.sdescan.params as params
}

test_pitr_period_judged if {
	inp := store({"native": [{"mechanism": "dynamodb-pitr", "enabled": true, "retention_days": 35}], "aws_backup": {"selected_by": [], "unresolved": []}, "recovery_points": {"count": 0}})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_pitr_period_too_short if {
	check.deny == {"t keeps point-in-time recovery 7 days, less than the minimum of 35"} with input as store({"native": [{"mechanism": "dynamodb-pitr", "enabled": true, "retention_days": 7}], "aws_backup": {"selected_by": [], "unresolved": []}, "recovery_points": {"count": 0}}) with data.sdescan.params as params
}
