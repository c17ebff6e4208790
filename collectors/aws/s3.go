package aws

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/policydoc"
)

// s3Workers bounds concurrent per-bucket reads.
const s3Workers = 8

var bucketTypes = []string{"aws.s3.bucket"}

func init() {
	register(service{
		name:    "s3",
		global:  true,
		covers:  bucketTypes,
		collect: (*collector).collectS3,
		ops: []Operation{
			{"S3", "ListBuckets", "s3:ListAllMyBuckets"},
			{"S3", "GetBucketLocation", "s3:GetBucketLocation"},
			{"S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"},
			{"S3", "GetBucketVersioning", "s3:GetBucketVersioning"},
			{"S3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
			{"S3", "GetBucketPolicy", "s3:GetBucketPolicy"},
			{"S3", "GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"},
			{"S3", "GetBucketAcl", "s3:GetBucketAcl"},
			{"S3", "GetBucketLogging", "s3:GetBucketLogging"},
			{"S3", "GetBucketTagging", "s3:GetBucketTagging"},
			{"S3", "GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
			{"S3", "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"},
			{"S3", "GetBucketReplication", "s3:GetReplicationConfiguration"},
			{"S3 Control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"},
		},
	})
}

// Error codes that mean "not configured", not "could not read".
var s3Absent = map[string]bool{
	"ServerSideEncryptionConfigurationNotFoundError": true,
	"NoSuchPublicAccessBlockConfiguration":           true,
	"NoSuchBucketPolicy":                             true,
	"NoSuchTagSet":                                   true,
	"OwnershipControlsNotFoundError":                 true,
	"ObjectLockConfigurationNotFoundError":           true,
	"ReplicationConfigurationNotFoundError":          true,
}

func (c *collector) s3Client(region string) *s3.Client {
	return s3.NewFromConfig(c.cfg, func(o *s3.Options) {
		// Emulators and custom endpoints serve buckets by path, not by host name.
		o.UsePathStyle = c.cfg.BaseEndpoint != nil
		if region != "" {
			o.Region = region
		}
	})
}

func (c *collector) collectS3(ctx context.Context) {
	client := c.s3Client("")
	buckets, err := listAll(ctx, s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{}),
		func(o *s3.ListBucketsOutput) []s3types.Bucket { return o.Buckets })
	if err != nil {
		c.fail(checks.CollectError{Service: "s3", API: "ListBuckets", ResourceTypes: bucketTypes, Message: errorMessage(err)})
		return
	}
	account := c.accountPublicAccessBlock(ctx)

	jobs := make(chan s3types.Bucket)
	var done = make(chan struct{})
	workers := min(s3Workers, max(len(buckets), 1))
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for b := range jobs {
				c.collectBucket(ctx, client, b, account)
			}
		}()
	}
	for _, b := range buckets {
		jobs <- b
	}
	close(jobs)
	for range workers {
		<-done
	}
	c.placeReplicas()
}

// placeReplicas gives each bucket's replication destinations their regions
// (replication_destination_regions): a destination that is one of the account's
// buckets, whose location was read, is where replicated data goes (data
// residency, AWS-S3-007). S3 lists every bucket of the account at once, so the
// join needs no other read; a destination in another account, or whose location
// is unknown, is listed without a region.
func (c *collector) placeReplicas() {
	c.mu.Lock()
	defer c.mu.Unlock()
	where := map[string]*checks.Resource{} // bucket ARN -> the bucket, of known region
	for i := range c.resources {
		r := &c.resources[i]
		if r.Type == "aws.s3.bucket" && r.Scope.Account == c.account && r.Scope.Region != "" {
			if arn, ok := r.Attributes["arn"].(string); ok {
				where[arn] = r
			}
		}
	}
	for i := range c.resources {
		r := &c.resources[i]
		if r.Type != "aws.s3.bucket" || r.Scope.Account != c.account {
			continue
		}
		var cited []*checks.Resource
		dests, ok := r.Attributes["replication_destinations"].([]any)
		if !ok {
			continue
		}
		out := make([]any, 0, len(dests))
		for _, d := range dests {
			name, _ := d.(string)
			e := map[string]any{"destination": name}
			// Own-account destinations are written as the bare ARN, or with
			// the account named when the rule gives it.
			arn, account, named := strings.Cut(name, " (account ")
			if !named || strings.TrimSuffix(account, ")") == c.account {
				if dest, ok := where[arn]; ok {
					e["region"] = dest.Scope.Region
					cited = append(cited, dest)
				}
			}
			out = append(out, e)
		}
		r.Attributes["replication_destination_regions"] = out
		// The destinations' regions come from their own location reads.
		if len(cited) > 0 {
			r.Evidence = mergeEvidence(r.Evidence, cited)
		}
	}
}

