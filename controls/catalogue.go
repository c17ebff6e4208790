// Package controls holds the framework catalogues as data, the loaders for
// attestations and waivers, and the roll-up from findings to requirement status,
// framework results and risk scores.
package controls

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sdescan/sdescan/checks/limits"
)

//go:embed frameworks/*.yaml
var frameworksFS embed.FS

// Vocabularies a framework can report in.
const (
	VocabSDE             = "sde"
	VocabDSPT            = "dspt"
	VocabCAF             = "caf"
	VocabSATRE           = "satre"
	VocabFiveSafes       = "five-safes"
	VocabCyberEssentials = "cyber-essentials"
)

var vocabularies = map[string]bool{VocabSDE: true, VocabDSPT: true, VocabCAF: true, VocabSATRE: true, VocabFiveSafes: true, VocabCyberEssentials: true}

var (
	safes       = map[string]bool{"people": true, "projects": true, "settings": true, "data": true, "outputs": true}
	importances = map[string]bool{"Mandatory": true, "Mandatory*": true, "Recommended": true, "Optional": true}
	kindIDRE    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Framework is one accreditation framework as data.
type Framework struct {
	ID           string        `yaml:"id" json:"id"`
	Title        string        `yaml:"title" json:"title"`
	Version      string        `yaml:"version" json:"version"`
	Source       string        `yaml:"source" json:"source"`
	Publisher    string        `yaml:"publisher" json:"publisher"`
	Licence      string        `yaml:"licence" json:"licence"`
	Attribution  string        `yaml:"attribution,omitempty" json:"attribution,omitempty"`
	Notes        string        `yaml:"notes,omitempty" json:"notes,omitempty"`
	Vocabulary   string        `yaml:"vocabulary" json:"vocabulary"`
	Groups       []Group       `yaml:"groups,omitempty" json:"groups,omitempty"`
	Requirements []Requirement `yaml:"requirements" json:"requirements"`

	// File is where the framework was read from.
	File string `yaml:"-" json:"-"`
}

// Group is a level of hierarchy: a SATRE pillar or capability, a CAF objective or principle.
type Group struct {
	ID     string `yaml:"id" json:"id"`
	Title  string `yaml:"title" json:"title"`
	Parent string `yaml:"parent,omitempty" json:"parent,omitempty"`
}

// Requirement is one guideline, standard, outcome or statement of a framework.
type Requirement struct {
	ID           string   `yaml:"id" json:"id"`
	Title        string   `yaml:"title" json:"title"`
	Description  string   `yaml:"description,omitempty" json:"description,omitempty"`
	Group        string   `yaml:"group,omitempty" json:"group,omitempty"`
	Safe         string   `yaml:"safe,omitempty" json:"safe,omitempty"`
	Importance   string   `yaml:"importance,omitempty" json:"importance,omitempty"`
	Final        []string `yaml:"final,omitempty" json:"final,omitempty"`
	Checks       []string `yaml:"checks,omitempty" json:"checks,omitempty"`
	Attestations []string `yaml:"attestations,omitempty" json:"attestations,omitempty"`
}

// AttestationKind is a kind of human evidence a requirement can ask for.
type AttestationKind struct {
	ID       string `yaml:"id" json:"id"`
	Title    string `yaml:"title" json:"title"`
	Question string `yaml:"question" json:"question"`
	// MaxAgeDays: an attestation older than this is expired; 0 means it never expires.
	MaxAgeDays *int `yaml:"max_age_days" json:"max_age_days"`
}

// Catalogue is every framework and attestation kind sdescan assesses against.
type Catalogue struct {
	Frameworks []*Framework
	Kinds      map[string]*AttestationKind
	byID       map[string]*Framework
}

// Framework returns a framework by ID.
func (c *Catalogue) Framework(id string) (*Framework, bool) {
	f, ok := c.byID[id]
	return f, ok
}

// CheckResolver maps a check ID or alias as written in a catalogue or waiver to the
// canonical check ID; ok is false for an unknown ID.
type CheckResolver func(id string) (canonical string, ok bool)

// LoadBuiltin loads the embedded catalogue and validates every check ID it cites.
func LoadBuiltin(resolve CheckResolver) (*Catalogue, error) {
	sub, err := fs.Sub(frameworksFS, "frameworks")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub, "builtin", resolve)
}

// LoadFS loads attestations.yaml and every framework file of a directory tree.
// Mapping overlays (*.mapping.yaml) are generator inputs and are skipped.
func LoadFS(fsys fs.FS, name string, resolve CheckResolver) (*Catalogue, error) {
	cat, err := loadFS(fsys, name, resolve)
	return cat, oneLine(err)
}

