package trivy

import (
	"strconv"

	"github.com/zclconf/go-cty/cty"

	"github.com/aquasecurity/trivy/pkg/iac/terraform"

	"github.com/sdescan/sdescan/checks/rdpprops"
)

// nestedUnknown lists, as dotted paths, the values of a block that are not
// known offline below its top-level arguments (which tfResource names by
// themselves): an argument of a nested block (security_rule.0.source_address_prefix),
// an unknown element or field of a value otherwise known
// (authorized_ip_ranges.1), and a dynamic block whose for_each is not known
// (security_rule: its blocks may be any). blockValue leaves all of them out of
// config, so a check that reads them without looking here would take
// "unknown" for "not written" (the provider's default).
func nestedUnknown(b *terraform.Block, cfg map[string]any) []any {
	var out []any
	var rec func(b *terraform.Block, cfg map[string]any, prefix string)
	rec = func(b *terraform.Block, cfg map[string]any, prefix string) {
		for _, a := range b.GetAttributes() {
			v := a.Value()
			if _, ok := cfg[a.Name()]; !ok {
				if prefix != "" {
					out = append(out, prefix+a.Name())
				}
				continue
			}
			if v.IsKnown() && !v.IsNull() && !v.IsWhollyKnown() {
				out = append(out, unknownParts(v, prefix+a.Name())...)
			}
		}
		seen := map[string]int{}
		for _, c := range b.AllBlocks() {
			t := c.Type()
			if t == "lifecycle" {
				continue
			}
			if t == "dynamic" {
				if !c.IsExpanded() && !emptyForEach(c) {
					out = append(out, prefix+c.TypeLabel())
				}
				continue
			}
			i := seen[t]
			seen[t]++
			list, _ := cfg[t].([]any)
			if i >= len(list) {
				continue
			}
			child, _ := list[i].(map[string]any)
			rec(c, child, prefix+t+"."+strconv.Itoa(i)+".")
		}
	}
	rec(b, cfg, "")
	return out
}

// emptyForEach says whether a dynamic block's for_each is known to be empty
// (no block at all, rather than blocks not known).
func emptyForEach(b *terraform.Block) bool {
	a := b.GetAttribute("for_each")
	if a == nil {
		return false
	}
	v := a.Value()
	return v.IsKnown() && !v.IsNull() && v.CanIterateElements() && v.LengthInt() == 0
}

// unknownParts are the paths of the unknown elements and fields of a value
// that is known as a whole.
func unknownParts(v cty.Value, path string) []any {
	if !v.IsKnown() {
		return []any{path}
	}
	if v.IsNull() || v.IsWhollyKnown() {
		return nil
	}
	if v.IsMarked() {
		v, _ = v.Unmark()
	}
	var out []any
	t := v.Type()
	switch {
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			out = append(out, unknownParts(e, path+"."+strconv.Itoa(i))...)
		}
	case t.IsMapType() || t.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out = append(out, unknownParts(e, path+"."+k.AsString())...)
		}
	default:
		out = append(out, path)
	}
	return out
}

// hostPoolRDP records an azurerm_virtual_desktop_host_pool's
// custom_rdp_properties parsed as the live collector parses a host pool's
// customRdpProperty (checks/rdpprops): an argument left out is no property
// at all (every redirection at its RDP default); one not known offline gives
// no rdp_properties, so IAC-AZ-006 cannot assess the pool.
func hostPoolRDP(b *terraform.Block, cfg map[string]any, attrs map[string]any) {
	if b.Type() != "resource" || b.TypeLabel() != "azurerm_virtual_desktop_host_pool" {
		return
	}
	raw, written := cfg["custom_rdp_properties"]
	if !written {
		if b.GetAttribute("custom_rdp_properties") != nil {
			return
		}
		raw = ""
	}
	if s, ok := raw.(string); ok {
		attrs["rdp_properties"] = rdpprops.Parse(s)
	}
}
