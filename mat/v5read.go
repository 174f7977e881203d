package mat

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/klauspost/compress/zlib"
)

// v5File is the MATLAB level 5 backend.
type v5File struct {
	path   string
	r      io.ReaderAt
	closer io.Closer
	order  binary.ByteOrder
	vars   []v5Var
}

// v5Var locates one top-level data element.
type v5Var struct {
	off        int64 // offset of the element content, after its tag
	length     int64 // content length in the file
	compressed bool
}

// v5Header is the part of an miMATRIX before its data.
type v5Header struct {
	class       byte
	flags       uint32
	dims        []int
	name        string
	objectClass string
}

// chunkBytes is the size of the buffer that numeric data are decoded through.
const chunkBytes = 256 << 10

// openV5 parses the element list of a MATLAB level 5 file. closer, if not nil, is closed by
// File.Close.
func openV5(r io.ReaderAt, size int64, path string, closer io.Closer) (*File, error) {
	var head [v5HeaderSize]byte
	if size < v5HeaderSize {
		return nil, fileError(path, ErrNotMAT, "%d bytes, shorter than a MATLAB header", size)
	}
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return nil, fileError(path, nil, "read header: %v", err)
	}

	v := &v5File{path: path, r: r, closer: closer, order: binary.LittleEndian}
	switch string(head[126:128]) {
	case "IM":
	case "MI":
		v.order = binary.BigEndian
	default:
		return nil, fileError(path, ErrNotMAT, "no MATLAB endian indicator in the header")
	}
	if version := v.order.Uint16(head[124:126]); version != 0x0100 {
		return nil, fileError(path, ErrUnsupported,
			"MATLAB header version 0x%04x is not level 5", version)
	}

	f := &File{path: path, format: FormatV5, b: v}
	var tag [8]byte
	for off := int64(v5HeaderSize); off < size; {
		if size-off < 8 {
			return nil, fileError(path, ErrCorrupt, "truncated element tag at offset %d", off)
		}
		if _, err := r.ReadAt(tag[:], off); err != nil {
			return nil, fileError(path, nil, "read element tag at offset %d: %v", off, err)
		}

		typ, n := v.order.Uint32(tag[0:4]), int64(v.order.Uint32(tag[4:8]))
		if n > size-off-8 {
			return nil, fileError(path, ErrCorrupt,
				"element at offset %d declares %d bytes but only %d remain", off, n, size-off-8)
		}

		ve := v5Var{off: off + 8, length: n, compressed: typ == miCOMPRESSED}
		off += 8 + n
		if typ != miCOMPRESSED && typ != miMATRIX {
			return nil, fileError(path, ErrCorrupt,
				"top-level element of type %d at offset %d, want a matrix", typ, ve.off-8)
		}
		if n == 0 {
			continue
		}

		h, err := v.header(ve)
		if err != nil {
			return nil, err
		}
		if h.name == "" {
			continue
		}

		f.vars = append(f.vars, h.info())
		f.numeric = append(f.numeric, isNumericClass(h.class))
		v.vars = append(v.vars, ve)
	}
	return f, nil
}

// info describes the variable of a parsed header.
func (h *v5Header) info() VarInfo {
	vi := VarInfo{Name: h.name, Complex: h.flags&flagComplex != 0}

	switch {
	case h.class == mxSPARSE:
		vi.Sparse = true
		vi.Class = "double"
		if h.flags&flagLogical != 0 {
			vi.Class = "logical"
		}
	case h.flags&flagLogical != 0:
		vi.Class = "logical"
	case (h.class == mxOBJECT || h.class == mxOPAQUE) && h.objectClass != "":
		vi.Class = h.objectClass
	default:
		vi.Class = classNames[h.class]
		if vi.Class == "" {
			vi.Class = fmt.Sprintf("class%d", h.class)
		}
	}

	if h.dims != nil {
		vi.Dims = matlabDims(h.dims)
	}
	return vi
}

