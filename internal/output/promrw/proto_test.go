package promrw

import (
	"bytes"
	"math"
	"reflect"
	"testing"
)

// TestAppendWriteRequestBytes checks the encoding byte by byte against a message decoded by
// hand from the protobuf wire format.
func TestAppendWriteRequestBytes(t *testing.T) {
	got := appendWriteRequest(nil, []timeSeries{{
		labels:  []label{{"__name__", "k6_a_total"}, {"m", "r"}},
		samples: []sample{{value: 1.5, ms: 1000}},
	}})
	want := []byte{
		0x0a, 46, // WriteRequest.timeseries (field 1, length-delimited), 46 bytes
		0x0a, 22, // TimeSeries.labels (field 1), 22 bytes
		0x0a, 8, '_', '_', 'n', 'a', 'm', 'e', '_', '_', // Label.name (field 1)
		0x12, 10, 'k', '6', '_', 'a', '_', 't', 'o', 't', 'a', 'l', // Label.value (field 2)
		0x0a, 6, // TimeSeries.labels, 6 bytes
		0x0a, 1, 'm', // name
		0x12, 1, 'r', // value
		0x12, 12, // TimeSeries.samples (field 2), 12 bytes
		0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, // Sample.value (field 1, fixed64): 1.5 little-endian
		0x10, 0xe8, 0x07, // Sample.timestamp (field 2, varint): 1000 = 0x3e8 -> e8 07
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding\n got % x\nwant % x", got, want)
	}
}

func TestWriteRequestRoundTrip(t *testing.T) {
	long := string(bytes.Repeat([]byte("v"), 300)) // a length that needs a two-byte varint
	in := []timeSeries{
		{
			labels:  []label{{"__name__", "k6_neo4j_queries_total"}, {"mode", "read"}, {"name", long}},
			samples: []sample{{value: 42, ms: 1_741_000_000_123}},
		},
		{
			labels:  []label{{"__name__", "k6_vus"}},
			samples: []sample{{value: 0, ms: 0}, {value: -3.25, ms: 1}, {value: math.Inf(1), ms: 2}},
		},
		{
			labels:  []label{{"__name__", "k6_x"}, {"utf8", "héllo ✓"}},
			samples: []sample{{value: staleNaN, ms: 5}},
		},
	}
	raw := appendWriteRequest(nil, in)
	out, err := decodeWriteRequest(raw)
	if err != nil {
		t.Fatal(err)
	}
	// NaN != NaN: compare the stale marker by its bits, then blank it.
	if got := math.Float64bits(out[2].samples[0].value); got != 0x7ff0000000000002 {
		t.Fatalf("stale marker bits %#x", got)
	}
	out[2].samples[0].value, in[2].samples[0].value = 0, 0
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip\n in %+v\nout %+v", in, out)
	}
}

func TestVarintLen(t *testing.T) {
	for _, c := range []struct {
		v    uint64
		want int
	}{{0, 1}, {1, 1}, {127, 1}, {128, 2}, {16383, 2}, {16384, 3}, {math.MaxUint64, 10}} {
		if got := varintLen(c.v); got != c.want {
			t.Errorf("varintLen(%d) = %d, want %d", c.v, got, c.want)
		}
	}
}
