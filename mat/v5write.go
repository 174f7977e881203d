package mat

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"

	"github.com/klauspost/compress/zlib"
)

// Array is a named numeric array to write. Data is one of []float64, []float32,
// []complex128, []complex64, []int8, []uint8, []int16, []uint16, []int32, []uint32,
// []int64, []uint64 or []bool (MATLAB logical), in MATLAB's column-major order. Dims are
// the MATLAB sizes; their product must equal the length of Data. Trailing singleton dims
// are dropped and a single dim n is written as n x 1, as MATLAB does.
type Array struct {
	Name string
	Dims []int
	Data any
}

// arrayKind describes how one Go slice type is stored.
type arrayKind struct {
	class   byte   // mx class
	mi      uint32 // storage data type
	size    int64  // bytes per stored value
	complex bool
	logical bool
	n       int // number of elements
}

// kindOf inspects the Data of an Array.
func kindOf(data any) (arrayKind, bool) {
	switch d := data.(type) {
	case []float64:
		return arrayKind{class: mxDOUBLE, mi: miDOUBLE, size: 8, n: len(d)}, true
	case []float32:
		return arrayKind{class: mxSINGLE, mi: miSINGLE, size: 4, n: len(d)}, true
	case []complex128:
		return arrayKind{class: mxDOUBLE, mi: miDOUBLE, size: 8, complex: true, n: len(d)}, true
	case []complex64:
		return arrayKind{class: mxSINGLE, mi: miSINGLE, size: 4, complex: true, n: len(d)}, true
	case []int8:
		return arrayKind{class: mxINT8, mi: miINT8, size: 1, n: len(d)}, true
	case []uint8:
		return arrayKind{class: mxUINT8, mi: miUINT8, size: 1, n: len(d)}, true
	case []int16:
		return arrayKind{class: mxINT16, mi: miINT16, size: 2, n: len(d)}, true
	case []uint16:
		return arrayKind{class: mxUINT16, mi: miUINT16, size: 2, n: len(d)}, true
	case []int32:
		return arrayKind{class: mxINT32, mi: miINT32, size: 4, n: len(d)}, true
	case []uint32:
		return arrayKind{class: mxUINT32, mi: miUINT32, size: 4, n: len(d)}, true
	case []int64:
		return arrayKind{class: mxINT64, mi: miINT64, size: 8, n: len(d)}, true
	case []uint64:
		return arrayKind{class: mxUINT64, mi: miUINT64, size: 8, n: len(d)}, true
	case []bool:
		return arrayKind{class: mxUINT8, mi: miUINT8, size: 1, logical: true, n: len(d)}, true
	}
	return arrayKind{}, false
}

// validName reports whether s is a valid MATLAB variable name: a letter followed by up to 62
// letters, digits or underscores.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i, c := range []byte(s) {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '_')) {
			return false
		}
	}
	return true
}

// checkArrays validates arrays for writing and returns their storage and normalized dims.
func checkArrays(path string, arrays []Array) ([]arrayKind, [][]int, error) {
	if len(arrays) == 0 {
		return nil, nil, fileError(path, nil, "no arrays to write")
	}

	kinds := make([]arrayKind, len(arrays))
	dims := make([][]int, len(arrays))
	seen := make(map[string]bool)
	for i, a := range arrays {
		if !validName(a.Name) {
			return nil, nil, fileError(path, nil,
				"invalid MATLAB variable name %q (a letter, then up to 62 letters, digits or _)",
				a.Name)
		}
		if seen[a.Name] {
			return nil, nil, fileError(path, nil, "variable %q given twice", a.Name)
		}
		seen[a.Name] = true

		k, ok := kindOf(a.Data)
		if !ok {
			return nil, nil, fileError(path, ErrUnsupported,
				"variable %q: cannot write data of type %T", a.Name, a.Data)
		}
		if len(a.Dims) == 0 {
			return nil, nil, fileError(path, nil, "variable %q has no dims", a.Name)
		}
		for _, d := range a.Dims {
			if d < 0 || d > math.MaxInt32 {
				return nil, nil, fileError(path, nil, "variable %q: dim %d out of range",
					a.Name, d)
			}
		}
		if n := dimsProduct(a.Dims, math.MaxInt64); n != int64(k.n) {
			return nil, nil, fileError(path, nil,
				"variable %q: dims %v hold %d elements, data has %d", a.Name, a.Dims, n, k.n)
		}

		kinds[i], dims[i] = k, matlabDims(a.Dims)
	}
	return kinds, dims, nil
}

// v5Writer writes data elements in one byte order.
type v5Writer struct {
	w     io.Writer
	order binary.ByteOrder
	buf   []byte
}

func (w *v5Writer) write(b []byte) error {
	_, err := w.w.Write(b)
	return err
}

