package dashboard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// runInfoCache keeps the last RunInfo value encoded: the page asks for a snapshot once a
// period, and the run's report rarely changes between two asks.
type runInfoCache struct {
	mu        sync.Mutex
	raw, safe []byte
	warned    bool
}

// encode returns v as JSON for the snapshot, every string (object keys too) passed through
// metrics.EscapeControl, as the snapshot's other script text is. The result is encoded with
// encoding/json's HTML escaping, so that embedded in the report it cannot close its script
// element. A value that cannot be encoded is left out, with a warning the first time.
func (c *runInfoCache) encode(v any, warn func(error)) json.RawMessage {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err == nil && bytes.Equal(raw, []byte("null")) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && c.safe != nil && bytes.Equal(raw, c.raw) {
		return c.safe
	}
	var safe []byte
	if err == nil {
		safe, err = escapeJSON(raw)
	}
	if err != nil {
		if !c.warned {
			c.warned = true
			warn(err)
		}
		return nil
	}
	c.raw, c.safe = raw, safe
	return safe
}

// escapeJSON re-encodes the JSON document raw with control characters in its strings made
// visible escapes; numbers are kept as written.
func escapeJSON(raw []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("reading the run info back: %w", err)
	}
	return json.Marshal(escapeValue(v))
}

func escapeValue(v any) any {
	switch x := v.(type) {
	case string:
		return metrics.EscapeControl(x)
	case []any:
		for i := range x {
			x[i] = escapeValue(x[i])
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[metrics.EscapeControl(k)] = escapeValue(e)
		}
		return out
	}
	return v // numbers, booleans, null
}
