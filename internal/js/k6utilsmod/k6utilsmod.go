// Package k6utilsmod serves what scripts import from k6's utils library
// (https://jslib.k6.io/k6-utils/1.x/index.js), built in, so scripts written for k6 run
// without fetching remote code. It is written from the library's documented behaviour.
package k6utilsmod

import (
	crand "crypto/rand"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/jsvalue"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/k6mod"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is the name the loader gives imports of k6's utils library.
const ImportPath = "k6-utils"

// DefaultCharset is randomString's alphabet when the script names none, as documented.
const DefaultCharset = "abcdefghijklmnopqrstuvwxyz0123456789"

// New returns the module.
func New() modules.Module { return modules.FromExports(exports) }

// instance is the module as one VU sees it.
type instance struct {
	rt    *sobek.Runtime
	check sobek.Value
	// mathRandom is the runtime's Math.random: draws follow k6's randomSeed() as they do
	// with the library in k6.
	mathRandom sobek.Callable
}

// random is a draw in [0, 1) from the runtime's Math.random.
func (mi *instance) random() float64 {
	v, err := mi.mathRandom(sobek.Undefined())
	if err != nil {
		panic(err)
	}
	return min(v.ToFloat(), math.Nextafter(1, 0))
}

// intN is a whole number in [0, n).
func (mi *instance) intN(n int64) int64 { return int64(mi.random() * float64(n)) }

// asyncCheck wraps k6's check: every check's value is computed (functions called with the
// checked value) and, if any is a promise (a thenable), all are awaited before k6's check
// records them, so the samples land once the operations have completed. The result is
// then a promise of the boolean; otherwise it is the boolean, as from k6's check. A check
// that throws or rejects is recorded as failed and its error propagates.
const asyncCheck = `(function (k6check) {
	const thenable = (r) => r !== null && (typeof r === 'object' || typeof r === 'function') && typeof r.then === 'function';
	return function check(val, sets, tags) {
		if (sets === null || typeof sets !== 'object') return k6check(val, sets, tags);
		const names = Object.keys(sets);
		const values = [];
		for (const name of names) {
			const c = sets[name];
			try {
				values.push(typeof c === 'function' ? c(val) : c);
			} catch (e) {
				k6check(val, { [name]: false }, tags);
				throw e;
			}
		}
		const record = (results) => {
			const passed = {};
			names.forEach((name, i) => { passed[name] = !!results[i]; });
			return k6check(val, passed, tags);
		};
		if (!values.some(thenable)) return record(values);
		let failure;
		return Promise.all(values.map((v) => Promise.resolve(v).then((r) => r, (e) => {
			if (failure === undefined) failure = { error: e };
			return false;
		}))).then((results) => {
			const all = record(results);
			if (failure !== undefined) throw failure.error;
			return all;
		});
	};
})`

// exports builds one VU's functions.
func exports(vu modules.VU) modules.Exports {
	rt := vu.Runtime()
	mi := &instance{rt: rt}
	mi.mathRandom, _ = sobek.AssertFunction(rt.Get("Math").ToObject(rt).Get("random"))
	// k6's own check, from a k6 module instance of this VU's: samples carry the VU's tags
	// (and group) as k6's check from 'k6' does.
	k6check := rt.ToValue(k6mod.New().NewModuleInstance(vu).Exports().Named["check"])
	wrap, err := rt.RunString(asyncCheck)
	if err == nil {
		if fn, ok := sobek.AssertFunction(wrap); ok {
			mi.check, err = fn(sobek.Undefined(), k6check)
		}
	}
	if err != nil || mi.check == nil {
		// Only a broken build gets here: the wrapper is a constant.
		panic(rt.NewGoError(fmt.Errorf("k6-utils: building check(): %v", err)))
	}
	named := map[string]any{
		"randomIntBetween":         mi.randomIntBetween,
		"randomItem":               mi.randomItem,
		"randomString":             mi.randomString,
		"uuidv4":                   mi.uuidv4,
		"findBetween":              mi.findBetween,
		"normalDistributionStages": mi.normalDistributionStages,
		"check":                    mi.check,
	}
	if err := addStageHelpers(rt, named); err != nil {
		// Only a broken build gets here: the helpers are a constant.
		panic(rt.NewGoError(err))
	}
	return modules.Exports{Named: named}
}

// throw raises a JavaScript exception naming the function and what was wrong.
func (mi *instance) throw(fn, format string, args ...any) {
	panic(mi.rt.NewGoError(fmt.Errorf("%s(): %s", fn, fmt.Sprintf(format, args...))))
}

// number reads a numeric argument, refusing what is not one (undefined, NaN, text).
func (mi *instance) number(fn, name string, v sobek.Value) float64 {
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		mi.throw(fn, "%s is missing: it must be a number", name)
	}
	f := v.ToFloat()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		mi.throw(fn, "%s must be a finite number, got %s", name, v.String())
	}
	return f
}