// tag writes a regular 8-byte tag.
func (w *v5Writer) tag(typ uint32, n int64) error {
	var b [8]byte
	w.order.PutUint32(b[0:4], typ)
	w.order.PutUint32(b[4:8], uint32(n))
	return w.write(b[:])
}

// pad writes the zero bytes that align n data bytes to 8.
func (w *v5Writer) pad(n int64) error {
	var zero [8]byte
	return w.write(zero[:padTo8(n)])
}

// subSize returns the bytes a subelement of n data bytes takes, tag and padding included.
func subSize(n int64, smallOK bool) int64 {
	if smallOK && n <= 4 {
		return 8
	}
	return 8 + n + padTo8(n)
}

// matrixSize returns the content length of the miMATRIX of an array.
func matrixSize(name string, k arrayKind, dims []int) int64 {
	parts := int64(1)
	if k.complex {
		parts = 2
	}
	return subSize(8, false) + subSize(int64(4*len(dims)), false) +
		subSize(int64(len(name)), true) + parts*subSize(int64(k.n)*k.size, false)
}

// matrix writes an miMATRIX element, tag included.
func (w *v5Writer) matrix(a Array, k arrayKind, dims []int, size int64) error {
	if err := w.tag(miMATRIX, size); err != nil {
		return err
	}

	flags := uint32(k.class)
	if k.complex {
		flags |= flagComplex
	}
	if k.logical {
		flags |= flagLogical
	}
	var hdr [16]byte
	w.order.PutUint32(hdr[0:4], miUINT32)
	w.order.PutUint32(hdr[4:8], 8)
	w.order.PutUint32(hdr[8:12], flags)
	if err := w.write(hdr[:]); err != nil {
		return err
	}

	db := make([]byte, 4*len(dims))
	for i, d := range dims {
		w.order.PutUint32(db[4*i:], uint32(d))
	}
	if err := w.tag(miINT32, int64(len(db))); err != nil {
		return err
	}
	if err := w.write(db); err != nil {
		return err
	}
	if err := w.pad(int64(len(db))); err != nil {
		return err
	}

	if err := w.name(a.Name); err != nil {
		return err
	}

	if err := w.part(a.Data, k, false); err != nil {
		return err
	}
	if k.complex {
		return w.part(a.Data, k, true)
	}
	return nil
}

// name writes the array name, in the small data element format when it fits.
func (w *v5Writer) name(s string) error {
	n := int64(len(s))
	if n <= 4 {
		var b [8]byte
		w.order.PutUint32(b[0:4], uint32(n)<<16|miINT8)
		copy(b[4:], s)
		return w.write(b[:])
	}
	if err := w.tag(miINT8, n); err != nil {
		return err
	}
	if err := w.write([]byte(s)); err != nil {
		return err
	}
	return w.pad(n)
}

// part writes the real (or imaginary) values of data as one subelement.
func (w *v5Writer) part(data any, k arrayKind, im bool) error {
	n := int64(k.n) * k.size
	if err := w.tag(k.mi, n); err != nil {
		return err
	}

	per := int(chunkBytes / k.size)
	if w.buf == nil {
		w.buf = make([]byte, chunkBytes)
	}
	for at := 0; at < k.n; at += per {
		m := min(per, k.n-at)
		b := w.buf[:int64(m)*k.size]
		encodeChunk(b, data, at, m, im, w.order)
		if err := w.write(b); err != nil {
			return err
		}
	}
	return w.pad(n)
}

// encodeChunk stores elements at..at+m of data into b in byte order o; for complex data it
// stores the real or the imaginary parts.
func encodeChunk(b []byte, data any, at, m int, im bool, o binary.ByteOrder) {
	switch d := data.(type) {
	case []float64:
		for i, x := range d[at : at+m] {
			o.PutUint64(b[8*i:], math.Float64bits(x))
		}
	case []float32:
		for i, x := range d[at : at+m] {
			o.PutUint32(b[4*i:], math.Float32bits(x))
		}
	case []complex128:
		for i, x := range d[at : at+m] {
			v := real(x)
			if im {
				v = imag(x)
			}
			o.PutUint64(b[8*i:], math.Float64bits(v))
		}
	case []complex64:
		for i, x := range d[at : at+m] {
			v := real(x)
			if im {
				v = imag(x)
			}
			o.PutUint32(b[4*i:], math.Float32bits(v))
		}
	case []int8:
		for i, x := range d[at : at+m] {
			b[i] = byte(x)
		}
	case []uint8:
		copy(b, d[at:at+m])
	case []int16:
		for i, x := range d[at : at+m] {
			o.PutUint16(b[2*i:], uint16(x))
		}
	case []uint16:
		for i, x := range d[at : at+m] {
			o.PutUint16(b[2*i:], x)
		}
	case []int32:
		for i, x := range d[at : at+m] {
			o.PutUint32(b[4*i:], uint32(x))
		}
	case []uint32:
		for i, x := range d[at : at+m] {
			o.PutUint32(b[4*i:], x)
		}
	case []int64:
		for i, x := range d[at : at+m] {
			o.PutUint64(b[8*i:], uint64(x))
		}
	case []uint64:
		for i, x := range d[at : at+m] {
			o.PutUint64(b[8*i:], x)
		}
	case []bool:
		for i, x := range d[at : at+m] {
			b[i] = 0
			if x {
				b[i] = 1
			}
		}
	}
}

