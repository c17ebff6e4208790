package azure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/sdescan/sdescan/checks/limits"
)

// CustomCloud is an --azure-cloud FILE: a sovereign cloud, Azure Stack Hub or
// a test's stand-in.
type CustomCloud struct {
	Name            string `json:"name"`
	AuthorityHost   string `json:"authority_host"`
	ResourceManager string `json:"resource_manager"`
	Audience        string `json:"audience"`
}

// LoadCloud reads a custom cloud file (at most limits.Config bytes, a JSON
// object with exactly the four fields, each URL https with a host and no user
// information) into the SDK's configuration. Errors name the file.
func LoadCloud(file string) (cloud.Configuration, error) {
	data, err := limits.ReadFile(file, limits.Config)
	if err != nil {
		return cloud.Configuration{}, err
	}
	var c CustomCloud
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return cloud.Configuration{}, fmt.Errorf("%s: %w", file, err)
	}
	if dec.More() {
		return cloud.Configuration{}, fmt.Errorf("%s: unexpected data after the JSON object", file)
	}
	if c.Name == "" {
		return cloud.Configuration{}, fmt.Errorf("%s: name is missing", file)
	}
	for _, f := range []struct{ key, value string }{
		{"authority_host", c.AuthorityHost}, {"resource_manager", c.ResourceManager}, {"audience", c.Audience},
	} {
		if err := checkURL(f.value); err != nil {
			return cloud.Configuration{}, fmt.Errorf("%s: %s: %w", file, f.key, err)
		}
	}
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: c.AuthorityHost,
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: c.ResourceManager, Audience: c.Audience},
		},
	}, nil
}

// checkURL accepts an absolute https URL with a host and no user information:
// tokens go there, so never in clear and never to a host the URL hides.
func checkURL(s string) error {
	if s == "" {
		return errors.New("missing")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "https":
		return fmt.Errorf("%q is not https (tokens are sent there)", u.Redacted())
	case u.Host == "":
		return fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return fmt.Errorf("%q holds user information", u.Redacted())
	}
	return nil
}
