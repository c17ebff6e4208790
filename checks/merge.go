package checks

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// Merge joins facts collected in shards (by account, say) into one. A resource
// collected by two shards must be identical in both; two different versions of
// one resource, or two runs of one collector over one scope, are an error naming
// the shard. The collection time is the latest of the shards'.
func Merge(shards []*Facts, names []string) (*Facts, error) {
	out := &Facts{}
	byID := map[string]int{}
	from := map[string]string{}
	runs := map[string]string{}
	for i, f := range shards {
		name := names[i]
		if out.Tool.Version == "" {
			out.Tool, out.Catalogue = f.Tool, f.Catalogue
		}
		if f.CollectedAt.After(out.CollectedAt) {
			out.CollectedAt = f.CollectedAt
		}
		for _, r := range f.Runs {
			key := r.Collector + "\x00" + r.Scope
			if prev, dup := runs[key]; dup {
				return nil, fmt.Errorf("%s: collector %s over %s was also run in %s: shards must not overlap", name, r.Collector, r.Scope, prev)
			}
			runs[key] = name
			out.Runs = append(out.Runs, r)
		}
		for _, r := range f.Resources {
			if j, dup := byID[r.ID]; dup {
				if !sameResource(out.Resources[j], r) {
					return nil, fmt.Errorf("%s: resource %s differs from the one in %s", name, r.ID, from[r.ID])
				}
				continue
			}
			byID[r.ID] = len(out.Resources)
			from[r.ID] = name
			out.Resources = append(out.Resources, r)
		}
	}
	out.Normalize()
	return out, nil
}

// sameResource compares two resources as their JSON (attribute maps decoded from
// different files hold equal values of the same types).
func sameResource(a, b Resource) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return reflect.DeepEqual(a, b)
	}
	return string(ja) == string(jb)
}
