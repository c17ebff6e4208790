package aws

import (
	"context"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sdescan/sdescan/checks"
)

var (
	accountTypes = []string{"aws.account"}
	trailTypes   = []string{"aws.account", "aws.cloudtrail.trail"}
)

func init() {
	register(service{
		name:    "account",
		global:  true,
		covers:  []string{"aws.account", "aws.cloudtrail.trail"},
		collect: (*collector).collectAccount,
		ops: []Operation{
			{"IAM", "GetAccountSummary", "iam:GetAccountSummary"},
			{"IAM", "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy"},
			{"CloudTrail", "DescribeTrails", "cloudtrail:DescribeTrails"},
			{"CloudTrail", "GetTrailStatus", "cloudtrail:GetTrailStatus"},
			{"CloudTrail", "GetEventSelectors", "cloudtrail:GetEventSelectors"},
			{"S3 Control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"},
		},
	})
	// Single-region trails homed outside the home region do not show there (not
	// even as shadow trails): each other region in scope lists its own.
	register(service{
		name:    "cloudtrail",
		covers:  []string{"aws.cloudtrail.trail"},
		collect: (*collector).collectRegionalTrails,
		ops: []Operation{
			{"CloudTrail", "DescribeTrails", "cloudtrail:DescribeTrails"},
			{"CloudTrail", "GetTrailStatus", "cloudtrail:GetTrailStatus"},
			{"CloudTrail", "GetEventSelectors", "cloudtrail:GetEventSelectors"},
		},
	})
}

// collectRegionalTrails adds the trails homed in a region other than home (the
// account service reads the home region's, shadows included).
func (c *collector) collectRegionalTrails(ctx context.Context) {
	if c.cfg.Region == c.home {
		return
	}
	c.readTrails(ctx, false, []string{"aws.cloudtrail.trail"})
}

// collectAccount reads the account-wide settings (root user, password policy,
// account Block Public Access, the trails that log the account) into one
// aws.account resource, and the trails homed in the region as aws.cloudtrail.trail.
func (c *collector) collectAccount(ctx context.Context) {
	attrs := map[string]any{}
	ic := iam.NewFromConfig(c.cfg)

	sum, err := ic.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		c.fail(checks.CollectError{Service: "iam", API: "GetAccountSummary", ResourceTypes: accountTypes, Message: errorMessage(err)})
	} else {
		attrs["root_mfa_enabled"] = sum.SummaryMap["AccountMFAEnabled"] == 1
		attrs["root_access_keys_present"] = sum.SummaryMap["AccountAccessKeysPresent"] == 1
	}

	pp, err := ic.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	switch {
	case err == nil && pp.PasswordPolicy != nil:
		p := pp.PasswordPolicy
		attrs["password_policy"] = map[string]any{
			"present":                        true,
			"minimum_password_length":        int(sdkaws.ToInt32(p.MinimumPasswordLength)),
			"password_reuse_prevention":      int(sdkaws.ToInt32(p.PasswordReusePrevention)),
			"max_password_age":               int(sdkaws.ToInt32(p.MaxPasswordAge)),
			"require_symbols":                p.RequireSymbols,
			"require_numbers":                p.RequireNumbers,
			"require_uppercase_characters":   p.RequireUppercaseCharacters,
			"require_lowercase_characters":   p.RequireLowercaseCharacters,
			"allow_users_to_change_password": p.AllowUsersToChangePassword,
			"hard_expiry":                    sdkaws.ToBool(p.HardExpiry),
		}
	case errorCode(err) == "NoSuchEntity":
		attrs["password_policy"] = map[string]any{"present": false}
	default:
		c.fail(checks.CollectError{Service: "iam", API: "GetAccountPasswordPolicy", ResourceTypes: accountTypes, Message: errorMessage(err)})
	}

	if pab := c.accountPublicAccessBlock(ctx); pab != nil {
		attrs["s3_public_access_block"] = pab
	}
	if trails, ok := c.readTrails(ctx, true, trailTypes); ok {
		attrs["cloudtrail_trails"] = trails
	}
	c.add(ctx, checks.Resource{
		ID:         "aws://" + c.account + "/global/account",
		Type:       "aws.account",
		Source:     "aws",
		Scope:      checks.Scope{Account: c.account},
		Attributes: attrs,
	})
}

