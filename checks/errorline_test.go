package checks

import (
	"strings"
	"testing"
)

func TestErrorLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"AccessDenied: not allowed", "AccessDenied: not allowed"},
		{"  padded \n", "padded"},
		{"first line\nsecond line\nthird", "first line"},
		{strings.Repeat("x", 500), strings.Repeat("x", 397) + "..."},
		{"", ""},
	} {
		if got := ErrorLine(tc.in); got != tc.want {
			t.Errorf("ErrorLine(%.40q) = %.40q, want %.40q", tc.in, got, tc.want)
		}
	}
}
