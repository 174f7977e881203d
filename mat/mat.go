package mat

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// Format is the container format of a file.
type Format int

const (
	// FormatUnknown is the zero Format; Open never returns a file of this format.
	FormatUnknown Format = iota

	// FormatV5 is a MATLAB level 5 MAT-file, written by MATLAB's save with -v6 or -v7
	// (compressed) and by scipy.io.savemat.
	FormatV5

	// FormatV73 is a MATLAB v7.3 MAT-file: HDF5 behind a 512-byte MATLAB header.
	FormatV73

	// FormatHDF5 is a plain HDF5 file without the MATLAB header.
	FormatHDF5

	// FormatCFL is a BART .cfl/.hdr pair.
	FormatCFL
)

// String returns a short name of the format, such as "MATLAB v5" or "BART cfl".
func (f Format) String() string {
	switch f {
	case FormatV5:
		return "MATLAB v5"
	case FormatV73:
		return "MATLAB v7.3"
	case FormatHDF5:
		return "HDF5"
	case FormatCFL:
		return "BART cfl"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// VarInfo describes one variable of a file.
type VarInfo struct {
	// Name is the variable name.
	Name string

	// Class is the MATLAB class name as MATLAB's class() reports it: "double", "single",
	// "int8" ... "uint64", "logical", "char", "cell", "struct", "function_handle", or the
	// class name of an object. A sparse array has the class of its values.
	Class string

	// Complex reports complex values.
	Complex bool

	// Sparse reports a MATLAB sparse matrix; it cannot be read as numbers.
	Sparse bool

	// Dims are the sizes in MATLAB order (nx, ny, ...), as MATLAB's size() reports them:
	// trailing singleton dims dropped, at least 2. Dims is nil for objects whose size the
	// file does not record.
	Dims []int
}

// Len returns the number of elements, the product of Dims.
func (v VarInfo) Len() int {
	n := 1
	for _, d := range v.Dims {
		n *= d
	}
	return n
}

// ReadOptions tune a read. A nil *ReadOptions means the zero value.
type ReadOptions struct {
	// Workers is the number of goroutines that decode MATLAB v7.3 chunks in parallel;
	// 0 means GOMAXPROCS. Other formats decode in the calling goroutine.
	Workers int

	// MaxBytes refuses, with an error wrapping ErrTooLarge and before allocating, any array
	// whose decoded size in bytes exceeds it. 0 means DefaultMaxBytes().
	MaxBytes int64
}

// DefaultMaxBytes returns the array size limit used when ReadOptions.MaxBytes is 0: half of
// the machine's physical memory as /proc/meminfo reports it, or 8 GiB where that is unknown.
func DefaultMaxBytes() int64 {
	defaultMaxOnce.Do(func() {
		defaultMax = 8 << 30
		if total := memTotal(); total > 0 {
			defaultMax = total / 2
		}
	})
	return defaultMax
}

var (
	defaultMaxOnce sync.Once
	defaultMax     int64
)

// memTotal returns MemTotal from /proc/meminfo in bytes, or 0.
func memTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}

	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || kb <= 0 || kb > math.MaxInt64/1024 {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

func (o *ReadOptions) maxBytes() int64 {
	if o == nil || o.MaxBytes <= 0 {
		return DefaultMaxBytes()
	}
	return o.MaxBytes
}

func (o *ReadOptions) workers() int {
	if o == nil || o.Workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Workers
}

// outKind is the element type a read produces.
type outKind int

const (
	kindF32 outKind = iota
	kindF64
	kindC64
	kindC128
)

func (k outKind) size() int64 {
	switch k {
	case kindF32:
		return 4
	case kindF64, kindC64:
		return 8
	}
	return 16
}

func (k outKind) complex() bool { return k == kindC64 || k == kindC128 }

// backend is one container format behind a File.
type backend interface {
	// read decodes variable i into a new slice of the given kind. It checks the array
	// against the file content before it calls alloc, which enforces MaxBytes.
	read(i int, kind outKind, opt *ReadOptions, alloc allocFunc) (any, error)
	close() error
}

// allocFunc allocates the output of n elements of a kind, or fails with ErrTooLarge.
type allocFunc func(n int64) (any, error)

// File is an open MATLAB, HDF5 or BART cfl file. Its methods may be called from one
// goroutine at a time.
type File struct {
	path    string
	format  Format
	vars    []VarInfo
	numeric []bool // numeric[i]: variable i can be read as numbers
	b       backend
}

// Open opens a file and lists its variables. It detects the format from the content: a
// MATLAB v5 or v7.3 header, or the HDF5 signature. A path ending in .cfl or .hdr, or one
// without suffix next to a .hdr file, opens a BART cfl pair.
func Open(path string) (*File, error) {
	if isCFLPath(path) {
		return openCFL(path)
	}

	fh, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) && fileExists(path+".hdr") {
			return openCFL(path)
		}
		return nil, fmt.Errorf("mat: %w", err)
	}

	f, err := openFile(fh, path)
	if err != nil {
		fh.Close()
		return nil, err
	}
	return f, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isCFLPath(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".cfl" || ext == ".hdr"
}

// openFile detects the format of an open file and parses its variable list.
func openFile(fh *os.File, path string) (*File, error) {
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("mat: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fileError(path, ErrNotMAT, "not a regular file")
	}

	format, err := detect(fh, st.Size(), path)
	if err != nil {
		return nil, err
	}

	switch format {
	case FormatV5:
		return openV5(fh, st.Size(), path, fh)
	case FormatV73, FormatHDF5:
		return openHDF5(fh, st.Size(), path, format)
	}
	return nil, fileError(path, ErrNotMAT, "unknown format")
}

// hdf5Signature starts every HDF5 superblock.
var hdf5Signature = []byte("\x89HDF\r\n\x1a\n")

// detect reads the first bytes of a file and names its format.
func detect(r io.ReaderAt, size int64, path string) (Format, error) {
	var head [128]byte
	n, err := r.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		return FormatUnknown, fileError(path, nil, "read header: %v", err)
	}
	if n >= 8 && bytes.Equal(head[:8], hdf5Signature) {
		return FormatHDF5, nil
	}
	if n < 128 {
		return FormatUnknown, fileError(path, ErrNotMAT,
			"%d bytes, shorter than a MATLAB header", n)
	}

	var version uint16
	switch string(head[126:128]) {
	case "IM":
		version = uint16(head[124]) | uint16(head[125])<<8
	case "MI":
		version = uint16(head[124])<<8 | uint16(head[125])
	default:
		return FormatUnknown, fileError(path, ErrNotMAT,
			"no MATLAB endian indicator in the header (MATLAB v4 files are not supported)")
	}

	switch version {
	case 0x0100:
		return FormatV5, nil
	case 0x0200:
		var sig [8]byte
		if size >= 520 {
			if _, err := r.ReadAt(sig[:], 512); err != nil {
				return FormatUnknown, fileError(path, nil, "read HDF5 signature: %v", err)
			}
		}
		if !bytes.Equal(sig[:], hdf5Signature) {
			return FormatUnknown, fileError(path, ErrCorrupt,
				"MATLAB v7.3 header without an HDF5 superblock at offset 512")
		}
		return FormatV73, nil
	}
	return FormatUnknown, fileError(path, ErrUnsupported,
		"MATLAB header with unknown version 0x%04x", version)
}

