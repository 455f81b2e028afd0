package promrw

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// The remote-write 1.0 messages (https://prometheus.io/docs/specs/remote_write_spec/), encoded
// by hand: four small messages do not justify a protobuf dependency.
//
//	message WriteRequest { repeated TimeSeries timeseries = 1; }
//	message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//	message Label        { string name = 1; string value = 2; }
//	message Sample       { double value = 1; int64 timestamp = 2; }
//
// A field is a key, (field number << 3) | wire type, followed by its value: wire type 0 is a
// varint, 1 eight little-endian bytes, 2 a varint length and that many bytes (strings and
// embedded messages alike). Each message's length is needed before the message itself, so
// sizes are computed first and the bytes are then written in one pass into a buffer that is
// reused from push to push.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2

	keyTimeseries   = 1<<3 | wireBytes   // WriteRequest.timeseries
	keyLabels       = 1<<3 | wireBytes   // TimeSeries.labels
	keySamples      = 2<<3 | wireBytes   // TimeSeries.samples
	keyLabelName    = 1<<3 | wireBytes   // Label.name
	keyLabelValue   = 2<<3 | wireBytes   // Label.value
	keySampleValue  = 1<<3 | wireFixed64 // Sample.value
	keySampleTimeMs = 2<<3 | wireVarint  // Sample.timestamp
)

// sample is one (value, timestamp in ms since the epoch) pair.
type sample struct {
	value float64
	ms    int64
}

// timeSeries is one series of a write request: its labels, sorted by name with __name__
// among them, and its samples in time order.
type timeSeries struct {
	labels  []label
	samples []sample
}

// varintLen is the length of v as a protobuf varint: one byte per 7 bits, at least one.
func varintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// bytesFieldLen is the size of a length-delimited field holding n bytes (one-byte key).
func bytesFieldLen(n int) int { return 1 + varintLen(uint64(n)) + n }

func labelLen(l label) int {
	return bytesFieldLen(len(l.name)) + bytesFieldLen(len(l.value))
}

// sampleLen: the value is always written (8 bytes), the timestamp as a varint of its int64
// two's-complement bits, as protobuf does for int64.
func sampleLen(s sample) int { return 1 + 8 + 1 + varintLen(uint64(s.ms)) }

func seriesLen(ts *timeSeries) int {
	n := 0
	for _, l := range ts.labels {
		n += bytesFieldLen(labelLen(l))
	}
	for _, s := range ts.samples {
		n += bytesFieldLen(sampleLen(s))
	}
	return n
}

// appendWriteRequest appends the encoded WriteRequest holding series to buf.
func appendWriteRequest(buf []byte, series []timeSeries) []byte {
	for i := range series {
		ts := &series[i]
		buf = append(buf, keyTimeseries)
		buf = binary.AppendUvarint(buf, uint64(seriesLen(ts)))
		for _, l := range ts.labels {
			buf = append(buf, keyLabels)
			buf = binary.AppendUvarint(buf, uint64(labelLen(l)))
			buf = appendString(buf, keyLabelName, l.name)
			buf = appendString(buf, keyLabelValue, l.value)
		}
		for _, s := range ts.samples {
			buf = append(buf, keySamples)
			buf = binary.AppendUvarint(buf, uint64(sampleLen(s)))
			buf = append(buf, keySampleValue)
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(s.value))
			buf = append(buf, keySampleTimeMs)
			buf = binary.AppendUvarint(buf, uint64(s.ms))
		}
	}
	return buf
}

func appendString(buf []byte, key byte, s string) []byte {
	buf = append(buf, key)
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}
