package neo4j

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// moduleVU is a VU with the module imported as `neo4j`, in init context; no server needed.
func moduleVU(t *testing.T) *modulestest.VU {
	t.Helper()
	vu := modulestest.NewVU(t)
	root := New()
	t.Cleanup(func() { _ = root.Close() })
	vu.Import("neo4j", root)
	return vu
}

func TestDurationOptionsAreBounded(t *testing.T) {
	rt := sobek.New()
	ok := map[string]time.Duration{
		`500`: 500 * time.Millisecond, `"5s"`: 5 * time.Second, `"24h"`: 24 * time.Hour,
		`86400000`: 24 * time.Hour, `0`: 0, `"250"`: 250 * time.Millisecond, `1.5`: 1500 * time.Microsecond,
	}
	for js, want := range ok {
		v, err := rt.RunString(js)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := optDuration(v); err != nil || got != want {
			t.Errorf("%s: got %v, %v; want %v", js, got, err, want)
		}
	}
	for _, js := range []string{`1e300`, `NaN`, `Infinity`, `-Infinity`, `-1`, `86400001`, `"25h"`, `"100000h"`,
		`"1e300"`, `"Infinity"`, `"NaN"`, `"-5s"`, `"5 parsecs"`, `true`, `({})`, `1e300 * 10`} {
		v, err := rt.RunString(js)
		if err != nil {
			t.Fatal(err)
		}
		if d, err := optDuration(v); err == nil || !strings.Contains(err.Error(), "24h") {
			t.Errorf("%s: got %v, %v; want an error that names the 24h bound", js, d, err)
		}
	}
}

func TestConnectAndCallTimeoutsRefuseOverflowingDurations(t *testing.T) {
	vu := moduleVU(t)
	for _, opt := range []string{"connectionTimeout", "connectionAcquisitionTimeout", "maxTransactionRetryTime", "maxConnectionLifetime"} {
		_, err := vu.Run(`neo4j.connect('bolt://127.0.0.1:1', {` + opt + `: 1e300})`)
		if err == nil || !strings.Contains(err.Error(), `"`+opt+`"`) || !strings.Contains(err.Error(), "24h") {
			t.Errorf("%s: 1e300: got %v, want an error naming the option and the bound", opt, err)
		}
	}
	v, _ := vu.RT.RunString(`({timeout: 1e300})`)
	if _, err := parseCallOptions(vu.RT, v, "read"); err == nil || !strings.Contains(err.Error(), `"timeout" in read()`) {
		t.Errorf("call timeout 1e300: got %v, want an error naming it", err)
	}
}

// params converts a JS expression as a call's parameters.
func params(t *testing.T, rt *sobek.Runtime, js string) (map[string]any, error) {
	t.Helper()
	v, err := rt.RunString(js)
	if err != nil {
		t.Fatal(err)
	}
	return paramsFromJS(rt, v)
}

func TestSparseAndHugeArraysNeverAllocateTheirLength(t *testing.T) {
	rt := sobek.New()
	start := time.Now()
	// Before the fix the first of these asked for 64 GiB and the process died.
	for _, js := range []string{
		`var a = []; a[5] = 1; a.length = 2**32 - 1; ({list: a})`,
		`var a = []; a.length = 2**32 - 1; ({list: [0, a]})`,
		`var a = []; a.length = 2**25; ({list: a})`, // 32 Mi slots of 16 bytes: over 256 MiB
	} {
		_, err := params(t, rt, js)
		if !errors.Is(err, ErrParameter) || !strings.Contains(err.Error(), "params.list") || !strings.Contains(err.Error(), "256 MiB") {
			t.Errorf("%s: got %v, want an error naming params.list and the 256 MiB limit", js, err)
		}
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("took %s", el)
	}
	m, err := params(t, rt, `var a = []; a[3] = 'x'; ({list: a})`)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(m["list"]); got != "[<nil> <nil> <nil> x]" {
		t.Errorf("sparse array: got %s, want missing elements as null", got)
	}
}