// Format returns the container format of the file.
func (f *File) Format() Format { return f.format }

// Path returns the path the file was opened with.
func (f *File) Path() string { return f.path }

// Vars lists the variables in file order (MATLAB v5), name order (HDF5), or the one
// variable of a cfl pair. The caller may modify the returned slice.
func (f *File) Vars() []VarInfo {
	out := make([]VarInfo, len(f.vars))
	for i, v := range f.vars {
		v.Dims = append([]int(nil), v.Dims...)
		out[i] = v
	}
	return out
}

// Close releases the file.
func (f *File) Close() error {
	if f.b == nil {
		return nil
	}
	err := f.b.close()
	f.b = nil
	if err != nil {
		return fmt.Errorf("mat: %s: close: %w", f.path, err)
	}
	return nil
}

// ReadComplex64 reads a numeric variable as complex64 in MATLAB's column-major order and
// returns it with its MATLAB dims. Real data give zero imaginary parts; double values are
// rounded to single precision. The name "" selects the first variable that can be read as
// numbers.
func (f *File) ReadComplex64(name string, opt *ReadOptions) ([]complex64, []int, error) {
	d, dims, err := f.read(name, kindC64, opt)
	if err != nil {
		return nil, nil, err
	}
	return d.([]complex64), dims, nil
}

// ReadComplex128 is ReadComplex64 in double precision.
func (f *File) ReadComplex128(name string, opt *ReadOptions) ([]complex128, []int, error) {
	d, dims, err := f.read(name, kindC128, opt)
	if err != nil {
		return nil, nil, err
	}
	return d.([]complex128), dims, nil
}

