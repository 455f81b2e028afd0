package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/options"
)

// segmentScript logs, for every iteration, its test-wide number, the VU's test-wide id and the
// instance's VU count; and what exec.test.options says of the segment.
const segmentScript = `
import exec from 'k6/execution';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 5, iterations: 100 } } };
export default function () {
	console.log('it=' + exec.scenario.iterationInTest + ' local=' + exec.scenario.iterationInInstance +
		' vu=' + exec.vu.idInTest + ' init=' + exec.instance.vusInitialized +
		' seg=' + exec.test.options.executionSegment + ' seq=' + exec.test.options.executionSegmentSequence);
	sleep(0.02); // so that every VU gets iterations
}
`

// segmentLines reads what segmentScript logged.
type segmentLines struct {
	its, locals, vus []int64
	inits            map[int64]bool
	segs             map[string]bool
}

var segmentLineRE = regexp.MustCompile(`it=(\d+) local=(\d+) vu=(\d+) init=(\d+) seg=(\S+) seq=([^\s"]+)`)

func readSegmentLines(t *testing.T, path string) segmentLines {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l := segmentLines{inits: map[int64]bool{}, segs: map[string]bool{}}
	for _, m := range segmentLineRE.FindAllStringSubmatch(string(b), -1) {
		n := func(i int) int64 { v, _ := strconv.ParseInt(m[i], 10, 64); return v }
		l.its, l.locals, l.vus = append(l.its, n(1)), append(l.locals, n(2)), append(l.vus, n(3))
		l.inits[n(4)] = true
		l.segs[m[5]+" in "+m[6]] = true
	}
	return l
}

var thirds = []string{"0:1/3", "1/3:2/3", "2/3:1"}

// checkThirds checks three instances' logs: 100 iterations numbered 0 to 99 once each, the 5
// VUs numbered 1 to 5 once each (each instance's own VUs counting from 1), each instance
// initialising its part of the VUs and seeing its segment written as k6 writes it.
func checkThirds(t *testing.T, logs []segmentLines) {
	t.Helper()
	var its, vus []int64
	for i, l := range logs {
		tu, err := options.ParseTuple(thirds[i], "0,1/3,2/3,1")
		if err != nil {
			t.Fatal(err)
		}
		its = append(its, l.its...)
		want := tu.Scale(5)
		if !l.inits[want] || len(l.inits) != 1 {
			t.Errorf("%s: exec.instance.vusInitialized %v, want %d", thirds[i], l.inits, want)
		}
		if seg := tu.String(); !l.segs[seg] || len(l.segs) != 1 {
			t.Errorf("%s: exec.test.options shows %v, want %s", thirds[i], l.segs, seg)
		}
		locals := slices.Clone(l.locals)
		slices.Sort(locals)
		for j, v := range locals {
			if v != int64(j) {
				t.Errorf("%s: iterationInInstance %v, want 0 to %d", thirds[i], locals, len(locals)-1)
				break
			}
		}
		vus = append(vus, slices.Compact(slices.Sorted(slices.Values(l.vus)))...)
	}
	slices.Sort(its)
	if len(its) != 100 || its[0] != 0 || its[99] != 99 || len(slices.Compact(its)) != 100 {
		t.Errorf("iterationInTest over the instances: %d values %v, want 0 to 99 once each", len(its), its)
	}
	slices.Sort(vus)
	if !slices.Equal(vus, []int64{1, 2, 3, 4, 5}) {
		t.Errorf("vu.idInTest over the instances: %v, want 1 to 5 once each", vus)
	}
}

// Three runs, one per third of a sequence, do the 100 iterations of one run between them.
func TestExecutionSegmentThirds(t *testing.T) {
	dir := t.TempDir()
	var logs []segmentLines
	total := 0
	for i, seg := range thirds {
		console := filepath.Join(dir, strconv.Itoa(i)+".log")
		r := runScript(t, segmentScript, nil, "--execution-segment", seg,
			"--execution-segment-sequence", "0,1/3,2/3,1", "--console-output", console)
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", seg, r.code, r.stderr)
		}
		total += summaryCount(t, r.stdout, "iterations")
		logs = append(logs, readSegmentLines(t, console))

	}
	if total != 100 {
		t.Errorf("the three instances ran %d iterations, want 100", total)
	}
	checkThirds(t, logs)
}

