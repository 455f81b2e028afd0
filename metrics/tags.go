package metrics

import (
	"slices"
	"strings"
)

// Tag is one key/value pair.
type Tag struct{ Key, Value string }

// TagSet is an immutable, sorted set of tags. The zero value and nil are the empty set. It is
// safe to share between goroutines; With returns a new set and leaves the receiver as it was.
type TagSet struct {
	tags []Tag
}

// NewTagSet builds a set from a map.
func NewTagSet(m map[string]string) *TagSet {
	ts := &TagSet{tags: make([]Tag, 0, len(m))}
	for k, v := range m {
		ts.tags = append(ts.tags, Tag{k, v})
	}
	slices.SortFunc(ts.tags, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	return ts
}

// With returns a copy with key set to value.
func (ts *TagSet) With(key, value string) *TagSet {
	var old []Tag
	if ts != nil {
		old = ts.tags
	}
	i, found := slices.BinarySearchFunc(old, key, func(t Tag, k string) int { return strings.Compare(t.Key, k) })
	if found && old[i].Value == value {
		return ts
	}
	n := &TagSet{tags: make([]Tag, 0, len(old)+1)}
	n.tags = append(n.tags, old[:i]...)
	n.tags = append(n.tags, Tag{key, value})
	if found {
		i++
	}
	n.tags = append(n.tags, old[i:]...)
	return n
}

// WithAll returns a copy with every tag of other set, other winning on equal keys.
func (ts *TagSet) WithAll(other *TagSet) *TagSet {
	if other.Len() == 0 {
		return ts
	}
	if ts.Len() == 0 {
		return other
	}
	out := ts
	for _, t := range other.tags {
		out = out.With(t.Key, t.Value)
	}
	return out
}

// WithMap is WithAll for a map.
func (ts *TagSet) WithMap(m map[string]string) *TagSet {
	out := ts
	for k, v := range m {
		out = out.With(k, v)
	}
	return out
}

// Get returns the value of key and whether it is set.
func (ts *TagSet) Get(key string) (string, bool) {
	if ts == nil {
		return "", false
	}
	i, found := slices.BinarySearchFunc(ts.tags, key, func(t Tag, k string) int { return strings.Compare(t.Key, k) })
	if !found {
		return "", false
	}
	return ts.tags[i].Value, true
}

// Len is the number of tags.
func (ts *TagSet) Len() int {
	if ts == nil {
		return 0
	}
	return len(ts.tags)
}

// Tags returns the tags in key order. The slice must not be modified.
func (ts *TagSet) Tags() []Tag {
	if ts == nil {
		return nil
	}
	return ts.tags
}

// Map returns the tags as a new map.
func (ts *TagSet) Map() map[string]string {
	m := make(map[string]string, ts.Len())
	for _, t := range ts.Tags() {
		m[t.Key] = t.Value
	}
	return m
}

// Contains reports whether every tag of sub is in ts with the same value; submetric
// selectors such as `neo4j_query_duration{name:q1}` match this way.
func (ts *TagSet) Contains(sub *TagSet) bool {
	for _, t := range sub.Tags() {
		if v, ok := ts.Get(t.Key); !ok || v != t.Value {
			return false
		}
	}
	return true
}

// String renders `{k:v, k2:v2}`, the form k6 uses in submetric names.
func (ts *TagSet) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, t := range ts.Tags() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.Key)
		b.WriteByte(':')
		b.WriteString(t.Value)
	}
	b.WriteByte('}')
	return b.String()
}

// Without returns a copy without key (the receiver when key is not set).
func (ts *TagSet) Without(key string) *TagSet {
	if ts == nil {
		return ts
	}
	i, found := slices.BinarySearchFunc(ts.tags, key, func(t Tag, k string) int { return strings.Compare(t.Key, k) })
	if !found {
		return ts
	}
	n := &TagSet{tags: make([]Tag, 0, len(ts.tags)-1)}
	n.tags = append(n.tags, ts.tags[:i]...)
	n.tags = append(n.tags, ts.tags[i+1:]...)
	return n
}
