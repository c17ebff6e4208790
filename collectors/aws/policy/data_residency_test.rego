package sdescan.checks.aws.data_residency_test

import data.sdescan.checks.aws.data_residency as check
import rego.v1

uk := {"data_residency": {"allowed_regions": ["eu-west-2", "uksouth", "ukwest"]}}

# protection: what the collector joins onto an AWS store: no plan, no copy.
protection := {"aws_backup": {"selected_by": [], "unresolved": []}, "copy_destinations": [], "recovery_point_regions": []}

bucket(region, class) := {"resource": {
	"id": sprintf("aws://1/%s/s3/bucket/b", [region]), "type": "aws.s3.bucket", "source": "aws",
	"scope": {"account": "1", "region": region}, "classification": class,
	"attributes": {"name": "b", "backup": protection, "replication_destination_regions": []},
}}

with_backup(inp, b) := json.patch(inp, [{"op": "replace", "path": "/resource/attributes/backup", "value": b}])

plan_copying(arn) := {"selected_by": [{"plan_name": "daily", "rules": [{"rule_name": "r", "copy_actions": [{"destination_backup_vault_arn": arn}]}]}], "unresolved": []}

test_uk_bucket_passes if {
	count(check.deny) == 0 with input as bucket("eu-west-2", "identifiable") with data.sdescan.params as uk
	count(check.missing) == 0 with input as bucket("eu-west-2", "identifiable") with data.sdescan.params as uk
}

