package js_test

import (
	"context"
	"encoding/json"
	"testing"
)

// Issue 10, section 2: TextEncoder, TextDecoder, crypto and structuredClone are globals in every VU, as in
// k6. Each case is an expression evaluated inside an iteration; a thrown error reads as
// "name: message".
func TestWebGlobals(t *testing.T) {
	cases := []struct{ name, expr, want string }{
		{"TextEncoder encodes UTF-8",
			`const e = new TextEncoder(); const u = e.encode('aé€😀'); e.encoding + ' ' + (u instanceof Uint8Array) + ' ' + Array.from(u).join(',')`,
			"utf-8 true 97,195,169,226,130,172,240,159,152,128"},
		{"TextEncoder encodes nothing as empty", `new TextEncoder().encode().length + ' ' + new TextEncoder().encode('').length`, "0 0"},
		{"a lone surrogate becomes U+FFFD", `Array.from(new TextEncoder().encode('a\uD800b')).join(',')`, "97,239,191,189,98"},
		{"encodeInto stops at a whole character and counts UTF-16 units",
			`const buf = new Uint8Array(6); const r = new TextEncoder().encodeInto('a😀é', buf); r.read + ' ' + r.written + ' ' + Array.from(buf).join(',')`,
			"3 5 97,240,159,152,128,0"},
		{"encodeInto fills a subarray in place",
			`const all = new Uint8Array(4); const r = new TextEncoder().encodeInto('hi!', all.subarray(1)); r.read + ' ' + r.written + ' ' + Array.from(all).join(',')`,
			"3 3 0,104,105,33"},
		{"encodeInto needs a Uint8Array", `new TextEncoder().encodeInto('x', [])`, "TypeError: TextEncoder.encodeInto(): the destination must be a Uint8Array"},
		{"TextDecoder decodes ArrayBuffers, typed arrays and DataViews",
			`const d = new TextDecoder(); const b = new Uint8Array([0, 104, 195, 169, 0]); d.decode(b.buffer.slice(1, 4)) + '|' + d.decode(b.subarray(1, 4)) + '|' + d.decode(new DataView(b.buffer, 1, 3)) + '|' + d.decode()`,
			"hé|hé|hé|"},
		{"TextDecoder round-trips TextEncoder", `new TextDecoder('utf-8').decode(new TextEncoder().encode('Grüße, 世界 😀'))`, "Grüße, 世界 😀"},
		{"TextDecoder properties", `const d = new TextDecoder('UTF8', { fatal: true, ignoreBOM: true }); d.encoding + ' ' + d.fatal + ' ' + d.ignoreBOM + ' ' + new TextDecoder().fatal`, "utf-8 true true false"},
		{"invalid bytes become U+FFFD, one per maximal subpart",
			`new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82, 0x63, 0xf0, 0x9f, 0x98]))`,
			"a\uFFFDb\uFFFDc\uFFFD"},
		{"a surrogate encoded in UTF-8 is invalid", `new TextDecoder().decode(new Uint8Array([0xed, 0xa0, 0x80])).length`, "3"},
		{"fatal throws a TypeError on invalid bytes",
			`new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0x61, 0xc3]))`,
			"TypeError: TextDecoder.decode(): the data is not valid UTF-8"},
		{"the BOM is stripped unless ignoreBOM",
			`const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]); new TextDecoder().decode(bom) + '|' + new TextDecoder('utf-8', { ignoreBOM: true }).decode(bom).length`,
			"hi|3"},
		{"streaming keeps a character cut between chunks",
			`const d = new TextDecoder(); d.decode(new Uint8Array([0x61, 0xe2, 0x82]), { stream: true }) + '|' + d.decode(new Uint8Array([0xac, 0x62]), { stream: true }) + '|' + d.decode()`,
			"a|€b|"},
		{"a cut character at the end of the stream is U+FFFD", `const d = new TextDecoder(); d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + '|' + d.decode()`, "|\uFFFD"},
		{"an unknown label is a RangeError", `new TextDecoder('latin1')`, `RangeError: TextDecoder: the encoding "latin1" is not supported; only utf-8 is`},
		{"decode refuses a string", `new TextDecoder().decode('abc')`, "TypeError: TextDecoder.decode(): the input must be an ArrayBuffer, a typed array or a DataView"},
		{"getRandomValues fills in place and returns the same array",
			`const a = new Uint8Array(64); const r = crypto.getRandomValues(a); (r === a) + ' ' + a.some((x) => x !== 0)`,
			"true true"},
		{"getRandomValues fills only the view's bytes",
			`const a = new Uint32Array(8); crypto.getRandomValues(a.subarray(2, 4)); a[0] + ' ' + a[1] + ' ' + (a[2] !== 0 || a[3] !== 0) + ' ' + a[4]`,
			"0 0 true 0"},
		{"getRandomValues takes 65536 bytes", `crypto.getRandomValues(new Uint16Array(32768)).length`, "32768"},
		{"getRandomValues refuses more than 65536 bytes", `crypto.getRandomValues(new Uint8Array(65537))`,
			"QuotaExceededError: crypto.getRandomValues(): the array has 65537 bytes; at most 65536 can be filled at once"},
		{"getRandomValues refuses a float array", `crypto.getRandomValues(new Float64Array(2))`,
			"TypeMismatchError: crypto.getRandomValues(): the argument must be an integer typed array (such as a Uint8Array), not Float64Array"},
		{"getRandomValues refuses a plain array", `crypto.getRandomValues([1, 2])`, "TypeMismatchError: crypto.getRandomValues(): the argument must be an integer typed array"},
		{"randomUUID is a v4 UUID, new each time",
			`const u = crypto.randomUUID(); /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u) + ' ' + (u !== crypto.randomUUID())`,
			"true true"},
		{"structuredClone copies deeply",
			`const src = { a: [1, { b: 'x' }], n: null, u: undefined, big: 10n }; const c = structuredClone(src); c.a[1].b = 'y'; src.a[1].b + ' ' + JSON.stringify(c, (k, v) => typeof v === 'bigint' ? v + 'n' : v) + ' ' + ('u' in c)`,
			`x {"a":[1,{"b":"y"}],"n":null,"big":"10n"} true`},
		{"structuredClone keeps cycles and shared references",
			`const shared = { s: 1 }; const o = { p: shared, q: shared }; o.self = o; const c = structuredClone(o); (c.self === c) + ' ' + (c.p === c.q) + ' ' + (c.p !== shared)`,
			"true true true"},
		{"structuredClone copies Map, Set, Date, RegExp and wrappers",
			`const c = structuredClone({ m: new Map([[1, { v: 'a' }]]), s: new Set(['x']), d: new Date(5), r: /a+/gi, w: Object('str') }); (c.m instanceof Map) + ' ' + c.m.get(1).v + ' ' + c.s.has('x') + ' ' + c.d.getTime() + ' ' + c.r.source + c.r.flags + ' ' + (typeof c.w) + c.w`,
			"true a true 5 a+gi objectstr"},
		{"structuredClone copies typed arrays over a new buffer, views sharing it",
			`const buf = new ArrayBuffer(4); const v = { a: new Uint8Array(buf, 1, 2), d: new DataView(buf) }; v.a[0] = 7; const c = structuredClone(v); c.a[0] = 9; (c.a instanceof Uint8Array) + ' ' + v.a[0] + ' ' + c.d.getUint8(1) + ' ' + (c.a.buffer === c.d.buffer) + ' ' + (c.a.buffer !== buf) + ' ' + c.a.byteOffset`,
			"true 7 9 true true 1"},
		{"structuredClone makes class instances plain and keeps error kinds",
			`class P { constructor() { this.x = 1; } get y() { return 2; } } const c = structuredClone({ p: new P(), e: new RangeError('bad') }); (c.p instanceof P) + ' ' + c.p.x + ' ' + c.p.y + ' ' + (c.e instanceof RangeError) + ' ' + c.e.message`,
			"false 1 undefined true bad"},
		{"structuredClone refuses a function and says where", `structuredClone({ a: [0, { f() {} }] })`,
			"DataCloneError: structuredClone(): the value.a[1].f is a function, which cannot be cloned"},
		{"structuredClone refuses a promise", `structuredClone(Promise.resolve(1))`, "DataCloneError: structuredClone(): the value is a Promise, which cannot be cloned"},
		{"an exception from a getter in the value goes on as it was", `structuredClone({ get g() { throw new TypeError('from getter'); } })`, "TypeError: from getter"},
		{"structuredClone needs a value", `structuredClone()`, "TypeError: structuredClone(): a value to clone is required"},
		{"structuredClone of a primitive", `structuredClone('s') + structuredClone(3)`, "s3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vu := newLoopVU(t, `export default function () {
  try { globalThis.result = String((0, eval)(`+jsString(c.expr)+`)); }
  catch (e) { globalThis.result = e.name + ': ' + e.message; }
}`)
			if err := vu.Iteration(context.Background(), "default"); err != nil {
				t.Fatal(err)
			}
			if got := vu.Runtime().Get("result").String(); !hasPrefix(got, c.want) {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// The globals exist in init code too, where scripts prepare data.
func TestWebGlobalsInInit(t *testing.T) {
	vu := newLoopVU(t, `globalThis.early = new TextDecoder().decode(new TextEncoder().encode('ok')) + typeof crypto.randomUUID;
export default function () {}`)
	if got := vu.Runtime().Get("early").String(); got != "okfunction" {
		t.Fatalf("early = %q", got)
	}
}

// hasPrefix lets error cases name only the start of a long message; results compare whole.
func hasPrefix(got, want string) bool {
	return got == want || len(want) > 20 && len(got) > len(want) && got[:len(want)] == want
}

// jsString quotes src as a JavaScript string literal (JSON's are).
func jsString(src string) string {
	b, _ := json.Marshal(src)
	return string(b)
}