func loadFS(fsys fs.FS, name string, resolve CheckResolver) (*Catalogue, error) {
	cat := &Catalogue{Kinds: map[string]*AttestationKind{}, byID: map[string]*Framework{}}
	data, err := limits.ReadFSNamed(fsys, "attestations.yaml", path.Join(name, "attestations.yaml"), limits.Framework)
	if err != nil {
		return nil, err
	}
	kinds, err := ParseAttestationKinds(data, path.Join(name, "attestations.yaml"))
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		cat.Kinds[k.ID] = k
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".yaml") || n == "attestations.yaml" || strings.HasSuffix(n, ".mapping.yaml") {
			continue
		}
		file := path.Join(name, n)
		data, err := limits.ReadFSNamed(fsys, n, file, limits.Framework)
		if err != nil {
			return nil, err
		}
		fw, err := ParseFramework(data, file)
		if err != nil {
			return nil, err
		}
		if err := cat.add(fw, resolve); err != nil {
			return nil, err
		}
	}
	if len(cat.Frameworks) == 0 {
		return nil, fmt.Errorf("%s: no framework files", name)
	}
	return cat, nil
}

// Add validates a framework's references against the catalogue's attestation kinds
// and the checks, canonicalises its check IDs, and adds it.
func (c *Catalogue) Add(fw *Framework, resolve CheckResolver) error {
	return oneLine(c.add(fw, resolve))
}

func (c *Catalogue) add(fw *Framework, resolve CheckResolver) error {
	if c.byID == nil { // a Catalogue built by hand, not by LoadFS
		c.byID = map[string]*Framework{}
		for _, f := range c.Frameworks {
			c.byID[f.ID] = f
		}
	}
	if _, dup := c.byID[fw.ID]; dup {
		return fmt.Errorf("%s: framework id %s is already defined in %s", fw.File, fw.ID, c.byID[fw.ID].File)
	}
	for i := range fw.Requirements {
		r := &fw.Requirements[i]
		seen := map[string]bool{}
		out := make([]string, 0, len(r.Checks))
		for _, id := range r.Checks {
			canon, ok := id, true
			if resolve != nil {
				canon, ok = resolve(id)
			}
			if !ok {
				return fmt.Errorf("%s: requirement %s cites unknown check %s", fw.File, r.ID, id)
			}
			if !seen[canon] {
				seen[canon] = true
				out = append(out, canon)
			}
		}
		r.Checks = out
		for _, a := range r.Attestations {
			if _, ok := c.Kinds[a]; !ok {
				return fmt.Errorf("%s: requirement %s cites unknown attestation kind %s (see attestations.yaml)", fw.File, r.ID, a)
			}
		}
	}
	c.Frameworks = append(c.Frameworks, fw)
	sort.Slice(c.Frameworks, func(i, j int) bool { return frameworkOrder(c.Frameworks[i].ID) < frameworkOrder(c.Frameworks[j].ID) })
	c.byID[fw.ID] = fw
	return nil
}

// builtinOrder lists the shipped frameworks in the order reports show them.
var builtinOrder = []string{"sde-2022", "sde-draft-2022", "dspt-ndg", "dspt-caf", "five-safes", "cyber-essentials", "satre-v2"}

func frameworkOrder(id string) string {
	for i, b := range builtinOrder {
		if b == id {
			return fmt.Sprintf("%02d", i)
		}
	}
	return "99" + id
}

// DecodeYAMLStrict decodes exactly one YAML document into v, rejecting unknown
// keys; its errors are one line without yaml.v3's prefix.
//
// The document is first parsed into a node tree, which keeps aliases as
// references, and refused when its aliases would expand past
// limits.YAMLExpansion; only then is it decoded (a yaml.Node cannot decode with
// KnownFields, so the text is parsed twice: both passes are linear in its size).
func DecodeYAMLStrict(data []byte, v any) error {
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
	if err := limits.Aliases(&root, limits.YAMLExpansion); err != nil {
		return err
	}
	dec = yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return yamlError(err)
	}
	return nil
}

// yamlError gives yaml.v3's error on one line without its "yaml: " prefix.
func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return errors.New(strings.TrimPrefix(te.Errors[0], "yaml: "))
	}
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return errors.New(s)
}

