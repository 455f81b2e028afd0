package neo4j

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/grafana/sobek"
)

// helpers are the module's value constructors: neo4j.int, neo4j.float and neo4j.types.*.
func (mi *ModuleInstance) helpers(rt *sobek.Runtime) (intFn, floatFn any, types *sobek.Object) {
	fail := func(format string, args ...any) { throw(rt, fmt.Errorf(format, args...)) }
	ints := func(call sobek.FunctionCall, fn string, names ...string) []int {
		out := make([]int, len(names))
		for i, n := range names {
			a := call.Argument(i)
			if isUndefined(a) {
				continue // missing trailing parts are 0
			}
			f, ok := exportNumber(a)
			if !ok || f != math.Trunc(f) || math.Abs(f) > maxSafeInt {
				fail("neo4j.types.%s(): %s must be a whole number (at most 2^53-1 either way), got %s", fn, n, describeJS(a))
			}
			out[i] = int(f)
		}
		return out
	}
	intFn = func(v sobek.Value) sobek.Value {
		if f, ok := exportNumber(v); ok {
			if f != math.Trunc(f) {
				fail("neo4j.int(%s): not a whole number", describeJS(v))
			}
			// float64(math.MaxInt64) rounds up to 2^63, so the upper bound is exclusive;
			// beyond it int64(f) would wrap (1e20 became -2^63).
			if f < -0x1p63 || f >= 0x1p63 {
				fail("neo4j.int(%s): beyond the 64-bit integer range (-2^63 to 2^63-1)", describeJS(v))
			}
			return rt.ToValue(new(big.Int).SetInt64(int64(f)))
		}
		switch v.Export().(type) {
		case string, *big.Int:
		default:
			fail("neo4j.int(%s): want a whole number, a BigInt or a decimal string", describeJS(v))
		}
		s := v.String()
		n, ok := new(big.Int).SetString(strings.TrimSpace(s), 10)
		if !ok {
			fail("neo4j.int(%s): not a decimal integer", describeJS(v))
		}
		if !n.IsInt64() {
			fail("neo4j.int(%s): beyond the 64-bit integer range (-2^63 to 2^63-1)", describeJS(v))
		}
		return rt.ToValue(n)
	}
	floatFn = func(v sobek.Value) Float {
		f, ok := exportNumber(v)
		if !ok {
			if ff := v.ToFloat(); !math.IsNaN(ff) || v.String() == "NaN" {
				return Float{ff}
			}
			fail("neo4j.float(%s): not a number", describeJS(v))
		}
		return Float{f}
	}
	types = rt.NewObject()
	check := func(v any) any {
		if _, err := toDriver(v); err != nil {
			fail("neo4j.types: %v", err)
		}
		return v
	}
	_ = types.Set("date", func(c sobek.FunctionCall) sobek.Value {
		p := ints(c, "date", "year", "month", "day")
		return rt.ToValue(check(Date{p[0], p[1], p[2]}))
	})
	_ = types.Set("localTime", func(c sobek.FunctionCall) sobek.Value {
		p := ints(c, "localTime", "hour", "minute", "second", "nanosecond")
		return rt.ToValue(check(LocalTime{p[0], p[1], p[2], p[3]}))
	})
	_ = types.Set("time", func(c sobek.FunctionCall) sobek.Value {
		p := ints(c, "time", "hour", "minute", "second", "nanosecond", "offsetSeconds")
		return rt.ToValue(check(Time{p[0], p[1], p[2], p[3], p[4]}))
	})
	_ = types.Set("localDateTime", func(c sobek.FunctionCall) sobek.Value {
		p := ints(c, "localDateTime", "year", "month", "day", "hour", "minute", "second", "nanosecond")
		return rt.ToValue(check(LocalDateTime{p[0], p[1], p[2], p[3], p[4], p[5], p[6]}))
	})
	_ = types.Set("dateTime", func(c sobek.FunctionCall) sobek.Value {
		p := ints(c, "dateTime", "year", "month", "day", "hour", "minute", "second", "nanosecond", "offsetSeconds")
		zone := ""
		if z := c.Argument(8); !isUndefined(z) {
			zone = z.String()
		}
		return rt.ToValue(check(DateTime{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], zone}))
	})
	_ = types.Set("duration", func(c sobek.FunctionCall) sobek.Value {
		obj, ok := c.Argument(0).(*sobek.Object)
		if !ok {
			fail("neo4j.types.duration(): want {months, days, seconds, nanoseconds}")
		}
		var d Duration
		for _, k := range obj.Keys() {
			f, ok := exportNumber(obj.Get(k))
			if !ok || f != math.Trunc(f) || math.Abs(f) > maxSafeInt {
				fail("neo4j.types.duration(): %s must be a whole number (at most 2^53-1 either way), got %s", k, describeJS(obj.Get(k)))
			}
			switch k {
			case "months":
				d.Months = int64(f)
			case "days":
				d.Days = int64(f)
			case "seconds":
				d.Seconds = int64(f)
			case "nanoseconds":
				d.Nanoseconds = int64(f)
			default:
				fail("neo4j.types.duration(): unknown field %q (months, days, seconds, nanoseconds)", k)
			}
		}
		return rt.ToValue(check(d))
	})
	_ = types.Set("point", func(c sobek.FunctionCall) sobek.Value {
		srid := ints(c, "point", "srid")[0]
		var xyz []float64
		for i := 1; i < len(c.Arguments); i++ {
			f, ok := exportNumber(c.Argument(i))
			if !ok {
				fail("neo4j.types.point(): coordinate %d must be a number, got %s", i, describeJS(c.Argument(i)))
			}
			xyz = append(xyz, f)
		}
		switch len(xyz) {
		case 2:
			return rt.ToValue(check(Point2D{srid, xyz[0], xyz[1]}))
		case 3:
			return rt.ToValue(check(Point3D{srid, xyz[0], xyz[1], xyz[2]}))
		}
		fail("neo4j.types.point(srid, x, y[, z]): want 2 or 3 coordinates, got %d", len(xyz))
		return sobek.Undefined()
	})
	return intFn, floatFn, types
}