test_other_region_fails if {
	check.deny == {"S3 bucket b holds pseudonymised data in eu-west-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as bucket("eu-west-1", "pseudonymised")
		with data.sdescan.params as uk
}

# us-east-1: S3's LocationConstraint is empty there; the collector records us-east-1.
test_us_east_1_fails if {
	count(check.deny) == 1 with input as bucket("us-east-1", "identifiable") with data.sdescan.params as uk
}

# EU is S3's legacy location name of eu-west-1: outside the UK, and inside a list
# that allows eu-west-1.
test_legacy_eu_location if {
	check.deny == {"S3 bucket b holds identifiable data in eu-west-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as bucket("EU", "identifiable")
		with data.sdescan.params as uk
	count(check.deny) == 0 with input as bucket("EU", "identifiable") with data.sdescan.params as {"data_residency": {"allowed_regions": ["eu-west-1"]}}
}

# Region names are compared without case, on both sides.
test_case_insensitive if {
	count(check.deny) == 0 with input as bucket("EU-West-2", "identifiable") with data.sdescan.params as uk
	count(check.deny) == 0 with input as bucket("eu-west-2", "identifiable") with data.sdescan.params as {"data_residency": {"allowed_regions": ["EU-WEST-2"]}}
}

# Anonymised, public and unclassified stores may be anywhere.
test_unclassified_not_applicable if {
	not check.applicable with input as bucket("us-east-1", "anonymised") with data.sdescan.params as uk
	not check.applicable with input as bucket("us-east-1", "public") with data.sdescan.params as uk
	inp := json.remove(bucket("us-east-1", "x"), ["resource/classification"])
	not check.applicable with input as inp with data.sdescan.params as uk
	check.applicable with input as bucket("us-east-1", "identifiable") with data.sdescan.params as uk
}

# A bucket whose location could not be read has no region: not assessed.
test_unknown_location_missing if {
	inp := json.remove(bucket("eu-west-2", "identifiable"), ["resource/scope/region"])
	count(check.deny) == 0 with input as inp with data.sdescan.params as uk
	check.missing == {"scope.region"} with input as inp with data.sdescan.params as uk
}

test_configured_regions if {
	count(check.deny) == 0 with input as bucket("eu-central-1", "identifiable") with data.sdescan.params as {"data_residency": {"allowed_regions": ["eu-central-1"]}}
	count(check.deny) == 1 with input as bucket("eu-west-2", "identifiable") with data.sdescan.params as {"data_residency": {"allowed_regions": ["eu-central-1"]}}
}

# Azure stores in the UK pass by default; elsewhere they fail.
test_azure_store if {
	st := {"resource": {
		"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa", "type": "azure.storage.account", "source": "azure",
		"scope": {"account": "s", "region": "uksouth"}, "classification": "identifiable", "attributes": {"name": "sa"},
	}}
	count(check.deny) == 0 with input as st with data.sdescan.params as uk
	count(check.missing) == 0 with input as st with data.sdescan.params as uk
	check.deny == {"storage account sa holds identifiable data in westeurope, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as object.union(st, {"resource": {"scope": {"region": "westeurope"}}})
		with data.sdescan.params as uk
}

# A plan copying the store's backups to a vault abroad copies the data there,
# whether or not that region was scanned.
test_copy_action_abroad_fails if {
	inp := with_backup(bucket("eu-west-2", "identifiable"), object.union(protection, {"aws_backup": plan_copying("arn:aws:backup:eu-west-1:1:backup-vault:dr")}))
	check.deny == {"S3 bucket b holds identifiable data and its backups are copied to vault arn:aws:backup:eu-west-1:1:backup-vault:dr in eu-west-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as inp
		with data.sdescan.params as uk
}

# Copying to another UK account's vault (same allowed region) passes.
test_copy_action_in_uk_passes if {
	inp := with_backup(bucket("eu-west-2", "identifiable"), object.union(protection, {"aws_backup": plan_copying("arn:aws:backup:eu-west-2:2:backup-vault:dr")}))
	count(check.deny) == 0 with input as inp with data.sdescan.params as uk
	count(check.missing) == 0 with input as inp with data.sdescan.params as uk
}

# Copy jobs seen (completed) to a vault abroad fail too.
test_copy_job_abroad_fails if {
	inp := with_backup(bucket("eu-west-2", "identifiable"), object.union(protection, {"copy_destinations": ["arn:aws:backup:us-east-1:1:backup-vault:x"]}))
	check.deny == {"S3 bucket b holds identifiable data and its backups were copied to vault arn:aws:backup:us-east-1:1:backup-vault:x in us-east-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as inp
		with data.sdescan.params as uk
}

# A destination whose ARN names no region is not assessed.
test_copy_destination_without_region if {
	inp := with_backup(bucket("eu-west-2", "identifiable"), object.union(protection, {"copy_destinations": ["vault-x"]}))
	count(check.deny) == 0 with input as inp with data.sdescan.params as uk
	check.missing == {"region of copy destination vault-x"} with input as inp with data.sdescan.params as uk
}

# A selection the facts cannot decide, of a plan copying abroad: not assessed.
test_unresolved_plan_copying_abroad if {
	b := object.union(protection, {"aws_backup": {"selected_by": [], "unresolved": [{"plan_name": "p", "rules": [{"copy_actions": [{"destination_backup_vault_arn": "arn:aws:backup:us-west-2:1:backup-vault:v"}]}]}]}})
	inp := with_backup(bucket("eu-west-2", "identifiable"), b)
	count(check.deny) == 0 with input as inp with data.sdescan.params as uk
	check.missing == {"attributes.backup.aws_backup.unresolved (plan p would copy to us-west-2)"} with input as inp with data.sdescan.params as uk
}

# Backups that could not be read (plans, copy jobs, the whole join) are not
# assessed; a store abroad still fails on its own region.
test_backup_facts_missing if {
	no_plans := with_backup(bucket("eu-west-2", "identifiable"), {"copy_destinations": [], "recovery_point_regions": []})
	check.missing == {"attributes.backup.aws_backup"} with input as no_plans with data.sdescan.params as uk
	no_jobs := with_backup(bucket("eu-west-2", "identifiable"), {"aws_backup": {"selected_by": [], "unresolved": []}, "recovery_point_regions": []})
	check.missing == {"attributes.backup.copy_destinations"} with input as no_jobs with data.sdescan.params as uk
	no_join := json.remove(bucket("eu-west-2", "identifiable"), ["resource/attributes/backup"])
	check.missing == {"attributes.backup"} with input as no_join with data.sdescan.params as uk
	count(check.deny) == 1 with input as json.remove(bucket("us-east-1", "identifiable"), ["resource/attributes/backup"]) with data.sdescan.params as uk
}

# An Aurora member is backed up through its cluster: no join of its own.
test_cluster_member_needs_no_backup_join if {
	inp := {"resource": {
		"id": "i", "type": "aws.rds.db_instance", "source": "aws", "scope": {"account": "1", "region": "eu-west-2"}, "classification": "identifiable",
		"attributes": {"db_instance_identifier": "db1", "db_cluster_identifier": "c"},
	}}
	count(check.deny) == 0 with input as inp with data.sdescan.params as uk
	count(check.missing) == 0 with input as inp with data.sdescan.params as uk
}

# A global table replicated abroad fails; replicas unknown is not assessed.
test_dynamodb_replicas if {
	t := {"resource": {
		"id": "t", "type": "aws.dynamodb.table", "source": "aws", "scope": {"account": "1", "region": "eu-west-2"}, "classification": "pseudonymised",
		"attributes": {"table_name": "cohort", "replica_regions": ["eu-west-2", "US-EAST-1"], "backup": protection},
	}}
	check.deny == {"DynamoDB table cohort holds pseudonymised data and is replicated to us-east-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as t
		with data.sdescan.params as uk
	unknown := json.remove(t, ["resource/attributes/replica_regions"])
	check.missing == {"attributes.replica_regions"} with input as unknown with data.sdescan.params as uk
}

# A plan tagged classified is judged on its own copy actions; a vault and a
# snapshot by their region.
test_plan_vault_snapshot if {
	plan := {"resource": {
		"id": "p", "type": "aws.backup.plan", "source": "aws", "scope": {"account": "1", "region": "eu-west-2"}, "classification": "identifiable",
		"attributes": {"name": "daily", "rules": [{"rule_name": "r", "copy_actions": [{"destination_backup_vault_arn": "arn:aws:backup:eu-central-1:1:backup-vault:v"}]}]},
	}}
	check.deny == {"backup plan daily holds identifiable data and its backups are copied to vault arn:aws:backup:eu-central-1:1:backup-vault:v in eu-central-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as plan
		with data.sdescan.params as uk
	vault := {"resource": {"id": "v", "type": "aws.backup.vault", "source": "aws", "scope": {"account": "1", "region": "us-east-1"}, "classification": "identifiable", "attributes": {"name": "v"}}}
	check.deny == {"backup vault v holds identifiable data in us-east-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as vault with data.sdescan.params as uk
	snap := {"resource": {"id": "s", "type": "aws.ec2.snapshot", "source": "aws", "scope": {"account": "1", "region": "eu-west-2"}, "classification": "identifiable", "attributes": {"snapshot_id": "snap-1"}}}
	count(check.deny) == 0 with input as snap with data.sdescan.params as uk
	count(check.missing) == 0 with input as snap with data.sdescan.params as uk
}

# No allowed region at all (parameters missing) is not assessed, never passed.
test_no_allowed_regions if {
	check.missing == {"data.sdescan.params.data_residency.allowed_regions"} with input as bucket("eu-west-2", "identifiable") with data.sdescan.params as {}
}

# Replication to one of the account's buckets abroad fails; to a bucket whose
# region is unknown (another account's) is not assessed.
test_s3_replication if {
	inp := json.patch(bucket("eu-west-2", "identifiable"), [{"op": "replace", "path": "/resource/attributes/replication_destination_regions", "value": [
		{"destination": "arn:aws:s3:::uk-replica", "region": "eu-west-2"},
		{"destination": "arn:aws:s3:::dr-replica", "region": "EU"},
	]}])
	check.deny == {"S3 bucket b holds identifiable data and replicates it to arn:aws:s3:::dr-replica in eu-west-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as inp
		with data.sdescan.params as uk
	other := json.patch(bucket("eu-west-2", "identifiable"), [{"op": "replace", "path": "/resource/attributes/replication_destination_regions", "value": [{"destination": "arn:aws:s3:::x (account 2)"}]}])
	count(check.deny) == 0 with input as other with data.sdescan.params as uk
	check.missing == {"region of replication destination arn:aws:s3:::x (account 2)"} with input as other with data.sdescan.params as uk
	unread := json.remove(bucket("eu-west-2", "identifiable"), ["resource/attributes/replication_destination_regions"])
	check.missing == {"attributes.replication_destination_regions"} with input as unread with data.sdescan.params as uk
}

# Recovery points seen in a vault abroad fail; where they are unknown (a region's
# vaults unreadable) is not assessed.
test_recovery_points_abroad if {
	inp := with_backup(bucket("eu-west-2", "identifiable"), object.union(protection, {"recovery_point_regions": ["eu-west-2", "us-east-1"]}))
	check.deny == {"S3 bucket b holds identifiable data and has recovery points in a backup vault in us-east-1, outside the allowed regions (eu-west-2, uksouth, ukwest)"} with input as inp
		with data.sdescan.params as uk
	unknown := json.remove(bucket("eu-west-2", "identifiable"), ["resource/attributes/backup/recovery_point_regions"])
	check.missing == {"attributes.backup.recovery_point_regions"} with input as unknown with data.sdescan.params as uk
}
