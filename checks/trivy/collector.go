package trivy

import "github.com/sdescan/sdescan/checks"

// IaCCollector is the infrastructure-code collector's registration
// (checks.Registry): its checks are sdescan's IAC- checks (checks/trivy/policy)
// and Trivy's own, which Catalogue lists.
func IaCCollector() checks.Collector {
	return checks.Collector{Name: Source, Covers: []string{"iac.*"},
		ResourceTypes: []string{TypeTerraformResource, TypeCloudFormationResource, TypeKubernetesObject, TypeComposeService, TypeDockerfile, TypeFile, checks.TypeRecordedResult},
		PolicyDir:     "trivy/policy", Policies: checks.ShippedPolicies("trivy/policy"), External: Catalogue}
}

// ImageCollector is the container-image collector's registration; its IMG-
// checks live beside the IaC ones (checks/trivy/policy).
func ImageCollector() checks.Collector {
	return checks.Collector{Name: ImageSource, Covers: []string{"image.*"}, ResourceTypes: []string{TypeImage}}
}
