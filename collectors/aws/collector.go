package aws

import "github.com/sdescan/sdescan/collectors"

// Name is the collector's name, as its runs record it.
const Name = "aws"

// Collector is the AWS collector's registration (collectors.Registry): what it
// covers and emits, and its checks (collectors/aws/policy). scan's --aws flags are
// the command line's (cmd/sdescan/internal/cli/awssource.go).
func Collector() collectors.Collector {
	return collectors.Collector{
		Name:          Name,
		Covers:        Covers(),
		ResourceTypes: Covers(),
		PolicyDir:     "aws/policy",
		Policies:      collectors.ShippedPolicies("aws/policy"),
	}
}
