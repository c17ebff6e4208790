package controls

import "fmt"

// requirementLabel gives a requirement status in the framework's own vocabulary.
func requirementLabel(vocab, status string) string {
	switch vocab {
	case VocabCAF:
		switch status {
		case Met:
			return "Achieved"
		case Partial, Waived:
			return "Partially achieved"
		case NotMet:
			return "Not achieved"
		}
		return "Not assessed"
	case VocabSATRE:
		// SATRE scores 2 satisfied, 1 sufficient, 0 not met. A waiver is an accepted,
		// sufficient position; incomplete evidence is not sufficient.
		switch status {
		case Met:
			return "2 (satisfied)"
		case Waived:
			return "1 (sufficient, waived)"
		case Partial:
			return "0 (evidence incomplete)"
		case NotMet:
			return "0 (not met)"
		}
		return "not assessed"
	case VocabFiveSafes:
		switch status {
		case Met:
			return "green"
		case Partial, Waived:
			return "amber"
		case NotMet:
			return "red"
		}
		return "grey (not assessed)"
	}
	switch status {
	case Met:
		return "Met"
	case Partial:
		return "Partially met"
	case NotMet:
		return "Not met"
	case Waived:
		return "Waived"
	}
	return "Not assessed"
}

// satreScoresOne reports whether a statement scores 1 or more.
func satreScoresOne(status string) bool { return status == Met || status == Waived }

func satreMandatory(importance string) bool {
	return importance == "Mandatory" || importance == "Mandatory*"
}

// groupResults rolls requirements into the framework's groups; a group counts the
// requirements of its descendants too.
func groupResults(fw *Framework, reqs []RequirementResult) []GroupResult {
	if len(fw.Groups) == 0 {
		return nil
	}
	parent := map[string]string{}
	children := map[string][]string{}
	for _, g := range fw.Groups {
		parent[g.ID] = g.Parent
		if g.Parent != "" {
			children[g.Parent] = append(children[g.Parent], g.ID)
		}
	}
	type acc struct {
		counts            Counts
		mandatoryUnscored int
		mandatory         int
	}
	accs := map[string]*acc{}
	for _, g := range fw.Groups {
		accs[g.ID] = &acc{}
	}
	for _, r := range reqs {
		for g := r.Group; g != ""; g = parent[g] {
			a := accs[g]
			if a == nil {
				break
			}
			a.counts.add(r.Status)
			if satreMandatory(r.Importance) {
				a.mandatory++
				if !satreScoresOne(r.Status) {
					a.mandatoryUnscored++
				}
			}
		}
	}
	out := make([]GroupResult, 0, len(fw.Groups))
	met := map[string]bool{}
	// Groups are declared parents first, so children are decided after walking
	// in reverse.
	for i := len(fw.Groups) - 1; i >= 0; i-- {
		g := fw.Groups[i]
		a := accs[g.ID]
		total := a.counts.Met + a.counts.NotMet + a.counts.Partial + a.counts.NotAssessed + a.counts.Waived
		switch {
		case fw.Vocabulary == VocabSATRE && len(children[g.ID]) > 0:
			// A pillar is met when every capability in it is.
			ok := true
			for _, c := range children[g.ID] {
				ok = ok && met[c]
			}
			met[g.ID] = ok
		case fw.Vocabulary == VocabSATRE:
			// A capability is met when all its Mandatory statements score 1 or more,
			// and (so that nothing is met by default) at least one statement does.
			met[g.ID] = a.mandatoryUnscored == 0 && a.counts.Met+a.counts.Waived > 0
		default:
			met[g.ID] = total > 0 && a.counts.Met == total
		}
	}
	for _, g := range fw.Groups {
		a := accs[g.ID]
		gr := GroupResult{ID: g.ID, Title: g.Title, Parent: g.Parent, Met: met[g.ID], Counts: a.counts}
		switch {
		case fw.Vocabulary == VocabCAF && gr.Met:
			gr.Label = "Achieved"
		case fw.Vocabulary == VocabCAF && a.counts.NotMet > 0:
			gr.Label = "Not achieved"
		case fw.Vocabulary == VocabCAF && a.counts.Met+a.counts.Partial+a.counts.Waived > 0:
			gr.Label = "Partially achieved"
		case fw.Vocabulary == VocabCAF:
			gr.Label = "Not assessed"
		case fw.Vocabulary == VocabSATRE && gr.Met && a.mandatory == 0 && len(children[g.ID]) == 0:
			gr.Label = "met (no mandatory statements)"
		case fw.Vocabulary == VocabSATRE && !gr.Met && a.counts.NotAssessed > 0 && a.counts.Met+a.counts.NotMet+a.counts.Partial+a.counts.Waived == 0:
			gr.Label = "not assessed"
		case gr.Met:
			gr.Label = "met"
		default:
			gr.Label = "not met"
		}
		out = append(out, gr)
	}
	return out
}

// frameworkStatus is the framework's overall verdict in its own vocabulary.
func frameworkStatus(fw *Framework, res FrameworkResult) string {
	n := len(fw.Requirements)
	c := res.Counts
	switch fw.Vocabulary {
	case VocabDSPT, VocabCAF:
		// The DSPT's published statuses: every standard met, some not met, or on the way.
		// Nothing unassessed counts as approaching: a standard without evidence is not met.
		switch {
		case c.NotAssessed == n:
			return "Not assessed"
		case c.Met == n:
			return "Standards Met"
		case c.NotMet > 0 || c.NotAssessed > 0:
			return "Not Met"
		}
		return "Approaching Standards"
	case VocabSATRE:
		var caps, capsMet, pillars, pillarsMet int
		for _, g := range res.Groups {
			if g.Parent == "" {
				pillars++
				if g.Met {
					pillarsMet++
				}
			} else {
				caps++
				if g.Met {
					capsMet++
				}
			}
		}
		return fmt.Sprintf("%d of %d capabilities met, %d of %d pillars met", capsMet, caps, pillarsMet, pillars)
	case VocabFiveSafes:
		return fmt.Sprintf("%d of %d safes green", c.Met, n)
	case VocabCyberEssentials:
		return fmt.Sprintf("%d of %d themes met", c.Met, n)
	}
	return fmt.Sprintf("%d of %d guidelines met", c.Met, n)
}