// stream reads the subelements of one miMATRIX from its content bytes.
type stream struct {
	r     io.Reader
	order binary.ByteOrder
	path  string
	name  string // variable name once known, for messages
	pos   int64  // bytes consumed
	limit int64  // content length
	tag   [8]byte

	f32 []float32 // decode scratch for complex64 output
	f64 []float64 // decode scratch for complex128 output
}

// corrupt returns an ErrCorrupt error that names the variable when it is known.
func (s *stream) corrupt(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if s.name != "" {
		msg = fmt.Sprintf("variable %q: %s", s.name, msg)
	}
	return fileError(s.path, ErrCorrupt, "%s", msg)
}

// readFull fills b, reporting a stream that ends early as corrupt.
func (s *stream) readFull(b []byte) error {
	if int64(len(b)) > s.limit-s.pos {
		return s.corrupt("subelement overruns its matrix (%d bytes past offset %d of %d)",
			len(b), s.pos, s.limit)
	}

	n, err := io.ReadFull(s.r, b)
	s.pos += int64(n)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return s.corrupt("data end early at byte %d of %d", s.pos, s.limit)
	}
	return s.corrupt("%v", err)
}

// skip discards n bytes, or fewer at the end of the matrix: writers may leave out the
// padding of the last subelement.
func (s *stream) skip(n int64) error {
	n = min(n, s.limit-s.pos)
	if n <= 0 {
		return nil
	}
	m, err := io.CopyN(io.Discard, s.r, n)
	s.pos += m
	if err != nil {
		return s.corrupt("data end early at byte %d of %d", s.pos, s.limit)
	}
	return nil
}

// nextTag reads a tag. For a small data element it also returns its 1 to 4 payload bytes.
func (s *stream) nextTag() (typ uint32, n int64, small []byte, err error) {
	if err := s.readFull(s.tag[:]); err != nil {
		return 0, 0, nil, err
	}

	u := s.order.Uint32(s.tag[0:4])
	if u>>16 != 0 {
		n = int64(u >> 16)
		if n > 4 {
			return 0, 0, nil, s.corrupt("small data element of %d bytes", n)
		}
		return u & 0xffff, n, s.tag[4 : 4+n], nil
	}
	return u, int64(s.order.Uint32(s.tag[4:8])), nil, nil
}

// sub reads a whole subelement of at most max bytes.
func (s *stream) sub(what string, max int64) (uint32, []byte, error) {
	typ, n, small, err := s.nextTag()
	if err != nil {
		return 0, nil, err
	}
	if small != nil {
		return typ, append([]byte(nil), small...), nil
	}
	if n > max {
		return 0, nil, s.corrupt("%s subelement of %d bytes", what, n)
	}

	b := make([]byte, n)
	if err := s.readFull(b); err != nil {
		return 0, nil, err
	}
	return typ, b, s.skip(padTo8(n))
}

// text reads a name subelement (miINT8 or miUINT8 characters).
func (s *stream) text(what string) (string, error) {
	typ, b, err := s.sub(what, maxNameLen)
	if err != nil {
		return "", err
	}
	if typ != miINT8 && typ != miUINT8 && typ != miUTF8 {
		return "", s.corrupt("%s has data type %d, want characters", what, typ)
	}
	return strings.TrimRight(string(b), "\x00"), nil
}

