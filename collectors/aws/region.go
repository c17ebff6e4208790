package aws

import (
	"context"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/sdescan/sdescan/checks"
)

var awsRegionTypes = []string{"aws.region"}

func init() {
	register(service{
		name:    "region",
		covers:  awsRegionTypes,
		collect: (*collector).collectRegion,
		ops: []Operation{
			{"EC2", "GetEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault"},
			{"EC2", "GetEbsDefaultKmsKeyId", "ec2:GetEbsDefaultKmsKeyId"},
			{"GuardDuty", "ListDetectors", "guardduty:ListDetectors"},
			{"GuardDuty", "GetDetector", "guardduty:GetDetector"},
			{"Config Service", "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders"},
			{"Config Service", "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus"},
			{"SecurityHub", "DescribeHub", "securityhub:DescribeHub"},
		},
	})
}

// collectRegion reads the region-wide settings of the configured region into one
// aws.region resource: EBS encryption by default, GuardDuty detectors, AWS Config
// recorders and Security Hub. Each attribute comes from its own API: one that
// cannot be read is left out (its check reports an error) and recorded, and the
// others stay. The resource is always added, so a region whose reads all failed is
// still judged (as errors), never silently skipped.
func (c *collector) collectRegion(ctx context.Context) {
	region := c.cfg.Region
	id := "aws://" + c.account + "/" + region + "/region"
	attrs := map[string]any{}
	fail := func(service, api string, err error) {
		c.fail(checks.CollectError{Region: region, Service: service, API: api, Resource: id, ResourceTypes: awsRegionTypes, Message: errorMessage(err)})
	}

	ec := ec2.NewFromConfig(c.cfg)
	if enc, err := ec.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{}); err != nil {
		fail("ec2", "GetEbsEncryptionByDefault", err)
	} else {
		on := sdkaws.ToBool(enc.EbsEncryptionByDefault)
		attrs["ebs_encryption_by_default"] = on
		// The default key is the one every new volume gets when encryption by
		// default is on; it is read only then (otherwise it applies only to volumes
		// encrypted explicitly without a key, and no check reads it).
		if on {
			if key, err := ec.GetEbsDefaultKmsKeyId(ctx, &ec2.GetEbsDefaultKmsKeyIdInput{}); err != nil {
				fail("ec2", "GetEbsDefaultKmsKeyId", err)
			} else {
				attrSetString(attrs, "ebs_default_kms_key_id", key.KmsKeyId)
			}
		}
	}

	if detectors, err := c.guardDutyDetectors(ctx, id); err != nil {
		fail("guardduty", "ListDetectors", err)
	} else {
		attrs["guardduty_detectors"] = detectors
	}

	if recorders, err := c.configRecorders(ctx, id); err != nil {
		fail("config", "DescribeConfigurationRecorders", err)
	} else {
		attrs["config_recorders"] = recorders
	}

	hub, err := securityhub.NewFromConfig(c.cfg).DescribeHub(ctx, &securityhub.DescribeHubInput{})
	switch {
	case err == nil:
		attrs["security_hub_enabled"] = true
		if at := sdkaws.ToString(hub.SubscribedAt); at != "" {
			if t, perr := time.Parse(time.RFC3339Nano, at); perr == nil {
				attrs["security_hub_subscribed_at"] = t.UTC().Format(time.RFC3339)
			}
		}
	case errorCode(err) == "InvalidAccessException":
		// AWS's answer for an account that has not enabled Security Hub here.
		attrs["security_hub_enabled"] = false
	default:
		fail("securityhub", "DescribeHub", err)
	}

	c.add(ctx, checks.Resource{
		ID:         id,
		Type:       "aws.region",
		Source:     "aws",
		Scope:      checks.Scope{Account: c.account, Region: region},
		Attributes: attrs,
	})
}

// guardDutyDetectors lists the region's GuardDuty detectors with their status. An
// error means they could not be listed. A detector whose status could not be read
// is kept without status (AWS-GD-001 then reports it unknown unless another
// detector is enabled) and the failure is recorded against the region resource.
func (c *collector) guardDutyDetectors(ctx context.Context, regionID string) ([]any, error) {
	gd := guardduty.NewFromConfig(c.cfg)
	var ids []string
	p := guardduty.NewListDetectorsPaginator(gd, &guardduty.ListDetectorsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		ids = append(ids, page.DetectorIds...)
	}
	out := make([]any, 0, len(ids))
	for _, d := range ids {
		det := map[string]any{"detector_id": d}
		got, err := gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: sdkaws.String(d)})
		if err != nil {
			c.fail(checks.CollectError{Region: c.cfg.Region, Service: "guardduty", API: "GetDetector", Resource: regionID, ResourceTypes: awsRegionTypes, Message: "detector " + d + ": " + errorMessage(err)})
		} else if got.Status != "" {
			det["status"] = string(got.Status)
		}
		out = append(out, det)
	}
	return out, nil
}

// configRecorders lists the region's AWS Config recorders with their recording
// status. An error means the recorders could not be listed. The status is asked
// for only when there is a recorder; when it cannot be read (the failure is
// recorded against regionID) or a recorder has no status entry, the recorder is
// kept without recording: unknown, never assumed stopped.
func (c *collector) configRecorders(ctx context.Context, regionID string) ([]any, error) {
	cs := configservice.NewFromConfig(c.cfg)
	recs, err := cs.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(recs.ConfigurationRecorders))
	if len(recs.ConfigurationRecorders) == 0 {
		return out, nil
	}
	type status struct {
		recording bool
		last      string
	}
	byName := map[string]status{}
	st, err := cs.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	if err != nil {
		c.fail(checks.CollectError{Region: c.cfg.Region, Service: "config", API: "DescribeConfigurationRecorderStatus", Resource: regionID, ResourceTypes: awsRegionTypes, Message: errorMessage(err)})
	} else {
		for _, s := range st.ConfigurationRecordersStatus {
			byName[sdkaws.ToString(s.Name)] = status{recording: s.Recording, last: string(s.LastStatus)}
		}
	}
	for _, r := range recs.ConfigurationRecorders {
		name := sdkaws.ToString(r.Name)
		rec := map[string]any{"name": name}
		if s, ok := byName[name]; ok {
			rec["recording"] = s.recording
			if s.last != "" {
				rec["last_status"] = s.last
			}
		}
		if g := r.RecordingGroup; g != nil {
			rec["all_supported"] = g.AllSupported
			rec["include_global_resource_types"] = g.IncludeGlobalResourceTypes
			if g.RecordingStrategy != nil && g.RecordingStrategy.UseOnly != "" {
				rec["recording_strategy"] = string(g.RecordingStrategy.UseOnly)
			}
		}
		out = append(out, rec)
	}
	return out, nil
}
