# METADATA
# title: Azure Virtual Desktop host pools disable clipboard, drive, USB and printer redirection
# description: >-
#   The code twin of AZ-AVD-001, with the same decision
#   (collectors/azure/policy/lib_avd.rego). Redirecting the clipboard, local drives, USB
#   devices or printers into a session lets data leave the SDE (or enter it) without
#   output checking. The host pool's custom RDP properties (azurerm
#   custom_rdp_properties, ARM customRdpProperty) are parsed as the live collector
#   parses them (checks/rdpprops) and must say redirectclipboard:i:0,
#   drivestoredirect:s:, usbdevicestoredirect:s: and redirectprinters:i:0; a property
#   not set takes its RDP default, which redirects. A value not known offline is not
#   assessed.
# custom:
#   id: IAC-AZ-006
#   severity: high
#   resource_types: [iac.terraform.resource, iac.arm.resource]
#   remediation: >-
#     Terraform: azurerm_virtual_desktop_host_pool with custom_rdp_properties =
#     "redirectclipboard:i:0;drivestoredirect:s:;usbdevicestoredirect:s:;redirectprinters:i:0"
#     (plus any other properties you need). ARM/Bicep:
#     Microsoft.DesktopVirtualization/hostPools properties customRdpProperty with the same
#     items.
package sdescan.checks.iac.azure_avd

import data.sdescan.lib.azure_avd as avd
import data.sdescan.lib.iac_azure as iac
import rego.v1

# The decision is lib_avd's, shared with AZ-AVD-001: the collector parses the
# properties into rdp_properties with the live collector's parser.

default applicable := false

applicable if iac.tf(input.resource, "azurerm_virtual_desktop_host_pool")

applicable if iac.arm(input.resource, "Microsoft.DesktopVirtualization/hostPools")

attrs := input.resource.attributes

props := object.get(attrs, "rdp_properties", null)

deny contains sprintf("%s %s redirects %s (%s:%s)", [attrs.resource_type, attrs.name, avd.redirections[name], name, value]) if {
	some name, value in avd.redirected(props)
}

deny contains sprintf("%s %s redirects %s (%s not set: the RDP default redirects)", [attrs.resource_type, attrs.name, avd.redirections[name], name]) if {
	some name in avd.unset(props)
}

missing contains "attributes.config.custom_rdp_properties" if {
	input.resource.type == "iac.terraform.resource"
	not avd.known(props)
}

missing contains "attributes.properties.customRdpProperty" if {
	input.resource.type == "iac.arm.resource"
	not avd.known(props)
}
