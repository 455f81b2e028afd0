package webglobals_test

import (
	"strings"
	"testing"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/webglobals"
)

func urlRuntime(t *testing.T) *sobek.Runtime {
	t.Helper()
	rt := sobek.New()
	if err := webglobals.Install(rt); err != nil {
		t.Fatal(err)
	}
	return rt
}

// Each case is a JS expression and the string it must give, taken from the WHATWG URL
// standard's examples and its test data (urltestdata), where Go's net/url differs.
func TestURLParsing(t *testing.T) {
	rt := urlRuntime(t)
	cases := map[string]string{
		// Scheme and host are lower-cased, the default port goes, dot segments resolve.
		`new URL('HTTPS://EXAMPLE.com:443/a/./b/../c').href`:              "https://example.com/a/c",
		`new URL('http://h:8080').port`:                                   "8080",
		`new URL('http://h:0081/').port + new URL('http://h:0080/').port`: "81",
		`new URL('ws://h:80/').host`:                                      "h",
		`new URL('http://h').pathname`:                                    "/",
		`new URL('foo://h').pathname`:                                     "",
		`new URL('http://h/%2e/a/%2E%2e/b').pathname`:                     "/b",
		`new URL('http://h/a/..').pathname`:                               "/",
		// Special schemes take backslashes as slashes and any number of them.
		`new URL('http:\\\\h\\a\\b').href`: "http://h/a/b",
		`new URL('https:////h/x').href`:    "https://h/x",
		// Percent-encode sets: path, query (with ' for special schemes), fragment, userinfo.
		`new URL("http://h/a b\"<>?q='x y'#f g<").href`: "http://h/a%20b%22%3C%3E?q=%27x%20y%27#f%20g%3C",
		`new URL("foo://h/p?q='x'").search`:             "?q='x'",
		`new URL('http://u s:p@ss@h/').href`:            "http://u%20s:p%40ss@h/",
		`new URL('http://h/é?é#é').href`:                "http://h/%C3%A9?%C3%A9#%C3%A9",
		`new URL('http://h/%41%zz').pathname`:           "/%41%zz",
		// Hosts: IPv4 numbers in all forms, IDNA, IPv6 brackets, opaque hosts keep case.
		`new URL('http://0x7f.1/').host`:          "127.0.0.1",
		`new URL('http://2130706433/').host`:      "127.0.0.1",
		`new URL('http://0177.0.0.1/').host`:      "127.0.0.1",
		`new URL('http://münchen.DE/').host`:      "xn--mnchen-3ya.de",
		`new URL('http://[::1]:7474/').host`:      "[::1]:7474",
		`new URL('http://%41.com/').host`:         "a.com",
		`new URL('bolt://Neo4j:7687').host`:       "Neo4j:7687",
		`new URL('neo4j+s://db.example/').origin`: "null",
		`new URL('http://h:81/x').origin`:         "http://h:81",
		// Opaque paths and relative references.
		`new URL('mailto:Ann@X.org').pathname`:                            "Ann@X.org",
		`new URL('../x?y#z', 'http://h/a/b/c').href`:                      "http://h/a/x?y#z",
		`new URL('//o/p', 'https://h/a').href`:                            "https://o/p",
		`new URL('?q', 'http://h/a/b?x#f').href`:                          "http://h/a/b?q",
		`new URL('#g', 'http://h/a/b?x#f').href`:                          "http://h/a/b?x#g",
		`new URL('', 'http://h/a?x#f').href`:                              "http://h/a?x",
		`new URL('/r', 'http://u:p@h:81/a').href`:                         "http://u:p@h:81/r",
		`new URL('http:x', 'http://h/a/').href`:                           "http://h/a/x",
		`new URL('#f', 'mailto:x').href`:                                  "mailto:x#f",
		`new URL('  http://h/a\tb\n ').href`:                              "http://h/ab",
		`new URL('file:///tmp/x.csv').href`:                               "file:///tmp/x.csv",
		`new URL('file://localhost/tmp').href`:                            "file:///tmp",
		`String(new URL('http://h/x'))`:                                   "http://h/x",
		`JSON.stringify({u: new URL('http://h/x')})`:                      `{"u":"http://h/x"}`,
		`Object.prototype.toString.call(new URL('a:b'))`:                  "[object URL]",
		`String(URL.canParse('x', 'http://h'))`:                           "true",
		`String(URL.canParse('x'))`:                                       "false",
		`String(new URL('http://h/?a=1').search === '?a=1')`:              "true",
		`new URL('http://h/?').search + '|' + new URL('http://h/?').href`: "|http://h/?",
	}
	for expr, want := range cases {
		v, err := rt.RunString(expr)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if v.String() != want {
			t.Errorf("%s = %q, want %q", expr, v.String(), want)
		}
	}
}

// A URL the standard rejects throws a TypeError saying "Invalid URL", and the message
// never shows a password written in the URL.
func TestURLInvalid(t *testing.T) {
	rt := urlRuntime(t)
	for _, input := range []string{`'nope'`, `''`, `'http://'`, `'http://h:99999/'`, `'http://h:8a/'`, `'http://a b/'`,
		`'http://[::1/'`, `'http://1.2.3.256/'`, `'http://u:s3cret@h:x/'`, `'x', 'also bad'`} {
		v, err := rt.RunString(`(() => { try { new URL(` + input + `); return 'no error'; } catch (e) {
			return (e instanceof TypeError ? 'TypeError' : 'other') + ': ' + e.message; } })()`)
		if err != nil {
			t.Fatal(err)
		}
		got := v.String()
		if !strings.HasPrefix(got, "TypeError: Invalid URL") {
			t.Errorf("new URL(%s): %s", input, got)
		}
		if strings.Contains(got, "s3cret") {
			t.Errorf("new URL(%s): the message shows the password: %s", input, got)
		}
	}
}

