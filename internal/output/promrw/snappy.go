package promrw

import (
	"encoding/binary"
)

// Snappy's block format (https://github.com/google/snappy/blob/main/format_description.txt),
// the one remote write requires (the framed format must not be used), written from that
// description:
//
//   - a preamble: the uncompressed length as a varint;
//   - then elements, each starting with a tag byte whose low two bits say what it is:
//     00 a literal: the length-1 in the upper six bits when below 60, else 60..63 meaning
//     1..4 little-endian bytes of length-1 follow; then the bytes;
//     01 a copy of 4..11 bytes from an offset below 2048: (length-4) in bits 2-4, the offset's
//     bits 8-10 in bits 5-7, its low byte next;
//     10 a copy of 1..64 bytes: (length-1) in the upper six bits, a two-byte offset next.
//
// A copy repeats bytes already produced, offset bytes back; it may overlap what it produces.
//
// The compressor is a plain greedy LZ77: a hash of the next four bytes looks up the last
// position that had the same hash; a match there (checked, as hashes collide) becomes a copy
// as long as the bytes agree. Offsets are kept below 65536 so two-byte offsets always do.
// Remote-write payloads repeat label names and values heavily, so even this simple scheme
// shrinks them several times over.
const (
	snappyTableBits = 14
	snappyMaxOffset = 1<<16 - 1
	// snappyMinInput: below this there is nothing worth matching.
	snappyMinInput = 16
)

// snappyEncoder keeps its hash table between calls, to avoid 64 KiB of garbage per push.
// Not safe for concurrent use.
type snappyEncoder struct {
	table [1 << snappyTableBits]int32 // position+1 of the last 4-byte sequence per hash; 0 is empty
}

// encode appends the block-format compression of src to dst[:0] and returns it.
func (e *snappyEncoder) encode(dst, src []byte) []byte {
	dst = binary.AppendUvarint(dst[:0], uint64(len(src)))
	if len(src) < snappyMinInput {
		return appendLiteral(dst, src)
	}
	clear(e.table[:])
	lit := 0 // start of the bytes not yet emitted
	for s := 0; s+4 <= len(src); {
		cur := binary.LittleEndian.Uint32(src[s:])
		h := (cur * 0x1e35a7bd) >> (32 - snappyTableBits)
		cand := int(e.table[h]) - 1
		e.table[h] = int32(s + 1)
		if cand < 0 || s-cand > snappyMaxOffset || binary.LittleEndian.Uint32(src[cand:]) != cur {
			// Skip faster through data that does not compress: one more byte per 32 without
			// a match.
			s += 1 + (s-lit)>>5
			continue
		}
		n := 4
		for s+n < len(src) && src[cand+n] == src[s+n] {
			n++
		}
		dst = appendLiteral(dst, src[lit:s])
		dst = appendCopy(dst, s-cand, n)
		s += n
		lit = s
	}
	return appendLiteral(dst, src[lit:])
}

func appendLiteral(dst, lit []byte) []byte {
	n := len(lit)
	if n == 0 {
		return dst
	}
	m := uint32(n - 1)
	switch {
	case m < 60:
		dst = append(dst, byte(m<<2))
	case m < 1<<8:
		dst = append(dst, 60<<2, byte(m))
	case m < 1<<16:
		dst = append(dst, 61<<2, byte(m), byte(m>>8))
	case m < 1<<24:
		dst = append(dst, 62<<2, byte(m), byte(m>>8), byte(m>>16))
	default:
		dst = append(dst, 63<<2, byte(m), byte(m>>8), byte(m>>16), byte(m>>24))
	}
	return append(dst, lit...)
}

// appendCopy emits a copy of n >= 4 bytes from offset (1..65535) back, cut into elements of at
// most 64 bytes so that none is left shorter than 4 (a one-byte-offset copy needs 4).
func appendCopy(dst []byte, offset, n int) []byte {
	for n >= 68 {
		dst = appendCopy2(dst, offset, 64)
		n -= 64
	}
	if n > 64 {
		dst = appendCopy2(dst, offset, 60)
		n -= 60
	}
	if n >= 12 || offset >= 2048 {
		return appendCopy2(dst, offset, n)
	}
	return append(dst, byte(1|(n-4)<<2|(offset>>8)<<5), byte(offset))
}

func appendCopy2(dst []byte, offset, n int) []byte {
	return append(dst, byte(2|(n-1)<<2), byte(offset), byte(offset>>8))
}
