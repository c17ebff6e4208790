package sdescan.lib.backup_store_test

import data.sdescan.lib.backup_store as lib
import rego.v1

test_pitr if {
	lib.pitr_off({"point_in_time_recovery_enabled": false})
	not lib.pitr_off({"point_in_time_recovery_enabled": true})
	lib.pitr_off({"point_in_time_recovery_enabled": lib.pitr_default})
	lib.pitr_unknown({})
	lib.pitr_unknown({"point_in_time_recovery_enabled": null})
	not lib.pitr_unknown({"point_in_time_recovery_enabled": false})
}

test_retention if {
	lib.retention_short({"backup_retention_period": 0})
	lib.retention_short({"backup_retention_period": 6})
	lib.retention_short({"backup_retention_period": lib.retention_default})
	not lib.retention_short({"backup_retention_period": 7})
	not lib.retention_short({"backup_retention_period": 35})
	lib.retention_unknown({})
	lib.retention_unknown({"backup_retention_period": "7"})
	not lib.retention_unknown({"backup_retention_period": 0})
}

test_efs if {
	not lib.efs_backups_off({"backup_policy_status": "ENABLED"})
	not lib.efs_backups_off({"backup_policy_status": "ENABLING"})
	lib.efs_backups_off({"backup_policy_status": "DISABLED"})
	lib.efs_backups_off({"backup_policy_status": lib.efs_policy_default})
	lib.efs_backups_unknown({})
	lib.efs_backups_unknown({"backup_policy_status": "enabled"})
	not lib.efs_backups_unknown({"backup_policy_status": "NONE"})
}

test_values if {
	lib.boolean("True") == true
	lib.boolean(false) == false
	not lib.boolean("1")
	lib.days(7) == 7
	lib.days("35") == 35
	not lib.days("7.5")
	not lib.days(7.5)
	not lib.days(json.unmarshal(`{"Ref": "Days"}`))
}