// header reads the array flags, dims and name of an miMATRIX.
func (s *stream) header() (*v5Header, error) {
	typ, flags, err := s.sub("array flags", 64)
	if err != nil {
		return nil, err
	}
	if typ != miUINT32 || len(flags) < 4 {
		return nil, s.corrupt("array flags of type %d and %d bytes", typ, len(flags))
	}

	h := &v5Header{flags: s.order.Uint32(flags[0:4])}
	h.class = byte(h.flags)
	if h.class == mxOPAQUE {
		return s.opaqueHeader(h)
	}

	typ, dims, err := s.sub("dims", 4*maxRank)
	if err != nil {
		return nil, err
	}
	if typ != miINT32 || len(dims)%4 != 0 {
		return nil, s.corrupt("dims of type %d and %d bytes", typ, len(dims))
	}
	for i := 0; i < len(dims); i += 4 {
		d := int32(s.order.Uint32(dims[i:]))
		if d < 0 {
			return nil, s.corrupt("negative dimension %d", d)
		}
		h.dims = append(h.dims, int(d))
	}

	if h.name, err = s.text("name"); err != nil {
		return nil, err
	}
	s.name = h.name

	if h.class == mxOBJECT {
		if h.objectClass, err = s.text("class name"); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// opaqueHeader reads the name, type system and class name of an mxOPAQUE array (MATLAB
// classdef objects such as string); such arrays record no dims here.
func (s *stream) opaqueHeader(h *v5Header) (*v5Header, error) {
	var err error
	if h.name, err = s.text("name"); err != nil {
		return nil, err
	}
	s.name = h.name

	if _, err = s.text("type system"); err != nil {
		return nil, err
	}
	if h.objectClass, err = s.text("class name"); err != nil {
		return nil, err
	}
	return h, nil
}

// open returns a stream over the miMATRIX content of an element, and a function that
// verifies the end of a compressed stream and releases it.
func (v *v5File) open(e v5Var) (*stream, func(verify bool) error, error) {
	sec := io.NewSectionReader(v.r, e.off, e.length)
	if !e.compressed {
		s := &stream{r: bufio.NewReaderSize(sec, 64<<10), order: v.order, path: v.path,
			limit: e.length}
		return s, func(bool) error { return nil }, nil
	}

	zr, err := zlib.NewReader(bufio.NewReaderSize(sec, 64<<10))
	if err != nil {
		return nil, nil, fileError(v.path, ErrCorrupt,
			"compressed element at offset %d: %v", e.off-8, err)
	}

	s := &stream{r: zr, order: v.order, path: v.path, limit: 8}
	typ, n, small, err := s.nextTag()
	if err != nil {
		zr.Close()
		return nil, nil, err
	}
	if typ != miMATRIX || small != nil {
		zr.Close()
		return nil, nil, fileError(v.path, ErrCorrupt,
			"compressed element at offset %d holds type %d, want a matrix", e.off-8, typ)
	}
	if n > maxDeflateRatio*e.length+1024 {
		zr.Close()
		return nil, nil, fileError(v.path, ErrCorrupt,
			"compressed element at offset %d declares %d bytes, more than %d compressed "+
				"bytes can hold",
			e.off-8, n, e.length)
	}
	s.pos, s.limit = 0, n

	done := func(verify bool) error {
		defer zr.Close()
		if !verify {
			return nil
		}
		if err := s.skip(s.limit - s.pos); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return s.corrupt("compressed data: %v", err)
		}
		return nil
	}
	return s, done, nil
}

// header parses the header of one element.
func (v *v5File) header(e v5Var) (*v5Header, error) {
	s, done, err := v.open(e)
	if err != nil {
		return nil, err
	}
	defer done(false)

	if s.limit == 0 {
		return &v5Header{}, nil
	}
	return s.header()
}

func (v *v5File) close() error {
	if v.closer == nil {
		return nil
	}
	return v.closer.Close()
}

// read decodes the numeric variable i.
func (v *v5File) read(i int, kind outKind, _ *ReadOptions, alloc allocFunc) (any, error) {
	s, done, err := v.open(v.vars[i])
	if err != nil {
		return nil, err
	}

	out, err := v.readMatrix(s, kind, alloc)
	if err != nil {
		done(false)
		return nil, err
	}
	if err := done(true); err != nil {
		return nil, err
	}
	return out, nil
}

func (v *v5File) readMatrix(s *stream, kind outKind, alloc allocFunc) (any, error) {
	h, err := s.header()
	if err != nil {
		return nil, err
	}

	count := dimsProduct(h.dims, math.MaxInt64)
	if count < 0 {
		return nil, fileError(v.path, ErrTooLarge, "variable %q: dims %v overflow", h.name,
			h.dims)
	}

	typ, n, small, err := s.nextTag()
	if err != nil {
		return nil, err
	}
	if err := s.checkPart("real part", typ, n, count, small != nil); err != nil {
		return nil, err
	}

	out, err := alloc(count)
	if err != nil {
		return nil, err
	}

	complexData := h.flags&flagComplex != 0
	if err := s.decodePart(out, kind, false, typ, n, small); err != nil {
		return nil, err
	}
	if !complexData {
		return out, nil
	}

	typ, n, small, err = s.nextTag()
	if err != nil {
		return nil, err
	}
	if err := s.checkPart("imaginary part", typ, n, count, small != nil); err != nil {
		return nil, err
	}
	if err := s.decodePart(out, kind, true, typ, n, small); err != nil {
		return nil, err
	}
	return out, nil
}

// checkPart validates the tag of a data part before anything is allocated: a numeric type,
// a size that matches the dims, and bytes that the matrix can hold (a small element's data
// came with its tag).
func (s *stream) checkPart(what string, typ uint32, n, count int64, small bool) error {
	size := storageSize(typ)
	if size == 0 {
		return fileError(s.path, ErrUnsupported, "variable %q: %s stored as data type %d",
			s.name, what, typ)
	}
	if count > math.MaxInt64/size || n != count*size {
		return s.corrupt("%s holds %d bytes, its dims need %d values of %d bytes", what, n,
			count, size)
	}
	if !small && n > s.limit-s.pos {
		return s.corrupt("%s of %d bytes overruns its matrix (%d bytes left)", what, n,
			s.limit-s.pos)
	}
	return nil
}

// decodePart streams one data part of type typ and n bytes into out (the real parts, or
// the imaginary parts when im is set).
func (s *stream) decodePart(out any, kind outKind, im bool, typ uint32, n int64,
	small []byte) error {
	size := storageSize(typ)
	if small != nil {
		s.decodeChunk(out, kind, im, 0, typ, append([]byte(nil), small...), size)
		return nil
	}

	buf := make([]byte, min(n, chunkBytes/size*size))
	for off := int64(0); off < n; {
		b := buf[:min(int64(len(buf)), n-off)]
		if err := s.readFull(b); err != nil {
			return err
		}
		s.decodeChunk(out, kind, im, int(off/size), typ, b, size)
		off += int64(len(b))
	}
	return s.skip(padTo8(n))
}

// decodeChunk converts the values in b, which start at element index at, into out.
func (s *stream) decodeChunk(out any, kind outKind, im bool, at int, typ uint32, b []byte,
	size int64) {
	if s.order == binary.BigEndian {
		swapBytes(b, size)
	}

	k := len(b) / int(size)
	switch kind {
	case kindF32:
		decodeLE(out.([]float32)[at:at+k], b, typ)
	case kindF64:
		decodeLE(out.([]float64)[at:at+k], b, typ)
	case kindC64:
		if len(s.f32) < k {
			s.f32 = make([]float32, k)
		}
		decodeLE(s.f32[:k], b, typ)
		setParts(out.([]complex64)[at:at+k], s.f32[:k], im)
	case kindC128:
		if len(s.f64) < k {
			s.f64 = make([]float64, k)
		}
		decodeLE(s.f64[:k], b, typ)
		setParts128(out.([]complex128)[at:at+k], s.f64[:k], im)
	}
}

// setParts stores v as the real (or imaginary) parts of dst, keeping the other parts.
func setParts(dst []complex64, v []float32, im bool) {
	if im {
		for i, x := range v {
			dst[i] = complex(real(dst[i]), x)
		}
		return
	}
	for i, x := range v {
		dst[i] = complex(x, 0)
	}
}

// setParts128 is setParts for complex128.
func setParts128(dst []complex128, v []float64, im bool) {
	if im {
		for i, x := range v {
			dst[i] = complex(real(dst[i]), x)
		}
		return
	}
	for i, x := range v {
		dst[i] = complex(x, 0)
	}
}
