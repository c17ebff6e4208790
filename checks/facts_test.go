package checks

import (
	"strings"
	"testing"
)

func TestFactsRoundTripStable(t *testing.T) {
	src := `{"tool":{"name":"sdescan","version":"1"},"collected_at":"2026-11-20T09:00:00Z","runs":[{"collector":"aws","scope":"1","status":"ok"}],"resources":[{"id":"b","type":"t","source":"s","attributes":{"z":1,"a":[true,null,"x"],"m":{"k":2.5}}},{"id":"a","type":"t","source":"s","tags":{"k":"v"}}]}`
	f, err := DecodeFacts(strings.NewReader(src), "in.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Resources[0].ID != "a" {
		t.Fatalf("resources not sorted: %v", f.Resources[0].ID)
	}
	var a, b strings.Builder
	if err := WriteJSON(&a, f); err != nil {
		t.Fatal(err)
	}
	f2, err := DecodeFacts(strings.NewReader(a.String()), "out.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&b, f2); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatalf("round trip not stable:\n%s\n%s", a.String(), b.String())
	}
}

func TestDecodeFactsErrors(t *testing.T) {
	cases := map[string]string{
		`{"resources":[{"id":"a","type":"t"},{"id":"a","type":"t"}]}`: "in.json: resource a: duplicate id",
		"{\n\"resources\": [\n{\"id\": 1}]}":                          "in.json: line 3:",
		`{"resources":[], "extra": 1}`:                                "in.json:",
		`{"runs":[{"collector":"aws","status":"fine"}]}`:              `unknown status "fine"`,
		`{"resources":[{"type":"t"}]}`:                                "missing id",
		`{"resources":[]} {}`:                                         "unexpected data",
		`{"runs":[{"collector":"aws","status":"ok","errors":[{"collector":"aws","message":"x"}]}]}`: "status ok but 1 errors",
	}
	for in, want := range cases {
		_, err := DecodeFacts(strings.NewReader(in), "in.json")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}
