package k6utilsmod_test

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/k6utilsmod"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

func newVU(t *testing.T) *modulestest.VU {
	vu := modulestest.NewVU(t)
	vu.Import("u", k6utilsmod.New())
	return vu
}

func TestRandomFunctions(t *testing.T) {
	vu := newVU(t)
	// Each check runs 2000 draws in JS and returns "" or what went wrong.
	cases := map[string]string{
		"randomIntBetween is inclusive and whole": `
			const seen = new Set();
			for (let i = 0; i < 2000; i++) {
				const n = u.randomIntBetween(1, 3);
				if (!Number.isInteger(n) || n < 1 || n > 3) return 'out of range: ' + n;
				seen.add(n);
			}
			return seen.size === 3 ? '' : 'saw only ' + [...seen];`,
		"randomIntBetween with min == max": `return u.randomIntBetween(5, 5) === 5 ? '' : 'not 5';`,
		"randomIntBetween with negatives": `
			for (let i = 0; i < 2000; i++) { const n = u.randomIntBetween(-2, 0); if (n < -2 || n > 0) return 'got ' + n; }
			return '';`,
		"randomItem picks every element": `
			const seen = new Set();
			for (let i = 0; i < 2000; i++) seen.add(u.randomItem(['a', 'b', 'c']));
			return seen.size === 3 && seen.has('a') ? '' : 'saw ' + [...seen];`,
		"randomItem of an empty array": `return u.randomItem([]) === undefined ? '' : 'not undefined';`,
		"randomString default charset": `
			const s = u.randomString(2000);
			return s.length === 2000 && /^[a-z0-9]+$/.test(s) ? '' : 'bad: ' + s.slice(0, 40);`,
		"randomString custom charset": `
			const s = u.randomString(50, 'xé');
			return s.length === 50 && /^[xé]+$/.test(s) ? '' : 'bad: ' + s;`,
		"randomString of length 0": `return u.randomString(0) === '' ? '' : 'not empty';`,
		"uuidv4 shape and uniqueness": `
			const seen = new Set();
			for (let i = 0; i < 2000; i++) {
				const id = i % 2 ? u.uuidv4() : u.uuidv4(true);
				if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return 'bad uuid ' + id;
				seen.add(id);
			}
			return seen.size === 2000 ? '' : 'duplicates';`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			v, err := vu.Run(`(() => {` + body + `})()`)
			if err != nil {
				t.Fatal(err)
			}
			if v.String() != "" {
				t.Error(v.String())
			}
		})
	}
}

func TestFindBetween(t *testing.T) {
	vu := newVU(t)
	html := `'<div class="m">Message 1</div><div class="m">Message 2</div>'`
	cases := []struct{ expr, want string }{
		{`u.findBetween(` + html + `, '<div class="m">', '</div>')`, `"Message 1"`},
		{`u.findBetween(` + html + `, '<div class="m">', '</div>', true)`, `["Message 1","Message 2"]`},
		{`u.findBetween('abc', 'x', 'c')`, `""`},
		{`u.findBetween('abc', 'a', 'x')`, `""`},
		{`u.findBetween('abc', 'x', 'c', true)`, `[]`},
		{`u.findBetween('[a][b][', '[', ']', true)`, `["a","b"]`},
		{`u.findBetween('token=abc;', 'token=', ';')`, `"abc"`},
	}
	for _, c := range cases {
		v, err := vu.Run(`JSON.stringify(` + c.expr + `)`)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if v.String() != c.want {
			t.Errorf("%s = %s, want %s", c.expr, v, c.want)
		}
	}
}