// The banner says which share of the test the instance runs, and the scenario as the
// instance runs it (its part of the VUs and iterations), as k6's does.
func TestExecutionSegmentBanner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(path, []byte(segmentScript), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runArgs(t, nil, "run", "--execution-segment", "1/3:2/3", "--execution-segment-sequence", "0,1/3,2/3,1", path)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "scenarios: (33.33%) 1 scenario") {
		t.Errorf("the banner does not say 33.33%%:\n%s", r.stdout)
	}
	whole := runArgs(t, nil, "run", path)
	if !strings.Contains(whole.stdout, "scenarios: (100.00%) 1 scenario") {
		t.Errorf("without a segment the banner does not say 100.00%%:\n%s", whole.stdout)
	}
	if strings.Contains(r.stdout, "100 iterations") || !strings.Contains(whole.stdout, "100 iterations") {
		t.Errorf("the instance's scenario line should show its part, not the test's 100 iterations:\n%s\n---\n%s", r.stdout, whole.stdout)
	}
}

// The segment from the script's options, and a single value meaning 0:VALUE.
func TestExecutionSegmentFromTheScript(t *testing.T) {
	dir := t.TempDir()
	src := strings.Replace(segmentScript, "export const options = {",
		"export const options = { executionSegment: '33%', executionSegmentSequence: '0,33%,1',", 1)
	console := filepath.Join(dir, "c.log")
	r := runScript(t, src, nil, "--console-output", console)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	// 33% of 5 VUs is 2 of them (the striping rounds), and of 100 iterations, 40: the
	// iterations follow the VUs.
	if n := summaryCount(t, r.stdout, "iterations"); n != 40 {
		t.Errorf("%d iterations, want 40", n)
	}
	if l := readSegmentLines(t, console); !l.segs["0:33/100 in 0,33/100,1"] || !l.inits[2] {
		t.Errorf("segments %v, VUs %v; want 0:33/100 in 0,33/100,1 and 2", l.segs, l.inits)
	}
	// The flag wins over the script.
	r = runScript(t, src, nil, "--execution-segment", "33%:1")
	if n := summaryCount(t, r.stdout, "iterations"); r.code != ExitOK || n != 60 {
		t.Errorf("--execution-segment 33%%:1 over the script's: exit %d, %d iterations, want 60\n%s", r.code, n, r.stderr)
	}
}

// Every form k6 documents parses; values it would refuse exit 104 naming the flag or option and
// the value.
func TestExecutionSegmentFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--execution-segment", "1/3:2/3"}, "1/3:2/3"},
		{[]string{"--execution-segment", "33%"}, "0:33/100"},
		{[]string{"--execution-segment", "0.2:2/3"}, "1/5:2/3"},
		{[]string{"--execution-segment", "2/3"}, "0:2/3"},
		{[]string{"--execution-segment", "1/3:2/3", "--execution-segment-sequence", "0,1/3,2/3,1"}, "1/3:2/3"},
		{[]string{"--execution-segment-sequence", "0,1", "--execution-segment", "0:1"}, "0:1"},
	} {
		fs, cfg := runFlags()
		if err := fs.Parse(append(c.args, "x.js")); err != nil {
			t.Fatal(err)
		}
		if inv := segmentFlags(fs, &cfg.opts); len(inv) > 0 {
			t.Errorf("%v: %v", c.args, inv)
			continue
		}
		o, err := cfg.opts.Resolve()
		if err != nil || *o.ExecutionSegment != c.want {
			t.Errorf("%v: %v, segment %v; want %s", c.args, err, o.ExecutionSegment, c.want)
		}
	}
	src := `export default function () {}`
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--execution-segment", "abc"}, `--execution-segment "abc": "abc" is not a fraction`},
		{[]string{"--execution-segment", "2/3:1/3"}, `--execution-segment "2/3:1/3": the start 2/3 is not before the end 1/3`},
		{[]string{"--execution-segment", "0:150%"}, `--execution-segment "0:150%": the end 3/2 is above 1`},
		{[]string{"--execution-segment-sequence", "0,1/2,1/4,1"}, `--execution-segment-sequence "0,1/2,1/4,1": segment 1/2:1/4`},
		{[]string{"--execution-segment-sequence", "1"}, `--execution-segment-sequence "1": "1": a sequence needs at least 2 points`},
		{[]string{"--execution-segment", "0:1/2", "--execution-segment-sequence", "0,1/3,2/3,1"},
			"executionSegment 0:1/2 is not a segment of executionSegmentSequence 0,1/3,2/3,1"},
		{[]string{"--execution-segment-sequence", "0,1/3,2/3,1"}, "executionSegmentSequence 0,1/3,2/3,1 is set but executionSegment is not"},
	} {
		r := runScript(t, src, nil, c.args...)
		if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, want 104 with %q\n%s", c.args, r.code, c.want, r.stderr)
		}
		if strings.Contains(r.stderr, "goroutine ") {
			t.Errorf("%v: a Go stack trace\n%s", c.args, r.stderr)
		}
	}
	// From the script: the option's name and value.
	r := runScript(t, `export const options = { executionSegment: '1/2:x' }; export default function () {}`, nil)
	if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, `option "executionSegment": "1/2:x": "x" is not a fraction`) {
		t.Errorf("script executionSegment 1/2:x: exit %d\n%s", r.code, r.stderr)
	}
	// The script's sequence does not hold the flag's segment.
	r = runScript(t, `export const options = { executionSegmentSequence: '0,1/2,1' }; export default function () {}`, nil,
		"--execution-segment", "0:1/3")
	if r.code != ExitInvalidConfig || !strings.Contains(r.stderr, "executionSegment 0:1/3 is not a segment of executionSegmentSequence 0,1/2,1") {
		t.Errorf("flag segment outside the script's sequence: exit %d\n%s", r.code, r.stderr)
	}
}

