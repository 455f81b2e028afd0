package neo4j_test

import (
	"strings"
	"testing"
)

// Every Cypher type goes to the server and back; the server names the type it received.
func TestValuesRoundTripThroughTheServer(t *testing.T) {
	vu, _, _ := newVU(t, "")
	v, err := vu.Run(`
var T = neo4j.types;
var cases = [
  ['null', null, 'NULL'],
  ['true', true, 'BOOLEAN NOT NULL'],
  ['int', 42, 'INTEGER NOT NULL'],
  ['negative int', -7, 'INTEGER NOT NULL'],
  ['2^53-1', 9007199254740991, 'INTEGER NOT NULL'],
  ['int64 max', neo4j.int('9223372036854775807'), 'INTEGER NOT NULL'],
  ['int64 min', neo4j.int('-9223372036854775808'), 'INTEGER NOT NULL'],
  ['BigInt literal', 12345678901234567n, 'INTEGER NOT NULL'],
  ['float', 1.5, 'FLOAT NOT NULL'],
  ['forced float', neo4j.float(2), 'FLOAT NOT NULL'],
  ['NaN', NaN, 'FLOAT NOT NULL'],
  ['Infinity', Infinity, 'FLOAT NOT NULL'],
  ['-Infinity', -Infinity, 'FLOAT NOT NULL'],
  ['string', 'héllo ✓ 𝄞', 'STRING NOT NULL'],
  // Cypher's valueType() reports a byte array as a list of integers; it comes back as bytes
  // (an ArrayBuffer), which same() checks.
  ['bytes', new Uint8Array([0, 1, 255]), 'LIST<INTEGER NOT NULL> NOT NULL'],
  ['list', [1, 'a', [2.5]], 'LIST<STRING NOT NULL | INTEGER NOT NULL | LIST<FLOAT NOT NULL> NOT NULL> NOT NULL'],
  ['int list from Int32Array', new Int32Array([1, -2]), 'LIST<INTEGER NOT NULL> NOT NULL'],
  ['map', {a: 1, b: {c: 'd'}}, 'MAP NOT NULL'],
  ['date', T.date(2024, 2, 29), 'DATE NOT NULL'],
  ['local time', T.localTime(23, 59, 59, 999999999), 'LOCAL TIME NOT NULL'],
  ['time', T.time(1, 2, 3, 4, 3600), 'ZONED TIME NOT NULL'],
  ['local datetime', T.localDateTime(1999, 12, 31, 23, 59, 59, 1), 'LOCAL DATETIME NOT NULL'],
  ['datetime with offset', T.dateTime(2024, 1, 1, 12, 0, 0, 123456789, -18000), 'ZONED DATETIME NOT NULL'],
  ['datetime with zone', T.dateTime(2024, 7, 1, 12, 0, 0, 0, 7200, 'Europe/Berlin'), 'ZONED DATETIME NOT NULL'],
  ['duration', T.duration({months: 14, days: 3, seconds: 7, nanoseconds: 5}), 'DURATION NOT NULL'],
  ['cartesian point', T.point(7203, 1.5, 2.5), 'POINT NOT NULL'],
  ['cartesian 3d point', T.point(9157, 1, 2, 3), 'POINT NOT NULL'],
  ['wgs-84 point', T.point(4326, 12.5, 56.1), 'POINT NOT NULL'],
  ['wgs-84 3d point', T.point(4979, 12.5, 56.1, 100), 'POINT NOT NULL'],
];
function same(a, b) {
  if (typeof a === 'number' && isNaN(a)) return typeof b === 'number' && isNaN(b);
  if (a instanceof Uint8Array) { if (!(b instanceof ArrayBuffer)) return false; var u = new Uint8Array(b); return u.length === a.length && a.every(function (x, i) { return u[i] === x; }); }
  if (a instanceof Int32Array) return JSON.stringify(Array.from(a)) === JSON.stringify(b);
  if (a !== null && typeof a === 'object' && typeof a.toString === 'function' && a.toString !== Object.prototype.toString && !Array.isArray(a)) return String(a) === String(b);
  if (typeof a === 'object') return JSON.stringify(a) === JSON.stringify(b);
  if (typeof a === 'bigint' && typeof b === 'number') return false;
  return a === b || (a !== null && a.value !== undefined && a.value === b);
}
var bad = [];
cases.forEach(function (c) {
  var r = db.read('RETURN $v AS v, valueType($v) AS t', {v: c[1]});
  var got = r.records[0];
  if (got.t !== c[2]) bad.push(c[0] + ': server saw ' + got.t + ', want ' + c[2]);
  var want = c[0] === 'forced float' ? 2 : c[1];
  if (!same(want, got.v)) bad.push(c[0] + ': came back as ' + String(got.v) + ' (' + typeof got.v + ')');
});
bad.join('\n')`)
	if err != nil {
		t.Fatal(err)
	}
	if s := v.String(); s != "" {
		t.Fatalf("round trip problems:\n%s", s)
	}
}

