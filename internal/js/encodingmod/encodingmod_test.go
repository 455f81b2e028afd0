package encodingmod_test

import (
	"strings"
	"testing"

	"github.com/xk6-neo4j/xk6-neo4j/internal/js/encodingmod"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

func run(t *testing.T, expr string) (string, error) {
	t.Helper()
	vu := modulestest.NewVU(t)
	vu.Import("encoding", encodingmod.New())
	vu.MoveToVUContext()
	v, err := vu.Run(expr)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// RFC 4648 section 10 vectors in all four variants, and round trips through ArrayBuffers.
func TestBase64Vectors(t *testing.T) {
	vectors := [][2]string{{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}}
	type tc struct{ expr, want string }
	var cases []tc
	for _, v := range vectors {
		raw := strings.TrimRight(v[1], "=")
		cases = append(cases,
			tc{`encoding.b64encode('` + v[0] + `')`, v[1]},
			tc{`encoding.b64encode('` + v[0] + `', 'std')`, v[1]},
			tc{`encoding.b64encode('` + v[0] + `', 'url')`, v[1]},
			tc{`encoding.b64encode('` + v[0] + `', 'rawstd')`, raw},
			tc{`encoding.b64encode('` + v[0] + `', 'rawurl')`, raw},
			tc{`encoding.b64decode('` + v[1] + `', 'std', 's')`, v[0]},
			tc{`encoding.b64decode('` + v[1] + `', 'url', 's')`, v[0]},
			tc{`encoding.b64decode('` + raw + `', 'rawstd', 's')`, v[0]},
			tc{`encoding.b64decode('` + raw + `', 'rawurl', 's')`, v[0]},
		)
	}
	cases = append(cases,
		// The alphabets differ on 62 and 63: + / against - _.
		tc{`encoding.b64encode(new Uint8Array([0xfb, 0xff, 0xbf]).buffer)`, "+/+/"},
		tc{`encoding.b64encode(new Uint8Array([0xfb, 0xff, 0xbf]).buffer, 'rawurl')`, "-_-_"},
		tc{`encoding.b64encode(new Uint8Array([0xfb, 0xff]).buffer, 'url')`, "-_8="},
		tc{`encoding.b64encode(new Uint8Array([0xfb, 0xff]).buffer, 'rawurl')`, "-_8"},
		// No format: an ArrayBuffer with the bytes.
		tc{`const b = encoding.b64decode('-_-_', 'rawurl'); (b instanceof ArrayBuffer) + ' ' + Array.from(new Uint8Array(b)).join(',')`, "true 251,255,191"},
		tc{`new Uint8Array(encoding.b64decode('aGVsbG8gd29ybGQ=')).length`, "11"},
		// Text is encoded as UTF-8 and decoded back from it.
		tc{`encoding.b64encode('é€')`, "w6nigqw="},
		tc{`encoding.b64decode('w6nigqw=', 'std', 's')`, "é€"},
		// The raw variants take padded input too.
		tc{`encoding.b64decode('Zg==', 'rawurl', 's')`, "f"},
	)
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			got, err := run(t, c.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestBase64BadInput(t *testing.T) {
	cases := []struct{ expr, want string }{
		{`encoding.b64encode('x', 'base32')`, `b64encode(): unknown base64 encoding "base32"; use std, rawstd, url or rawurl`},
		{`encoding.b64decode('Zg==', 'hex')`, `b64decode(): unknown base64 encoding "hex"`},
		{`encoding.b64decode('Zm9v!')`, `b64decode(): the input is not valid base64 in the "std" variant`},
		{`encoding.b64decode('-_-_')`, `b64decode(): the input is not valid base64 in the "std" variant`},
		{`encoding.b64decode('+/+/', 'url')`, `b64decode(): the input is not valid base64 in the "url" variant`},
		{`encoding.b64decode()`, `b64decode(): the input is missing`},
		{`encoding.b64encode()`, `b64encode(): the input is missing`},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			got, err := run(t, c.expr)
			if err == nil {
				t.Fatalf("no error; got %s", got)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want one with %q", err, c.want)
			}
		})
	}
}
