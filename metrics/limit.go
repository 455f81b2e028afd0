package metrics

// Other is the value that names, check names and tag values past a cap are folded into, so
// that a script naming things after their parameters cannot grow the run's state without
// bound.
const Other = "(other)"

// Caps on distinct values, shared by the engine and the outputs that keep state per name or
// per tag set.
const (
	// MaxDistinctValues is how many distinct values one tag key (a query name, a check name,
	// any tag) may take before new ones fold into Other.
	MaxDistinctValues = 1000
	// MaxDistinctKeys is how many distinct tag keys a TagLimiter admits; tags with further
	// keys are left out.
	MaxDistinctKeys = 256
)

// TagLimiter folds tag sets so that each key keeps at most a fixed number of distinct values:
// the first ones seen pass unchanged, later new ones become Other. Keys past MaxDistinctKeys
// are dropped. A value admitted once stays admitted, so a tag set always folds the same way.
// Not safe for concurrent use.
type TagLimiter struct {
	maxValues int
	// admitted holds every (key, value) let through: the common case, a value seen before,
	// is one map look-up per tag and no allocation.
	admitted map[Tag]struct{}
	counts   map[string]int  // distinct values admitted per key
	full     map[string]bool // keys whose cap was reached (at most MaxDistinctKeys)
	keysFull bool            // whether a key past MaxDistinctKeys was dropped
	// OnCap, when set, is called once per key, the first time one of its values is folded,
	// and once for the first key dropped past MaxDistinctKeys (limit is then that cap), so
	// the caller can warn once, naming the cap.
	OnCap func(key string, limit int)
}

// NewTagLimiter returns a limiter keeping maxValues distinct values per key (MaxDistinctValues
// when maxValues <= 0).
func NewTagLimiter(maxValues int) *TagLimiter {
	if maxValues <= 0 {
		maxValues = MaxDistinctValues
	}
	return &TagLimiter{maxValues: maxValues, admitted: map[Tag]struct{}{}, counts: map[string]int{}, full: map[string]bool{}}
}

// Limit returns ts folded: ts itself when every value is within its key's cap.
func (l *TagLimiter) Limit(ts *TagSet) *TagSet {
	tags := ts.Tags()
	i := 0
	for ; i < len(tags); i++ {
		if _, ok := l.admitted[tags[i]]; !ok {
			break
		}
	}
	if i == len(tags) {
		return ts
	}
	var kept []Tag // made only when a tag changes
	for ; i < len(tags); i++ {
		t := tags[i]
		v, keep := l.admit(t.Key, t.Value)
		if kept == nil && (!keep || v != t.Value) {
			kept = make([]Tag, i, len(tags))
			copy(kept, tags[:i])
		}
		if kept != nil && keep {
			kept = append(kept, Tag{t.Key, v})
		}
	}
	if kept == nil {
		return ts
	}
	return &TagSet{tags: kept} // still sorted: keys kept in order, none added
}

// Value folds one value of key as Limit would, for callers that key state by a single tag.
func (l *TagLimiter) Value(key, value string) string {
	v, keep := l.admit(key, value)
	if !keep {
		return Other
	}
	return v
}

// admit returns what value becomes under key's cap, and false when the key itself is past
// MaxDistinctKeys.
func (l *TagLimiter) admit(key, value string) (string, bool) {
	if _, ok := l.admitted[Tag{key, value}]; ok {
		return value, true
	}
	n, known := l.counts[key]
	if !known && len(l.counts) >= MaxDistinctKeys {
		if !l.keysFull {
			l.keysFull = true
			if l.OnCap != nil {
				l.OnCap(key, MaxDistinctKeys)
			}
		}
		return "", false
	}
	if n >= l.maxValues && value != Other {
		if !l.full[key] {
			l.full[key] = true
			if l.OnCap != nil {
				l.OnCap(key, l.maxValues)
			}
		}
		return Other, true
	}
	l.admitted[Tag{key, value}] = struct{}{}
	l.counts[key] = n + 1
	return value, true
}

// Len is the number of distinct values admitted for key.
func (l *TagLimiter) Len(key string) int { return l.counts[key] }
