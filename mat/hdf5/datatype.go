package hdf5

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Class is the class of an HDF5 datatype. The values are those of the file format.
type Class int

// The datatype classes of HDF5.
const (
	Integer   Class = 0  // fixed-point number, signed or unsigned
	Float     Class = 1  // IEEE floating point number
	Time      Class = 2  // time (obsolete)
	String    Class = 3  // fixed-length string, or a variable-length one (class VarLen)
	Bitfield  Class = 4  // bit field
	Opaque    Class = 5  // uninterpreted bytes
	Compound  Class = 6  // record of named members
	Reference Class = 7  // object or region reference
	Enum      Class = 8  // enumeration over an integer base type
	VarLen    Class = 9  // variable-length sequence or string
	Array     Class = 10 // fixed-size array of a base type
)

var classNames = [...]string{"integer", "float", "time", "string", "bitfield", "opaque",
	"compound", "reference", "enum", "variable-length", "array"}

// String returns the lower-case name of the class.
func (c Class) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// ByteOrder is the byte order of a numeric datatype.
type ByteOrder int

// Byte orders.
const (
	LittleEndian ByteOrder = 0
	BigEndian    ByteOrder = 1
)

// Datatype describes the type of a dataset's or an attribute's elements.
type Datatype struct {
	Class     Class
	Size      int       // bytes per element
	Signed    bool      // Integer (and Enum base): two's complement
	ByteOrder ByteOrder // Integer, Float
	Members   []Member  // Compound
	Base      *Datatype // Enum, Array, VarLen: the element type
	Dims      []int     // Array: dimensions
	IsString  bool      // VarLen: a variable-length string rather than a sequence

	bitOffset, precision int // Integer, Float: bits used
	floatOK              bool
	strPad               int // String: 0 NUL-terminated, 1 NUL-padded, 2 space-padded
}

// Member is one member of a compound datatype.
type Member struct {
	Name   string
	Offset int // byte offset inside the compound element
	Type   Datatype
}

// String describes the datatype briefly, e.g. "compound{real float64, imag float64}".
func (t Datatype) String() string {
	switch t.Class {
	case Integer:
		if t.Signed {
			return fmt.Sprintf("int%d", 8*t.Size)
		}
		return fmt.Sprintf("uint%d", 8*t.Size)
	case Float:
		return fmt.Sprintf("float%d", 8*t.Size)
	case String:
		return fmt.Sprintf("string[%d]", t.Size)
	case Compound:
		parts := make([]string, len(t.Members))
		for i, m := range t.Members {
			parts[i] = printableName(m.Name) + " " + m.Type.String()
		}
		return "compound{" + strings.Join(parts, ", ") + "}"
	case VarLen:
		if t.IsString {
			return "vlen string"
		}
	}
	return fmt.Sprintf("%s[%d]", t.Class, t.Size)
}

// printableName returns name as it is when it is printable on one line, and quoted with Go
// escapes otherwise, so that messages about a corrupt file stay one readable line.
func printableName(name string) string {
	if !utf8.ValidString(name) {
		return strconv.Quote(name)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return strconv.Quote(name)
		}
	}
	return name
}

// Limits for datatypes, far above what real files use.
const (
	maxTypeDepth   = 8       // nesting of compound, array, enum and vlen types
	maxTypeMembers = 4096    // compound members or enum values
	maxTypeSize    = 1 << 28 // bytes in one element
)

// parseDatatype decodes a datatype message from c, consuming exactly its bytes.
func (f *File) parseDatatype(c *cursor, depth int) (Datatype, error) {
	var t Datatype
	if depth > maxTypeDepth {
		return t, f.corruptf("datatype nested more than %d deep", maxTypeDepth)
	}

	cv := c.u8()
	bits := uint32(c.u8()) | uint32(c.u8())<<8 | uint32(c.u8())<<16
	size := c.u32()
	if c.bad {
		return t, f.corruptf("datatype message is truncated")
	}
	version := int(cv >> 4)
	t.Class = Class(cv & 0x0f)
	if size == 0 && t.Class != Compound || size > maxTypeSize {
		return t, f.corruptf("datatype of class %s has size %d", t.Class, size)
	}
	t.Size = int(size)

	var err error
	switch t.Class {
	case Integer, Bitfield:
		t.ByteOrder = ByteOrder(bits & 1)
		t.Signed = bits&0x08 != 0
		t.bitOffset = int(c.u16())
		t.precision = int(c.u16())
	case Float:
		err = f.parseFloatType(c, &t, bits)
	case Time:
		t.ByteOrder = ByteOrder(bits & 1)
		c.skip(2)
	case String:
		t.strPad = int(bits & 0x0f)
	case Reference:
		// No properties.
	case Opaque:
		c.skip(int(bits & 0xff))
	case Compound:
		err = f.parseCompound(c, &t, bits, version, depth)
	case Enum:
		err = f.parseEnum(c, &t, bits, version, depth)
	case VarLen:
		t.IsString = bits&0x0f == 1
		var base Datatype
		base, err = f.parseDatatype(c, depth+1)
		t.Base = &base
	case Array:
		err = f.parseArray(c, &t, version, depth)
	default:
		return t, f.unsupportedf("datatype class %d", int(t.Class))
	}
	if err != nil {
		return t, err
	}
	if c.bad {
		return t, f.corruptf("%s datatype message is truncated", t.Class)
	}
	return t, nil
}

