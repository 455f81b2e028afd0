package promrw

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestSnappyRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 200_000)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	// Remote-write-like data: the same labels over and over, with varying numbers.
	var labels bytes.Buffer
	for i := range 5000 {
		labels.WriteString(`__name__k6_neo4j_query_duration_p99modereadnameperson-by-iddbneo4j`)
		labels.WriteByte(byte(i))
	}
	cases := map[string][]byte{
		"empty":            {},
		"one byte":         {7},
		"short":            []byte("hello, world"),
		"run":              bytes.Repeat([]byte{'a'}, 100_000), // overlapping copies
		"random":           random,
		"repetitive":       labels.Bytes(),
		"period 3":         bytes.Repeat([]byte("abc"), 1000),
		"far repeat":       append(append(append([]byte{}, random[:70_000]...), random[:70_000]...), 'x'),
		"just over 64 run": append([]byte("0123"), bytes.Repeat([]byte("0123"), 17)...),
	}
	var e snappyEncoder
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			enc := e.encode(nil, in)
			out, err := snappyDecode(enc)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(in, out) {
				t.Fatalf("round trip changed %d bytes into %d", len(in), len(out))
			}
			t.Logf("%d -> %d bytes", len(in), len(enc))
		})
	}
	if enc := e.encode(nil, labels.Bytes()); len(enc)*5 > labels.Len() {
		t.Errorf("repetitive data compressed only to %d of %d bytes", len(enc), labels.Len())
	}
	if enc := e.encode(nil, random); len(enc) > len(random)+len(random)/50 {
		t.Errorf("random data grew from %d to %d bytes", len(random), len(enc))
	}
}

// TestSnappyEmpty is the body of Start's empty write request: the varint 0 and nothing else.
func TestSnappyEmpty(t *testing.T) {
	var e snappyEncoder
	if got := e.encode(nil, nil); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("got % x", got)
	}
}

func FuzzSnappyRoundTrip(f *testing.F) {
	f.Add([]byte("hello hello hello hello"))
	f.Add(bytes.Repeat([]byte{0}, 1000))
	f.Add([]byte{})
	var e snappyEncoder
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := snappyDecode(e.encode(nil, in))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(in, out) {
			t.Fatal("round trip changed the data")
		}
	})
}
