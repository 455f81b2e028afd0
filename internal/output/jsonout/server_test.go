package jsonout

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/output"
	"github.com/xk6-neo4j/xk6-neo4j/internal/output/outputtest"
	"github.com/xk6-neo4j/xk6-neo4j/metrics"
)

// The servers known when the output starts come first, before any Metric or Point line; one
// learned during the run is written when learned, even if no sample follows; the samples
// are all there, and the file stays k6's line format.
func TestServerLinesComeFirstAndWhenLearned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.json.gz")
	o := newOutput(output.Params{Arg: path, Tags: map[string]string{"env": "staging"}})
	o.AddServer(map[string]any{"identity": "neo4j@h:1", "version": "2026.08.1"})
	o.AddServer(map[string]any{"identity": "u2@h:1", "version": "2026.08.1"})
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	for _, b := range f.Batches(0, 50) {
		o.AddSamples(b)
	}
	o.AddServer(map[string]any{"identity": "late@h:1"})
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(outputtest.ReadFile(t, path)), "\n"), "\n")
	var kinds []string
	points := 0
	for i, l := range lines {
		var env struct {
			Type string            `json:"type"`
			Data map[string]any    `json:"data"`
			Tags map[string]string `json:"tags"`
		}
		if err := json.Unmarshal([]byte(l), &env); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, l)
		}
		if env.Type == "Server" {
			kinds = append(kinds, env.Data["identity"].(string))
			if env.Tags["env"] != "staging" || strings.Contains(l, `"metric"`) {
				t.Fatalf("line %d: %s, want the run's tags and no metric key", i+1, l)
			}
		}
		if env.Type == "Point" {
			points++
		}
		if i < 2 && env.Type != "Server" {
			t.Fatalf("line %d is a %s line, want the servers known at start first", i+1, env.Type)
		}
	}
	if strings.Join(kinds, ",") != "neo4j@h:1,u2@h:1,late@h:1" || points != 50 {
		t.Fatalf("servers %v and %d points, want 3 servers in order and 50 points", kinds, points)
	}
}

// A server learned after the last sample is still written, and only once.
func TestServerLineWithoutSamplesAfterIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.json")
	o := newOutput(output.Params{Arg: path})
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddSamples([]metrics.SampleContainer{newFixture(t).Sample(0)})
	o.AddServer(map[string]string{"identity": "x@h:1"})
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	got := string(outputtest.ReadFile(t, path))
	if strings.Count(got, `{"type":"Server","data":{"identity":"x@h:1"}}`+"\n") != 1 || !strings.HasSuffix(got, "\n") {
		t.Fatalf("got %q, want the Server line once, without tags", got)
	}
}
