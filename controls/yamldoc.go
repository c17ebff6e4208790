package controls

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"

	"github.com/sdescan/sdescan/checks/limits"
)

// AttestationsSchema and WaiversSchema are the JSON Schemas of the user's files;
// editors can use them for completion (see docs/configuration.md).
var (
	//go:embed schema/attestations.schema.json
	AttestationsSchema []byte
	//go:embed schema/waivers.schema.json
	WaiversSchema []byte
)

var (
	schemaOnce     sync.Once
	schemaErr      error
	attestationsSc *jsonschema.Schema
	waiversSc      *jsonschema.Schema
)

func compiledSchemas() error {
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		compile := func(name string, doc []byte) *jsonschema.Schema {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
			if err == nil {
				err = c.AddResource(name, v)
			}
			var s *jsonschema.Schema
			if err == nil {
				s, err = c.Compile(name)
			}
			if err != nil && schemaErr == nil {
				schemaErr = fmt.Errorf("internal: schema %s: %w", name, err)
			}
			return s
		}
		attestationsSc = compile("attestations.schema.json", AttestationsSchema)
		waiversSc = compile("waivers.schema.json", WaiversSchema)
	})
	return schemaErr
}

// decodeValidated parses one YAML document, validates it against the schema, then
// decodes it strictly into v. Errors are one line, with the YAML line where known.
func decodeValidated(data []byte, sc *jsonschema.Schema, v any) error {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty document")
		}
		return yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("more than one YAML document")
	}
	// Before anything walks or decodes the tree (which expands aliases).
	if err := limits.Aliases(&root, limits.YAMLExpansion); err != nil {
		return err
	}
	inst, err := nodeValue(&root, 0)
	if err != nil {
		return err
	}
	if err := sc.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return schemaError(&root, ve)
		}
		return err
	}
	if err := root.Decode(v); err != nil {
		return yamlError(err)
	}
	return nil
}

// readAttestationsFS reads an attestations file of fsys within the limit of
// its kind; errors name it as name.
func readAttestationsFS(fsys fs.FS, file, name string) ([]byte, error) {
	return limits.ReadFSNamed(fsys, file, name, limits.Attestations)
}

var printer = message.NewPrinter(language.English)

// schemaError reports the first leaf cause of a validation error with its YAML line.
func schemaError(root *yaml.Node, ve *jsonschema.ValidationError) error {
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	where := "/" + strings.Join(ve.InstanceLocation, "/")
	msg := ve.ErrorKind.LocalizedString(printer)
	if n := nodeAt(root, ve.InstanceLocation); n != nil {
		return fmt.Errorf("line %d: %s: %s", n.Line, where, msg)
	}
	return fmt.Errorf("%s: %s", where, msg)
}

// nodeAt finds the YAML node at a JSON pointer path.
func nodeAt(n *yaml.Node, path []string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, p := range path {
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
					break
				}
			}
			if next == nil {
				return n
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(n.Content) {
				return n
			}
			n = n.Content[i]
		default:
			return n
		}
	}
	return n
}

// nodeValue turns a YAML node into the JSON data model (timestamps stay strings),
// refusing aliases and deep nesting so hostile input cannot blow up.
func nodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > 64 {
		return nil, fmt.Errorf("line %d: nesting too deep", n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, errors.New("empty document")
		}
		return nodeValue(n.Content[0], depth+1)
	case yaml.AliasNode:
		return nil, fmt.Errorf("line %d: YAML aliases are not allowed here", n.Line)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: keys must be plain strings", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			v, err := nodeValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, fmt.Errorf("line %d: %w", n.Line, yamlError(err))
			}
			return b, nil
		case "!!int", "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, fmt.Errorf("line %d: %w", n.Line, yamlError(err))
			}
			return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), nil
		default:
			return n.Value, nil
		}
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}