func TestValuesMadeByCypherReachJSWithNothingLost(t *testing.T) {
	vu, _, _ := newVU(t, "")
	v, err := vu.Run(`
var r = db.read("RETURN date('2024-01-31') AS d, localtime('12:34:56.123456789') AS lt, time('01:02:03+05:30') AS tm, " +
  "localdatetime('2020-02-29T23:59:59.000000001') AS ldt, datetime('2024-03-10T12:00:00-05:00') AS dto, " +
  "datetime({year: 2024, month: 7, day: 1, hour: 12, timezone: 'Europe/Berlin'}) AS dtz, " +
  "duration('P1Y2M3DT4H5M6.000000007S') AS dur, point({x: 1.5, y: -2}) AS p, point({longitude: 12.5, latitude: 56.1, height: 3}) AS g, " +
  "9223372036854775807 AS big, 9007199254740991 AS safe, 0.1 AS f").records[0];
var out = {};
Object.keys(r).forEach(function (k) { out[k] = String(r[k]); });
out.dYear = r.d.year; out.ltNs = r.lt.nanosecond; out.dtzZone = r.dtz.timeZoneId; out.dtzOffset = r.dtz.offsetSeconds;
out.bigType = typeof r.big; out.safeType = typeof r.safe; out.px = r.p.x; out.gSrid = r.g.srid; out.durMonths = r.dur.months;
JSON.stringify(out)`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		`"d":"2024-01-31"`: "", `"lt":"12:34:56.123456789"`: "", `"tm":"01:02:03+05:30"`: "",
		`"ldt":"2020-02-29T23:59:59.000000001"`: "", `"dto":"2024-03-10T12:00:00-05:00"`: "",
		`"dtz":"2024-07-01T12:00:00+02:00[Europe/Berlin]"`: "", `"dur":"P14M3DT14706.000000007S"`: "",
		`"p":"point({srid: 7203, x: 1.5, y: -2})"`: "", `"g":"point({srid: 4979, x: 12.5, y: 56.1, z: 3})"`: "",
		`"big":"9223372036854775807"`: "", `"safe":"9007199254740991"`: "", `"f":"0.1"`: "",
		`"dYear":2024`: "", `"ltNs":123456789`: "", `"dtzZone":"Europe/Berlin"`: "", `"dtzOffset":7200`: "",
		`"bigType":"bigint"`: "", `"safeType":"number"`: "", `"px":1.5`: "", `"gSrid":4979`: "", `"durMonths":14`: "",
	}
	for w := range want {
		if !strings.Contains(v.String(), w) {
			t.Errorf("missing %s in %s", w, v)
		}
	}
}

func TestGraphValuesAsPlainObjects(t *testing.T) {
	vu, _, _ := newVU(t, "")
	v, err := vu.Run(`
var label = 'G' + Date.now();
var r = db.write('CREATE p = (a:' + label + ' {name: "a"})-[r:KNOWS {since: 2020}]->(b:' + label + ' {name: "b"}) RETURN a, r, p');
var rec = r.records[0];
db.write('MATCH (n:' + label + ') DETACH DELETE n');
JSON.stringify({labels: rec.a.labels, name: rec.a.properties.name, type: rec.r.type, since: rec.r.properties.since,
  linked: rec.r.startNodeElementId === rec.a.elementId, nodes: rec.p.nodes.length, rels: rec.p.relationships.length,
  end: rec.p.nodes[1].properties.name, hasId: typeof rec.a.elementId === 'string' && rec.a.elementId.length > 0})`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.String(), `"type":"KNOWS","since":2020,"linked":true,"nodes":2,"rels":1,"end":"b","hasId":true`) ||
		!strings.Contains(v.String(), `"name":"a"`) {
		t.Fatalf("got %s", v)
	}
}

func TestParametersThatCannotConvertNameThemselves(t *testing.T) {
	vu, _, _ := newVU(t, "")
	for _, c := range []struct{ js, want string }{
		{`db.read('RETURN 1', {fn: function () {}})`, "params.fn: a function"},
		{`db.read('RETURN 1', {list: [1, Symbol('s')]})`, "params.list[1]: a symbol"},
		{`var o = {a: {}}; o.a.self = o; db.read('RETURN 1', o)`, "params.a.self: the object refers to itself"},
		{`db.read('RETURN 1', {n: 2n ** 70n})`, "does not fit a 64-bit integer"},
		{`db.read('RETURN 1', {d: neo4j.types.date(2023, 2, 29)})`, "not a date"},
		{`db.read('RETURN 1', [1, 2])`, "must be an object"},
	} {
		_, err := vu.Run(c.js)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.js, err, c.want)
		}
	}
}

// The documented nesting limit (1000 levels) is one the server takes; one more level is an
// error named by its path before anything is sent, and the query counts as not run.
func TestParameterNestingLimitAgainstTheServer(t *testing.T) {
	vu, _, _ := newVU(t, "")
	v, err := vu.Run(`
var o = 1, l = 1;
for (var i = 0; i < 1000; i++) { o = {a: o}; l = [l]; }
var r = db.read('RETURN $o IS NOT NULL AND $l IS NOT NULL AS ok', {o: o, l: l});
var caught = '';
try { db.read('RETURN 1', {o: {a: o}}); } catch (e) { caught = e.message; }
JSON.stringify({ok: r.records[0].ok, caught: caught})`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.String(), `"ok":true`) || !strings.Contains(v.String(), "deeper than 1000 levels") ||
		!strings.Contains(v.String(), "params.o.a.a") {
		t.Fatalf("got %s", v)
	}
}
