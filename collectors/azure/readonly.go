package azure

import (
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// ReadPOSTs are the operations sent with POST that only read: Azure Resource
// Graph's query (an inventory aid that never decides a verdict alone). Each is
// the end of the request path after its provider, compared in any case.
var ReadPOSTs = []string{
	"providers/Microsoft.ResourceGraph/resources",
}

// secretOperations return secrets or mint credentials: refused whatever the
// method, so that no future allow-list entry can let one through.
var secretOperations = []string{
	"listkeys", "listaccountsas", "listservicesas", "listcredentials", "listcredential",
	"listsecrets", "listconnectionstrings", "listadmincredentials", "listusercredentials",
	"listclusteradmincredential", "listclusterusercredential", "listauthkeys", "regeneratekey",
	"regeneratekeys", "listkeyvaluesecrets", "getkeys",
	// Machine Learning and Azure Virtual Desktop: notebook and storage keys,
	// notebook access tokens, host-pool registration tokens.
	"listnotebookkeys", "liststorageaccountkeys", "listnotebookaccesstoken",
	"retrieveregistrationtoken", "listregistrationtokens",
}

// RefusedError is a request the read-only policy stopped before it was sent.
type RefusedError struct {
	Method, Path, Why string
}

// NonRetriable tells the SDK's retry policy not to send the request again.
func (e *RefusedError) NonRetriable() {}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refused before sending %s %s: %s (sdescan reads Azure read-only)", e.Method, e.Path, e.Why)
}

// ReadOnly is the pipeline policy every Azure request goes through (put it in
// the per-retry policies, so that a retried request is judged again): GET and
// HEAD pass, a POST passes only when it is one of ReadPOSTs, an operation
// that returns secrets never does, and anything else is refused with a
// RefusedError, which no retry policy retries.
type ReadOnly struct{}

// Do refuses or passes the request.
func (ReadOnly) Do(req *policy.Request) (*http.Response, error) {
	u := req.Raw().URL
	if u.RawPath != "" && u.RawPath != u.EscapedPath() {
		return nil, &RefusedError{Method: req.Raw().Method, Path: u.RawPath, Why: "an unusually escaped path"}
	}
	if err := Judge(req.Raw().Method, u.Path); err != nil {
		return nil, err
	}
	return req.Next()
}

// Judge says whether a request is a read sdescan may send (nil) or why not.
func Judge(method, urlPath string) error {
	clean := path.Clean("/" + urlPath)
	if clean != strings.TrimSuffix("/"+strings.TrimPrefix(urlPath, "/"), "/") && clean != "/" {
		// Dot segments or doubled slashes: what the server resolves could be
		// other than what is judged here.
		return &RefusedError{Method: method, Path: urlPath, Why: "a path that is not in its plain form"}
	}
	last := strings.ToLower(path.Base(clean))
	if slices.Contains(secretOperations, last) {
		return &RefusedError{Method: method, Path: clean, Why: last + " returns secrets"}
	}
	switch method {
	case http.MethodGet, http.MethodHead:
		return nil
	case http.MethodPost:
		lower := strings.ToLower(clean)
		for _, op := range ReadPOSTs {
			if strings.HasSuffix(lower, "/"+strings.ToLower(op)) {
				return nil
			}
		}
		return &RefusedError{Method: method, Path: clean, Why: "a POST that is not on the allow-list of read operations"}
	}
	return &RefusedError{Method: method, Path: clean, Why: "not a read"}
}
