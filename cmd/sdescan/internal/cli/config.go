package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/controls"
)

// Config is sdescan.yaml. Relative paths are relative to the file.
type Config struct {
	// Frameworks limits the frameworks reported (all when empty).
	Frameworks []string `yaml:"frameworks"`
	// FrameworkFiles adds frameworks of your own (same format as the built-in ones).
	FrameworkFiles []string `yaml:"framework_files"`
	// Attestations and Waivers are files of human evidence and accepted risks.
	Attestations []string `yaml:"attestations"`
	Waivers      []string `yaml:"waivers"`
	// PolicyDirs hold extra Rego checks (same format as the built-in ones).
	PolicyDirs []string `yaml:"policy_dirs"`
	// ClassificationTag is the tag key holding a resource's data classification.
	ClassificationTag string `yaml:"classification_tag"`
	// BreakGlassRoles are IAM roles allowed administrator access.
	BreakGlassRoles []string `yaml:"break_glass_roles"`
	// FailOn is the default of --fail-on.
	FailOn string `yaml:"fail_on"`
	// ExpiringDays flags waivers expiring within this many days (default 30).
	ExpiringDays int `yaml:"expiring_days"`
	// Backup holds the backup review's settings.
	Backup BackupConfig `yaml:"backup"`
	// DataResidency says where classified data may be held (AWS-S3-007).
	DataResidency DataResidencyConfig `yaml:"data_residency"`
	// IaC is infrastructure code that scan assesses with the estate.
	IaC IaCConfig `yaml:"iac"`
	// Images are container images scan assesses with the estate (docs/images.md):
	// docker save tarballs, OCI layouts, root file systems or registry references.
	Images []string `yaml:"images"`
	// VulnerabilityDB is a Trivy database for the images' vulnerabilities (IMG-002);
	// sdescan never downloads one.
	VulnerabilityDB string `yaml:"vulnerability_db"`
	// Image holds the images' settings.
	Image ImageConfig `yaml:"image"`
	// Azure holds the Azure checks' settings.
	Azure AzureConfig `yaml:"azure"`
}

// ImageConfig is how container images are judged (docs/images.md).
type ImageConfig struct {
	// MaxDBAgeDays is the oldest the vulnerability database may be at the
	// assessment time for IMG-002 to say "no vulnerability" (default 7).
	MaxDBAgeDays int `yaml:"max_db_age_days"`
}

// AzureConfig tunes the Azure checks (docs/azure.md).
type AzureConfig struct {
	// PolicyInitiatives are policy set definition IDs AZ-POL-001 accepts beside
	// UK OFFICIAL and UK NHS.
	PolicyInitiatives []string `yaml:"policy_initiatives"`
	// GuestObjectIDs are the Entra object IDs of guest users (AZ-RBAC-001).
	GuestObjectIDs []string `yaml:"guest_object_ids"`
}

// policySetID is the shape of a policy set definition ID: built in
// (/providers/Microsoft.Authorization/policySetDefinitions/NAME) or custom,
// under a management group or subscription.
var policySetID = regexp.MustCompile(`(?i)^(/providers/microsoft\.management/managementgroups/[^/]+|/subscriptions/[^/]+)?/providers/microsoft\.authorization/policysetdefinitions/[^/]+$`)

// objectID is the shape of an Entra object ID (a GUID).
var objectID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IaCConfig names the infrastructure code scan assesses (docs/iac.md), as
// `sdescan iac` would.
type IaCConfig struct {
	// Paths are directories of Terraform, CloudFormation, Kubernetes, Helm,
	// Compose or Dockerfiles.
	Paths []string `yaml:"paths"`
	// SkipDirs are directories under each path not scanned (globs).
	SkipDirs []string `yaml:"skip_dirs"`
	// TFVars and HelmValues are the variables and values files deployed.
	TFVars     []string `yaml:"tf_vars"`
	HelmValues []string `yaml:"helm_values"`

	// roots are Paths resolved against the file's directory, each reported
	// under the path as written.
	roots []iacRoot
}

// BackupConfig is the backup review's policy (docs/backup.md).
type BackupConfig struct {
	// DefaultRPOHours is the RPO of a store without a backup-rpo-hours tag (default 24).
	DefaultRPOHours float64 `yaml:"default_rpo_hours"`
	// MinRetentionDays is the shortest backup retention accepted (default 35).
	MinRetentionDays int `yaml:"min_retention_days"`
	// RestoreTestMaxAgeDays is how old a restore-test attestation may be (default 365).
	RestoreTestMaxAgeDays int `yaml:"restore_test_max_age_days"`
}

