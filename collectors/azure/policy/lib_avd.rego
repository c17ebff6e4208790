# The one decision on Azure Virtual Desktop host pools' device redirection,
# shared by the live check (AZ-AVD-001, over azure.avd.host_pool) and its IaC
# twin (IAC-AZ-006, over azurerm_virtual_desktop_host_pool and
# Microsoft.DesktopVirtualization/hostPools). A library, not a check (it has no
# custom.id). Both judge rdp_properties: the host pool's custom RDP properties
# parsed by one Go parser (checks/rdpprops), names lower-cased, values trimmed;
# {} when none are set. Not an object: unknown (not assessed).
package sdescan.lib.azure_avd

import data.sdescan.lib.facts
import rego.v1

# The four redirections the airlock needs off: what each moves. Integer
# switches are off at 0; device lists are off when empty ("*" or any device,
# drive or class redirects).
redirections := {
	"redirectclipboard": "the clipboard",
	"drivestoredirect": "local drives",
	"usbdevicestoredirect": "USB devices",
	"redirectprinters": "printers",
}

switches := {"redirectclipboard", "redirectprinters"}

# disabled(name, value): the value of property name switches it off.
disabled(name, value) if {
	name in switches
	trim_space(value) == "0"
}

disabled(name, value) if {
	not name in switches
	trim_space(value) == ""
}

# redirected(props): the redirections props set to a value that redirects,
# name → value.
redirected(props) := {name: value |
	is_object(props)
	some name, _ in redirections
	value := props[name]
	not disabled(name, value)
}

# unset(props): the redirections props does not set (the RDP default
# redirects).
unset(props) := {name |
	is_object(props)
	some name, _ in redirections
	not facts.has(props, name)
}

# known(props): the properties can be judged.
known(props) if is_object(props)
