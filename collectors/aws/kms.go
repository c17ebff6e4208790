package aws

import (
	"context"
	"sort"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/sdescan/sdescan/checks"
)

var kmsKeyTypes = []string{"aws.kms.key"}

func init() {
	register(service{
		name:    "kms",
		covers:  kmsKeyTypes,
		collect: (*collector).collectKMS,
		ops: []Operation{
			{"KMS", "ListKeys", "kms:ListKeys"},
			{"KMS", "ListAliases", "kms:ListAliases"},
			{"KMS", "DescribeKey", "kms:DescribeKey"},
			{"KMS", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"},
			{"KMS", "ListResourceTags", "kms:ListResourceTags"},
		},
	})
}

// collectKMS reads the KMS keys of the configured region: ListKeys and ListAliases
// once, then per key DescribeKey, and for customer managed keys ListResourceTags
// (their data-classification tag weights findings) and, for those that can rotate
// automatically, GetKeyRotationStatus.
func (c *collector) collectKMS(ctx context.Context) {
	region := c.cfg.Region
	client := kms.NewFromConfig(c.cfg)
	keys, err := listAll(ctx, kms.NewListKeysPaginator(client, &kms.ListKeysInput{}),
		func(o *kms.ListKeysOutput) []kmstypes.KeyListEntry { return o.Keys })
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "kms", API: "ListKeys", ResourceTypes: kmsKeyTypes, Message: errorMessage(err)})
		return
	}
	if len(keys) == 0 {
		return
	}
	aliases := c.kmsAliases(ctx, client, region)
	c.readConcurrently(ctx, len(keys), func(ctx context.Context, i int) resourceRead {
		return c.readKey(ctx, client, region, keys[i], aliases)
	})
}

// kmsAliases maps key IDs to the names of the aliases that target them (sorted);
// nil when the aliases could not be listed (recorded).
func (c *collector) kmsAliases(ctx context.Context, client *kms.Client, region string) map[string][]string {
	out := map[string][]string{}
	p := kms.NewListAliasesPaginator(client, &kms.ListAliasesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.fail(checks.CollectError{Region: region, Service: "kms", API: "ListAliases", ResourceTypes: kmsKeyTypes, Message: errorMessage(err)})
			return nil
		}
		for _, a := range page.Aliases {
			// Predefined AWS aliases of keys not yet created target nothing.
			if k := sdkaws.ToString(a.TargetKeyId); k != "" {
				out[k] = append(out[k], sdkaws.ToString(a.AliasName))
			}
		}
	}
	for _, names := range out {
		sort.Strings(names)
	}
	return out
}

// readKey reads one key. A read that fails leaves its attributes out and is
// recorded; a key deleted since it was listed is dropped.
func (c *collector) readKey(ctx context.Context, client *kms.Client, region string, k kmstypes.KeyListEntry, aliases map[string][]string) resourceRead {
	keyID := sdkaws.ToString(k.KeyId)
	id := resourceID(c.account, region, "kms/key", keyID)
	var out resourceRead
	failed := func(api string, err error) {
		out.errors = append(out.errors, checks.CollectError{Region: region, Service: "kms", API: api, Resource: id, ResourceTypes: kmsKeyTypes, Message: errorMessage(err)})
	}
	attrs := map[string]any{"key_id": keyID}
	setAttrString(attrs, "arn", k.KeyArn)
	if aliases != nil {
		names := make([]any, 0, len(aliases[keyID]))
		for _, n := range aliases[keyID] {
			names = append(names, n)
		}
		attrs["aliases"] = names
	}
	r := checks.Resource{ID: id, Type: "aws.kms.key", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs}

	desc, err := client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
	switch {
	case err == nil && desc.KeyMetadata != nil:
		m := desc.KeyMetadata
		setAttrString(attrs, "arn", m.Arn)
		for key, v := range map[string]string{
			"key_manager": string(m.KeyManager),
			"key_spec":    string(m.KeySpec),
			"key_usage":   string(m.KeyUsage),
			"key_state":   string(m.KeyState),
			"origin":      string(m.Origin),
		} {
			if v != "" {
				attrs[key] = v
			}
		}
		setAttrBool(attrs, "multi_region", m.MultiRegion)
		if m.KeyManager == kmstypes.KeyManagerTypeCustomer {
			if tags, err := kmsTags(ctx, client, k.KeyId); err != nil {
				failed("ListResourceTags", err)
			} else {
				r.Tags = tags
			}
		}
		if kmsCanRotate(m) {
			rot, err := client.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
			if err != nil {
				failed("GetKeyRotationStatus", err)
			} else {
				attrs["rotation_enabled"] = rot.KeyRotationEnabled
				if rot.RotationPeriodInDays != nil {
					attrs["rotation_period_days"] = int(*rot.RotationPeriodInDays)
				}
			}
		}
	case errorCode(err) == "NotFoundException":
		return resourceRead{} // deleted since it was listed
	case err != nil:
		failed("DescribeKey", err)
	}
	out.resource = &r
	return out
}

// kmsCanRotate says whether the rotation status of a key is read: customer
// managed symmetric keys with key material from KMS, enabled or disabled. AWS
// managed keys rotate on their own; asymmetric, HMAC, imported and custom key
// store keys cannot rotate automatically (GetKeyRotationStatus refuses them); and
// keys pending deletion or import are not in use. AWS-KMS-001 judges only the
// enabled ones.
func kmsCanRotate(m *kmstypes.KeyMetadata) bool {
	return m.KeyManager == kmstypes.KeyManagerTypeCustomer &&
		m.KeySpec == kmstypes.KeySpecSymmetricDefault &&
		m.Origin == kmstypes.OriginTypeAwsKms &&
		(m.KeyState == kmstypes.KeyStateEnabled || m.KeyState == kmstypes.KeyStateDisabled)
}

func kmsTags(ctx context.Context, client *kms.Client, keyID *string) (map[string]string, error) {
	var tags map[string]string
	p := kms.NewListResourceTagsPaginator(client, &kms.ListResourceTagsInput{KeyId: keyID})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range page.Tags {
			if tags == nil {
				tags = map[string]string{}
			}
			tags[sdkaws.ToString(t.TagKey)] = sdkaws.ToString(t.TagValue)
		}
	}
	return tags, nil
}
