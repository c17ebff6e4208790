package schema

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// factsSchema is Facts compiled, once.
var factsSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Facts))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	const url = "https://sdescan.dev/schema/facts.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
})

// ValidateFacts checks a facts file's JSON against Facts: what every
// collector's tests hold their facts to.
func ValidateFacts(data []byte) error {
	s, err := factsSchema()
	if err != nil {
		return fmt.Errorf("facts.schema.json: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
