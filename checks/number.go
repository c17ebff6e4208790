package checks

import "math"

// Number is an attribute value as a number, whatever Go type holds it: a
// collector writes int, int32 or int64 where decoded facts hold float64. NaN
// and non-numbers are not numbers (ok false).
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		if math.IsNaN(n) {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// Int is Number truncated to an int.
func Int(v any) (int, bool) {
	f, ok := Number(v)
	return int(f), ok
}