// oneLine keeps an error on one line: ids, keys and values quoted from a file
// may hold line breaks, which are shown escaped. The original error stays
// reachable with errors.Is/As.
func oneLine(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if !strings.ContainsAny(msg, "\r\n") {
		return err
	}
	return &lineError{msg: lineBreaks.Replace(msg), err: err}
}

var lineBreaks = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`)

type lineError struct {
	msg string
	err error
}

func (e *lineError) Error() string { return e.msg }
func (e *lineError) Unwrap() error { return e.err }

// ParseAttestationKinds parses the attestation-kind catalogue.
func ParseAttestationKinds(data []byte, file string) ([]*AttestationKind, error) {
	kinds, err := parseAttestationKinds(data, file)
	return kinds, oneLine(err)
}

func parseAttestationKinds(data []byte, file string) ([]*AttestationKind, error) {
	var doc struct {
		Attestations []*AttestationKind `yaml:"attestations"`
	}
	if err := DecodeYAMLStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	seen := map[string]bool{}
	for i, k := range doc.Attestations {
		switch {
		case k == nil:
			return nil, fmt.Errorf("%s: attestations[%d] is empty", file, i)
		case !kindIDRE.MatchString(k.ID):
			return nil, fmt.Errorf("%s: attestations[%d]: id %q must be lower-case words joined by hyphens", file, i, k.ID)
		case k.Title == "" || k.Question == "":
			return nil, fmt.Errorf("%s: attestation kind %s needs a title and a question", file, k.ID)
		case k.MaxAgeDays == nil || *k.MaxAgeDays < 0:
			return nil, fmt.Errorf("%s: attestation kind %s needs max_age_days >= 0 (0 = never expires)", file, k.ID)
		case seen[k.ID]:
			return nil, fmt.Errorf("%s: duplicate attestation kind %s", file, k.ID)
		}
		seen[k.ID] = true
	}
	if len(doc.Attestations) == 0 {
		return nil, fmt.Errorf("%s: no attestation kinds", file)
	}
	return doc.Attestations, nil
}

// ParseFramework parses and validates one framework file (not its check IDs: see Catalogue.Add).
func ParseFramework(data []byte, file string) (*Framework, error) {
	fw, err := parseFramework(data, file)
	return fw, oneLine(err)
}

func parseFramework(data []byte, file string) (*Framework, error) {
	var fw Framework
	if err := DecodeYAMLStrict(data, &fw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	fw.File = file
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", file, fmt.Sprintf(format, args...))
	}
	switch {
	case !kindIDRE.MatchString(fw.ID):
		return nil, bad("framework id %q must be lower-case words joined by hyphens", fw.ID)
	case fw.Title == "" || fw.Version == "" || fw.Source == "":
		return nil, bad("framework %s needs a title, version and source", fw.ID)
	case !vocabularies[fw.Vocabulary]:
		return nil, bad("framework %s: unknown vocabulary %q (want sde, dspt, caf, satre, five-safes or cyber-essentials)", fw.ID, fw.Vocabulary)
	case len(fw.Requirements) == 0:
		return nil, bad("framework %s has no requirements", fw.ID)
	}
	groups := map[string]bool{}
	for _, g := range fw.Groups {
		if g.ID == "" || g.Title == "" {
			return nil, bad("group without id or title")
		}
		if groups[g.ID] {
			return nil, bad("duplicate group %s", g.ID)
		}
		if g.Parent != "" && !groups[g.Parent] {
			return nil, bad("group %s: parent %s is not defined before it", g.ID, g.Parent)
		}
		groups[g.ID] = true
	}
	seen := map[string]bool{}
	for i, r := range fw.Requirements {
		switch {
		case strings.TrimSpace(r.ID) == "":
			return nil, bad("requirements[%d] has no id", i)
		case seen[r.ID]:
			return nil, bad("duplicate requirement id %s", r.ID)
		case r.Title == "":
			return nil, bad("requirement %s has no title", r.ID)
		case r.Group != "" && !groups[r.Group]:
			return nil, bad("requirement %s: unknown group %s", r.ID, r.Group)
		case r.Safe != "" && !safes[r.Safe]:
			return nil, bad("requirement %s: unknown safe %q (want people, projects, settings, data or outputs)", r.ID, r.Safe)
		case r.Importance != "" && !importances[r.Importance]:
			return nil, bad("requirement %s: unknown importance %q", r.ID, r.Importance)
		case fw.Vocabulary == VocabSATRE && r.Importance == "":
			return nil, bad("requirement %s: SATRE statements need an importance", r.ID)
		}
		seen[r.ID] = true
	}
	return &fw, nil
}
