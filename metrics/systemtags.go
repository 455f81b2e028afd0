package metrics

import (
	"fmt"
	"slices"
	"strings"
)

// k6SystemTags are the tag names k6's systemTags option (and --system-tags) accepts.
var k6SystemTags = []string{
	"check", "error", "error_code", "expected_response", "group", "iter", "ip", "method", "name",
	"ocsp_status", "proto", "scenario", "service", "status", "subproto", "tls_version", "url", "vu",
}

// DefaultSystemTags is k6's default for systemTags: every system tag but vu, iter, ip and
// ocsp_status.
var DefaultSystemTags = []string{
	"check", "error", "error_code", "expected_response", "group", "method", "name", "proto",
	"scenario", "service", "status", "subproto", "tls_version", "url",
}

// emittedSystemTags are the system tags this tool puts on samples: scenario (every VU
// sample), group and check (k6 module), name, status and error_code (neo4j queries). Only
// these can be turned off; the others k6 lists are accepted and mean nothing here.
var emittedSystemTags = []string{"check", "error_code", "group", "name", "scenario", "status"}

// SystemTags is the set of system tags samples may carry (k6's systemTags option). The
// tags this tool emits that are not in it are dropped from samples before thresholds and
// outputs see them. The zero value is k6's default set.
type SystemTags struct {
	drop []string // emitted system tags left out of the set, sorted
}

// ParseSystemTags reads a systemTags list (option or --system-tags, comma-separated there),
// refusing a name k6 does not know, with the names it does.
func ParseSystemTags(names []string) (SystemTags, error) {
	on := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !slices.Contains(k6SystemTags, n) {
			return SystemTags{}, fmt.Errorf("systemTags: %q is not a system tag; the system tags are %s", n, strings.Join(k6SystemTags, ", "))
		}
		on[n] = true
	}
	var st SystemTags
	for _, n := range emittedSystemTags {
		if !on[n] {
			st.drop = append(st.drop, n)
		}
	}
	return st, nil
}

// Enabled reports whether samples keep the system tag name.
func (st SystemTags) Enabled(name string) bool { return !slices.Contains(st.drop, name) }

// IsDefault reports whether every system tag this tool emits is kept (no filtering needed).
func (st SystemTags) IsDefault() bool { return len(st.drop) == 0 }

// Filter returns ts without the system tags that are switched off (ts itself when none of
// them is there).
func (st SystemTags) Filter(ts *TagSet) *TagSet {
	for _, n := range st.drop {
		ts = ts.Without(n)
	}
	return ts
}