// Setters change one part and leave the URL as it was when the value is bad; searchParams
// and search stay in step both ways.
func TestURLSettersAndLiveSearchParams(t *testing.T) {
	rt := urlRuntime(t)
	v, err := rt.RunString(`(() => {
		const out = [];
		const u = new URL('https://u:p@h/a?x=1#f');
		u.protocol = 'http'; u.hostname = 'neo4j.local'; u.port = '7474'; u.pathname = 'db/x y';
		u.username = 'a b'; u.password = ''; u.hash = '#top';
		out.push(u.href);
		u.port = 'bad'; u.hostname = 'a b'; u.protocol = 'mailto';
		out.push(u.href);
		u.port = '80'; u.host = 'other:9'; out.push(u.host);
		const sp = u.searchParams;
		sp.append('q', 'a b&c=d'); sp.set('x', 'é');
		out.push(u.search);
		u.search = '?k=v+w';
		out.push(sp.get('k') + '|' + (u.searchParams === sp) + '|' + sp.size);
		sp.delete('k'); out.push(u.href);
		u.href = 'http://n/?z=1'; out.push(sp.get('z'));
		try { u.href = 'nope'; out.push('no error'); } catch (e) { out.push(e.name); }
		return out.join('\n');
	})()`)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"http://a%20b@neo4j.local:7474/db/x%20y?x=1#top",
		"http://a%20b@neo4j.local:7474/db/x%20y?x=1#top",
		"other:9",
		"?x=%C3%A9&q=a+b%26c%3Dd",
		"v w|true|1",
		"http://a%20b@other:9/db/x%20y#top",
		"1",
		"TypeError",
	}, "\n")
	if v.String() != want {
		t.Errorf("got\n%s\nwant\n%s", v, want)
	}
}

// URLSearchParams as k6 scripts use it to build query strings: from a string, an object,
// pairs or another URLSearchParams, with form encoding ('+' for space).
func TestURLSearchParams(t *testing.T) {
	rt := urlRuntime(t)
	cases := map[string]string{
		`new URLSearchParams('?a=1&b=x+y&c=%26&&d').toString()`:                                                                     "a=1&b=x+y&c=%26&d=",
		`new URLSearchParams('b=x+y%20z').get('b')`:                                                                                 "x y z",
		`new URLSearchParams({q: 'a b', n: 5, e: 'é/~*'}).toString()`:                                                               "q=a+b&n=5&e=%C3%A9%2F%7E*",
		`new URLSearchParams([['a','1'],['a','2']]).getAll('a').join()`:                                                             "1,2",
		`new URLSearchParams(new Map([['k','v']])).toString()`:                                                                      "k=v",
		`new URLSearchParams(new URLSearchParams('a=1')).toString()`:                                                                "a=1",
		`String(new URLSearchParams('a=1').get('zz'))`:                                                                              "null",
		`String(new URLSearchParams('a=1&a=2').has('a', '2'))`:                                                                      "true",
		`(() => { const p = new URLSearchParams('c=3&a=2&b=1&a=1'); p.sort(); return p.toString(); })()`:                            "a=2&a=1&b=1&c=3",
		`(() => { const p = new URLSearchParams('a=1&b=2&a=3'); p.set('a', 'z'); return p.toString(); })()`:                         "a=z&b=2",
		`(() => { const p = new URLSearchParams('a=1&b=2&a=3'); p.delete('a', '3'); return p.toString(); })()`:                      "a=1&b=2",
		`[...new URLSearchParams('a=1&b=2')].map(e => e.join(':')).join()`:                                                          "a:1,b:2",
		`[...new URLSearchParams('a=1&b=2').keys()].join() + [...new URLSearchParams('a=1&b=2').values()].join()`:                   "a,b1,2",
		`(() => { const o = []; new URLSearchParams('a=1&b=2').forEach((v, k, p) => o.push(k + v + p.size)); return o.join(); })()`: "a12,b22",
		`String(new URLSearchParams('a=1&b=2').size)`:                                                                               "2",
		`Object.prototype.toString.call(new URLSearchParams())`:                                                                     "[object URLSearchParams]",
		`(() => { try { new URLSearchParams([['a']]); return 'no error'; } catch (e) { return e.name; } })()`:                       "TypeError",
		`new URL('http://h/?' + new URLSearchParams({q: 'MATCH (n) RETURN n'})).searchParams.get('q')`:                              "MATCH (n) RETURN n",
	}
	for expr, want := range cases {
		v, err := rt.RunString(expr)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if v.String() != want {
			t.Errorf("%s = %q, want %q", expr, v.String(), want)
		}
	}
}

// The classes are made on first use; until then and after, the globals behave as plain
// built-in ones: present, not enumerable, the same class on every read, assignable.
func TestURLGlobalsAreMadeOnFirstUse(t *testing.T) {
	rt := urlRuntime(t)
	v, err := rt.RunString(`[
  'URL' in globalThis && 'URLSearchParams' in globalThis,
  Object.keys(globalThis).includes('URL'),
  new URLSearchParams('a=1').get('a') === '1' && URL === URL && typeof URL.canParse === 'function',
  new URL('http://h/?x=1').searchParams instanceof URLSearchParams,
  (() => { URL = 5; return URL === 5; })(),
].join(',')`)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.String(); got != "true,false,true,true,true" {
		t.Fatalf("got %s", got)
	}
}
