package hdf5

import (
	"encoding/binary"
	"math/bits"
)

// lookup3 is Bob Jenkins' lookup3 "hashlittle" hash with an initial value of 0, which HDF5
// uses to checksum the metadata of newer structures (superblock v2/v3, v2 object headers,
// v2 B-trees, fractal heaps, fixed and extensible arrays).
func lookup3(data []byte) uint32 {
	a := 0xdeadbeef + uint32(len(data))
	b, c := a, a

	for len(data) > 12 {
		a += binary.LittleEndian.Uint32(data[0:])
		b += binary.LittleEndian.Uint32(data[4:])
		c += binary.LittleEndian.Uint32(data[8:])
		a, b, c = lookup3Mix(a, b, c)
		data = data[12:]
	}

	if len(data) == 0 {
		return c
	}
	var tail [12]byte
	copy(tail[:], data)
	a += binary.LittleEndian.Uint32(tail[0:])
	b += binary.LittleEndian.Uint32(tail[4:])
	c += binary.LittleEndian.Uint32(tail[8:])

	c ^= b
	c -= bits.RotateLeft32(b, 14)
	a ^= c
	a -= bits.RotateLeft32(c, 11)
	b ^= a
	b -= bits.RotateLeft32(a, 25)
	c ^= b
	c -= bits.RotateLeft32(b, 16)
	a ^= c
	a -= bits.RotateLeft32(c, 4)
	b ^= a
	b -= bits.RotateLeft32(a, 14)
	c ^= b
	c -= bits.RotateLeft32(b, 24)
	return c
}

// lookup3Mix is the reversible mixing step of lookup3.
func lookup3Mix(a, b, c uint32) (uint32, uint32, uint32) {
	a -= c
	a ^= bits.RotateLeft32(c, 4)
	c += b
	b -= a
	b ^= bits.RotateLeft32(a, 6)
	a += c
	c -= b
	c ^= bits.RotateLeft32(b, 8)
	b += a
	a -= c
	a ^= bits.RotateLeft32(c, 16)
	c += b
	b -= a
	b ^= bits.RotateLeft32(a, 19)
	a += c
	c -= b
	c ^= bits.RotateLeft32(b, 4)
	b += a
	return a, b, c
}

// fletcher32 is the checksum of HDF5's fletcher32 filter (id 3): Fletcher's checksum over
// big-endian 16-bit words, a trailing odd byte taken as the high byte of a last word.
func fletcher32(data []byte) uint32 {
	var sum1, sum2 uint32
	n := len(data) / 2
	p := data

	for n > 0 {
		blk := min(n, 360)
		n -= blk
		for i := 0; i < blk; i++ {
			sum1 += uint32(p[0])<<8 | uint32(p[1])
			sum2 += sum1
			p = p[2:]
		}
		sum1 = sum1&0xffff + sum1>>16
		sum2 = sum2&0xffff + sum2>>16
	}

	if len(data)%2 == 1 {
		sum1 += uint32(p[0]) << 8
		sum2 += sum1
		sum1 = sum1&0xffff + sum1>>16
		sum2 = sum2&0xffff + sum2>>16
	}
	sum1 = sum1&0xffff + sum1>>16
	sum2 = sum2&0xffff + sum2>>16
	return sum2<<16 | sum1
}