// v5HeaderText starts the 116-byte descriptive text of the files WriteV5 writes.
var v5HeaderText = "MATLAB 5.0 MAT-file, Platform: " + runtime.GOOS + "-" + runtime.GOARCH +
	", Created by: cmrecon"

// WriteV5 writes arrays to a MATLAB level 5 MAT-file, as MATLAB's save -v7 (compress) or
// -v6 does; scipy.io.loadmat and MATLAB read it. Each array is stored in its own class
// (single, double, integer, logical; complex or real). An array whose element would exceed
// the format's 4 GiB limit is an error wrapping ErrTooLarge: use WriteV73 for it. The file
// is written under a temporary name in the same folder and renamed when complete.
func WriteV5(path string, compress bool, arrays ...Array) error {
	return writeV5(path, compress, binary.LittleEndian, arrays)
}

// writeV5 is WriteV5 in a chosen byte order; tests write big-endian files with it.
func writeV5(path string, compress bool, order binary.ByteOrder, arrays []Array) error {
	kinds, dims, err := checkArrays(path, arrays)
	if err != nil {
		return err
	}

	sizes, err := v5Sizes(path, arrays, kinds, dims)
	if err != nil {
		return err
	}

	return writeAtomic(path, func(f *os.File) error {
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := writeV5Header(bw, order); err != nil {
			return err
		}

		pos := int64(v5HeaderSize)
		for i, a := range arrays {
			n, err := writeV5Element(f, bw, pos, compress, order, a, kinds[i], dims[i], sizes[i])
			if err != nil {
				return err
			}
			pos += n
		}
		return bw.Flush()
	})
}

// v5Sizes returns the miMATRIX content length of each array, or an error wrapping
// ErrTooLarge when one exceeds the 32-bit length field of a data element.
func v5Sizes(path string, arrays []Array, kinds []arrayKind, dims [][]int) ([]int64, error) {
	sizes := make([]int64, len(arrays))
	for i, a := range arrays {
		sizes[i] = matrixSize(a.Name, kinds[i], dims[i])
		if sizes[i] > math.MaxUint32 {
			return nil, fileError(path, ErrTooLarge,
				"variable %q needs %s, over the MAT v5 element limit of 4 GiB; use WriteV73",
				a.Name, byteCount(sizes[i], 1))
		}
	}
	return sizes, nil
}

// writeV5Header writes the 128-byte file header.
func writeV5Header(w io.Writer, order binary.ByteOrder) error {
	var h [v5HeaderSize]byte
	for i := range 116 {
		h[i] = ' '
	}
	copy(h[:116], v5HeaderText)
	order.PutUint16(h[124:126], 0x0100)
	order.PutUint16(h[126:128], 'M'<<8|'I')
	_, err := w.Write(h[:])
	return err
}

// writeV5Element writes one array at offset pos and returns the bytes written. A compressed
// element's length is known only at its end, so its tag is patched in f afterwards.
func writeV5Element(f *os.File, bw *bufio.Writer, pos int64, compress bool,
	order binary.ByteOrder, a Array, k arrayKind, dims []int, size int64) (int64, error) {
	if !compress {
		w := &v5Writer{w: bw, order: order}
		return 8 + size, w.matrix(a, k, dims, size)
	}

	var zeroTag [8]byte
	if _, err := bw.Write(zeroTag[:]); err != nil {
		return 0, err
	}

	cw := &countWriter{w: bw}
	zw := zlib.NewWriter(cw)
	w := &v5Writer{w: zw, order: order}
	if err := w.matrix(a, k, dims, size); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	if cw.n > math.MaxUint32 {
		return 0, fmt.Errorf("variable %q compresses to %s, over the MAT v5 element limit "+
			"of 4 GiB; use WriteV73: %w", a.Name, byteCount(cw.n, 1), ErrTooLarge)
	}

	if err := bw.Flush(); err != nil {
		return 0, err
	}
	var tag [8]byte
	order.PutUint32(tag[0:4], miCOMPRESSED)
	order.PutUint32(tag[4:8], uint32(cw.n))
	if _, err := f.WriteAt(tag[:], pos); err != nil {
		return 0, err
	}
	return 8 + cw.n, nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
