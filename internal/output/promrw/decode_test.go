package promrw

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Decoders for the tests: the inverse of snappy.go and proto.go, written independently from the
// format descriptions so that a round trip checks the encoders against the formats, not
// against themselves. (The test against a real Prometheus checks them against the receiver.)

// snappyDecode decodes a snappy block.
func snappyDecode(src []byte) ([]byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 {
		return nil, errors.New("bad preamble")
	}
	if n > 1<<30 {
		return nil, errors.New("too long")
	}
	src = src[k:]
	dst := make([]byte, 0, n)
	for len(src) > 0 {
		tag := src[0]
		switch tag & 3 {
		case 0:
			m := int(tag >> 2)
			src = src[1:]
			if m >= 60 {
				nb := m - 59
				if len(src) < nb {
					return nil, errors.New("short literal length")
				}
				m = 0
				for i := nb - 1; i >= 0; i-- {
					m = m<<8 | int(src[i])
				}
				src = src[nb:]
			}
			l := m + 1
			if len(src) < l {
				return nil, errors.New("short literal")
			}
			dst = append(dst, src[:l]...)
			src = src[l:]
		case 1:
			if len(src) < 2 {
				return nil, errors.New("short copy1")
			}
			l := 4 + int(tag>>2&7)
			off := int(tag>>5)<<8 | int(src[1])
			src = src[2:]
			var err error
			if dst, err = copyBack(dst, off, l); err != nil {
				return nil, err
			}
		case 2:
			if len(src) < 3 {
				return nil, errors.New("short copy2")
			}
			l := 1 + int(tag>>2)
			off := int(src[1]) | int(src[2])<<8
			src = src[3:]
			var err error
			if dst, err = copyBack(dst, off, l); err != nil {
				return nil, err
			}
		default:
			return nil, errors.New("copy4 not expected from our encoder")
		}
	}
	if uint64(len(dst)) != n {
		return nil, fmt.Errorf("decoded %d bytes, preamble says %d", len(dst), n)
	}
	return dst, nil
}

func copyBack(dst []byte, off, l int) ([]byte, error) {
	if off <= 0 || off > len(dst) {
		return nil, fmt.Errorf("bad offset %d at %d", off, len(dst))
	}
	for i := 0; i < l; i++ { // byte by byte: copies may overlap
		dst = append(dst, dst[len(dst)-off])
	}
	return dst, nil
}

// pbReader walks protobuf fields.
type pbReader struct{ b []byte }

func (r *pbReader) next() (field int, wire int, val uint64, bytes []byte, err error) {
	key, n := binary.Uvarint(r.b)
	if n <= 0 {
		return 0, 0, 0, nil, errors.New("bad key")
	}
	r.b = r.b[n:]
	field, wire = int(key>>3), int(key&7)
	switch wire {
	case 0:
		v, n := binary.Uvarint(r.b)
		if n <= 0 {
			return 0, 0, 0, nil, errors.New("bad varint")
		}
		r.b = r.b[n:]
		return field, wire, v, nil, nil
	case 1:
		if len(r.b) < 8 {
			return 0, 0, 0, nil, errors.New("short fixed64")
		}
		v := binary.LittleEndian.Uint64(r.b)
		r.b = r.b[8:]
		return field, wire, v, nil, nil
	case 2:
		l, n := binary.Uvarint(r.b)
		if n <= 0 || uint64(len(r.b)-n) < l {
			return 0, 0, 0, nil, errors.New("bad length")
		}
		bs := r.b[n : n+int(l)]
		r.b = r.b[n+int(l):]
		return field, wire, 0, bs, nil
	}
	return 0, 0, 0, nil, fmt.Errorf("unexpected wire type %d", wire)
}

// decodeWriteRequest parses a WriteRequest.
func decodeWriteRequest(b []byte) ([]timeSeries, error) {
	var out []timeSeries
	r := pbReader{b}
	for len(r.b) > 0 {
		f, w, _, msg, err := r.next()
		if err != nil {
			return nil, err
		}
		if f != 1 || w != 2 {
			return nil, fmt.Errorf("WriteRequest: unexpected field %d/%d", f, w)
		}
		ts, err := decodeTimeSeries(msg)
		if err != nil {
			return nil, err
		}
		out = append(out, ts)
	}
	return out, nil
}

func decodeTimeSeries(b []byte) (timeSeries, error) {
	var ts timeSeries
	r := pbReader{b}
	for len(r.b) > 0 {
		f, w, _, msg, err := r.next()
		if err != nil {
			return ts, err
		}
		if w != 2 {
			return ts, fmt.Errorf("TimeSeries: unexpected wire type %d", w)
		}
		sub := pbReader{msg}
		switch f {
		case 1:
			var l label
			for len(sub.b) > 0 {
				lf, lw, _, s, err := sub.next()
				if err != nil || lw != 2 {
					return ts, fmt.Errorf("Label: %v (wire %d)", err, lw)
				}
				switch lf {
				case 1:
					l.name = string(s)
				case 2:
					l.value = string(s)
				}
			}
			ts.labels = append(ts.labels, l)
		case 2:
			var s sample
			for len(sub.b) > 0 {
				sf, sw, v, _, err := sub.next()
				if err != nil {
					return ts, err
				}
				switch {
				case sf == 1 && sw == 1:
					s.value = math.Float64frombits(v)
				case sf == 2 && sw == 0:
					s.ms = int64(v)
				default:
					return ts, fmt.Errorf("Sample: unexpected field %d/%d", sf, sw)
				}
			}
			ts.samples = append(ts.samples, s)
		default:
			return ts, fmt.Errorf("TimeSeries: unexpected field %d", f)
		}
	}
	return ts, nil
}
