package locust

import "math"

// ResponseTimeBucket is the key under which Locust counts a response time of ms
// milliseconds, so a master merges our histogram with its own and every other worker's:
// below 100 ms the nearest whole millisecond, below 1 s the nearest 10 ms, below 10 s the
// nearest 100 ms, beyond that the nearest second. Ties go to the even neighbour, as
// Python's round() does (2.5 -> 2, 125 -> 120, 135 -> 140).
func ResponseTimeBucket(ms float64) int64 {
	switch {
	case math.IsNaN(ms) || ms <= 0:
		return 0
	case ms < 100:
		return int64(math.RoundToEven(ms))
	case ms < 1000:
		return roundToUnit(ms, 10)
	case ms < 10000:
		return roundToUnit(ms, 100)
	}
	return roundToUnit(ms, 1000)
}

// roundToUnit rounds x to a multiple of unit, ties to the even multiple, deciding on x's
// exact binary value (as Python's round(x, -n) does) rather than on x/unit, whose own
// rounding could turn 124.99999999999999 into a tie.
func roundToUnit(x float64, unit int64) int64 {
	u := float64(unit)
	q := math.Floor(x / u)
	// x/u is rounded: make q*u <= x < (q+1)*u hold exactly.
	for q*u > x {
		q--
	}
	for (q+1)*u <= x {
		q++
	}
	// x and q*u are within a factor of two of each other, so the difference is exact.
	rest := x - q*u
	switch half := u / 2; {
	case rest > half:
		q++
	case rest == half && math.Mod(q, 2) != 0:
		q++
	}
	return int64(q) * unit
}
