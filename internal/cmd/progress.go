package cmd

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/execution"
	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// startProgress shows the run's progress until the returned function is called: on a
// terminal one line per scenario redrawn in place, otherwise a plain line every few seconds.
func (r *testRun) startProgress(s *execution.Scheduler, tty bool) func() {
	if r.cfg.quiet {
		return func() {}
	}
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	interval := 5 * time.Second
	if tty {
		interval = 200 * time.Millisecond
	}
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		drawn := 0
		draw := func(final bool) {
			lines := progressLines(s, time.Since(start))
			if tty {
				if drawn > 0 {
					fmt.Fprintf(r.gs.Stdout, "\x1b[%dA", drawn)
				}
				for _, l := range lines {
					fmt.Fprintf(r.gs.Stdout, "\x1b[2K%s\n", l)
				}
				drawn = len(lines)
			} else if !final {
				fmt.Fprintln(r.gs.Stdout, strings.Join(lines, "\n"))
			}
		}
		for {
			select {
			case <-t.C:
				draw(false)
			case <-done:
				if tty {
					draw(true)
				}
				return
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func progressLines(s *execution.Scheduler, elapsed time.Duration) []string {
	var iters, intr int64
	for _, p := range s.Progress() {
		iters += p.Iterations.Load()
		intr += p.Interrupted.Load()
	}
	lines := []string{fmt.Sprintf("running (%s), %02d/%02d VUs, %d complete and %d interrupted iterations",
		clock(elapsed), s.ActiveVUs(), s.MaxVUs(), iters, intr)}
	width := 0
	for _, p := range s.Progress() {
		width = max(width, len(p.Name))
	}
	for _, p := range s.Progress() {
		state, done := "waiting", 0.0
		if st := p.Started.Load(); st != 0 {
			ran := time.Since(time.Unix(0, st))
			state = "running " + clock(ran)
			done = scenarioDone(p, ran)
			if en := p.Ended.Load(); en != 0 {
				state, done = "done after "+clock(time.Duration(en-st)), 1
			}
		}
		extra := ""
		if d := p.Dropped.Load(); d > 0 {
			extra = fmt.Sprintf(", %d dropped", d)
		}
		lines = append(lines, fmt.Sprintf("%-*s [%s] %3.0f%%  %s, %d VUs, %d iterations%s",
			width, p.Name, bar(done, 30), 100*done, state, p.ActiveVUs.Load(), p.Iterations.Load(), extra))
	}
	return lines
}

// scenarioDone is the share of a scenario done: its iterations for the iteration-based
// executors, else the time it ran against its duration (graceful stop excluded).
func scenarioDone(p *execution.Progress, ran time.Duration) float64 {
	sc := p.Scenario
	switch sc.Executor {
	case options.SharedIterations:
		return min(1, float64(p.Iterations.Load())/float64(*sc.Iterations))
	case options.PerVUIterations:
		return min(1, float64(p.Iterations.Load())/float64(*sc.Iterations**sc.VUs))
	}
	total := sc.MaxTime() - sc.GracefulStop.D()
	if total <= 0 {
		return 0
	}
	return min(1, float64(ran)/float64(total))
}

// bar draws a progress bar of n cells, k6-style: =====>----.
func bar(done float64, n int) string {
	full := int(done * float64(n))
	if full >= n {
		return strings.Repeat("=", n)
	}
	return strings.Repeat("=", full) + ">" + strings.Repeat("-", n-full-1)
}

// clock prints 1m02.5s as k6's progress does: 1m02.5s.
func clock(d time.Duration) string {
	m := int(d / time.Minute)
	s := (d % time.Minute).Seconds()
	return fmt.Sprintf("%dm%04.1fs", m, s)
}
