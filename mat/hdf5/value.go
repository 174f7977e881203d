package hdf5

import (
	"encoding/binary"
	"math"
	"strings"
)

// maxValueElems bounds the elements of an attribute value that are decoded.
const maxValueElems = 1 << 24

// gheapCache holds the global heap collections read while decoding one object's attributes.
type gheapCache struct {
	f    *File
	cols map[uint64][]byte
}

// decodeValue decodes n elements of type t from data into a Go value (see Attribute.Value).
func (f *File) decodeValue(t Datatype, data []byte, n int, scalar bool,
	g *gheapCache) (any, error) {
	if n > maxValueElems {
		return nil, nil
	}

	switch {
	case t.Class == String:
		out := make([]string, n)
		for i := range out {
			out[i] = trimString(data[i*t.Size:(i+1)*t.Size], t.strPad)
		}
		return scalarOr(out, scalar), nil

	case t.Class == VarLen && t.IsString:
		out := make([]string, n)
		for i := range out {
			s, err := g.vlen(data[i*t.Size : (i+1)*t.Size])
			if err != nil {
				return nil, err
			}
			out[i] = strings.TrimRight(string(s), "\x00")
		}
		return scalarOr(out, scalar), nil

	case t.numeric() && t.Class != Float && t.Signed:
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(intBits(data[i*t.Size:], t.Size, t.ByteOrder, true))
		}
		return scalarOr(out, scalar), nil

	case t.numeric() && t.Class != Float:
		out := make([]uint64, n)
		for i := range out {
			out[i] = intBits(data[i*t.Size:], t.Size, t.ByteOrder, false)
		}
		return scalarOr(out, scalar), nil

	case t.numeric():
		out := make([]float64, n)
		for i := range out {
			out[i] = floatAt(data[i*t.Size:], t.Size, t.ByteOrder)
		}
		return scalarOr(out, scalar), nil
	}
	return nil, nil
}

// scalarOr returns v[0] for a scalar dataspace and v otherwise.
func scalarOr[T any](v []T, scalar bool) any {
	if scalar && len(v) == 1 {
		return v[0]
	}
	return v
}

// trimString strips the terminator or padding of a fixed-length string.
func trimString(b []byte, pad int) string {
	if pad == 2 {
		return strings.TrimRight(string(b), " ")
	}
	return cString(b)
}

// intBits reads an integer of size bytes; signed values are sign-extended to 64 bits.
func intBits(b []byte, size int, order ByteOrder, signed bool) uint64 {
	var v uint64
	for i := 0; i < size; i++ {
		k := i
		if order == BigEndian {
			k = size - 1 - i
		}
		v |= uint64(b[k]) << (8 * uint(i))
	}
	if signed && size < 8 && v>>(8*uint(size)-1)&1 == 1 {
		v |= ^uint64(0) << (8 * uint(size))
	}
	return v
}

// floatAt reads an IEEE float of 4 or 8 bytes.
func floatAt(b []byte, size int, order ByteOrder) float64 {
	if size == 4 {
		if order == BigEndian {
			return float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
		}
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
	}
	if order == BigEndian {
		return math.Float64frombits(binary.BigEndian.Uint64(b))
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

// vlen returns the bytes of a variable-length element: a length, the address of a global
// heap collection and the index of an object in it.
func (g *gheapCache) vlen(b []byte) ([]byte, error) {
	f := g.f
	c := f.newCursor(b)
	n := uint64(c.u32())
	addr := c.addr()
	idx := c.u32()
	if c.bad {
		return nil, f.corruptf("variable-length element is truncated")
	}
	if n == 0 || addr == undef {
		return nil, nil
	}

	col, err := g.collection(addr)
	if err != nil {
		return nil, err
	}
	obj, err := f.globalHeapObject(col, addr, idx)
	if err != nil {
		return nil, err
	}
	if n > uint64(len(obj)) {
		return nil, f.corruptf("variable-length element of %d bytes overruns its heap object",
			n)
	}
	return obj[:n], nil
}

// collection reads (once) the global heap collection at addr.
func (g *gheapCache) collection(addr uint64) ([]byte, error) {
	if col, ok := g.cols[addr]; ok {
		return col, nil
	}
	f := g.f
	head, err := f.read(addr, uint64(8+f.lenSize), "global heap collection")
	if err != nil {
		return nil, err
	}
	if err := f.checkSignature(head, "GCOL", "global heap collection", addr); err != nil {
		return nil, err
	}
	size := leUint(head[8:])
	if size < uint64(len(head)) {
		return nil, f.corruptf("global heap collection at 0x%x has size %d", addr, size)
	}
	col, err := f.read(addr, size, "global heap collection")
	if err != nil {
		return nil, err
	}
	g.cols[addr] = col
	return col, nil
}

// globalHeapObject finds object idx in a global heap collection.
func (f *File) globalHeapObject(col []byte, addr uint64, idx uint32) ([]byte, error) {
	c := f.newCursor(col)
	c.skip(8 + f.lenSize)
	for c.left() >= 8+f.lenSize {
		id := c.u16()
		c.skip(6) // reference count, reserved
		n := c.length()
		if id == 0 {
			break // free space fills the rest of the collection
		}
		if n > uint64(c.left()) {
			break
		}
		obj := c.take(int(n))
		c.skip(padTo8(int(n)) - int(n))
		if uint32(id) == idx {
			return obj, nil
		}
	}
	return nil, f.corruptf("global heap collection at 0x%x has no object %d", addr, idx)
}
