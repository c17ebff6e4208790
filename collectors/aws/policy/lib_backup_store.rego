# The per-store "backups declared" decisions, each shared by a live check and
# IAC-BKP-001 (over aws_dynamodb_table, aws_db_instance, aws_rds_cluster,
# aws_efs_file_system and their CloudFormation types). A library, not a check
# (it has no custom.id). Both sides judge a store normalised to the live facts'
# shape (collectors/aws/dynamodb.go, rds.go, efs.go):
#
#   DynamoDB table (AWS-DDB-001): {"point_in_time_recovery_enabled": bool}
#     PITR must be on. Left out of the code, it is off (AWS's default).
#   RDS instance or cluster (AWS-RDS-003): {"backup_retention_period": days}
#     Automated backups must be kept at least 7 days. Left out of the code, AWS
#     keeps them 1 day (CreateDBInstance and CreateDBCluster, which Terraform
#     and CloudFormation use when the argument is left out), which is too
#     short. An instance in a cluster (Aurora, Multi-AZ DB cluster) is judged
#     on its cluster and a read replica keeps no backups of its own: neither is
#     judged, live or in code.
#   EFS file system: {"backup_policy_status": "ENABLED" | "ENABLING" |
#     "DISABLED" | "DISABLING" | "NONE"}
#     The file system's backup policy must be on (ENABLED, or ENABLING live).
#     Left out of the code (no aws_efs_backup_policy, no BackupPolicy), it is
#     NONE. No live check judges it on its own: the BKP checks judge what
#     protects each store (AWS Backup plans, with the backup policy among the
#     native mechanisms).
package sdescan.lib.backup_store

import rego.v1

# --- DynamoDB -----------------------------------------------------------------

# pitr_default is whether AWS turns PITR on for a table created without saying.
pitr_default := false

# pitr_off(t): table t does not have point-in-time recovery.
pitr_off(t) if t.point_in_time_recovery_enabled == false

# pitr_unknown(t): whether t has point-in-time recovery is not known.
pitr_unknown(t) if not is_boolean(object.get(t, "point_in_time_recovery_enabled", null))

# --- RDS ----------------------------------------------------------------------

# retention_default is how many days AWS keeps automated backups of an instance
# or cluster created without saying.
retention_default := 1

# retention_minimum is the fewest days automated backups must be kept.
retention_minimum := 7

# retention_short(r): instance or cluster r keeps automated backups (if any)
# fewer than retention_minimum days.
retention_short(r) if r.backup_retention_period < retention_minimum

# retention_unknown(r): how long r keeps automated backups is not known.
retention_unknown(r) if not is_number(object.get(r, "backup_retention_period", null))

# --- EFS ----------------------------------------------------------------------

# efs_policy_default is a file system's backup policy when none is set.
efs_policy_default := "NONE"

efs_policy_statuses := {"ENABLED", "ENABLING", "DISABLED", "DISABLING", "NONE"}

# efs_backups_off(fs): file system fs has no backup policy turned on.
efs_backups_off(fs) if fs.backup_policy_status in {"DISABLED", "DISABLING", "NONE"}

# efs_backups_unknown(fs): fs's backup policy is not known.
efs_backups_unknown(fs) if not object.get(fs, "backup_policy_status", null) in efs_policy_statuses

# --- values as code writes them -------------------------------------------------

# boolean(v): v as a boolean: a JSON boolean, or "true"/"false" in any case (a
# CloudFormation string); undefined for anything else.
boolean(v) := v if is_boolean(v)

boolean(v) if {
	is_string(v)
	lower(v) == "true"
}

boolean(v) := false if {
	is_string(v)
	lower(v) == "false"
}

# days(v): v as a whole number of days: a number, or digits in a string
# (CloudFormation); undefined for anything else.
days(v) := v if {
	is_number(v)
	v == floor(v)
}

days(v) := to_number(v) if {
	is_string(v)
	regex.match(`^[0-9]+$`, v)
}

# --- Azure Backup vaults and mechanisms ------------------------------------------
# The backup checks (BKP-001 to BKP-006) judge Azure stores too; the Azure
# collector joins attributes.backup in the AWS shape (collectors/azure/
# backupjoin.go), with Azure's vaults described by these fields:
#   {"locked": bool, "lock_mode": "compliance" | "governance", "soft_delete":
#    bool, "geo_redundant": bool, "encryption_key_type":
#    "CUSTOMER_MANAGED_KEY" | "PLATFORM_MANAGED_KEY", ...}

# continuous_mechanisms restore to minutes ago (point-in-time restore): they
# meet any RPO of minutes or more.
continuous_mechanisms := {"dynamodb-pitr", "rds-automated-backups", "sql-automated-backups", "postgres-automated-backups"}

# azure_automated_backups are Azure's own always-on automated backups, judged
# on their retention when no vault or long-term retention protects the store.
azure_automated_backups := {"sql-automated-backups", "postgres-automated-backups"}

# vault_unlocked(v): Azure vault v has no immutability (Unlocked, like a
# governance-mode lock, and Locked, like compliance mode, both count).
vault_unlocked(v) if v.locked != true

# vault_soft_delete_off(v): deleted recovery points in Azure vault v are gone
# at once (soft delete off).
vault_soft_delete_off(v) if v.soft_delete == false

# vault_geo(v): Azure vault v keeps its recovery points in another region too
# (geo-redundant storage, or cross-region restore).
vault_geo(v) if v.geo_redundant == true

# vault_cmk(v): Azure vault v encrypts with a customer-managed key.
vault_cmk(v) if v.encryption_key_type == "CUSTOMER_MANAGED_KEY"

# active_protections: the store's Azure vault items and long-term retention
# policies that still schedule backups.
active_protections contains p if {
	some p in input.resource.attributes.backup.azure_backup.protected_by
	p.active == true
}
