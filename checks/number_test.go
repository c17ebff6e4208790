package checks

import (
	"math"
	"testing"
)

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want float64
		ok   bool
	}{
		{3, 3, true}, {int32(4), 4, true}, {int64(5), 5, true}, {6.5, 6.5, true},
		{math.NaN(), 0, false}, {"7", 0, false}, {nil, 0, false}, {true, 0, false},
	} {
		got, ok := Number(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Number(%v) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if n, ok := Int(6.9); n != 6 || !ok {
		t.Errorf("Int(6.9) = %d, %v", n, ok)
	}
}
