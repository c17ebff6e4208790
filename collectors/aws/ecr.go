package aws

import (
	"context"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/sdescan/sdescan/checks"
)

var ecrRepositoryTypes = []string{"aws.ecr.repository"}

func init() {
	register(service{
		name:    "ecr",
		covers:  ecrRepositoryTypes,
		collect: (*collector).collectECR,
		ops: []Operation{
			{"ECR", "DescribeRepositories", "ecr:DescribeRepositories"},
			{"ECR", "GetRegistryScanningConfiguration", "ecr:GetRegistryScanningConfiguration"},
		},
	})
}

// collectECR lists the container image repositories of the configured region
// and reads the registry's scanning configuration once: its rules decide which
// repositories are scanned (on push or continuously) whatever a repository's own
// scanOnPush says, so each repository records the rule that covers it. A
// configuration that cannot be read leaves registry_scan_frequency out (AWS-ECR-001
// is then not assessed on repositories that do not scan on push themselves).
func (c *collector) collectECR(ctx context.Context) {
	region := c.cfg.Region
	client := ecr.NewFromConfig(c.cfg)
	lctx := cite(ctx)
	repos, err := listAll(lctx, ecr.NewDescribeRepositoriesPaginator(client, &ecr.DescribeRepositoriesInput{}),
		func(o *ecr.DescribeRepositoriesOutput) []ecrtypes.Repository { return o.Repositories })
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "ecr", API: "DescribeRepositories", ResourceTypes: ecrRepositoryTypes, Message: errorMessage(err)})
		return
	}
	if len(repos) == 0 {
		return
	}
	var scanning *ecrtypes.RegistryScanningConfiguration
	sctx := cite(ctx)
	if out, err := client.GetRegistryScanningConfiguration(sctx, &ecr.GetRegistryScanningConfigurationInput{}); err != nil {
		c.fail(checks.CollectError{Region: region, Service: "ecr", API: "GetRegistryScanningConfiguration", ResourceTypes: ecrRepositoryTypes, Message: errorMessage(err)})
	} else {
		scanning = out.ScanningConfiguration
		if scanning == nil {
			scanning = &ecrtypes.RegistryScanningConfiguration{}
		}
		citeAlso(lctx, ownCitations(sctx))
	}
	for _, r := range repos {
		name := sdkaws.ToString(r.RepositoryName)
		attrs := map[string]any{"repository_name": name}
		setAttrString(attrs, "arn", r.RepositoryArn)
		setAttrString(attrs, "repository_uri", r.RepositoryUri)
		if r.ImageTagMutability != "" {
			attrs["image_tag_mutability"] = string(r.ImageTagMutability)
		}
		if sc := r.ImageScanningConfiguration; sc != nil {
			attrs["scan_on_push"] = sc.ScanOnPush
		}
		if e := r.EncryptionConfiguration; e != nil {
			attrs["encryption_type"] = string(e.EncryptionType)
			setAttrString(attrs, "kms_key", e.KmsKey)
		}
		if scanning != nil {
			attrs["registry_scan_type"] = string(scanning.ScanType)
			attrs["registry_scan_frequency"] = registryScanFrequency(scanning.Rules, name)
		}
		c.add(lctx, checks.Resource{ID: resourceID(c.account, region, "ecr/repository", name), Type: "aws.ecr.repository",
			Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs})
	}
}

// registryScanFrequency is the scan frequency of the registry scanning rule that
// covers the repository ("" when none does): a rule covers it when one of its
// wildcard filters matches the name ('*' matches any run of characters).
// Continuous scanning wins over scan on push, which wins over manual.
func registryScanFrequency(rules []ecrtypes.RegistryScanningRule, repo string) string {
	rank := map[ecrtypes.ScanFrequency]int{ecrtypes.ScanFrequencyManual: 1, ecrtypes.ScanFrequencyScanOnPush: 2, ecrtypes.ScanFrequencyContinuousScan: 3}
	best := ecrtypes.ScanFrequency("")
	for _, rule := range rules {
		for _, f := range rule.RepositoryFilters {
			if f.FilterType != ecrtypes.ScanningRepositoryFilterTypeWildcard {
				continue
			}
			if wildcardMatch(sdkaws.ToString(f.Filter), repo) && rank[rule.ScanFrequency] > rank[best] {
				best = rule.ScanFrequency
			}
		}
	}
	return string(best)
}

// wildcardMatch reports whether name matches an ECR wildcard filter, in which
// '*' matches any run of characters ('/' included) and every other character
// itself.
func wildcardMatch(filter, name string) bool {
	// Greedy matching with backtracking to the last '*'.
	fi, ni := 0, 0
	star, mark := -1, 0
	for ni < len(name) {
		switch {
		case fi < len(filter) && filter[fi] == '*':
			star, mark = fi, ni
			fi++
		case fi < len(filter) && filter[fi] == name[ni]:
			fi++
			ni++
		case star >= 0:
			fi = star + 1
			mark++
			ni = mark
		default:
			return false
		}
	}
	for fi < len(filter) && filter[fi] == '*' {
		fi++
	}
	return fi == len(filter)
}