// parseFloatType decodes the properties of a floating-point type and records whether it is
// an IEEE binary32 or binary64 layout that the converters handle.
func (f *File) parseFloatType(c *cursor, t *Datatype, bits uint32) error {
	switch {
	case bits&0x41 == 0:
		t.ByteOrder = LittleEndian
	case bits&0x41 == 0x01:
		t.ByteOrder = BigEndian
	default:
		return f.unsupportedf("floating-point type with VAX byte order")
	}

	t.bitOffset = int(c.u16())
	t.precision = int(c.u16())
	expLoc, expSize := c.u8(), c.u8()
	manLoc, manSize := c.u8(), c.u8()
	bias := c.u32()
	norm := (bits >> 4) & 3
	signLoc := (bits >> 8) & 0xff

	switch {
	case t.Size == 4 && t.precision == 32 && expLoc == 23 && expSize == 8 && manLoc == 0 &&
		manSize == 23 && bias == 127 && signLoc == 31 && norm == 2:
		t.floatOK = true
	case t.Size == 8 && t.precision == 64 && expLoc == 52 && expSize == 11 && manLoc == 0 &&
		manSize == 52 && bias == 1023 && signLoc == 63 && norm == 2:
		t.floatOK = true
	}
	return nil
}

// parseCompound decodes the members of a compound type (versions 1, 2 and 3).
func (f *File) parseCompound(c *cursor, t *Datatype, bits uint32, version, depth int) error {
	n := int(bits & 0xffff)
	if n > maxTypeMembers {
		return f.corruptf("compound datatype with %d members", n)
	}

	for i := 0; i < n; i++ {
		var m Member
		start := c.pos
		m.Name = c.cstring()
		switch version {
		case 1, 2:
			c.pos = start + padTo8(c.pos-start)
			m.Offset = int(c.u32())
			if version == 1 {
				// Dimensionality, reserved, permutation, reserved and four dimension
				// sizes of the obsolete array members; only scalar members are read.
				ndims := c.u8()
				c.skip(3 + 4 + 4 + 16)
				if ndims != 0 {
					return f.unsupportedf("compound member %q is a version 1 array", m.Name)
				}
			}
		case 3:
			m.Offset = int(c.uvar(bytesFor(uint64(t.Size))))
		default:
			return f.unsupportedf("compound datatype version %d", version)
		}
		if c.bad {
			return f.corruptf("compound datatype is truncated")
		}

		mt, err := f.parseDatatype(c, depth+1)
		if err != nil {
			return err
		}
		m.Type = mt
		if m.Offset < 0 || m.Offset+mt.Size > t.Size {
			return f.corruptf("compound member %q (offset %d, size %d) overruns the %d-byte "+
				"type", m.Name, m.Offset, mt.Size, t.Size)
		}
		t.Members = append(t.Members, m)
	}
	return nil
}

// padTo8 rounds n up to a multiple of 8.
func padTo8(n int) int {
	return (n + 7) &^ 7
}

// parseEnum decodes an enumeration: base type, names, values. Only the base type is kept.
func (f *File) parseEnum(c *cursor, t *Datatype, bits uint32, version, depth int) error {
	n := int(bits & 0xffff)
	if n > maxTypeMembers {
		return f.corruptf("enum datatype with %d members", n)
	}

	base, err := f.parseDatatype(c, depth+1)
	if err != nil {
		return err
	}
	t.Base = &base
	t.Signed = base.Signed
	t.ByteOrder = base.ByteOrder

	for i := 0; i < n; i++ {
		start := c.pos
		c.cstring()
		if version < 3 {
			c.pos = start + padTo8(c.pos-start)
		}
	}
	c.skip(n * base.Size)
	return nil
}

// parseArray decodes an array type (versions 2 and 3).
func (f *File) parseArray(c *cursor, t *Datatype, version, depth int) error {
	nd := int(c.u8())
	if nd == 0 || nd > 32 {
		return f.corruptf("array datatype of rank %d", nd)
	}
	if version < 3 {
		c.skip(3)
	}
	for i := 0; i < nd; i++ {
		t.Dims = append(t.Dims, int(c.u32()))
	}
	if version < 3 {
		c.skip(4 * nd) // permutation indices
	}

	base, err := f.parseDatatype(c, depth+1)
	if err != nil {
		return err
	}
	t.Base = &base
	return nil
}

// numeric reports whether t holds real numbers this package converts: integers (and enums
// over integers) of 1, 2, 4 or 8 bytes and IEEE floats of 4 or 8 bytes.
func (t *Datatype) numeric() bool {
	switch t.Class {
	case Integer:
		return (t.Size == 1 || t.Size == 2 || t.Size == 4 || t.Size == 8) &&
			t.bitOffset == 0 && t.precision == 8*t.Size
	case Float:
		return t.floatOK
	case Enum:
		return t.Base != nil && t.Base.Class == Integer && t.Base.numeric()
	}
	return false
}

// complexParts returns the real and imaginary members of a complex compound type: two float
// members named "real" and "imag" (or "r" and "i"), in any order.
func (t *Datatype) complexParts() (re, im *Member, ok bool) {
	if t.Class != Compound || len(t.Members) != 2 {
		return nil, nil, false
	}
	for i := range t.Members {
		m := &t.Members[i]
		if m.Type.Class != Float || !m.Type.floatOK {
			return nil, nil, false
		}
		switch strings.ToLower(m.Name) {
		case "real", "r", "re":
			re = m
		case "imag", "i", "im":
			im = m
		}
	}
	return re, im, re != nil && im != nil
}
