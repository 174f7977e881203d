package mat

import (
	"encoding/binary"
	"math"
)

// MAT-file level 5 data types: the type field of a data element's tag.
const (
	miINT8       = 1
	miUINT8      = 2
	miINT16      = 3
	miUINT16     = 4
	miINT32      = 5
	miUINT32     = 6
	miSINGLE     = 7
	miDOUBLE     = 9
	miINT64      = 12
	miUINT64     = 13
	miMATRIX     = 14
	miCOMPRESSED = 15
	miUTF8       = 16
	miUTF16      = 17
	miUTF32      = 18
)

// MATLAB array classes: the low byte of an miMATRIX's array flags.
const (
	mxCELL     = 1
	mxSTRUCT   = 2
	mxOBJECT   = 3
	mxCHAR     = 4
	mxSPARSE   = 5
	mxDOUBLE   = 6
	mxSINGLE   = 7
	mxINT8     = 8
	mxUINT8    = 9
	mxINT16    = 10
	mxUINT16   = 11
	mxINT32    = 12
	mxUINT32   = 13
	mxINT64    = 14
	mxUINT64   = 15
	mxFUNCTION = 16
	mxOPAQUE   = 17
)

// Array flag bits above the class byte.
const (
	flagLogical = 1 << 9
	flagGlobal  = 1 << 10
	flagComplex = 1 << 11
)

// v5HeaderSize is the size of the MAT-file header; data elements follow it.
const v5HeaderSize = 128

// maxDeflateRatio bounds how much a zlib stream can expand: deflate encodes at most 258 bytes
// in one length/distance pair of at least 2 bits, a ratio just over 1032.
const maxDeflateRatio = 1032

// Limits on header subelements; real files are far below them.
const (
	maxNameLen = 4096
	maxRank    = 1024
)

// classNames maps the numeric mx classes to MATLAB class names.
var classNames = map[byte]string{
	mxCELL:     "cell",
	mxSTRUCT:   "struct",
	mxOBJECT:   "object",
	mxCHAR:     "char",
	mxDOUBLE:   "double",
	mxSINGLE:   "single",
	mxINT8:     "int8",
	mxUINT8:    "uint8",
	mxINT16:    "int16",
	mxUINT16:   "uint16",
	mxINT32:    "int32",
	mxUINT32:   "uint32",
	mxINT64:    "int64",
	mxUINT64:   "uint64",
	mxFUNCTION: "function_handle",
	mxOPAQUE:   "opaque",
}

// isNumericClass reports the classes whose values are stored as numbers.
func isNumericClass(c byte) bool { return c >= mxDOUBLE && c <= mxUINT64 }

// storageSize returns the byte size of one value of a numeric data type, or 0 for a type
// that does not store numbers.
func storageSize(t uint32) int64 {
	switch t {
	case miINT8, miUINT8:
		return 1
	case miINT16, miUINT16:
		return 2
	case miINT32, miUINT32, miSINGLE:
		return 4
	case miDOUBLE, miINT64, miUINT64:
		return 8
	}
	return 0
}

// padTo8 returns the number of padding bytes that follow n data bytes.
func padTo8(n int64) int64 { return (8 - n%8) % 8 }

// swapBytes reverses the byte order of each size-byte value in b, in place.
func swapBytes(b []byte, size int64) {
	switch size {
	case 2:
		for i := 0; i+1 < len(b); i += 2 {
			b[i], b[i+1] = b[i+1], b[i]
		}
	case 4:
		for i := 0; i+3 < len(b); i += 4 {
			b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
		}
	case 8:
		for i := 0; i+7 < len(b); i += 8 {
			b[i], b[i+7] = b[i+7], b[i]
			b[i+1], b[i+6] = b[i+6], b[i+1]
			b[i+2], b[i+5] = b[i+5], b[i+2]
			b[i+3], b[i+4] = b[i+4], b[i+3]
		}
	}
}

// decodeLE converts len(dst) little-endian values of data type t from b. Each value is
// converted straight to T, so T rounds it once.
func decodeLE[T float32 | float64](dst []T, b []byte, t uint32) {
	le := binary.LittleEndian
	switch t {
	case miINT8:
		for i := range dst {
			dst[i] = T(int8(b[i]))
		}
	case miUINT8:
		for i := range dst {
			dst[i] = T(b[i])
		}
	case miINT16:
		for i := range dst {
			dst[i] = T(int16(le.Uint16(b[2*i:])))
		}
	case miUINT16:
		for i := range dst {
			dst[i] = T(le.Uint16(b[2*i:]))
		}
	case miINT32:
		for i := range dst {
			dst[i] = T(int32(le.Uint32(b[4*i:])))
		}
	case miUINT32:
		for i := range dst {
			dst[i] = T(le.Uint32(b[4*i:]))
		}
	case miSINGLE:
		for i := range dst {
			dst[i] = T(math.Float32frombits(le.Uint32(b[4*i:])))
		}
	case miDOUBLE:
		for i := range dst {
			dst[i] = T(math.Float64frombits(le.Uint64(b[8*i:])))
		}
	case miINT64:
		for i := range dst {
			dst[i] = T(int64(le.Uint64(b[8*i:])))
		}
	case miUINT64:
		for i := range dst {
			dst[i] = T(le.Uint64(b[8*i:]))
		}
	}
}