func TestNormalDistributionStages(t *testing.T) {
	vu := newVU(t)
	v, err := vu.Run(`JSON.stringify(u.normalDistributionStages(10, 20, 5))`)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"duration":"4s","target":0},{"duration":"4s","target":3},{"duration":"4s","target":10},{"duration":"4s","target":3},{"duration":"4s","target":0}]`
	if v.String() != want {
		t.Errorf("got %s\nwant %s", v, want)
	}
	// Defaults to 10 stages; the durations add up to the whole even when they do not divide.
	for _, c := range []struct{ vus, secs, n float64 }{{100, 60, 10}, {7, 31, 10}, {3, 7, 3}, {50, 600, 1}} {
		stages, err := k6utilsmod.NormalDistributionStages(c.vus, c.secs, c.n)
		if err != nil {
			t.Fatal(err)
		}
		total, peak := 0, 0
		dur := regexp.MustCompile(`^(\d+)s$`)
		for _, s := range stages {
			m := dur.FindStringSubmatch(s.Duration)
			if m == nil {
				t.Fatalf("%v: duration %q is not whole seconds", c, s.Duration)
			}
			var d int
			for _, ch := range m[1] {
				d = d*10 + int(ch-'0')
			}
			total += d
			peak = max(peak, s.Target)
		}
		if len(stages) != int(c.n) || total != int(c.secs) || peak != int(c.vus) {
			t.Errorf("%v: %d stages, %d s, peak %d: %+v", c, len(stages), total, peak, stages)
		}
	}
	v, err = vu.Run(`u.normalDistributionStages(10, 60).length`)
	if err != nil || v.ToInteger() != 10 {
		t.Errorf("default stage count: %v %v", v, err)
	}
}

func TestBadArguments(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`u.randomIntBetween(1)`, "randomIntBetween(): max is missing"},
		{`u.randomIntBetween(5, 1)`, "randomIntBetween(): max (1) is less than min (5)"},
		{`u.randomIntBetween('a', 2)`, "randomIntBetween(): min must be a finite number, got a"},
		{`u.randomItem(3)`, "randomItem(): the argument must be an array"},
		{`u.randomString(-1)`, "randomString(): length must be a whole number"},
		{`u.randomString(3, '')`, "randomString(): charset is empty"},
		{`u.normalDistributionStages(0, 10)`, "normalDistributionStages(): maxVUs must be a whole number ≥ 1"},
		{`u.normalDistributionStages(10, 5, 10)`, "numberOfStages must not exceed durationSeconds"},
	}
	vu := newVU(t)
	for _, c := range cases {
		_, err := vu.Run(c.expr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.expr, err, c.want)
		}
	}
}

func TestFormatUUIDv4SetsVersionAndVariant(t *testing.T) {
	var ones [16]byte
	for i := range ones {
		ones[i] = 0xff
	}
	got := []string{k6utilsmod.FormatUUIDv4([16]byte{}), k6utilsmod.FormatUUIDv4(ones)}
	want := []string{"00000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// check() records through k6's check: sync values at once, and promises once settled.
func TestCheckAwaitsPromises(t *testing.T) {
	vu := newVU(t)
	vu.MoveToVUContext()
	v, err := vu.Run(`
		globalThis.out = {};
		out.sync = u.check(2, { 'is two': (x) => x === 2, 'constant': true });
		const p = u.check(1, {
			'promise value': Promise.resolve(true),
			'async function': async (x) => x === 1,
			'async failing': async () => false,
			'plain': (x) => x > 0,
		});
		out.isPromise = p instanceof Promise;
		p.then((r) => { out.async = r; });
		u.check(0, { 'rejected': Promise.reject(new Error('boom')) }).catch((e) => { out.rejected = e.message; });
		JSON.stringify(out)`)
	if err != nil {
		t.Fatal(err)
	}
	_ = v
	got, err := vu.Run(`JSON.stringify(out)`) // after the promise jobs have run
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"sync":true,"isPromise":true,"async":false,"rejected":"boom"}`; got.String() != want {
		t.Errorf("got %s, want %s", got, want)
	}
	passed := map[string]float64{}
	for _, s := range vu.Samples() {
		name, _ := s.Tags.Get("check")
		passed[name] = s.Value
	}
	want := map[string]float64{"is two": 1, "constant": 1, "promise value": 1, "async function": 1,
		"async failing": 0, "plain": 1, "rejected": 0}
	if !reflect.DeepEqual(passed, want) {
		t.Errorf("check samples %v, want %v", passed, want)
	}
}

// The draws come from the runtime's Math.random, so k6's randomSeed() makes them repeat.
func TestRandomFunctionsFollowTheRuntimesSeed(t *testing.T) {
	draw := func() string {
		vu := newVU(t)
		r := rand.New(rand.NewPCG(42, 1))
		vu.RT.SetRandSource(r.Float64)
		v, err := vu.Run(`[u.randomIntBetween(0, 1e6), u.randomItem([1, 2, 3, 4, 5, 6, 7]), u.randomString(16), u.uuidv4()].join()`)
		if err != nil {
			t.Fatal(err)
		}
		return v.String()
	}
	if a, b := draw(), draw(); a != b {
		t.Errorf("same seed, different draws: %s vs %s", a, b)
	}
}
