package aws

import "testing"

// TestSelectionResolution follows AWS's documented examples of resource
// assignment (the AWS Backup developer guide and knowledge-center examples) and
// the edge cases a real estate has.
func TestSelectionResolution(t *testing.T) {
	const (
		vol   = "arn:aws:ec2:eu-west-2:123456789012:volume/vol-0123"
		table = "arn:aws:dynamodb:eu-west-2:123456789012:table/sde-research"
		db    = "arn:aws:rds:eu-west-2:123456789012:db:sde-good-db"
	)
	tests := []struct {
		name string
		sel  Selection
		arn  string
		tags map[string]string
		want Verdict
	}{
		{"EBS volumes tagged backup=yes and owner=example (Resources AND Conditions)",
			Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}, StringEquals: []TagCondition{{"aws:ResourceTag/backup", "yes"}, {"aws:ResourceTag/owner", "example"}}},
			vol, map[string]string{"backup": "yes", "owner": "example"}, Selected},
		{"same, one tag missing", Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}, StringEquals: []TagCondition{{"aws:ResourceTag/backup", "yes"}, {"aws:ResourceTag/owner", "example"}}},
			vol, map[string]string{"backup": "yes"}, NotSelected},
		{"same, a table is not a volume", Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}, StringEquals: []TagCondition{{"aws:ResourceTag/backup", "yes"}}},
			table, map[string]string{"backup": "yes"}, NotSelected},
		{"all resources", Selection{Resources: []string{"*"}}, table, nil, Selected},
		{"all resources but NotResources", Selection{Resources: []string{"*"}, NotResources: []string{"arn:aws:dynamodb:*:*:table/sde-*"}}, table, nil, NotSelected},
		{"nothing specified: every supported resource", Selection{}, db, nil, Selected},
		{"conditions alone", Selection{StringEquals: []TagCondition{{"aws:ResourceTag/data-classification", "identifiable"}}}, db, map[string]string{"data-classification": "identifiable"}, Selected},
		{"conditions are case sensitive", Selection{StringEquals: []TagCondition{{"aws:ResourceTag/data-classification", "identifiable"}}}, db, map[string]string{"data-classification": "Identifiable"}, NotSelected},
		{"StringLike wildcard", Selection{Resources: []string{"*"}, StringLike: []TagCondition{{"aws:ResourceTag/project", "sde-*"}}}, table, map[string]string{"project": "sde-covid"}, Selected},
		{"StringNotEquals on a missing tag holds", Selection{Resources: []string{"*"}, StringNotEquals: []TagCondition{{"aws:ResourceTag/backup", "exclude"}}}, table, nil, Selected},
		{"StringNotEquals excludes", Selection{Resources: []string{"*"}, StringNotEquals: []TagCondition{{"aws:ResourceTag/backup", "exclude"}}}, table, map[string]string{"backup": "exclude"}, NotSelected},
		{"StringNotLike excludes", Selection{Resources: []string{"*"}, StringNotLike: []TagCondition{{"aws:ResourceTag/env", "dev*"}}}, table, map[string]string{"env": "dev-2"}, NotSelected},
		{"ListOfTags: any tag selects (OR)", Selection{ListOfTags: []TagCondition{{"backup", "daily"}, {"backup", "hourly"}}}, table, map[string]string{"backup": "hourly"}, Selected},
		{"ListOfTags: none matches", Selection{ListOfTags: []TagCondition{{"backup", "daily"}}}, table, map[string]string{"backup": "weekly"}, NotSelected},
		{"Resources and ListOfTags both match", Selection{Resources: []string{db}, ListOfTags: []TagCondition{{"backup", "daily"}}}, db, map[string]string{"backup": "daily"}, Selected},
		{"Resources and ListOfTags: only one matches is unresolved", Selection{Resources: []string{db}, ListOfTags: []TagCondition{{"backup", "daily"}}}, db, nil, Unresolved},
		{"Resources and ListOfTags: neither matches", Selection{Resources: []string{db}, ListOfTags: []TagCondition{{"backup", "daily"}}}, table, nil, NotSelected},
		{"a condition on a global key is unresolved", Selection{Resources: []string{"*"}, StringEquals: []TagCondition{{"aws:PrincipalTag/team", "x"}}}, table, nil, Unresolved},
		{"? matches one character", Selection{Resources: []string{"arn:aws:rds:eu-west-2:123456789012:db:sde-goo?-db"}}, db, nil, Selected},
		{"patterns are anchored", Selection{Resources: []string{"arn:aws:rds:eu-west-2:123456789012:db:sde"}}, db, nil, NotSelected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := tt.sel.Selects(tt.arn, tt.tags); got != tt.want {
				t.Errorf("Selects = %v (%s), want %v", got, why, tt.want)
			}
		})
	}
}

// TestSelectionFromFacts reads the selection the recorded AWS responses hold.
func TestSelectionFromFacts(t *testing.T) {
	sel := SelectionFromFacts(map[string]any{
		"name":              "identifiable-data",
		"resources":         []any{"*"},
		"not_resources":     []any{},
		"list_of_tags":      []any{map[string]any{"condition_type": "STRINGEQUALS", "key": "project", "value": "sde"}},
		"string_equals":     []any{map[string]any{"key": "aws:ResourceTag/data-classification", "value": "identifiable"}},
		"string_not_equals": []any{map[string]any{"key": "aws:ResourceTag/backup", "value": "exclude"}},
	})
	if sel.Name != "identifiable-data" || len(sel.Resources) != 1 || sel.StringEquals[0].Key != "data-classification" || sel.ListOfTags[0].Key != "project" || sel.StringNotEquals[0].Value != "exclude" {
		t.Fatalf("selection %+v", sel)
	}
	if v, why := sel.Selects("arn:aws:s3:::sde-good-data", map[string]string{"data-classification": "identifiable", "project": "sde"}); v != Selected {
		t.Errorf("%v: %s", v, why)
	}
}