// ReadFloat32 reads a real variable (double, single, integer or logical) as float32 in
// MATLAB's column-major order and returns it with its MATLAB dims. A complex variable is an
// error wrapping ErrComplex. The name "" selects the first variable that can be read as
// numbers.
func (f *File) ReadFloat32(name string, opt *ReadOptions) ([]float32, []int, error) {
	d, dims, err := f.read(name, kindF32, opt)
	if err != nil {
		return nil, nil, err
	}
	return d.([]float32), dims, nil
}

// ReadFloat64 is ReadFloat32 in double precision.
func (f *File) ReadFloat64(name string, opt *ReadOptions) ([]float64, []int, error) {
	d, dims, err := f.read(name, kindF64, opt)
	if err != nil {
		return nil, nil, err
	}
	return d.([]float64), dims, nil
}

func (f *File) read(name string, kind outKind, opt *ReadOptions) (any, []int, error) {
	if f.b == nil {
		return nil, nil, fileError(f.path, nil, "file is closed")
	}

	i, err := f.lookup(name)
	if err != nil {
		return nil, nil, err
	}

	v := f.vars[i]
	if !f.numeric[i] {
		kind := v.Class
		if v.Sparse {
			kind = "sparse " + kind
		}
		return nil, nil, fileError(f.path, ErrNotNumeric,
			"variable %q is a %s array", v.Name, kind)
	}
	if v.Complex && !kind.complex() {
		return nil, nil, fileError(f.path, ErrComplex,
			"variable %q is complex, not real", v.Name)
	}

	maxBytes := opt.maxBytes()
	alloc := func(n int64) (any, error) {
		return allocOut(f.path, v.Name, kind, n, maxBytes)
	}
	data, err := f.b.read(i, kind, opt, alloc)
	if err != nil {
		return nil, nil, err
	}
	return data, append([]int(nil), v.Dims...), nil
}

// lookup finds a variable by name; "" selects the first one readable as numbers.
func (f *File) lookup(name string) (int, error) {
	if name == "" {
		for i := range f.vars {
			if f.numeric[i] {
				return i, nil
			}
		}
		return 0, fileError(f.path, ErrNoVariable, "no variable can be read as numbers")
	}

	for i := range f.vars {
		if f.vars[i].Name == name {
			return i, nil
		}
	}

	names := make([]string, 0, len(f.vars))
	for _, v := range f.vars {
		names = append(names, v.Name)
	}
	const maxListed = 10
	list := strings.Join(names, ", ")
	if len(names) > maxListed {
		list = strings.Join(names[:maxListed], ", ") + ", ..."
	}
	return 0, fileError(f.path, ErrNoVariable, "no variable %q (the file holds: %s)", name, list)
}

// allocOut allocates n elements of kind after checking the size against maxBytes.
func allocOut(path, name string, kind outKind, n, maxBytes int64) (any, error) {
	if n < 0 || n > math.MaxInt64/kind.size() || n*kind.size() > maxBytes {
		return nil, fileError(path, ErrTooLarge,
			"variable %q needs %s, more than the memory limit of %s",
			name, byteCount(n, kind.size()), byteCount(maxBytes, 1))
	}
	if n > int64(math.MaxInt) {
		return nil, fileError(path, ErrTooLarge, "variable %q has %d elements", name, n)
	}

	switch kind {
	case kindF32:
		return make([]float32, n), nil
	case kindF64:
		return make([]float64, n), nil
	case kindC64:
		return make([]complex64, n), nil
	}
	return make([]complex128, n), nil
}

// byteCount formats n*size bytes for an error message, without overflow.
func byteCount(n, size int64) string {
	b := float64(n) * float64(size)
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.0f bytes", b)
}

// matlabDims returns dims as MATLAB's size() reports them: trailing ones dropped, at
// least two entries.
func matlabDims(dims []int) []int {
	out := append([]int(nil), dims...)
	for len(out) > 2 && out[len(out)-1] == 1 {
		out = out[:len(out)-1]
	}
	for len(out) < 2 {
		out = append(out, 1)
	}
	return out
}

// dimsProduct returns the number of elements of dims, or -1 when it exceeds limit or a dim
// is negative.
func dimsProduct(dims []int, limit int64) int64 {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return -1
		}
		if d == 0 {
			n = 0
			continue
		}
		if n > limit/int64(d) {
			return -1
		}
		n *= int64(d)
	}
	return n
}
