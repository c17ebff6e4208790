//go:build goexperiment.jsonv2

package checks

// What the external tests (package checks_test, which may import
// checks/internal/factstest) see of the JSON code.
var (
	DecodeFactsParallel = decodeFactsParallel
	WriteJSONWhole      = writeJSON
)

const ParallelDecodeSize = parallelDecodeSize
