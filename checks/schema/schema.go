// Package schema holds the JSON Schemas of sdescan's facts and of the input a check
// sees, embedded so that the binary carries them.
//
// facts.schema.json is the source of truth: it documents every resource type and its
// attributes. input.schema.json is generated from it (go test ./checks/schema -update)
// and is what `opa check --strict -s` type-checks policies against.
package schema

import _ "embed"

// Facts is the JSON Schema (draft 2020-12) of a facts file.
//
//go:embed facts.schema.json
var Facts []byte

// Input is the JSON Schema of a check's input: {"resource": R}, with R's attributes
// the union of every resource type's attribute schema.
//
//go:embed input.schema.json
var Input []byte
