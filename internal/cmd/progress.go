package cmd

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/xk6-neo4j/xk6-neo4j/internal/execution"
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
	for _, p := range s.Progress() {
		state := "waiting"
		if st := p.Started.Load(); st != 0 {
			state = "running " + clock(time.Since(time.Unix(0, st)))
			if en := p.Ended.Load(); en != 0 {
				state = "done after " + clock(time.Duration(en-st))
			}
		}
		lines = append(lines, fmt.Sprintf("%s   [ %s ] %d VUs  %d iterations", p.Name, state, p.ActiveVUs.Load(), p.Iterations.Load()))
	}
	return lines
}

// clock prints 1m02.5s as k6's progress does: 1m02.5s.
func clock(d time.Duration) string {
	m := int(d / time.Minute)
	s := (d % time.Minute).Seconds()
	return fmt.Sprintf("%dm%04.1fs", m, s)
}