func TestParametersAreBoundedInTotalSize(t *testing.T) {
	rt := sobek.New()
	// One 1 MiB string 300 times costs the script 1 MiB, but 300 MiB on the wire.
	_, err := params(t, rt, `var s = 'x'.repeat(1 << 20); var l = []; for (var i = 0; i < 300; i++) l.push(s); ({l: l})`)
	if !errors.Is(err, ErrParameter) || !strings.Contains(err.Error(), "256 MiB") || !strings.Contains(err.Error(), "params.l[") {
		t.Fatalf("got %v, want an error naming the 256 MiB limit and where it was passed", err)
	}
	if _, err := params(t, rt, `var s = 'x'.repeat(1 << 20); var l = []; for (var i = 0; i < 200; i++) l.push(s); ({l: l})`); err != nil {
		t.Fatalf("200 MiB is within the limit: %v", err)
	}
	v, _ := rt.RunString(`({metadata: {f: function () {}}})`)
	if _, err := parseCallOptions(rt, v, "read"); err == nil || !strings.Contains(err.Error(), "metadata.f: a function") {
		t.Fatalf("metadata: got %v, want its path named from metadata", err)
	}
}

func TestDeepParametersAreAnErrorAndCyclesAreFoundFast(t *testing.T) {
	rt := sobek.New()
	nest := func(n int) string {
		return fmt.Sprintf(`var o = 1; for (var i = 0; i < %d; i++) o = {a: o}; ({p: o})`, n)
	}
	// params is level 0, p's object level 1: nest(n) makes n levels.
	if _, err := params(t, rt, nest(1000)); err != nil {
		t.Fatalf("1000 levels: %v", err)
	}
	start := time.Now()
	for _, n := range []int{1001, 10_000, 100_000} {
		_, err := params(t, rt, nest(n))
		if !errors.Is(err, ErrParameter) || !strings.Contains(err.Error(), "deeper than 1000") || !strings.Contains(err.Error(), "params.p.a.a") {
			t.Fatalf("%d levels: got %v, want an error naming the depth limit and the path", n, err)
		}
		if len(err.Error()) > 500 {
			t.Fatalf("the path of a deep value is shortened, got %d bytes", len(err.Error()))
		}
	}
	_, err := params(t, rt, `var l = []; for (var i = 0; i < 1001; i++) l = [l]; ({l: l})`)
	if err == nil || !strings.Contains(err.Error(), "params.l[0][0]") {
		t.Fatalf("nested lists: %v", err)
	}
	// A cycle at the bottom of a deep (allowed) chain: the check is by set, not by a scan
	// of the path at each level.
	_, err = params(t, rt, `var top = {}; var o = top; for (var i = 0; i < 990; i++) { o.a = {}; o = o.a; } o.back = top; ({p: top})`)
	if err == nil || !strings.Contains(err.Error(), "refers to itself") {
		t.Fatalf("cycle: %v", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("took %s", el)
	}
	// The same object twice, side by side, is not a cycle.
	if _, err := params(t, rt, `var x = {v: 1}; ({a: x, b: [x, x]})`); err != nil {
		t.Fatalf("shared object: %v", err)
	}
}

func TestNumbersBeyondInt64AreRefused(t *testing.T) {
	rt := sobek.New()
	for js, want := range map[string]string{
		`({u: new BigUint64Array([1n, 2n ** 64n - 1n])})`: "params.u[1]: 18446744073709551615 does not fit",
		`({u: new BigUint64Array([2n ** 63n])})`:          "params.u[0]: 9223372036854775808 does not fit",
		`({n: 2n ** 63n})`:                                "params.n: BigInt 9223372036854775808 does not fit",
		`({when: new Date('garbage')})`:                   "params.when: an Invalid Date",
		`({deep: {list: [new Date(NaN)]}})`:               "params.deep.list[0]: an Invalid Date",
	} {
		if _, err := params(t, rt, js); !errors.Is(err, ErrParameter) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", js, err, want)
		}
	}
	m, err := params(t, rt, `({u: new BigUint64Array([2n ** 63n - 1n]), i: new BigInt64Array([-(2n ** 63n)]), d: new Date(0)})`)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(m["u"], m["i"]); got != "[9223372036854775807] [-9223372036854775808]" {
		t.Errorf("64-bit typed arrays: %s", got)
	}
	if d, ok := m["d"].(time.Time); !ok || !d.Equal(time.Unix(0, 0)) {
		t.Errorf("a valid Date: %v", m["d"])
	}
}