// randomIntBetween(min, max) is a whole number in [min, max], both ends included.
func (mi *instance) randomIntBetween(call sobek.FunctionCall) sobek.Value {
	lo := math.Ceil(mi.number("randomIntBetween", "min", call.Argument(0)))
	hi := math.Floor(mi.number("randomIntBetween", "max", call.Argument(1)))
	if hi < lo {
		mi.throw("randomIntBetween", "max (%v) is less than min (%v)", call.Argument(1), call.Argument(0))
	}
	return mi.rt.ToValue(lo + math.Floor(mi.random()*(hi-lo+1)))
}

// randomItem(array) is one of the array's elements, each as likely; undefined for an
// empty array.
func (mi *instance) randomItem(call sobek.FunctionCall) sobek.Value {
	o, ok := call.Argument(0).(*sobek.Object)
	if !ok {
		mi.throw("randomItem", "the argument must be an array, got %s", jsvalue.Describe(call.Argument(0)))
	}
	n := o.Get("length")
	if n == nil || sobek.IsUndefined(n) {
		mi.throw("randomItem", "the argument must be an array, got %s", jsvalue.Describe(o))
	}
	length := n.ToInteger()
	if length <= 0 {
		return sobek.Undefined()
	}
	return o.Get(strconv.FormatInt(mi.intN(length), 10))
}

// randomString(length, charset?) draws length characters from charset.
func (mi *instance) randomString(call sobek.FunctionCall) sobek.Value {
	f := mi.number("randomString", "length", call.Argument(0))
	if f < 0 || f != math.Trunc(f) {
		mi.throw("randomString", "length must be a whole number ≥ 0, got %v", call.Argument(0))
	}
	charset := DefaultCharset
	if cs := call.Argument(1); !sobek.IsUndefined(cs) && !sobek.IsNull(cs) {
		charset = cs.String()
	}
	alphabet := []rune(charset)
	if len(alphabet) == 0 {
		mi.throw("randomString", "charset is empty")
	}
	var b strings.Builder
	for range int(f) {
		b.WriteRune(alphabet[mi.intN(int64(len(alphabet)))])
	}
	return mi.rt.ToValue(b.String())
}

// uuidv4(secure?) is a random RFC 4122 version 4 UUID; secure draws from the operating
// system's cryptographic source instead of Math.random.
func (mi *instance) uuidv4(call sobek.FunctionCall) sobek.Value {
	var b [16]byte
	if call.Argument(0).ToBoolean() {
		_, _ = crand.Read(b[:]) // never fails on supported platforms
	} else {
		for i := range b {
			b[i] = byte(mi.intN(256))
		}
	}
	return mi.rt.ToValue(FormatUUIDv4(b))
}

