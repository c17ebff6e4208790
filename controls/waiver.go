package controls

import (
	"fmt"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/limits"
)

// Waiver accepts the risk of a failing check on matching resources until it expires.
type Waiver struct {
	ID         string `yaml:"id,omitempty" json:"id"`
	Check      string `yaml:"check" json:"check"`
	Resource   string `yaml:"resource" json:"resource"`
	Reason     string `yaml:"reason" json:"reason"`
	Approver   string `yaml:"approver" json:"approver"`
	ApprovedOn string `yaml:"approved_on,omitempty" json:"approved_on,omitempty"`
	Expires    string `yaml:"expires" json:"expires"`
	Reference  string `yaml:"reference,omitempty" json:"reference,omitempty"`
	File       string `yaml:"-" json:"file,omitempty"`

	expires time.Time
}

// ParseWaivers parses a waivers file; check IDs are canonicalised with resolve.
func ParseWaivers(data []byte, file string, resolve CheckResolver) ([]*Waiver, error) {
	list, err := parseWaivers(data, file, resolve)
	return list, oneLine(err)
}

func parseWaivers(data []byte, file string, resolve CheckResolver) ([]*Waiver, error) {
	if err := compiledSchemas(); err != nil {
		return nil, err
	}
	var doc struct {
		Waivers []*Waiver `yaml:"waivers"`
	}
	if err := decodeValidated(data, waiversSc, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	ids := map[string]bool{}
	for i, w := range doc.Waivers {
		w.File = file
		if w.ID == "" {
			w.ID = fmt.Sprintf("%s#%d", file, i+1)
		}
		if ids[w.ID] {
			return nil, fmt.Errorf("%s: waivers[%d]: duplicate waiver id %s", file, i, w.ID)
		}
		ids[w.ID] = true
		var err error
		if w.expires, err = parseDate(w.Expires); err != nil {
			return nil, fmt.Errorf("%s: waivers[%d]: expires: %w", file, i, err)
		}
		if w.ApprovedOn != "" {
			on, err := parseDate(w.ApprovedOn)
			if err != nil {
				return nil, fmt.Errorf("%s: waivers[%d]: approved_on: %w", file, i, err)
			}
			if w.expires.Before(on) {
				return nil, fmt.Errorf("%s: waivers[%d]: expires %s is before approved_on %s", file, i, w.Expires, w.ApprovedOn)
			}
		}
		if resolve != nil {
			canon, ok := resolve(w.Check)
			if !ok {
				return nil, fmt.Errorf("%s: waivers[%d]: unknown check %s", file, i, w.Check)
			}
			w.Check = canon
		}
	}
	return doc.Waivers, nil
}

// LoadWaivers reads and parses a waivers file.
func LoadWaivers(file string, resolve CheckResolver) ([]*Waiver, error) {
	data, err := limits.ReadFile(file, limits.Waivers)
	if err != nil {
		return nil, err
	}
	return ParseWaivers(data, file, resolve)
}

// Expired reports whether the waiver no longer applies at t (its expiry day is included).
func (w *Waiver) Expired(t time.Time) bool { return t.After(endOfDay(w.expires)) }

// Matches reports whether the waiver covers a check on a resource.
func (w *Waiver) Matches(checkID, resourceID string) bool {
	return w.Check == checkID && checks.Glob(w.Resource, resourceID)
}

// WaiverRef is the waiver applied to a finding, as reports show it.
type WaiverRef struct {
	ID       string `json:"id"`
	Reason   string `json:"reason"`
	Approver string `json:"approver"`
	Expires  string `json:"expires"`
}

// WaiverResult is how a waiver stood in an assessment.
type WaiverResult struct {
	Waiver
	// Status: active (applied to at least one failure), unused (matched no failure) or expired.
	Status string `json:"status"`
	// Applied counts the failing findings it covered.
	Applied  int  `json:"applied"`
	DaysLeft int  `json:"days_left"`
	Expiring bool `json:"expiring,omitempty"`
}
