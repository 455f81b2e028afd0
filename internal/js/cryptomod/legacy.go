package cryptomod

import (
	"encoding/binary"
	"hash"
	"math/bits"
)

// legacy is the framing MD4 (RFC 1320) and RIPEMD-160 share: 64-byte blocks, little-endian
// words, MD-style padding. k6/crypto offers both and the standard library has neither; they
// are written from their specifications.
type legacy struct {
	init  []uint32
	s     []uint32
	block func(s []uint32, x *[16]uint32)
	buf   [64]byte
	nb    int    // bytes in buf
	len   uint64 // bytes written in all
}

func newMD4() hash.Hash {
	d := &legacy{init: []uint32{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476}, block: md4Block}
	d.Reset()
	return d
}

func newRIPEMD160() hash.Hash {
	d := &legacy{init: []uint32{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, block: ripemd160Block}
	d.Reset()
	return d
}

func (d *legacy) Reset() {
	d.s = append([]uint32(nil), d.init...)
	d.nb, d.len = 0, 0
}

func (d *legacy) Size() int      { return 4 * len(d.init) }
func (d *legacy) BlockSize() int { return 64 }

func (d *legacy) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	for len(p) > 0 {
		c := copy(d.buf[d.nb:], p)
		d.nb += c
		p = p[c:]
		if d.nb == 64 {
			var x [16]uint32
			for i := range x {
				x[i] = binary.LittleEndian.Uint32(d.buf[4*i:])
			}
			d.block(d.s, &x)
			d.nb = 0
		}
	}
	return n, nil
}

func (d *legacy) Sum(in []byte) []byte {
	c := *d // Sum does not change the running hash
	c.s = append([]uint32(nil), d.s...)
	var pad [72]byte
	pad[0] = 0x80
	padLen := 56 - int(c.len%64)
	if padLen <= 0 {
		padLen += 64
	}
	binary.LittleEndian.PutUint64(pad[padLen:], c.len*8)
	_, _ = c.Write(pad[:padLen+8])
	for _, v := range c.s {
		in = binary.LittleEndian.AppendUint32(in, v)
	}
	return in
}

func md4Block(s []uint32, x *[16]uint32) {
	a, b, c, dd := s[0], s[1], s[2], s[3]
	f := func(x, y, z uint32) uint32 { return x&y | ^x&z }
	g := func(x, y, z uint32) uint32 { return x&y | x&z | y&z }
	h := func(x, y, z uint32) uint32 { return x ^ y ^ z }
	// Round 1
	for _, i := range []int{0, 4, 8, 12} {
		a = bits.RotateLeft32(a+f(b, c, dd)+x[i], 3)
		dd = bits.RotateLeft32(dd+f(a, b, c)+x[i+1], 7)
		c = bits.RotateLeft32(c+f(dd, a, b)+x[i+2], 11)
		b = bits.RotateLeft32(b+f(c, dd, a)+x[i+3], 19)
	}
	// Round 2
	for i := range 4 {
		a = bits.RotateLeft32(a+g(b, c, dd)+x[i]+0x5a827999, 3)
		dd = bits.RotateLeft32(dd+g(a, b, c)+x[i+4]+0x5a827999, 5)
		c = bits.RotateLeft32(c+g(dd, a, b)+x[i+8]+0x5a827999, 9)
		b = bits.RotateLeft32(b+g(c, dd, a)+x[i+12]+0x5a827999, 13)
	}
	// Round 3
	for _, i := range []int{0, 2, 1, 3} {
		a = bits.RotateLeft32(a+h(b, c, dd)+x[i]+0x6ed9eba1, 3)
		dd = bits.RotateLeft32(dd+h(a, b, c)+x[i+8]+0x6ed9eba1, 9)
		c = bits.RotateLeft32(c+h(dd, a, b)+x[i+4]+0x6ed9eba1, 11)
		b = bits.RotateLeft32(b+h(c, dd, a)+x[i+12]+0x6ed9eba1, 15)
	}
	s[0] += a
	s[1] += b
	s[2] += c
	s[3] += dd
}

// RIPEMD-160's message word order, rotations and constants for its left and right lines.
var (
	rmdR = [80]uint8{
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
		7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
		3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
		1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
		4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
	}
	rmdRR = [80]uint8{
		5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
		6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
		15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
		8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
		12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
	}
	rmdS = [80]uint8{
		11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
		7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
		11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
		11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
		9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
	}
	rmdSR = [80]uint8{
		8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
		9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
		9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
		15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
		8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
	}
	rmdK  = [5]uint32{0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e}
	rmdKR = [5]uint32{0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000}
)

// rmdF is the j-th round's boolean function; the right line takes them in reverse order.
func rmdF(round int, x, y, z uint32) uint32 {
	switch round {
	case 0:
		return x ^ y ^ z
	case 1:
		return x&y | ^x&z
	case 2:
		return (x | ^y) ^ z
	case 3:
		return x&z | y&^z
	default:
		return x ^ (y | ^z)
	}
}

func ripemd160Block(s []uint32, x *[16]uint32) {
	a, b, c, d, e := s[0], s[1], s[2], s[3], s[4]
	ar, br, cr, dr, er := a, b, c, d, e
	for j := range 80 {
		round := j / 16
		t := bits.RotateLeft32(a+rmdF(round, b, c, d)+x[rmdR[j]]+rmdK[round], int(rmdS[j])) + e
		a, e, d, c, b = e, d, bits.RotateLeft32(c, 10), b, t
		t = bits.RotateLeft32(ar+rmdF(4-round, br, cr, dr)+x[rmdRR[j]]+rmdKR[round], int(rmdSR[j])) + er
		ar, er, dr, cr, br = er, dr, bits.RotateLeft32(cr, 10), br, t
	}
	t := s[1] + c + dr
	s[1] = s[2] + d + er
	s[2] = s[3] + e + ar
	s[3] = s[4] + a + br
	s[4] = s[0] + b + cr
	s[0] = t
}