// accountPublicAccessBlock returns the account-level Block Public Access settings,
// read once per collection; nil when they could not be read (the error is recorded).
func (c *collector) accountPublicAccessBlock(ctx context.Context) map[string]any {
	c.accountPABOnce.Do(func() {
		own := cite(ctx)
		c.accountPAB = c.readAccountPublicAccessBlock(own)
		c.accountPABRefs = ownCitations(own)
	})
	citeAlso(ctx, c.accountPABRefs)
	return c.accountPAB
}

func (c *collector) readAccountPublicAccessBlock(ctx context.Context) map[string]any {
	cc := s3control.NewFromConfig(c.cfg, func(o *s3control.Options) {
		if c.cfg.BaseEndpoint != nil {
			// A custom endpoint (an emulator, a VPC endpoint) is used as given: the
			// default rules would prefix the account ID to its host name.
			o.EndpointResolverV2 = fixedS3ControlEndpoint(*c.cfg.BaseEndpoint)
		}
	})
	out, err := cc.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: sdkaws.String(c.account)})
	switch {
	case err == nil:
		return pab(true, out.PublicAccessBlockConfiguration.BlockPublicAcls, out.PublicAccessBlockConfiguration.IgnorePublicAcls,
			out.PublicAccessBlockConfiguration.BlockPublicPolicy, out.PublicAccessBlockConfiguration.RestrictPublicBuckets)
	case errorCode(err) == "NoSuchPublicAccessBlockConfiguration":
		return pab(false, nil, nil, nil, nil)
	}
	c.fail(checks.CollectError{Service: "s3control", API: "GetPublicAccessBlock", ResourceTypes: bucketTypes, Message: errorMessage(err)})
	return nil
}

func pab(configured bool, acls, ignore, policy, restrict *bool) map[string]any {
	return map[string]any{
		"configured":              configured,
		"block_public_acls":       sdkaws.ToBool(acls),
		"ignore_public_acls":      sdkaws.ToBool(ignore),
		"block_public_policy":     sdkaws.ToBool(policy),
		"restrict_public_buckets": sdkaws.ToBool(restrict),
	}
}