// FormatUUIDv4 stamps the version and variant bits on 16 random bytes and formats them.
func FormatUUIDv4(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// findBetween(content, left, right, repeat?) is the text between the first left and the
// next right ("" when there is none), or with repeat every such text, in order.
func (mi *instance) findBetween(call sobek.FunctionCall) sobek.Value {
	content, left, right := call.Argument(0).String(), call.Argument(1).String(), call.Argument(2).String()
	all := FindBetween(content, left, right, call.Argument(3).ToBoolean())
	if call.Argument(3).ToBoolean() {
		vals := make([]any, len(all))
		for i, s := range all {
			vals[i] = s
		}
		return mi.rt.ToValue(mi.rt.NewArray(vals...))
	}
	if len(all) == 0 {
		return mi.rt.ToValue("")
	}
	return mi.rt.ToValue(all[0])
}

// FindBetween returns the texts between left and right: the first only unless repeat.
func FindBetween(content, left, right string, repeat bool) []string {
	var out []string
	for {
		i := strings.Index(content, left)
		if i < 0 {
			return out
		}
		content = content[i+len(left):]
		j := strings.Index(content, right)
		if j < 0 {
			return out
		}
		out = append(out, content[:j])
		content = content[j+len(right):]
		if !repeat {
			return out
		}
	}
}

// Stage is one element of normalDistributionStages' result, as k6's `stages` option takes it.
type Stage struct {
	Duration string `json:"duration"`
	Target   int    `json:"target"`
}

// normalDistributionStages(maxVUs, durationSeconds, numberOfStages = 10) returns
// [{duration: 'Ns', target: N}, ...] whose targets follow a bell curve peaking at maxVUs.
func (mi *instance) normalDistributionStages(call sobek.FunctionCall) sobek.Value {
	const fn = "normalDistributionStages"
	maxVUs := mi.number(fn, "maxVUs", call.Argument(0))
	secs := mi.number(fn, "durationSeconds", call.Argument(1))
	n := 10.0
	if a := call.Argument(2); !sobek.IsUndefined(a) {
		n = mi.number(fn, "numberOfStages", a)
	}
	stages, err := NormalDistributionStages(maxVUs, secs, n)
	if err != nil {
		mi.throw(fn, "%s", err)
	}
	vals := make([]any, len(stages))
	for i, s := range stages {
		o := mi.rt.NewObject()
		_ = o.Set("duration", s.Duration)
		_ = o.Set("target", s.Target)
		vals[i] = o
	}
	return mi.rt.ToValue(mi.rt.NewArray(vals...))
}

// NormalDistributionStages splits durationSeconds into numberOfStages stages of (nearly)
// equal whole seconds, summing to durationSeconds. Stage i ramps to the normal density at
// the end of its slice of the run (mean at the middle, 3 standard deviations to each end),
// scaled so the highest target is maxVUs; the last stage therefore ramps down towards 0.
func NormalDistributionStages(maxVUs, durationSeconds, numberOfStages float64) ([]Stage, error) {
	switch {
	case maxVUs < 1 || maxVUs != math.Trunc(maxVUs):
		return nil, fmt.Errorf("maxVUs must be a whole number ≥ 1, got %v", maxVUs)
	case durationSeconds < 1 || durationSeconds != math.Trunc(durationSeconds):
		return nil, fmt.Errorf("durationSeconds must be a whole number ≥ 1, got %v", durationSeconds)
	case numberOfStages < 1 || numberOfStages != math.Trunc(numberOfStages):
		return nil, fmt.Errorf("numberOfStages must be a whole number ≥ 1, got %v", numberOfStages)
	case numberOfStages > durationSeconds:
		return nil, errors.New("numberOfStages must not exceed durationSeconds: each stage lasts at least 1 second")
	}
	n, total := int(numberOfStages), int(durationSeconds)
	density := func(x float64) float64 { z := (x - 0.5) * 6; return math.Exp(-z * z / 2) }
	dens := make([]float64, n)
	peak := 0.0
	for i := range n {
		// The end of stage i, as a fraction of the run, placed so that the middle stage's
		// end sits at the mean and the last stage ends at the run's end.
		x := 1.0
		if n > 1 {
			x = float64(i) / float64(n-1)
		}
		dens[i] = density(x)
		peak = max(peak, dens[i])
	}
	stages := make([]Stage, n)
	done := 0
	for i := range n {
		end := total * (i + 1) / n
		target := int(math.Round(maxVUs * dens[i] / peak))
		if n == 1 {
			target = int(maxVUs)
		}
		stages[i] = Stage{Duration: strconv.Itoa(end-done) + "s", Target: target}
		done = end
	}
	return stages, nil
}
