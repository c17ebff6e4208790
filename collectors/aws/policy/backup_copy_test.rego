package sdescan.checks.aws.backup_copy_test

import data.sdescan.checks.aws.backup_copy as check
import rego.v1

store(backup) := {"resource": {"id": "x", "type": "aws.rds.db_cluster", "classification": "identifiable", "scope": {"account": "123456789012", "region": "eu-west-2"}, "attributes": {"db_cluster_identifier": "c", "name": "c", "backup": backup}}}

plan(dest) := {"selected_by": [{"plan_name": "daily", "rules": [{"rule_name": "r", "copy_actions": [{"destination_backup_vault_arn": dest}]}]}], "unresolved": []}

test_copy_other_region if {
	count(check.deny) == 0 with input as store({"native": [], "aws_backup": plan("arn:aws:backup:eu-west-1:123456789012:backup-vault:dr")})
}

test_copy_other_account if {
	count(check.deny) == 0 with input as store({"native": [], "aws_backup": plan("arn:aws:backup:eu-west-2:999999999999:backup-vault:dr")})
}

test_copy_same_place_fails if {
	check.deny == {"backups of c are not copied to another region or account"} with input as store({"native": [], "aws_backup": plan("arn:aws:backup:eu-west-2:123456789012:backup-vault:other")})
}

test_copy_jobs_count if {
	count(check.deny) == 0 with input as store({"native": [], "aws_backup": {"selected_by": [], "unresolved": []}, "copy_destinations": ["arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"]})
}

test_unknown if {
	inp := store({"native": []})
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.backup.aws_backup"} with input as inp
}