// collectBucket reads one bucket's configuration. An attribute whose read failed
// is left out (checks that need it report an error, never a pass) and the failure
// is recorded.
func (c *collector) collectBucket(ctx context.Context, client *s3.Client, b s3types.Bucket, account map[string]any) {
	ctx = cite(ctx)
	name := sdkaws.ToString(b.Name)
	// Where the bucket is: ListBuckets says (BucketRegion) in most partitions,
	// GetBucketLocation otherwise. A location that could not be read is recorded
	// and stays unknown (no region in the scope, "unknown" in the ID), never
	// the configured region: the bucket's data residency (AWS-S3-007) is then not
	// assessed rather than passed. Its other settings are still read, through
	// the configured region.
	region := sdkaws.ToString(b.BucketRegion)
	var locErr error
	if region == "" {
		loc, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b.Name})
		if err != nil {
			locErr = err
		} else {
			region = bucketRegion(string(loc.LocationConstraint))
		}
	}
	if region != "" && region != c.cfg.Region {
		client = c.s3Client(region)
	}
	idRegion := region
	if idRegion == "" {
		idRegion = unknownRegion
	}
	id := resourceID(c.account, idRegion, "s3/bucket", name)
	if locErr != nil {
		c.fail(checks.CollectError{Service: "s3", API: "GetBucketLocation", Resource: id, ResourceTypes: bucketTypes,
			Message: "the location of the bucket could not be read: " + errorMessage(locErr)})
	}
	attrs := map[string]any{"name": name, "arn": "arn:aws:s3:::" + name}
	if b.CreationDate != nil {
		attrs["creation_date"] = b.CreationDate.UTC().Format(time.RFC3339)
	}
	if account != nil {
		attrs["account_public_access_block"] = account
	}
	r := checks.Resource{ID: id, Type: "aws.s3.bucket", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs}
	// read runs one API call: ok false means it failed and was recorded.
	read := func(api string, err error) (absent, ok bool) {
		if err == nil {
			return false, true
		}
		if s3Absent[errorCode(err)] {
			return true, true
		}
		c.fail(checks.CollectError{Region: region, Service: "s3", API: api, Resource: id, ResourceTypes: bucketTypes, Message: errorMessage(err)})
		return false, false
	}
	in := b.Name

	enc, err := client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: in})
	if absent, ok := read("GetBucketEncryption", err); ok {
		e := map[string]any{"sse_algorithm": "none"}
		if !absent && enc.ServerSideEncryptionConfiguration != nil && len(enc.ServerSideEncryptionConfiguration.Rules) > 0 {
			rule := enc.ServerSideEncryptionConfiguration.Rules[0]
			if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
				e["sse_algorithm"] = string(d.SSEAlgorithm)
				if k := sdkaws.ToString(d.KMSMasterKeyID); k != "" {
					e["kms_master_key_id"] = k
				}
			}
			e["bucket_key_enabled"] = sdkaws.ToBool(rule.BucketKeyEnabled)
		}
		attrs["encryption"] = e
	}

	pb, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: in})
	if absent, ok := read("GetPublicAccessBlock", err); ok {
		if absent || pb.PublicAccessBlockConfiguration == nil {
			attrs["public_access_block"] = pab(false, nil, nil, nil, nil)
		} else {
			cfg := pb.PublicAccessBlockConfiguration
			attrs["public_access_block"] = pab(true, cfg.BlockPublicAcls, cfg.IgnorePublicAcls, cfg.BlockPublicPolicy, cfg.RestrictPublicBuckets)
		}
	}

	// Protection for the backup review: object lock (WORM) and replication.
	ol, err := client.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: in})
	if absent, ok := read("GetObjectLockConfiguration", err); ok {
		lock := map[string]any{"enabled": false}
		if !absent && ol.ObjectLockConfiguration != nil && ol.ObjectLockConfiguration.ObjectLockEnabled == s3types.ObjectLockEnabledEnabled {
			lock["enabled"] = true
			if r := ol.ObjectLockConfiguration.Rule; r != nil && r.DefaultRetention != nil {
				d := r.DefaultRetention
				lock["default_mode"] = string(d.Mode)
				if d.Days != nil {
					lock["default_retention_days"] = int(*d.Days)
				}
				if d.Years != nil {
					lock["default_retention_days"] = int(*d.Years) * 365
				}
			}
		}
		attrs["object_lock"] = lock
	}
	rep, err := client.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: in})
	if absent, ok := read("GetBucketReplication", err); ok {
		dests := map[string]bool{}
		if !absent && rep.ReplicationConfiguration != nil {
			for _, rule := range rep.ReplicationConfiguration.Rules {
				if rule.Status == s3types.ReplicationRuleStatusEnabled && rule.Destination != nil {
					d := sdkaws.ToString(rule.Destination.Bucket)
					if a := sdkaws.ToString(rule.Destination.Account); a != "" {
						d += " (account " + a + ")"
					}
					dests[d] = true
				}
			}
		}
		list := make([]string, 0, len(dests))
		for d := range dests {
			list = append(list, d)
		}
		attrs["replication_destinations"] = sortedStrings(list)
	}

	ver, err := client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: in})
	if _, ok := read("GetBucketVersioning", err); ok {
		attrs["versioning_enabled"] = ver.Status == s3types.BucketVersioningStatusEnabled
		attrs["mfa_delete_enabled"] = ver.MFADelete == s3types.MFADeleteStatusEnabled
	}

	lg, err := client.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: in})
	if _, ok := read("GetBucketLogging", err); ok {
		l := map[string]any{"enabled": lg.LoggingEnabled != nil}
		if lg.LoggingEnabled != nil {
			l["target_bucket"] = sdkaws.ToString(lg.LoggingEnabled.TargetBucket)
			if p := sdkaws.ToString(lg.LoggingEnabled.TargetPrefix); p != "" {
				l["target_prefix"] = p
			}
		}
		attrs["logging"] = l
	}

	pol, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: in})
	if absent, ok := read("GetBucketPolicy", err); ok {
		if absent || sdkaws.ToString(pol.Policy) == "" {
			attrs["policy"] = map[string]any{"present": false, "statements": []any{}}
			attrs["policy_is_public"] = false
		} else if stmts, perr := policydoc.Normalize(sdkaws.ToString(pol.Policy)); perr != nil {
			c.fail(checks.CollectError{Region: region, Service: "s3", API: "GetBucketPolicy", Resource: id, ResourceTypes: bucketTypes, Message: perr.Error()})
		} else {
			list := make([]any, len(stmts))
			for i, s := range stmts {
				list[i] = s
			}
			attrs["policy"] = map[string]any{"present": true, "statements": list}
			st, err := client.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: in})
			if _, ok := read("GetBucketPolicyStatus", err); ok && st.PolicyStatus != nil {
				attrs["policy_is_public"] = sdkaws.ToBool(st.PolicyStatus.IsPublic)
			}
		}
	}

	acl, err := client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: in})
	if _, ok := read("GetBucketAcl", err); ok {
		grants := make([]any, 0, len(acl.Grants))
		for _, g := range acl.Grants {
			if g.Grantee == nil {
				continue
			}
			gr := map[string]any{"grantee_type": string(g.Grantee.Type), "permission": string(g.Permission)}
			if v := sdkaws.ToString(g.Grantee.ID); v != "" {
				gr["grantee_id"] = v
			}
			if v := sdkaws.ToString(g.Grantee.URI); v != "" {
				gr["grantee_uri"] = v
			}
			grants = append(grants, gr)
		}
		attrs["acl_grants"] = grants
	}

	own, err := client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: in})
	if absent, ok := read("GetBucketOwnershipControls", err); ok {
		if !absent && own.OwnershipControls != nil && len(own.OwnershipControls.Rules) > 0 {
			attrs["object_ownership"] = string(own.OwnershipControls.Rules[0].ObjectOwnership)
		}
	}

	tags, err := client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: in})
	if absent, ok := read("GetBucketTagging", err); ok && !absent {
		r.Tags = map[string]string{}
		for _, t := range tags.TagSet {
			r.Tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
		}
	}
	c.add(ctx, r)
}

// unknownRegion stands in the ID of a bucket whose location could not be read.
const unknownRegion = "unknown"

// bucketRegion is the region a GetBucketLocation LocationConstraint names: none
// is us-east-1, and EU is the legacy name of eu-west-1.
func bucketRegion(constraint string) string {
	switch constraint {
	case "":
		return "us-east-1"
	case string(s3types.BucketLocationConstraintEu):
		return "eu-west-1"
	}
	return constraint
}

// fixedS3ControlEndpoint resolves every S3 Control request to one base URL.
type fixedS3ControlEndpoint string

func (e fixedS3ControlEndpoint) ResolveEndpoint(_ context.Context, _ s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	u, err := url.Parse(string(e))
	if err != nil {
		return smithyendpoints.Endpoint{}, fmt.Errorf("endpoint %q: %w", string(e), err)
	}
	return smithyendpoints.Endpoint{URI: *u}, nil
}
