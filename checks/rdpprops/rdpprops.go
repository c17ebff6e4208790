// Package rdpprops parses a remote desktop host pool's custom RDP properties
// (Azure Virtual Desktop's customRdpProperty, azurerm_virtual_desktop_host_pool's
// custom_rdp_properties) into the one shape the live Azure collector and the
// infrastructure-code collector both record as rdp_properties, so that
// AZ-AVD-001 and IAC-AZ-006 judge the same values
// (collectors/azure/policy/lib_avd.rego).
package rdpprops

import "strings"

// Parse reads items separated by semicolons, each name:type:value (type i, s
// or b). Names are compared in any case, so they are lower-cased; names and
// values are trimmed of whitespace. A later item with the same name replaces
// an earlier one, as the RDP client reads them. Some values hold semicolons
// themselves (usbdevicestoredirect:s:*;-{guid}, drivestoredirect:s:C:;D:), so
// a segment that is not name:type:value continues the value before it; empty
// segments (";;", a trailing ";") are skipped. An empty text gives an empty
// map: every redirection at its RDP default.
func Parse(raw string) map[string]any {
	out := map[string]any{}
	last := ""
	for seg := range strings.SplitSeq(raw, ";") {
		if strings.TrimSpace(seg) == "" {
			continue
		}
		parts := strings.SplitN(seg, ":", 3)
		if len(parts) == 3 && strings.TrimSpace(parts[0]) != "" && isType(parts[1]) {
			last = strings.ToLower(strings.TrimSpace(parts[0]))
			out[last] = strings.TrimSpace(parts[2])
			continue
		}
		if last != "" {
			out[last] = out[last].(string) + ";" + strings.TrimSpace(seg)
		}
	}
	return out
}

// isType is whether t is an RDP property type: i (integer), s (string) or b
// (binary).
func isType(t string) bool {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "i", "s", "b":
		return true
	}
	return false
}
