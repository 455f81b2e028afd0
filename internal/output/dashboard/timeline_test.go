package dashboard

import (
	"testing"
)

// checkTimeline checks the timeline's invariants: at most max buckets, in order, not
// overlapping, levels never rising from old to new, the level counts right.
func checkTimeline(t *testing.T, tl *timeline) {
	t.Helper()
	if len(tl.buckets) > tl.max {
		t.Fatalf("%d buckets, max %d", len(tl.buckets), tl.max)
	}
	var levels [64]int
	for i, b := range tl.buckets {
		levels[b.level]++
		if b.end <= b.start {
			t.Fatalf("bucket %d covers [%d, %d)", i, b.start, b.end)
		}
		if i > 0 {
			p := tl.buckets[i-1]
			if b.start < p.end {
				t.Fatalf("bucket %d [%d, %d) overlaps bucket %d [%d, %d)", i, b.start, b.end, i-1, p.start, p.end)
			}
			if b.level > p.level {
				t.Fatalf("bucket %d has level %d after level %d", i, b.level, p.level)
			}
		}
	}
	if levels != tl.levels {
		t.Fatalf("level counts %v, buckets say %v", tl.levels[:8], levels[:8])
	}
}

// TestTimelineDayLongRunStaysBounded feeds a day of one-second periods, a query in each,
// into a timeline of at most 600 buckets.
func TestTimelineDayLongRunStaysBounded(t *testing.T) {
	const day = 86400
	tl := timeline{max: 600}
	for p := range int64(day) {
		b := tl.at(p)
		b.queries++
		b.name(0).count++
		if p%1000 == 0 {
			checkTimeline(t, &tl)
		}
	}
	checkTimeline(t, &tl)
	var total uint64
	for i, b := range tl.buckets {
		total += b.queries
		if b.queries != uint64(b.end-b.start) || b.names[0].count != b.queries {
			t.Fatalf("bucket %d [%d, %d) counts %d queries", i, b.start, b.end, b.queries)
		}
		if i > 0 && b.start != tl.buckets[i-1].end {
			t.Fatalf("gap before bucket %d although every period had a sample", i)
		}
	}
	if total != day || tl.buckets[0].start != 0 || tl.buckets[len(tl.buckets)-1].end != day {
		t.Fatalf("the buckets cover [%d, %d) with %d queries, want [0, %d) with %d",
			tl.buckets[0].start, tl.buckets[len(tl.buckets)-1].end, total, day, day)
	}
	// The newest stretch keeps full resolution; the oldest buckets are the coarsest.
	fine := 0
	for i := len(tl.buckets) - 1; i >= 0 && tl.buckets[i].level == 0; i-- {
		fine++
	}
	if fine < 30 {
		t.Errorf("only the last %d periods are at full resolution", fine)
	}
	oldest := tl.buckets[0]
	t.Logf("%d buckets; newest %d at 1 period; oldest covers %d periods (level %d)",
		len(tl.buckets), fine, oldest.end-oldest.start, oldest.level)
	if oldest.end-oldest.start > day/20 {
		t.Errorf("the oldest bucket covers %d periods: resolution should fall off gradually", oldest.end-oldest.start)
	}
}

func TestTimelineKeepsEveryPeriodWhileItFits(t *testing.T) {
	tl := timeline{max: 64}
	for p := range int64(64) {
		tl.at(p).queries++
	}
	checkTimeline(t, &tl)
	for i, b := range tl.buckets {
		if b.start != int64(i) || b.level != 0 {
			t.Fatalf("bucket %d is [%d, %d) at level %d: nothing should merge before max", i, b.start, b.end, b.level)
		}
	}
	tl.at(64).queries++
	if len(tl.buckets) != 64 || tl.buckets[0].end != 2 || tl.buckets[0].queries != 2 {
		t.Fatalf("the 65th period should merge the two oldest: first bucket [%d, %d) with %d",
			tl.buckets[0].start, tl.buckets[0].end, tl.buckets[0].queries)
	}
}

func TestTimelineGapsAndLateSamples(t *testing.T) {
	tl := timeline{max: 64}
	tl.at(5).queries++ // the first sample fixes nothing: buckets start where samples are
	tl.at(6).queries++
	tl.at(10).queries++
	tl.at(8).queries++ // late, in the gap: counted with the bucket before it
	tl.at(2).queries++ // before the first bucket: counted in the first
	tl.at(10).queries++
	checkTimeline(t, &tl)
	type span struct {
		start, end int64
		n          uint64
	}
	var got []span
	for _, b := range tl.buckets {
		got = append(got, span{b.start, b.end, b.queries})
	}
	want := []span{{5, 6, 2}, {6, 7, 2}, {10, 11, 2}}
	if len(got) != len(want) {
		t.Fatalf("buckets %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("buckets %v, want %v", got, want)
		}
	}
	// Merging across a gap spans it, so the merged bucket's rate is over the whole stretch.
	sparse := timeline{max: 64}
	for p := range int64(200) {
		sparse.at(p*3).queries++
	}
	checkTimeline(t, &sparse)
	var total uint64
	for _, b := range sparse.buckets {
		total += b.queries
	}
	if total != 200 || sparse.buckets[len(sparse.buckets)-1].end != 199*3+1 {
		t.Fatalf("%d queries, last bucket ends at %d", total, sparse.buckets[len(sparse.buckets)-1].end)
	}
}