func TestHelpersRefuseIntegersThatWouldWrap(t *testing.T) {
	vu := moduleVU(t)
	for _, c := range []struct{ js, want string }{
		{`neo4j.int(1e20)`, "beyond the 64-bit integer range"},
		{`neo4j.int(2**63)`, "beyond the 64-bit integer range"},
		{`neo4j.int(-(2**64))`, "beyond the 64-bit integer range"},
		{`neo4j.int(Infinity)`, "beyond the 64-bit integer range"},
		{`neo4j.int(NaN)`, "want a whole number"},
		{`neo4j.int('9223372036854775808')`, "beyond the 64-bit integer range"},
		{`neo4j.int(2n ** 64n - 1n)`, "beyond the 64-bit integer range"},
		{`neo4j.int(1.5)`, "not a whole number"},
		{`neo4j.types.duration({seconds: 1e20})`, "seconds must be a whole number"},
		{`neo4j.types.duration({months: 2**60})`, "months must be a whole number"},
		{`neo4j.types.date(1e20, 1, 1)`, "year must be a whole number"},
		{`neo4j.types.date(1e9, 1, 1)`, "year 1000000000"},
		{`neo4j.types.time(1, 2, 3, 0, 1e6)`, "offset of 1000000 seconds"},
		{`neo4j.types.dateTime(2024, 1, 1, 0, 0, 0, 0, -1e6)`, "offset of -1000000 seconds"},
		{`neo4j.types.point(1e20, 1, 2)`, "srid must be a whole number"},
	} {
		_, err := vu.Run(c.js)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.js, err, c.want)
		}
	}
	for js, want := range map[string]string{
		`String(neo4j.int(-(2**63)))`:                 "-9223372036854775808",
		`String(neo4j.int('9223372036854775807'))`:    "9223372036854775807",
		`String(neo4j.int(2n ** 63n - 1n))`:           "9223372036854775807",
		`String(neo4j.int(2**53))`:                    "9007199254740992",
		`String(neo4j.types.date(-999999999, 1, 1))`:  "-999999999-01-01",
		`String(neo4j.types.time(1, 2, 3, 0, 64800))`: "01:02:03+18:00",
	} {
		v, err := vu.Run(js)
		if err != nil || v.String() != want {
			t.Errorf("%s: got %v, %v; want %s", js, v, err, want)
		}
	}
}

func BenchmarkParamsFromJS(b *testing.B) {
	rt := sobek.New()
	v, err := rt.RunString(`({id: 42, name: 'ada', tags: ['a', 'b'], props: {age: 36, score: 1.5}})`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := paramsFromJS(rt, v); err != nil {
			b.Fatal(err)
		}
	}
}

// A VU keeps at most maxIdleClients clients without an open handle: a script that connects
// and closes as another user in every iteration does not hold a driver per user. Clients in
// use are never evicted.
func TestIdleClientsOfAVUAreBounded(t *testing.T) {
	f := &countingFactory{}
	vu := modulestest.NewVU(t)
	root := NewWithFactory(f.new)
	defer root.Close()
	vu.Import("neo4j", root)
	run := func(js string) {
		t.Helper()
		if _, err := vu.Run(js); err != nil {
			t.Fatal(err)
		}
	}
	run(`function as(u) { return neo4j.connect('bolt://127.0.0.1:7687', {user: u, password: 'pw-1234'}); }
	     for (var i = 0; i < 12; i++) as('u' + i).close();`)
	if _, _, open := root.Pool().Stats(); open != maxIdleClients {
		t.Fatalf("%d drivers open after 12 users connected and closed, want %d", open, maxIdleClients)
	}
	made := f.made.Load()
	run(`as('u11').close()`)
	if f.made.Load() != made {
		t.Fatal("a recent idle client was not reused")
	}
	run(`as('u0').close()`)
	if f.made.Load() != made+1 {
		t.Fatal("the oldest idle client was not evicted")
	}
	run(`var held = []; for (var i = 0; i < 12; i++) held.push(as('h' + i));`)
	if _, _, open := root.Pool().Stats(); open < 12 {
		t.Fatalf("%d drivers open while 12 clients are in use", open)
	}
	run(`held.forEach(function (c) { c.identity; }); held[0].identity`)
}
