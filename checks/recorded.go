package checks

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// TypeRecordedResult is a failure of a check another engine ran at collection
// time: Trivy's own misconfiguration checks (AWS-0090, KSV-0014…), which run
// inside Trivy, not in sdescan's evaluator. The collector records each failure,
// with the check's metadata, as a fact; the evaluator turns the facts back into
// findings. So an evidence pack holds what Trivy found as collected evidence,
// and `sdescan verify` re-derives the same findings from it without Trivy.
const TypeRecordedResult = "iac.trivy.result"

// RecordedFindings returns the findings recorded in the facts (resources of type
// TypeRecordedResult), sorted by check then resource, and the checks they cite.
// A recorded result that lacks its check or resource ID is an error finding on
// that fact: it is never dropped.
func RecordedFindings(f *Facts) ([]Finding, []*Check) {
	var out []Finding
	byID := map[string]*Check{}
	for i := range f.Resources {
		r := &f.Resources[i]
		if r.Type != TypeRecordedResult {
			continue
		}
		a := r.Attributes
		id, resID := str(a["check_id"]), str(a["resource_id"])
		sev, err := ParseSeverity(str(a["severity"]))
		if id == "" || resID == "" || err != nil {
			out = append(out, Finding{CheckID: cmp.Or(id, "RECORDED"), ResourceID: r.ID, ResourceType: r.Type, Status: Error, Severity: Low,
				Messages: []string{fmt.Sprintf("recorded result %s lacks its check_id, resource_id or a known severity", r.ID)}})
			continue
		}
		typ := str(a["resource_type"])
		msgs := strList(a["messages"])
		sort.Strings(msgs)
		out = append(out, Finding{CheckID: id, ResourceID: resID, ResourceType: typ, Status: Fail, Severity: sev, Messages: msgs})
		c, ok := byID[id]
		if !ok {
			c = &Check{ID: id, Title: str(a["title"]), Description: str(a["description"]), Severity: sev,
				Remediation: str(a["remediation"]), Aliases: strList(a["aliases"]), File: str(a["engine"]), Package: str(a["package"])}
			byID[id] = c
		}
		if typ != "" && !slices.Contains(c.ResourceTypes, typ) {
			c.ResourceTypes = append(c.ResourceTypes, typ)
			sort.Strings(c.ResourceTypes)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CheckID != out[j].CheckID {
			return out[i].CheckID < out[j].CheckID
		}
		return out[i].ResourceID < out[j].ResourceID
	})
	list := make([]*Check, 0, len(byID))
	for _, c := range byID {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return out, list
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strList(v any) []string {
	switch l := v.(type) {
	case []string:
		return append([]string(nil), l...)
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
