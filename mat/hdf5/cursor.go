package hdf5

import "encoding/binary"

// undef is the undefined address, whatever the file's size of offsets (all bits set on disk).
const undef = ^uint64(0)

// cursor decodes little-endian fields from a metadata block. A read past the end of the block
// returns zero and sets bad, so a parser reads all its fields and checks bad once.
type cursor struct {
	b       []byte
	pos     int
	bad     bool
	offSize int // bytes in an address
	lenSize int // bytes in a length
}

// newCursor returns a cursor over b for a file with the given sizes of offsets and lengths.
func (f *File) newCursor(b []byte) *cursor {
	return &cursor{b: b, offSize: f.offSize, lenSize: f.lenSize}
}

// left returns the number of bytes not yet read.
func (c *cursor) left() int {
	if c.pos >= len(c.b) {
		return 0
	}
	return len(c.b) - c.pos
}

// take returns the next n bytes, or nil (and marks the cursor bad) if fewer are left.
func (c *cursor) take(n int) []byte {
	if n < 0 || n > c.left() {
		c.bad = true
		c.pos = len(c.b)
		return nil
	}
	p := c.b[c.pos : c.pos+n]
	c.pos += n
	return p
}

// skip advances over n bytes.
func (c *cursor) skip(n int) {
	c.take(n)
}

func (c *cursor) u8() uint8 {
	p := c.take(1)
	if p == nil {
		return 0
	}
	return p[0]
}

func (c *cursor) u16() uint16 {
	p := c.take(2)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint16(p)
}

func (c *cursor) u32() uint32 {
	p := c.take(4)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(p)
}

func (c *cursor) u64() uint64 {
	p := c.take(8)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(p)
}

// uvar reads an n-byte little-endian unsigned integer, 0 <= n <= 8.
func (c *cursor) uvar(n int) uint64 {
	if n > 8 {
		c.bad = true
		return 0
	}
	p := c.take(n)
	if p == nil {
		return 0
	}
	return leUint(p)
}

// addr reads an address; the all-ones pattern becomes undef.
func (c *cursor) addr() uint64 {
	p := c.take(c.offSize)
	if p == nil {
		return undef
	}
	return addrFrom(p)
}

// length reads a length field of the file's size of lengths.
func (c *cursor) length() uint64 {
	return c.uvar(c.lenSize)
}

// cstring reads a NUL-terminated string and consumes the terminator.
func (c *cursor) cstring() string {
	rest := c.b[min(c.pos, len(c.b)):]
	for i, ch := range rest {
		if ch == 0 {
			s := string(rest[:i])
			c.pos += i + 1
			return s
		}
	}
	c.bad = true
	c.pos = len(c.b)
	return ""
}

// leUint decodes up to 8 little-endian bytes.
func leUint(p []byte) uint64 {
	var v uint64
	for i := len(p) - 1; i >= 0; i-- {
		v = v<<8 | uint64(p[i])
	}
	return v
}

// addrFrom decodes an address; all bits set means undefined.
func addrFrom(p []byte) uint64 {
	v := leUint(p)
	if len(p) < 8 && v == 1<<(8*uint(len(p)))-1 {
		return undef
	}
	return v
}

// bytesFor returns the number of bytes HDF5 uses to encode values up to n: one more than the
// index of the highest set bit divided by 8 (the library's "limit_enc_size").
func bytesFor(n uint64) int {
	return log2Floor(n)/8 + 1
}

// log2Floor returns the index of the highest set bit of n (0 for n <= 1).
func log2Floor(n uint64) int {
	k := 0
	for n > 1 {
		n >>= 1
		k++
	}
	return k
}
