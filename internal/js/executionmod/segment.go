package executionmod

import (
	"encoding/json"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// segmentIDs turns an instance's VU numbers into test-wide ones (vu.idInTest), as k6 does under
// an execution segment: the instance's VUs 1, 2, 3 ... are the VUs of the test its segment owns,
// so no two instances of a sequence share an idInTest. A nil one is the whole test.
type segmentIDs struct {
	tuple *options.Tuple
}

// newSegmentIDs reads the execution segment options from the run's resolved options (JSON); the
// run has checked them already, so anything unreadable counts as the whole test.
func newSegmentIDs(raw []byte) *segmentIDs {
	var o struct {
		Segment  string `json:"executionSegment"`
		Sequence string `json:"executionSegmentSequence"`
	}
	if json.Unmarshal(raw, &o) != nil {
		return &segmentIDs{}
	}
	t, err := options.ParseTuple(o.Segment, o.Sequence)
	if err != nil {
		return &segmentIDs{}
	}
	return &segmentIDs{tuple: t}
}

// vuID is the test-wide number of the instance's VU id (from 1; 0, a VU that only runs setup,
// teardown or the options, stays 0).
func (s *segmentIDs) vuID(id uint64) uint64 {
	if s == nil || s.tuple == nil || id == 0 {
		return id
	}
	return uint64(s.tuple.Global(int64(id)-1)) + 1
}
