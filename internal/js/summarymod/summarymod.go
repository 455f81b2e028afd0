// Package summarymod serves what scripts import from k6's summary library
// (https://jslib.k6.io/k6-summary/...): textSummary(data, options), built in, so scripts
// written for k6 run unchanged without fetching remote code.
package summarymod

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/summary"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is the name the loader gives imports of k6's summary library.
const ImportPath = "k6-summary"

// New returns the module.
func New() modules.Module {
	return modules.FromExports(func(vu modules.VU) modules.Exports {
		rt := vu.Runtime()
		return modules.Exports{Named: map[string]any{
			"textSummary": func(data, opts sobek.Value) string { return textSummary(rt, data, opts) },
		}}
	})
}

// textSummary(data, {indent, enableColors}) renders handleSummary's data as the end-of-test
// summary text.
func textSummary(rt *sobek.Runtime, data sobek.Value, opts sobek.Value) string {
	b, err := json.Marshal(data.Export())
	var d summary.Data
	if err == nil {
		err = json.Unmarshal(b, &d)
	}
	if err != nil {
		panic(rt.NewGoError(fmt.Errorf("textSummary(): the argument is not handleSummary's data: %w", err)))
	}
	color, indent := false, ""
	if o, ok := opts.(*sobek.Object); ok {
		color = o.Get("enableColors") != nil && o.Get("enableColors").ToBoolean()
		if v := o.Get("indent"); v != nil && !sobek.IsUndefined(v) {
			indent = v.String()
		}
	}
	var buf bytes.Buffer
	_ = summary.WriteText(&buf, summary.ReportFromData(d), color)
	if indent == "" {
		return buf.String()
	}
	lines := strings.Split(buf.String(), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = indent + l
		}
	}
	return strings.Join(lines, "\n")
}
