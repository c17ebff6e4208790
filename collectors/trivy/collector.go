package trivy

import (
	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors"
)

// IaCCollector is the infrastructure-code collector's registration
// (collectors.Registry): its checks are sdescan's IAC- checks (collectors/trivy/policy)
// and Trivy's own, which Catalogue lists.
func IaCCollector() collectors.Collector {
	return collectors.Collector{Name: Source, Covers: []string{"iac.*"},
		ResourceTypes: []string{TypeTerraformResource, TypeCloudFormationResource, TypeKubernetesObject, TypeComposeService, TypeDockerfile, TypeFile, TypeARMResource, checks.TypeRecordedResult},
		PolicyDir:     "trivy/policy", Policies: collectors.ShippedPolicies("trivy/policy"), External: Catalogue}
}

// ImageCollector is the container-image collector's registration; its IMG-
// checks live beside the IaC ones (collectors/trivy/policy).
func ImageCollector() collectors.Collector {
	return collectors.Collector{Name: ImageSource, Covers: []string{"image.*"}, ResourceTypes: []string{TypeImage}}
}
