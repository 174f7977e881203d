package hdf5

import (
	"encoding/binary"
	"math"
)

// A converter turns len(dst) elements of the file's datatype, packed in src, into dst.
type converter[T any] func(dst []T, src []byte)

// realReader returns a function that reads one element of the numeric type t as float64.
func realReader(t Datatype) func(b []byte) float64 {
	if t.Class == Float {
		size, order := t.Size, t.ByteOrder
		return func(b []byte) float64 { return floatAt(b, size, order) }
	}
	size, order, signed := t.Size, t.ByteOrder, t.Signed
	if signed {
		return func(b []byte) float64 { return float64(int64(intBits(b, size, order, true))) }
	}
	return func(b []byte) float64 { return float64(intBits(b, size, order, false)) }
}

// float32Converter converts numeric elements to float32.
func float32Converter(t Datatype) converter[float32] {
	switch {
	case t.Class == Float && t.Size == 4 && t.ByteOrder == LittleEndian:
		return func(dst []float32, src []byte) {
			src = src[:4*len(dst)]
			for i := range dst {
				dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
			}
		}
	case t.Class == Float && t.Size == 8 && t.ByteOrder == LittleEndian:
		return func(dst []float32, src []byte) {
			src = src[:8*len(dst)]
			for i := range dst {
				dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
			}
		}
	case t.Class != Float && t.Size == 1 && !t.Signed:
		return func(dst []float32, src []byte) {
			src = src[:len(dst)]
			for i := range dst {
				dst[i] = float32(src[i])
			}
		}
	}
	rd, size := realReader(t), t.Size
	return func(dst []float32, src []byte) {
		for i := range dst {
			dst[i] = float32(rd(src[i*size:]))
		}
	}
}

// float64Converter converts numeric elements to float64.
func float64Converter(t Datatype) converter[float64] {
	switch {
	case t.Class == Float && t.Size == 8 && t.ByteOrder == LittleEndian:
		return func(dst []float64, src []byte) {
			src = src[:8*len(dst)]
			for i := range dst {
				dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
			}
		}
	case t.Class == Float && t.Size == 4 && t.ByteOrder == LittleEndian:
		return func(dst []float64, src []byte) {
			src = src[:4*len(dst)]
			for i := range dst {
				dst[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:])))
			}
		}
	case t.Class != Float && t.Size == 1 && !t.Signed:
		return func(dst []float64, src []byte) {
			src = src[:len(dst)]
			for i := range dst {
				dst[i] = float64(src[i])
			}
		}
	}
	rd, size := realReader(t), t.Size
	return func(dst []float64, src []byte) {
		for i := range dst {
			dst[i] = rd(src[i*size:])
		}
	}
}

// complexLayout describes a complex compound: member offsets and float sizes.
type complexLayout struct {
	size         int
	reOff, imOff int
	reSize       int
	imSize       int
	reBE, imBE   bool
}

func newComplexLayout(t Datatype) (complexLayout, bool) {
	re, im, ok := t.complexParts()
	if !ok {
		return complexLayout{}, false
	}
	return complexLayout{size: t.Size, reOff: re.Offset, imOff: im.Offset,
		reSize: re.Type.Size, imSize: im.Type.Size, reBE: re.Type.ByteOrder == BigEndian,
		imBE: im.Type.ByteOrder == BigEndian}, true
}

// fast32 and fast64 report the usual layouts: {real, imag} of little-endian float32 (or
// float64), packed in that order.
func (l complexLayout) fast32() bool {
	return l.size == 8 && l.reOff == 0 && l.imOff == 4 && l.reSize == 4 && l.imSize == 4 &&
		!l.reBE && !l.imBE
}

func (l complexLayout) fast64() bool {
	return l.size == 16 && l.reOff == 0 && l.imOff == 8 && l.reSize == 8 && l.imSize == 8 &&
		!l.reBE && !l.imBE
}

// parts returns the real and imaginary parts of element i.
func (l complexLayout) parts(src []byte, i int) (float64, float64) {
	b := src[i*l.size:]
	return floatAt(b[l.reOff:], l.reSize, order(l.reBE)), floatAt(b[l.imOff:], l.imSize,
		order(l.imBE))
}

func order(be bool) ByteOrder {
	if be {
		return BigEndian
	}
	return LittleEndian
}

// complex64Converter converts complex compounds, or real numbers with a zero imaginary part,
// to complex64.
func complex64Converter(t Datatype) (converter[complex64], bool) {
	if l, ok := newComplexLayout(t); ok {
		switch {
		case l.fast32():
			return func(dst []complex64, src []byte) {
				src = src[:8*len(dst)]
				for i := range dst {
					re := math.Float32frombits(binary.LittleEndian.Uint32(src[8*i:]))
					im := math.Float32frombits(binary.LittleEndian.Uint32(src[8*i+4:]))
					dst[i] = complex(re, im)
				}
			}, true
		case l.fast64():
			return func(dst []complex64, src []byte) {
				src = src[:16*len(dst)]
				for i := range dst {
					re := math.Float64frombits(binary.LittleEndian.Uint64(src[16*i:]))
					im := math.Float64frombits(binary.LittleEndian.Uint64(src[16*i+8:]))
					dst[i] = complex(float32(re), float32(im))
				}
			}, true
		}
		return func(dst []complex64, src []byte) {
			for i := range dst {
				re, im := l.parts(src, i)
				dst[i] = complex(float32(re), float32(im))
			}
		}, true
	}

	if !t.numeric() {
		return nil, false
	}
	rc := float32Converter(t)
	return func(dst []complex64, src []byte) {
		var buf [256]float32
		for len(dst) > 0 {
			n := min(len(dst), len(buf))
			rc(buf[:n], src)
			for i, v := range buf[:n] {
				dst[i] = complex(v, 0)
			}
			dst, src = dst[n:], src[n*t.Size:]
		}
	}, true
}

// complex128Converter converts complex compounds, or real numbers with a zero imaginary
// part, to complex128.
func complex128Converter(t Datatype) (converter[complex128], bool) {
	if l, ok := newComplexLayout(t); ok {
		switch {
		case l.fast64():
			return func(dst []complex128, src []byte) {
				src = src[:16*len(dst)]
				for i := range dst {
					re := math.Float64frombits(binary.LittleEndian.Uint64(src[16*i:]))
					im := math.Float64frombits(binary.LittleEndian.Uint64(src[16*i+8:]))
					dst[i] = complex(re, im)
				}
			}, true
		case l.fast32():
			return func(dst []complex128, src []byte) {
				src = src[:8*len(dst)]
				for i := range dst {
					re := math.Float32frombits(binary.LittleEndian.Uint32(src[8*i:]))
					im := math.Float32frombits(binary.LittleEndian.Uint32(src[8*i+4:]))
					dst[i] = complex(float64(re), float64(im))
				}
			}, true
		}
		return func(dst []complex128, src []byte) {
			for i := range dst {
				re, im := l.parts(src, i)
				dst[i] = complex(re, im)
			}
		}, true
	}

	if !t.numeric() {
		return nil, false
	}
	rc := float64Converter(t)
	return func(dst []complex128, src []byte) {
		var buf [256]float64
		for len(dst) > 0 {
			n := min(len(dst), len(buf))
			rc(buf[:n], src)
			for i, v := range buf[:n] {
				dst[i] = complex(v, 0)
			}
			dst, src = dst[n:], src[n*t.Size:]
		}
	}, true
}
