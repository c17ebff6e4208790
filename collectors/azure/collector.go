package azure

import "github.com/sdescan/sdescan/collectors"

// Name is the collector's name, as its runs and resources record it.
const Name = "azure"

// Collector is the Azure collector's registration (collectors.Registry): what
// it covers and emits, and its checks (collectors/azure/policy). scan's
// --azure flags are the command line's (cmd/sdescan/internal/cli/azuresource.go).
func Collector() collectors.Collector {
	return collectors.Collector{
		Name:          Name,
		Covers:        Covers(),
		ResourceTypes: Covers(),
		PolicyDir:     "azure/policy",
		Policies:      collectors.ShippedPolicies("azure/policy"),
	}
}
