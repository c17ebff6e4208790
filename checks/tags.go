package checks

import (
	"strconv"
	"strings"
)

// Tags that carry policy are normalised before checks see them: estates spell
// keys and values in many ways (Data-Classification, data_classification,
// DataClassification; pseudonymized, Pseudonymised), and a check that only knew
// one spelling would silently treat the others as unclassified.

// DefaultClassificationTag is the tag key read when the config names none.
const DefaultClassificationTag = "data-classification"

// RPOTag is the tag key holding a data store's recovery point objective in hours.
const RPOTag = "backup-rpo-hours"

// tagValue returns the value of key: an exact match first, then one that differs
// only in case and separators ("-", "_", " ", ":").
func tagValue(tags map[string]string, key string) (string, bool) {
	if v, ok := tags[key]; ok {
		return v, true
	}
	want := foldKey(key)
	// Several spellings present: the first in key order wins, so the result
	// does not depend on map order.
	best, found := "", false
	var bestKey string
	for k, v := range tags {
		if foldKey(k) == want && (!found || k < bestKey) {
			best, bestKey, found = v, k, true
		}
	}
	return best, found
}

func foldKey(k string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(k) {
		switch c {
		case '-', '_', ' ', ':', '.':
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// classSynonyms maps common spellings to the catalogue's four classes.
var classSynonyms = map[string]string{
	"identifiable":                     "identifiable",
	"personal":                         "identifiable",
	"personal-identifiable":            "identifiable",
	"patient-identifiable":             "identifiable",
	"person-identifiable":              "identifiable",
	"pid":                              "identifiable",
	"pii":                              "identifiable",
	"phi":                              "identifiable",
	"pseudonymised":                    "pseudonymised",
	"pseudonymized":                    "pseudonymised",
	"pseudonymous":                     "pseudonymised",
	"pseudo":                           "pseudonymised",
	"de-identified":                    "pseudonymised", // re-identifiable with the key: treated as pseudonymised
	"deidentified":                     "pseudonymised",
	"de-identified-for-limited-access": "pseudonymised",
	"anonymised":                       "anonymised",
	"anonymized":                       "anonymised",
	"anonymous":                        "anonymised",
	"anon":                             "anonymised",
	"aggregate":                        "anonymised",
	"aggregated":                       "anonymised",
	"public":                           "public",
	"open":                             "public",
}

// NormalizeClassification maps a classification tag value to identifiable,
// pseudonymised, anonymised or public when it is a known spelling; any other
// value is returned lower-cased and trimmed (checks treat unknown values as
// unclassified, never as less sensitive).
func NormalizeClassification(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	key := strings.NewReplacer("_", "-", " ", "-").Replace(v)
	if c, ok := classSynonyms[key]; ok {
		return c
	}
	return v
}

// Classification returns the resource's normalised data classification from the
// tag named tag (default data-classification, matched regardless of case and
// separators); "" when it has none.
func Classification(r *Resource, tag string) string {
	if tag == "" {
		tag = DefaultClassificationTag
	}
	v, ok := tagValue(r.Tags, tag)
	if !ok {
		return ""
	}
	return NormalizeClassification(v)
}

// RPOHours returns the recovery point objective the resource's backup-rpo-hours
// tag sets, in hours: "24", "24h", "1.5", "1d" (days) and "P1D"/"PT12H" forms
// are understood. ok is false when there is no such tag; valid is false when there
// is one that cannot be read (the caller reports it rather than guess).
func RPOHours(r *Resource) (hours float64, ok, valid bool) {
	v, ok := tagValue(r.Tags, RPOTag)
	if !ok {
		return 0, false, false
	}
	h, valid := parseHours(v)
	return h, true, valid
}

func parseHours(v string) (float64, bool) {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := 1.0
	switch {
	case strings.HasPrefix(s, "pt") && strings.HasSuffix(s, "h"):
		s = s[2 : len(s)-1]
	case strings.HasPrefix(s, "p") && strings.HasSuffix(s, "d"):
		s, mult = s[1:len(s)-1], 24
	case strings.HasSuffix(s, "hours"):
		s = strings.TrimSpace(strings.TrimSuffix(s, "hours"))
	case strings.HasSuffix(s, "hrs"):
		s = strings.TrimSpace(strings.TrimSuffix(s, "hrs"))
	case strings.HasSuffix(s, "h"):
		s = strings.TrimSpace(strings.TrimSuffix(s, "h"))
	case strings.HasSuffix(s, "days"):
		s, mult = strings.TrimSpace(strings.TrimSuffix(s, "days")), 24
	case strings.HasSuffix(s, "d"):
		s, mult = strings.TrimSpace(strings.TrimSuffix(s, "d")), 24
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || f > 24*3650 {
		return 0, false
	}
	return f * mult, true
}
