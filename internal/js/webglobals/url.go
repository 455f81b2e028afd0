package webglobals

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/grafana/sobek"
)

// urlProgram is compiled once per process: every VU's runtime runs the same program.
var urlProgram = sync.OnceValues(func() (*sobek.Program, error) { return sobek.Compile("url.js", urlSource, true) })

// installURL sets the URL and URLSearchParams globals. The classes are written in JS
// (urlSource) so that they behave like JS classes (instanceof, subclassing, iteration);
// the byte-level work that JS strings make awkward (UTF-8 percent-encoding, IDNA) is done
// by the Go helpers passed in.
//
// The classes are made the first time a script reads either global: running their source
// costs about 0.1 MB per VU, which most scripts, never touching URL, should not pay.
func installURL(rt *sobek.Runtime) error {
	if _, err := urlProgram(); err != nil {
		return fmt.Errorf("compiling URL: %w", err)
	}
	g := rt.GlobalObject()
	names := []string{"URL", "URLSearchParams"}
	var made *sobek.Object
	for _, name := range names {
		get := rt.ToValue(func(sobek.FunctionCall) sobek.Value {
			if made == nil {
				obj, err := makeURLClasses(rt)
				if err != nil {
					panic(rt.NewGoError(err))
				}
				made = obj
				for _, n := range names {
					// Non-enumerable, as built-in globals are.
					_ = g.DefineDataProperty(n, obj.Get(n), sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
				}
			}
			return made.Get(name)
		})
		set := rt.ToValue(func(call sobek.FunctionCall) sobek.Value {
			// A script may assign the global, as it could a plain one.
			_ = g.DefineDataProperty(name, call.Argument(0), sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE)
			return sobek.Undefined()
		})
		if err := g.DefineAccessorProperty(name, get, set, sobek.FLAG_TRUE, sobek.FLAG_FALSE); err != nil {
			return fmt.Errorf("setting the global %s: %w", name, err)
		}
	}
	return nil
}

// makeURLClasses runs the classes' source in rt and returns {URL, URLSearchParams}.
func makeURLClasses(rt *sobek.Runtime) (*sobek.Object, error) {
	prg, err := urlProgram()
	if err != nil {
		return nil, fmt.Errorf("compiling URL: %w", err)
	}
	v, err := rt.RunProgram(prg)
	if err != nil {
		return nil, fmt.Errorf("running URL: %w", err)
	}
	factory, ok := sobek.AssertFunction(v)
	if !ok {
		return nil, fmt.Errorf("URL: the source does not make a factory")
	}
	helpers := rt.NewObject()
	_ = helpers.Set("encode", func(s, set string) string { return percentEncode(s, set) })
	_ = helpers.Set("decode", percentDecode)
	_ = helpers.Set("toASCII", func(s string) (string, error) { return hostToASCII(s) })
	classes, err := factory(sobek.Undefined(), helpers)
	if err != nil {
		return nil, fmt.Errorf("making URL: %w", err)
	}
	return classes.ToObject(rt), nil
}

// percentEncodeSets are the WHATWG URL percent-encode sets, beyond the C0 controls and
// non-ASCII bytes that every set encodes.
var percentEncodeSets = map[string]string{
	"c0":            "",
	"fragment":      " \"<>`",
	"query":         " \"#<>",
	"special-query": " \"#<>'",
	"path":          " \"#<>?`{}",
	"userinfo":      " \"#<>?`{}/:;=@[\\]^|",
	"component":     " \"#<>?`{}/:;=@[\\]^|$%&+,",
}

// percentEncode encodes s's UTF-8 bytes with one of the WHATWG sets, or with "form",
// application/x-www-form-urlencoded (space as '+'), which URLSearchParams serializes with.
func percentEncode(s, set string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	extra := percentEncodeSets[set]
	for i := 0; i < len(s); i++ {
		c := s[i]
		var keep bool
		if set == "form" {
			if c == ' ' {
				b.WriteByte('+')
				continue
			}
			keep = c == '*' || c == '-' || c == '.' || c == '_' ||
				c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		} else {
			keep = c > 0x1F && c < 0x7F && strings.IndexByte(extra, c) < 0
		}
		if keep {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// percentDecode turns %XX into bytes, leaves a '%' not followed by two hex digits as it
// is, and reads the bytes as UTF-8, invalid sequences becoming U+FFFD, as the standard says.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// hostToASCII makes a domain's labels ASCII with Punycode (the xn-- form), lower-casing
// them first. It does not apply the full UTS #46 mapping, which load-test hosts do not need.
func hostToASCII(host string) (string, error) {
	labels := strings.Split(strings.ToLower(host), ".")
	for i, l := range labels {
		ascii := true
		for j := 0; j < len(l); j++ {
			if l[j] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			continue
		}
		if !utf8.ValidString(l) {
			return "", fmt.Errorf("invalid host")
		}
		enc, err := punycode(l)
		if err != nil {
			return "", err
		}
		labels[i] = "xn--" + enc
	}
	return strings.Join(labels, "."), nil
}

// punycode is RFC 3492's encoder with its standard parameters.
func punycode(s string) (string, error) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	adapt := func(delta, numPoints int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	runes := []rune(s)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	h := len(out)
	b := h
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := initialN, 0, initialBias
	for h < len(runes) {
		m := int(^uint(0) >> 1)
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := base; ; k += base {
					t := k - bias
					if t < tmin {
						t = tmin
					} else if t > tmax {
						t = tmax
					}
					if q < t {
						break
					}
					out = append(out, digit(t+(q-t)%(base-t)))
					q = (q - t) / (base - t)
				}
				out = append(out, digit(q))
				bias = adapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out), nil
}
