package aws

import (
	"fmt"
	"regexp"
	"strings"
)

// Selection is an AWS Backup resource assignment, as the facts of aws.backup.plan
// record it (attributes.selections[]).
type Selection struct {
	Name         string
	Resources    []string // ARN patterns ("*" wildcards); any may match
	NotResources []string // ARN patterns that exclude
	// ListOfTags: tag equality conditions, any of which selects (OR).
	ListOfTags []TagCondition
	// Conditions: all must hold (AND).
	StringEquals, StringLike, StringNotEquals, StringNotLike []TagCondition
}

// TagCondition is one condition on a tag: Key is the tag key (the
// "aws:ResourceTag/" prefix removed).
type TagCondition struct{ Key, Value string }

// Verdict is whether a selection assigns a resource to its plan.
type Verdict int

// Verdicts. Unresolved means the facts cannot tell (AWS documents the case
// ambiguously, or a condition key is not a resource tag): the backup review then
// says so rather than guessing either way.
const (
	NotSelected Verdict = iota
	Selected
	Unresolved
)

// Selects resolves a selection for one resource, as AWS Backup does:
//
//   - Resources: the resource's ARN matches any pattern ("*" alone: every
//     resource); NotResources: a match excludes it, whatever else says.
//   - Conditions: every StringEquals, StringLike, StringNotEquals and
//     StringNotLike on aws:ResourceTag/<key> must hold (AND; case sensitive;
//     StringLike's * and ? are wildcards). A NotEquals/NotLike on a tag the
//     resource lacks holds.
//   - ListOfTags: any equality selects (OR).
//   - A selection with no Resources, ListOfTags or Conditions assigns every
//     supported resource.
//
// Resources and Conditions combine with AND. How Resources combines with
// ListOfTags is not stated plainly by AWS; when only one of them matches, the
// verdict is Unresolved (with the reason), never a guess.
func (s Selection) Selects(arn string, tags map[string]string) (Verdict, string) {
	for _, p := range s.NotResources {
		if arnMatch(p, arn) {
			return NotSelected, "excluded by NotResources " + p
		}
	}
	for _, group := range [][]TagCondition{s.StringEquals, s.StringLike, s.StringNotEquals, s.StringNotLike, s.ListOfTags} {
		for _, c := range group {
			if strings.HasPrefix(tagKey(c), "aws:") {
				return Unresolved, fmt.Sprintf("condition on %s: only resource tags can be evaluated from the facts", c.Key)
			}
		}
	}
	if !s.conditionsHold(tags) {
		return NotSelected, "conditions do not hold"
	}
	byResources := false
	for _, p := range s.Resources {
		if arnMatch(p, arn) {
			byResources = true
		}
	}
	byTags := false
	for _, c := range s.ListOfTags {
		if v, ok := tags[tagKey(c)]; ok && v == c.Value {
			byTags = true
		}
	}
	switch {
	case len(s.Resources) == 0 && len(s.ListOfTags) == 0:
		// Conditions alone (or nothing at all): every supported resource they allow.
		return Selected, "every supported resource the conditions allow"
	case len(s.ListOfTags) == 0:
		if byResources {
			return Selected, "ARN matches Resources"
		}
		return NotSelected, "ARN matches no Resources pattern"
	case len(s.Resources) == 0:
		if byTags {
			return Selected, "tag matches ListOfTags"
		}
		return NotSelected, "no ListOfTags condition matches"
	case byResources && byTags:
		return Selected, "ARN matches Resources and tag matches ListOfTags"
	case !byResources && !byTags:
		return NotSelected, "neither Resources nor ListOfTags matches"
	}
	return Unresolved, "only one of Resources and ListOfTags matches; AWS does not document how they combine"
}

func (s Selection) conditionsHold(tags map[string]string) bool {
	for _, c := range s.StringEquals {
		if v, ok := tags[tagKey(c)]; !ok || v != c.Value {
			return false
		}
	}
	for _, c := range s.StringLike {
		if v, ok := tags[tagKey(c)]; !ok || !globMatch(c.Value, v) {
			return false
		}
	}
	for _, c := range s.StringNotEquals {
		if v, ok := tags[tagKey(c)]; ok && v == c.Value {
			return false
		}
	}
	for _, c := range s.StringNotLike {
		if v, ok := tags[tagKey(c)]; ok && globMatch(c.Value, v) {
			return false
		}
	}
	return true
}

// tagKey is the tag a condition reads ("aws:ResourceTag/" removed).
func tagKey(c TagCondition) string { return strings.TrimPrefix(c.Key, "aws:ResourceTag/") }

// arnMatch matches an ARN pattern ("*" any run of characters, "?" one).
func arnMatch(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	return globMatch(pattern, arn)
}

// globMatch matches IAM-style wildcards: * any run (slashes and colons
// included), ? one character; case sensitive.
func globMatch(pattern, s string) bool {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()).MatchString(s)
}

// SelectionFromFacts reads one entry of an aws.backup.plan's selections.
func SelectionFromFacts(m map[string]any) Selection {
	strs := func(k string) []string {
		var out []string
		list, _ := m[k].([]any)
		for _, v := range list {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	conds := func(k string) []TagCondition {
		var out []TagCondition
		list, _ := m[k].([]any)
		for _, v := range list {
			c, _ := v.(map[string]any)
			key, _ := c["key"].(string)
			val, _ := c["value"].(string)
			if t, ok := c["condition_type"].(string); ok && t != "" && t != "STRINGEQUALS" {
				continue
			}
			out = append(out, TagCondition{Key: strings.TrimPrefix(key, "aws:ResourceTag/"), Value: val})
		}
		return out
	}
	name, _ := m["name"].(string)
	return Selection{
		Name: name, Resources: strs("resources"), NotResources: strs("not_resources"),
		ListOfTags: conds("list_of_tags"), StringEquals: conds("string_equals"), StringLike: conds("string_like"),
		StringNotEquals: conds("string_not_equals"), StringNotLike: conds("string_not_like"),
	}
}
