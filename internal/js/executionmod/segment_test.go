package executionmod

import (
	"slices"
	"testing"
)

// vu.idInTest: each instance's VUs 1, 2, ... are the test's VUs its segment owns, so the three
// thirds of a 7-VU test number their VUs 1 to 7 between them, once each.
func TestSegmentVUIDs(t *testing.T) {
	var all []uint64
	for _, seg := range []string{"0:1/3", "1/3:2/3", "2/3:1"} {
		ids := newSegmentIDs([]byte(`{"executionSegment":"` + seg + `","executionSegmentSequence":"0,1/3,2/3,1"}`))
		if ids.vuID(0) != 0 {
			t.Errorf("%s: the service VU 0 became %d", seg, ids.vuID(0))
		}
		n := map[string]uint64{"0:1/3": 3, "1/3:2/3": 2, "2/3:1": 2}[seg]
		for id := uint64(1); id <= n; id++ {
			all = append(all, ids.vuID(id))
		}
	}
	slices.Sort(all)
	if !slices.Equal(all, []uint64{1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("idInTest over the thirds: %v, want 1 to 7", all)
	}
	for _, raw := range []string{`{}`, `{"vus":3}`, `not json`} {
		if got := newSegmentIDs([]byte(raw)).vuID(4); got != 4 {
			t.Errorf("%s: vuID(4) = %d, want 4 (the whole test)", raw, got)
		}
	}
}
