package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/pflag"

	"github.com/xk6-neo4j/xk6-neo4j/internal/execution"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// The control API, k6's REST API in small: GET /v1/status tells the run's state, PATCH
// /v1/status with {"data":{"attributes":{"vus":N}}} sets the VUs of the externally-controlled
// scenarios, and with {"data":{"attributes":{"paused":false}}} starts a run begun with
// --paused. `xk6-neo4j scale`, `resume` and `status` are its client.

const defaultAPIAddress = "127.0.0.1:6565"

// statusDoc is the JSON:API document k6's status endpoint uses.
type statusDoc struct {
	Data struct {
		Type       string       `json:"type"`
		ID         string       `json:"id"`
		Attributes statusFields `json:"attributes"`
	} `json:"data"`
}

type statusFields struct {
	Status  string `json:"status,omitempty"`
	Paused  *bool  `json:"paused,omitempty"`
	Running *bool  `json:"running,omitempty"`
	Stopped *bool  `json:"stopped,omitempty"`
	Tainted *bool  `json:"tainted,omitempty"`
	VUs     *int64 `json:"vus,omitempty"`
	VUsMax  *int64 `json:"vus-max,omitempty"`
}

// startAPI serves the control API for the scheduler until the returned stop is called.
func (r *testRun) startAPI(addr string, sched *execution.Scheduler) (func(), error) {
	external := []string{}
	for _, n := range r.opts.ScenarioNames() {
		if r.opts.Scenarios[n].Executor == options.ExternallyControlled {
			external = append(external, n)
		}
	}
	mux := http.NewServeMux()
	status := func() statusDoc {
		var d statusDoc
		d.Data.Type, d.Data.ID = "status", "default"
		paused := r.paused.Load()
		running, stopped, tainted := !paused, false, false
		state := "running"
		if paused {
			state = "paused"
		}
		if r.engineStarted.Load() {
			for _, t := range r.engine.EvaluateThresholds() {
				tainted = tainted || !t.Pass // k6's "tainted": a threshold fails as things stand
			}
		}
		vus, max := sched.ActiveVUs(), sched.MaxVUs()
		d.Data.Attributes = statusFields{Status: state, Paused: &paused, Running: &running, Stopped: &stopped,
			Tainted: &tainted, VUs: &vus, VUsMax: &max}
		return d
	}
	reply := func(w http.ResponseWriter, code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(w http.ResponseWriter, code int, err error) {
		reply(w, code, map[string]any{"errors": []map[string]string{{"title": err.Error()}}})
	}
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, status()) })
	mux.HandleFunc("PATCH /v1/status", func(w http.ResponseWriter, req *http.Request) {
		var d statusDoc
		if err := json.NewDecoder(io.LimitReader(req.Body, 1<<16)).Decode(&d); err != nil {
			fail(w, http.StatusBadRequest, fmt.Errorf("the body is not a status document: %w", err))
			return
		}
		if p := d.Data.Attributes.Paused; p != nil {
			switch {
			case !*p && r.paused.CompareAndSwap(true, false):
				close(r.resume)
			case *p && !r.paused.Load():
				fail(w, http.StatusBadRequest, errors.New("a running test cannot be paused here; start it with --paused to hold it before setup()"))
				return
			}
		}
		if d.Data.Attributes.VUs != nil {
			if len(external) == 0 {
				fail(w, http.StatusBadRequest, errors.New("no scenario uses the externally-controlled executor: the number of VUs cannot be changed"))
				return
			}
			for _, n := range external {
				if err := sched.SetVUs(n, *d.Data.Attributes.VUs); err != nil {
					fail(w, http.StatusBadRequest, err)
					return
				}
			}
			r.logger.Info(fmt.Sprintf("VUs set to %d through the control API", *d.Data.Attributes.VUs))
		}
		reply(w, http.StatusOK, status())
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the control API cannot listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// apiCommand is `xk6-neo4j scale --vus N`, `xk6-neo4j resume` and `xk6-neo4j status`: a
// client of a running test's control API.
func apiCommand(gs *GlobalState, name string, args []string) int {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(gs.Stderr)
	addr := fs.StringP("address", "a", defaultAPIAddress, "the running test's control API")
	vus := fs.Int64P("vus", "u", -1, "the VUs the externally-controlled scenarios should run")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	var body io.Reader
	method := http.MethodGet
	if name == "scale" {
		if *vus < 0 {
			fmt.Fprintln(gs.Stderr, "error: scale needs --vus N")
			return ExitUsage
		}
		var d statusDoc
		d.Data.Type, d.Data.ID, d.Data.Attributes.VUs = "status", "default", vus
		b, _ := json.Marshal(d)
		body, method = bytes.NewReader(b), http.MethodPatch
	}
	if name == "resume" {
		var d statusDoc
		resumed := false
		d.Data.Type, d.Data.ID, d.Data.Attributes.Paused = "status", "default", &resumed
		b, _ := json.Marshal(d)
		body, method = bytes.NewReader(b), http.MethodPatch
	}
	req, _ := http.NewRequest(method, "http://"+*addr+"/v1/status", body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		fmt.Fprintf(gs.Stderr, "error: no test answers at %s: %v\n", *addr, err)
		return ExitRuntimeError
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(gs.Stderr, "error: %s\n", bytes.TrimSpace(out))
		return ExitRuntimeError
	}
	var d statusDoc
	if json.Unmarshal(out, &d) == nil && d.Data.Attributes.VUs != nil && d.Data.Attributes.VUsMax != nil {
		fmt.Fprintf(gs.Stdout, "status: %s, VUs: %d of %d\n", d.Data.Attributes.Status, *d.Data.Attributes.VUs, *d.Data.Attributes.VUsMax)
	}
	return ExitOK
}
