package aws

import "github.com/sdescan/sdescan/checks"

// Name is the collector's name, as its runs record it.
const Name = "aws"

// Collector is the AWS collector's registration (checks.Registry): what it
// covers and emits, and its checks (checks/aws/policy). scan's --aws flags are
// the command line's (cmd/sdescan/internal/cli/awssource.go).
func Collector() checks.Collector {
	return checks.Collector{
		Name:          Name,
		Covers:        Covers(),
		ResourceTypes: Covers(),
		PolicyDir:     "aws/policy",
		Policies:      checks.ShippedPolicies("aws/policy"),
	}
}
