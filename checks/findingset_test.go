package checks

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"
)

// someFindings makes n findings with unique (check, resource) pairs, in a
// shuffled order, and the same sorted.
func someFindings(n int, seed uint64) (shuffled, sorted []Finding) {
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range n {
		f := Finding{
			CheckID:      fmt.Sprintf("AWS-S3-%03d", i%7),
			ResourceID:   fmt.Sprintf("arn:aws:s3:::bucket-%06d", i),
			ResourceType: "aws.s3.bucket",
			Status:       []Status{Pass, Fail, Error}[i%3],
			Severity:     []Severity{Critical, High, Medium}[i%3],
		}
		switch i % 4 {
		case 0: // nil messages stay nil
		case 1:
			f.Messages = []string{}
		default:
			f.Messages = []string{fmt.Sprintf("bucket-%06d is public", i), "ünïcode ✓"}
		}
		if i%5 == 0 {
			f.Classification = "identifiable"
		}
		shuffled = append(shuffled, f)
	}
	sorted = slices.Clone(shuffled)
	slices.SortFunc(sorted, CompareFindings)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	return shuffled, sorted
}

func TestFindingSet(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		budget  int
		batch   int
		spilled bool
	}{
		{"empty", 0, 1, 10, false},
		{"never spills without a budget", 5000, 0, 100, false},
		{"under budget stays in memory", 100, 1 << 20, 7, false},
		{"spills many runs", 5000, 4096, 37, true},
		{"spills every add", 300, 1, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			in, want := someFindings(tc.n, uint64(tc.n))
			s := NewFindingSet(tc.budget)
			// From several goroutines, as the engine's workers add them.
			var wg sync.WaitGroup
			for start := 0; start < len(in); start += tc.batch {
				wg.Go(func() {
					if err := s.Add(in[start:min(start+tc.batch, len(in))]); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if err := s.Finish(); err != nil {
				t.Fatal(err)
			}
			if s.Spilled() != tc.spilled || s.Len() != tc.n {
				t.Fatalf("spilled %v, len %d; want %v, %d", s.Spilled(), s.Len(), tc.spilled, tc.n)
			}
			for pass := range 2 { // All may be ranged over again
				got := slices.Collect(s.All())
				if len(got) == 0 {
					got = nil
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("pass %d: %d findings, not the %d added in order", pass, len(got), len(want))
				}
			}
			// Stopping early is fine.
			for range s.All() {
				break
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// Findings of one check and resource (recorded results may repeat a pair) are
// ordered by the rest of their content, however they were added, across
// spilled runs too.
func TestFindingSetOrdersEqualPairsByContent(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var want []Finding
	for i := range 20 {
		want = append(want, Finding{CheckID: "T-1", ResourceID: "r", Messages: []string{fmt.Sprintf("%02d", i)}})
	}
	want = append([]Finding{{CheckID: "T-1", ResourceID: "r"}, {CheckID: "T-1", ResourceID: "r", Messages: []string{}}}, want...)
	for _, budget := range []int{0, 1} {
		s := NewFindingSet(budget)
		for i := len(want) - 1; i >= 0; i-- {
			if err := s.Add([]Finding{want[i], {CheckID: "T-0", ResourceID: fmt.Sprint(i)}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Finish(); err != nil {
			t.Fatal(err)
		}
		var got []Finding
		for f := range s.All() {
			if f.CheckID == "T-1" {
				got = append(got, f)
			}
		}
		s.Close()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("budget %d: equal pairs in the order %v", budget, got)
		}
	}
}

// A spilled file that is damaged gives an error, never a short list taken for
// the whole.
func TestFindingSetReadError(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	in, _ := someFindings(500, 3)
	s := NewFindingSet(1024)
	if err := s.Add(in); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Spilled() {
		t.Fatal("not spilled")
	}
	if err := s.file.Truncate(s.off / 2); err != nil {
		t.Fatal(err)
	}
	n := 0
	for range s.All() {
		n++
	}
	if s.Err() == nil || n >= len(in) {
		t.Fatalf("read %d of %d findings from a truncated file, err %v", n, len(in), s.Err())
	}
	if _, err := s.Collect(); err == nil {
		t.Fatal("Collect: no error")
	}
}

func TestFindingSetOf(t *testing.T) {
	_, sorted := someFindings(50, 9)
	s := FindingSetOf(sorted)
	got, err := s.Collect()
	if err != nil || !reflect.DeepEqual(got, sorted) || s.Len() != 50 {
		t.Fatalf("got %d findings, err %v", len(got), err)
	}
	if err := s.Add(sorted[:1]); err == nil {
		t.Fatal("Add after Finish: no error")
	}
}

// WriteJSONArray writes what WriteJSON writes for the same slice as a member of
// an object, whatever its length (none, one piece, several).
func TestWriteJSONArray(t *testing.T) {
	for _, n := range []int{0, 1, jsonArrayChunk, 3*jsonArrayChunk + 5} {
		_, list := someFindings(n, 7)
		if list == nil {
			list = []Finding{}
		}
		var want bytes.Buffer
		if err := WriteJSON(&want, map[string]any{"a": 1, "findings": list, "z": "<&>"}); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		got.WriteString("{\n  \"a\": 1,\n  \"findings\": ")
		if err := WriteJSONArray(&got, slices.Values(list)); err != nil {
			t.Fatal(err)
		}
		got.WriteString(",\n  \"z\": \"<&>\"\n}\n")
		if got.String() != want.String() {
			t.Fatalf("%d findings: got\n%.400s\nwant\n%.400s", n, got.String(), want.String())
		}
	}
}