// DataResidencyConfig says where identifiable and pseudonymised data may be held.
type DataResidencyConfig struct {
	// AllowedRegions are AWS and Azure region names (eu-west-2, uksouth); left
	// out, the UK's: eu-west-2, uksouth and ukwest.
	AllowedRegions []string `yaml:"allowed_regions"`
}

// regionName is the shape of an AWS (eu-west-2, us-gov-west-1) or Azure
// (uksouth, ukwest) region name, in any case.
var regionName = regexp.MustCompile(`^[A-Za-z]+(-[A-Za-z]+)*(-?[0-9]+)?$`)

// loadConfig reads and strictly validates a configuration file.
func loadConfig(file string) (*Config, error) {
	data, err := limits.ReadFile(file, limits.Config)
	if err != nil {
		return nil, err
	}
	var c Config
	if len(bytes.TrimSpace(data)) > 0 { // an empty file is the default configuration
		if err := controls.DecodeYAMLStrict(data, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	if c.ExpiringDays < 0 {
		return nil, fmt.Errorf("%s: expiring_days must not be negative", file)
	}
	if c.Backup.DefaultRPOHours < 0 || c.Backup.MinRetentionDays < 0 || c.Backup.RestoreTestMaxAgeDays < 0 {
		return nil, fmt.Errorf("%s: backup settings must not be negative", file)
	}
	if c.Image.MaxDBAgeDays < 0 {
		return nil, fmt.Errorf("%s: image.max_db_age_days must not be negative", file)
	}
	for _, id := range c.Azure.PolicyInitiatives {
		if !policySetID.MatchString(id) {
			return nil, fmt.Errorf("%s: azure.policy_initiatives: %q is not a policy set definition ID (/providers/Microsoft.Authorization/policySetDefinitions/NAME)", file, id)
		}
	}
	for _, id := range c.Azure.GuestObjectIDs {
		if !objectID.MatchString(id) {
			return nil, fmt.Errorf("%s: azure.guest_object_ids: %q is not an Entra object ID (a GUID)", file, id)
		}
	}
	if r := c.DataResidency.AllowedRegions; r != nil && len(r) == 0 {
		return nil, fmt.Errorf("%s: data_residency.allowed_regions is empty (leave it out for the default, the UK regions)", file)
	}
	for _, r := range c.DataResidency.AllowedRegions {
		if !regionName.MatchString(r) {
			return nil, fmt.Errorf("%s: data_residency.allowed_regions: %q is not a region name (eu-west-2, uksouth)", file, r)
		}
	}
	dir := filepath.Dir(file)
	for _, p := range c.IaC.Paths {
		if p == "" {
			return nil, fmt.Errorf("%s: iac.paths: empty path", file)
		}
		root := iacRoot{Dir: p, Display: filepath.ToSlash(filepath.Clean(p))}
		if !filepath.IsAbs(p) {
			root.Dir = filepath.Join(dir, p)
		}
		if root.Display == "." {
			root.Display = ""
		}
		if st, err := os.Stat(root.Dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("%s: iac.paths: %s is not a readable directory", file, p)
		}
		c.IaC.roots = append(c.IaC.roots, root)
	}
	// An image is a path relative to the file when one exists there; otherwise it
	// is taken as written (a registry reference).
	for i, ref := range c.Images {
		if ref == "" {
			return nil, fmt.Errorf("%s: images: empty reference", file)
		}
		if p := filepath.Join(dir, ref); !filepath.IsAbs(ref) && pathExists(p) {
			c.Images[i] = p
		}
	}
	if c.VulnerabilityDB != "" && !filepath.IsAbs(c.VulnerabilityDB) {
		c.VulnerabilityDB = filepath.Join(dir, c.VulnerabilityDB)
	}
	for _, list := range []*[]string{&c.FrameworkFiles, &c.Attestations, &c.Waivers, &c.PolicyDirs, &c.IaC.TFVars, &c.IaC.HelmValues} {
		for i, p := range *list {
			if p == "" {
				return nil, fmt.Errorf("%s: empty path in list", file)
			}
			if !filepath.IsAbs(p) {
				(*list)[i] = filepath.Join(dir, p)
			}
		}
	}
	return &c, nil
}

func cleanOSError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func pathExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
