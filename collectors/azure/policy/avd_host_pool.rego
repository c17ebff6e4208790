# METADATA
# title: Azure Virtual Desktop host pools disable clipboard, drive, USB and printer redirection
# description: >-
#   Azure Virtual Desktop is often the SDE's remote desktop: the "safe setting" where
#   researchers see data without holding it. Redirecting the clipboard, local drives, USB
#   devices or printers into the session lets data leave (or unvetted data and code
#   enter) without output checking; data moves in and out through the SDE's airlock. The
#   host pool's custom RDP properties must say redirectclipboard:i:0,
#   drivestoredirect:s: (empty), usbdevicestoredirect:s: (empty) and
#   redirectprinters:i:0. A property that is not set takes its RDP default, which
#   redirects. Other redirections (devicestoredirect, camerastoredirect, audio, COM
#   ports) are recorded in the facts but not judged. Session-host policy can restrict
#   redirection further; this check reads the host pool, which every connection takes
#   its RDP properties from.
# custom:
#   id: AZ-AVD-001
#   severity: high
#   resource_types: [azure.avd.host_pool]
#   remediation: >-
#     Set the host pool's RDP properties (portal: host pool, RDP Properties, Device
#     redirection; or Update-AzWvdHostPool -CustomRdpProperty) to include
#     redirectclipboard:i:0;drivestoredirect:s:;usbdevicestoredirect:s:;redirectprinters:i:0.
#     Terraform: azurerm_virtual_desktop_host_pool with custom_rdp_properties holding those
#     four items.
package sdescan.checks.azure.avd_host_pool

import data.sdescan.lib.azure_avd as avd
import rego.v1

# The decision is lib_avd's, shared with IAC-AZ-006.

attrs := input.resource.attributes

pool := object.get(attrs, "name", input.resource.id)

deny contains sprintf("host pool %s redirects %s (%s:%s)", [pool, avd.redirections[name], name, value]) if {
	some name, value in avd.redirected(attrs.rdp_properties)
}

deny contains sprintf("host pool %s redirects %s (%s not set: the RDP default redirects)", [pool, avd.redirections[name], name]) if {
	some name in avd.unset(attrs.rdp_properties)
}

missing contains "attributes.rdp_properties" if {
	not avd.known(object.get(attrs, "rdp_properties", null))
}