// The built binary, as an orchestrator starts it: three processes at once, one per third.
func TestExecutionSegmentBinary(t *testing.T) {
	bin, dir := buildBinary(t)
	script := filepath.Join(dir, "script.js")
	if err := os.WriteFile(script, []byte(segmentScript), 0o644); err != nil {
		t.Fatal(err)
	}
	outs := make([]string, len(thirds))
	errs := make([]error, len(thirds))
	var wg sync.WaitGroup
	for i, seg := range thirds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "run", "--quiet", "--execution-segment", seg, "--execution-segment-sequence", "0,1/3,2/3,1",
				"--console-output", filepath.Join(dir, strconv.Itoa(i)+".log"), script)
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			out, err := cmd.Output()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	total := 0
	var logs []segmentLines
	for i := range thirds {
		if errs[i] != nil {
			t.Fatalf("%s: %v\n%s", thirds[i], errs[i], outs[i])
		}
		total += summaryCount(t, outs[i], "iterations")
		logs = append(logs, readSegmentLines(t, filepath.Join(dir, strconv.Itoa(i)+".log")))
	}
	if total != 100 {
		t.Errorf("the three processes ran %d iterations, want 100", total)
	}
	checkThirds(t, logs)
}

// As in k6, shared iterations follow the VUs: 6 VUs on four instances are 2, 2, 1 and 1, and
// so are 120 iterations, 40, 40, 20 and 20, not 30 each (the README's advice: make the VU
// count a multiple of the instances).
func TestExecutionSegmentIterationsFollowTheVUs(t *testing.T) {
	src := strings.Replace(segmentScript, "vus: 5, iterations: 100", "vus: 6, iterations: 120", 1)
	quarters := []string{"0:1/4", "1/4:2/4", "2/4:3/4", "3/4:1"}
	var got []int
	for _, seg := range quarters {
		r := runScript(t, src, nil, "--execution-segment", seg, "--execution-segment-sequence", "0,1/4,2/4,3/4,1")
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", seg, r.code, r.stderr)
		}
		got = append(got, summaryCount(t, r.stdout, "iterations"))
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{20, 20, 40, 40}) {
		t.Errorf("iterations over four instances %v, want 20, 20, 40, 40 (following 1, 1, 2, 2 VUs)", got)
	}
	// Arrival-rate ticks follow maxVUs (preAllocatedVUs when it is not set): 10 VUs are
	// 3, 3, 2 and 2, so the 31 ticks of 10/s over 3 s go 30%, 30%, 20%, 20%.
	rate := `export const options = { scenarios: { r: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s',
	duration: '3s', preAllocatedVUs: 10 } } };
export default function () {}`
	var ticks []int
	for _, seg := range quarters {
		r := runScript(t, rate, nil, "--execution-segment", seg, "--execution-segment-sequence", "0,1/4,2/4,3/4,1")
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", seg, r.code, r.stderr)
		}
		ticks = append(ticks, summaryCount(t, r.stdout, "iterations")+summaryCountOr0(r.stdout, "dropped_iterations"))
	}
	if !slices.Equal(ticks, []int{10, 9, 6, 6}) {
		t.Errorf("arrival-rate iterations over four instances %v, want 10, 9, 6, 6", ticks)
	}
}
