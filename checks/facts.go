package checks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/sdescan/sdescan/checks/limits"
)

// Version names a tool or catalogue version.
type Version struct {
	Name    string `json:"name,omitempty"`
	Version string `json:"version"`
}

// Scope says where a resource or a collector run came from.
type Scope struct {
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Org     string `json:"org,omitempty"`
	Path    string `json:"path,omitempty"`
}

// EvidenceRef points at a raw API response or file kept in the evidence pack.
type EvidenceRef struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Resource is one thing a collector saw, with normalised attributes that checks read.
type Resource struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	Source     string            `json:"source"`
	Scope      Scope             `json:"scope,omitzero"`
	Tags       map[string]string `json:"tags,omitempty"`
	Attributes map[string]any    `json:"attributes,omitempty"`
	Evidence   []EvidenceRef     `json:"evidence,omitempty"`
}

// ErrorLine is an error message as a CollectError keeps it: its first line,
// trimmed, at most 400 bytes (a collector's error can hold a whole response).
func ErrorLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 400 {
		s = s[:397] + "..."
	}
	return s
}

// CollectError records something a collector could not see. It never becomes a
// resource: the checks over the resource types it names are not assessed.
type CollectError struct {
	Collector string `json:"collector"`
	Account   string `json:"account,omitempty"`
	Region    string `json:"region,omitempty"`
	Service   string `json:"service,omitempty"`
	API       string `json:"api,omitempty"`
	Resource  string `json:"resource,omitempty"`
	// ResourceTypes lists the resource types the failure hid. Empty means every
	// type its run covers.
	ResourceTypes []string `json:"resource_types,omitempty"`
	Message       string   `json:"message"`
}

// Run statuses of a collector.
const (
	RunOK      = "ok"
	RunPartial = "partial"
	RunFailed  = "failed"
)

// CollectorRun is one collector's pass over one scope.
type CollectorRun struct {
	Collector string         `json:"collector"`
	Scope     string         `json:"scope"`
	Started   time.Time      `json:"started,omitzero"`
	Ended     time.Time      `json:"ended,omitzero"`
	Status    string         `json:"status"`
	Errors    []CollectError `json:"errors,omitempty"`
	APICalls  map[string]int `json:"api_calls,omitempty"`
	// Covers lists the resource types (glob patterns, Glob) the run collects;
	// empty means those its collector's registration covers
	// (collectors.Registry.Covering). A check over a type no run covers is not
	// assessed.
	Covers []string `json:"covers,omitempty"`
	// Evidence is the raw evidence of the run that no resource cites: who the
	// caller was, which regions were listed, listings that found nothing.
	Evidence []EvidenceRef `json:"evidence,omitempty"`
}

// Facts is everything collected in one scan: the input of evaluation.
type Facts struct {
	Tool        Version        `json:"tool"`
	Catalogue   Version        `json:"catalogue,omitzero"`
	CollectedAt time.Time      `json:"collected_at,omitzero"`
	Runs        []CollectorRun `json:"runs"`
	Resources   []Resource     `json:"resources"`
}

// AsOf is the moment the facts describe: the collection time, else the latest run end.
func (f *Facts) AsOf() time.Time {
	if !f.CollectedAt.IsZero() {
		return f.CollectedAt.UTC()
	}
	var t time.Time
	for _, r := range f.Runs {
		if r.Ended.After(t) {
			t = r.Ended
		}
	}
	return t.UTC()
}

// Normalize sorts resources by ID and runs by collector and scope so that the same
// facts always serialise to the same bytes.
func (f *Facts) Normalize() {
	// Facts read back are usually sorted already: check first, a stable sort of
	// sorted data changes nothing.
	if !sort.SliceIsSorted(f.Resources, func(i, j int) bool { return f.Resources[i].ID < f.Resources[j].ID }) {
		sort.SliceStable(f.Resources, func(i, j int) bool { return f.Resources[i].ID < f.Resources[j].ID })
	}
	sort.SliceStable(f.Runs, func(i, j int) bool {
		a, b := f.Runs[i], f.Runs[j]
		if a.Collector != b.Collector {
			return a.Collector < b.Collector
		}
		return a.Scope < b.Scope
	})
	if f.Runs == nil {
		f.Runs = []CollectorRun{}
	}
	if f.Resources == nil {
		f.Resources = []Resource{}
	}
}

// Validate checks what the schema cannot: unique, non-empty IDs and types, known run statuses.
func (f *Facts) Validate() error {
	seen := make(map[string]struct{}, len(f.Resources))
	for i, r := range f.Resources {
		if r.ID == "" {
			return fmt.Errorf("resources[%d]: missing id", i)
		}
		if r.Type == "" {
			return fmt.Errorf("resource %s: missing type", r.ID)
		}
		if _, dup := seen[r.ID]; dup {
			return fmt.Errorf("resource %s: duplicate id", r.ID)
		}
		seen[r.ID] = struct{}{}
	}
	for i, run := range f.Runs {
		if run.Collector == "" {
			return fmt.Errorf("runs[%d]: missing collector", i)
		}
		switch run.Status {
		case RunOK, RunPartial, RunFailed:
		default:
			return fmt.Errorf("runs[%d] (%s %s): unknown status %q (want ok, partial or failed)", i, run.Collector, run.Scope, run.Status)
		}
		if run.Status == RunOK && len(run.Errors) > 0 {
			return fmt.Errorf("runs[%d] (%s %s): status ok but %d errors recorded", i, run.Collector, run.Scope, len(run.Errors))
		}
	}
	return nil
}

// ReadFactsFile reads, validates and normalises a facts file; errors name the file.
// It must be a regular file: a FIFO, a directory or a device such as /dev/zero is
// refused at once (limits.Open). Facts have no size limit.
func ReadFactsFile(path string) (*Facts, error) {
	f, err := limits.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Room for the whole file at once, as os.ReadFile makes, but not on the
	// word of a (sparse) file claiming more than 1 GiB.
	var buf bytes.Buffer
	if st, err := f.Stat(); err == nil && st.Size() > 0 && st.Size() <= 1<<30 {
		buf.Grow(int(st.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(f); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return DecodeFactsBytes(buf.Bytes(), path)
}

// DecodeFacts decodes facts JSON; name is used in error messages.
func DecodeFacts(r io.Reader, name string) (*Facts, error) {
	data, err := io.ReadAll(bufio.NewReader(r))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return DecodeFactsBytes(data, name)
}

// DecodeFactsBytes is DecodeFacts over bytes already read.
func DecodeFactsBytes(data []byte, name string) (*Facts, error) {
	f, ok := decodeFactsParallel(data)
	if !ok {
		f = &Facts{}
		if err := DecodeJSONStrict(data, f); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f.Normalize()
	return f, nil
}

// DecodeJSONStrict decodes one JSON value into v, rejecting unknown fields and
// trailing data, and reporting syntax errors with a line number.
func DecodeJSONStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(data, err)
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("line %d: %s", lineOf(data, syn.Offset), firstLine(syn.Error()))
	case errors.As(err, &typ):
		return fmt.Errorf("line %d: %s", lineOf(data, typ.Offset), firstLine(typ.Error()))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("unexpected end of JSON input")
	}
	return errors.New(firstLine(err.Error()))
}

func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// WriteJSON writes v as indented JSON with a trailing newline. Map keys come out
// sorted, so the same value always gives the same bytes.
func WriteJSON(w io.Writer, v any) error {
	if f, ok := v.(*Facts); ok {
		return writeFactsJSON(w, f) // the same bytes, sooner
	}
	return writeJSON(w, v)
}
