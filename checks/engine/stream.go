package engine

import (
	"context"
	"slices"

	"github.com/sdescan/sdescan/checks"
)

// streamChunk is how many resources one job of EvaluateFile decodes and
// evaluates: large enough to keep the workers busy, small enough that the
// facts in memory at once are a few of them.
const streamChunk = 256

// EvaluateFile evaluates the checks over a facts file as it is read: each run of
// resources is decoded, validated and evaluated on a worker and then let go, and
// the findings past SpillBudget wait in a temporary file, so memory holds
// neither the facts nor the findings. params gives the parameters from
// the facts' header (everything but the resources). observe, when set, sees
// each resource, from several goroutines at once.
//
// It returns what ReadFactsFile and Evaluate would: the facts (without their
// resources, except the recorded results, which RecordedFindings and ChecksFor
// read), how many resources the file holds, and the findings, sorted (the
// caller closes the set, which removes its file). A file
// that does not decode or validate gives ReadFactsFile's error, word for word;
// a header written after the resources (no collected_at before them) is read
// whole instead of streamed.
func (e *Engine) EvaluateFile(ctx context.Context, path string, params func(*checks.Facts) (Params, error), observe func(*checks.Resource)) (*checks.Facts, int, *checks.FindingSet, error) {
	s, err := e.streamFile(ctx, path, params, observe)
	if s != nil && s.ok {
		return s.facts, s.n, s.findings, nil
	}
	if err != nil {
		return nil, 0, nil, err
	}
	// Not streamed (the header comes late), or not valid: the whole file, as
	// ReadFactsFile reads it, says which.
	return e.evaluateWhole(ctx, path, params, observe)
}

// evaluateWhole is EvaluateFile with the file read whole.
func (e *Engine) evaluateWhole(ctx context.Context, path string, params func(*checks.Facts) (Params, error), observe func(*checks.Resource)) (*checks.Facts, int, *checks.FindingSet, error) {
	f, err := checks.ReadFactsFile(path)
	if err != nil {
		return nil, 0, nil, err
	}
	p, err := params(f)
	if err != nil {
		return nil, 0, nil, err
	}
	if observe != nil {
		for i := range f.Resources {
			observe(&f.Resources[i])
		}
	}
	findings, err := e.Evaluate(ctx, f, p)
	if err != nil {
		return nil, 0, nil, err
	}
	n := len(f.Resources)
	f.Resources = slices.DeleteFunc(f.Resources, func(r checks.Resource) bool { return r.Type != checks.TypeRecordedResult })
	// Spilled past the budget as a streamed file's are: the facts are let go
	// when this returns, the findings stay.
	set := checks.NewFindingSet(e.spillBudget())
	if err := set.Add(findings); err != nil {
		_ = set.Close()
		return nil, 0, nil, err
	}
	if err := set.Finish(); err != nil {
		_ = set.Close()
		return nil, 0, nil, err
	}
	return f, n, set, nil
}

func (e *Engine) spillBudget() int {
	if e.SpillBudget > 0 {
		return e.SpillBudget
	}
	return checks.DefaultSpillBudget
}