// readTrails lists every trail visible in the region (shadow trails of other
// regions' multi-region and organization trails included) with its status and
// event selectors. It adds the trails homed in the region as resources and returns
// the summaries for the account; ok is false when the trails could not be listed.
//
// shadows says whether to list the shadow copies of trails homed elsewhere (for
// the account's summary); hidden is what a failure hides.
func (c *collector) readTrails(ctx context.Context, shadows bool, hidden []string) (summaries []any, ok bool) {
	region := c.cfg.Region
	ct := cloudtrail.NewFromConfig(c.cfg)
	out, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: sdkaws.Bool(shadows)})
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "cloudtrail", API: "DescribeTrails", ResourceTypes: hidden, Message: errorMessage(err)})
		return nil, false
	}
	summaries = []any{}
	seen := map[string]bool{}
	for _, t := range out.TrailList {
		arn := sdkaws.ToString(t.TrailARN)
		if seen[arn] {
			continue
		}
		seen[arn] = true
		home := sdkaws.ToString(t.HomeRegion)
		id := resourceID(c.account, home, "cloudtrail/trail", sdkaws.ToString(t.Name))
		sum := map[string]any{
			"name":                  sdkaws.ToString(t.Name),
			"arn":                   arn,
			"home_region":           home,
			"is_multi_region_trail": sdkaws.ToBool(t.IsMultiRegionTrail),
			"is_organization_trail": sdkaws.ToBool(t.IsOrganizationTrail),
		}
		tctx := cite(ctx)
		st, err := ct.GetTrailStatus(tctx, &cloudtrail.GetTrailStatusInput{Name: t.TrailARN})
		if err != nil {
			c.fail(checks.CollectError{Region: region, Service: "cloudtrail", API: "GetTrailStatus", Resource: id, ResourceTypes: hidden, Message: errorMessage(err)})
		} else {
			sum["is_logging"] = sdkaws.ToBool(st.IsLogging)
		}
		sel, err := ct.GetEventSelectors(tctx, &cloudtrail.GetEventSelectorsInput{TrailName: t.TrailARN})
		if err != nil {
			c.fail(checks.CollectError{Region: region, Service: "cloudtrail", API: "GetEventSelectors", Resource: id, ResourceTypes: hidden, Message: errorMessage(err)})
		} else {
			included, rw := managementEvents(sel)
			sum["management_events_included"] = included
			if included {
				sum["management_events_read_write"] = rw
			}
		}
		summaries = append(summaries, sum)
		// The account's trail summary rests on these reads too.
		citeAlso(ctx, ownCitations(tctx))
		if home != region {
			continue // a shadow of a trail homed elsewhere: judged where it lives
		}
		attrs := map[string]any{}
		for k, v := range sum {
			attrs[k] = v
		}
		attrs["include_global_service_events"] = sdkaws.ToBool(t.IncludeGlobalServiceEvents)
		attrs["log_file_validation_enabled"] = sdkaws.ToBool(t.LogFileValidationEnabled)
		key := sdkaws.ToString(t.KmsKeyId)
		attrs["kms_encrypted"] = key != ""
		if key != "" {
			attrs["kms_key_id"] = key
		}
		if b := sdkaws.ToString(t.S3BucketName); b != "" {
			attrs["s3_bucket_name"] = b
		}
		if g := sdkaws.ToString(t.CloudWatchLogsLogGroupArn); g != "" {
			attrs["cloudwatch_logs_log_group_arn"] = g
		}
		c.add(tctx, checks.Resource{ID: id, Type: "aws.cloudtrail.trail", Source: "aws", Scope: checks.Scope{Account: c.account, Region: home}, Attributes: attrs})
	}
	return summaries, true
}

// managementEvents says whether the selectors capture management events, and
// which: All when reads and writes are both captured.
func managementEvents(sel *cloudtrail.GetEventSelectorsOutput) (bool, string) {
	read, write := false, false
	for _, s := range sel.EventSelectors {
		if !sdkaws.ToBool(s.IncludeManagementEvents) {
			continue
		}
		switch s.ReadWriteType {
		case cttypes.ReadWriteTypeReadOnly:
			read = true
		case cttypes.ReadWriteTypeWriteOnly:
			write = true
		default:
			read, write = true, true
		}
	}
	for _, a := range sel.AdvancedEventSelectors {
		mgmt, ro := false, ""
		for _, f := range a.FieldSelectors {
			switch sdkaws.ToString(f.Field) {
			case "eventCategory":
				for _, v := range f.Equals {
					if v == "Management" {
						mgmt = true
					}
				}
			case "readOnly":
				if len(f.Equals) > 0 {
					ro = f.Equals[0]
				}
			}
		}
		if mgmt {
			switch ro {
			case "true":
				read = true
			case "false":
				write = true
			default:
				read, write = true, true
			}
		}
	}
	switch {
	case read && write:
		return true, "All"
	case read:
		return true, "ReadOnly"
	case write:
		return true, "WriteOnly"
	}
	return false, ""
}
