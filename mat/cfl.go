package mat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxCFLDims is the number of dims BART supports.
const maxCFLDims = 16

// maxHeaderBytes bounds the .hdr file, which BART keeps to a few lines.
const maxHeaderBytes = 1 << 20

// cflBase strips a .cfl or .hdr suffix.
func cflBase(path string) string {
	if ext := filepath.Ext(path); ext == ".cfl" || ext == ".hdr" {
		return strings.TrimSuffix(path, ext)
	}
	return path
}

// parseCFLHeader parses the text of a BART .hdr file: a "# Dimensions" line followed by a
// line of 1 to 16 non-negative sizes. Other sections ("# Command", ...) are ignored.
func parseCFLHeader(text []byte, path string) ([]int, error) {
	lines := strings.Split(string(text), "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) != "# Dimensions" {
			continue
		}
		if i+1 >= len(lines) {
			break
		}

		fields := strings.Fields(lines[i+1])
		if len(fields) == 0 || len(fields) > maxCFLDims {
			return nil, fileError(path, ErrCorrupt, "header has %d dims, want 1 to %d",
				len(fields), maxCFLDims)
		}

		dims := make([]int, len(fields))
		for j, f := range fields {
			d, err := strconv.ParseInt(f, 10, 64)
			if err != nil || d < 0 || d > math.MaxInt32 {
				return nil, fileError(path, ErrCorrupt, "header dim %d is %q", j+1,
					truncate(f, 20))
			}
			dims[j] = int(d)
		}
		return dims, nil
	}
	return nil, fileError(path, ErrCorrupt, "no \"# Dimensions\" line in the header")
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// readCFLHeader reads and parses base.hdr and checks the size of base.cfl against it.
func readCFLHeader(base string) ([]int, error) {
	hdr := base + ".hdr"
	fh, err := os.Open(hdr)
	if err != nil {
		return nil, fmt.Errorf("mat: %w", err)
	}
	defer fh.Close()

	text, err := io.ReadAll(io.LimitReader(fh, maxHeaderBytes+1))
	if err != nil {
		return nil, fileError(hdr, nil, "read: %v", err)
	}
	if len(text) > maxHeaderBytes {
		return nil, fileError(hdr, ErrCorrupt, "header larger than %d bytes", maxHeaderBytes)
	}

	dims, err := parseCFLHeader(text, hdr)
	if err != nil {
		return nil, err
	}

	cfl := base + ".cfl"
	st, err := os.Stat(cfl)
	if err != nil {
		return nil, fmt.Errorf("mat: %w", err)
	}
	n := dimsProduct(dims, math.MaxInt64/8)
	if n < 0 {
		return nil, fileError(hdr, ErrCorrupt, "dims %v overflow", dims)
	}
	if st.Size() != 8*n {
		return nil, fileError(cfl, ErrCorrupt, "%d bytes, dims %v need %d", st.Size(), dims,
			8*n)
	}
	return dims, nil
}

// ReadCFL reads a BART .cfl/.hdr pair; path may name either file or their common base. It
// returns the data in column-major order and the dims exactly as the header lists them
// (BART writes 16). It does not apply ReadOptions.MaxBytes; the .cfl size bounds the read.
func ReadCFL(path string) ([]complex64, []int, error) {
	base := cflBase(path)
	dims, err := readCFLHeader(base)
	if err != nil {
		return nil, nil, err
	}

	n := dimsProduct(dims, math.MaxInt64/8)
	if n > int64(math.MaxInt) {
		return nil, nil, fileError(base+".cfl", ErrTooLarge, "%d elements", n)
	}
	data := make([]complex64, n)
	if err := readCFLData(base+".cfl", data); err != nil {
		return nil, nil, err
	}
	return data, dims, nil
}

// readCFLData streams little-endian complex64 values from a .cfl file into dst.
func readCFLData(path string, dst []complex64) error {
	return streamCFL(path, len(dst), func(at int, b []byte) {
		out := dst[at : at+len(b)/8]
		for i := range out {
			out[i] = complex(cflFloat(b, 2*i), cflFloat(b, 2*i+1))
		}
	})
}

// cflFloat returns the i-th little-endian float32 of b.
func cflFloat(b []byte, i int) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
}

// streamCFL reads the n complex64 values of a .cfl file in chunks and hands the raw bytes of
// each chunk, starting at element at, to put.
func streamCFL(path string, n int, put func(at int, b []byte)) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("mat: %w", err)
	}
	defer fh.Close()

	buf := make([]byte, min(8*n, chunkBytes))
	for at := 0; at < n; {
		k := min(n-at, len(buf)/8)
		b := buf[:8*k]
		if _, err := io.ReadFull(fh, b); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fileError(path, ErrCorrupt, "file ends early, at element %d of %d", at, n)
			}
			return fileError(path, nil, "read: %v", err)
		}

		put(at, b)
		at += k
	}
	return nil
}

// WriteCFL writes data with dims (at most 16, in BART's order) as a BART .cfl/.hdr pair;
// path may name either file or their common base. The header lists 16 dims, padded with
// ones, as BART writes it. Each file is written to a temporary name and renamed, the .cfl
// first, so neither ever holds partial content.
func WriteCFL(path string, dims []int, data []complex64) error {
	base := cflBase(path)
	if len(dims) == 0 || len(dims) > maxCFLDims {
		return fileError(base+".hdr", nil, "%d dims, want 1 to %d", len(dims), maxCFLDims)
	}
	if n := dimsProduct(dims, math.MaxInt64/8); n != int64(len(data)) {
		return fileError(base+".cfl", nil, "dims %v hold %d elements, data has %d", dims, n,
			len(data))
	}

	var hdr strings.Builder
	hdr.WriteString("# Dimensions\n")
	for i := range maxCFLDims {
		d := 1
		if i < len(dims) {
			d = dims[i]
		}
		fmt.Fprintf(&hdr, "%d ", d)
	}
	hdr.WriteString("\n")

	err := writeAtomic(base+".cfl", func(f *os.File) error {
		return writeCFLData(f, data)
	})
	if err != nil {
		return err
	}
	return writeAtomic(base+".hdr", func(f *os.File) error {
		_, err := f.WriteString(hdr.String())
		return err
	})
}

// writeCFLData writes data as little-endian interleaved float32 pairs, in chunks.
func writeCFLData(w io.Writer, data []complex64) error {
	buf := make([]byte, min(8*len(data), chunkBytes))
	for at := 0; at < len(data); {
		chunk := data[at:min(len(data), at+len(buf)/8)]
		for i, c := range chunk {
			binary.LittleEndian.PutUint32(buf[8*i:], math.Float32bits(real(c)))
			binary.LittleEndian.PutUint32(buf[8*i+4:], math.Float32bits(imag(c)))
		}
		if _, err := w.Write(buf[:8*len(chunk)]); err != nil {
			return err
		}
		at += len(chunk)
	}
	return nil
}

// cflFile is the BART cfl backend of a File.
type cflFile struct {
	base string
	dims []int
}

// openCFL opens a .cfl/.hdr pair as a File with one complex single variable named after the
// file base.
func openCFL(path string) (*File, error) {
	base := cflBase(path)
	dims, err := readCFLHeader(base)
	if err != nil {
		return nil, err
	}

	v := VarInfo{
		Name:    filepath.Base(base),
		Class:   "single",
		Complex: true,
		Dims:    matlabDims(dims),
	}
	return &File{
		path:    base + ".cfl",
		format:  FormatCFL,
		vars:    []VarInfo{v},
		numeric: []bool{true},
		b:       &cflFile{base: base, dims: dims},
	}, nil
}

func (c *cflFile) close() error { return nil }

func (c *cflFile) read(_ int, kind outKind, _ *ReadOptions, alloc allocFunc) (any, error) {
	n := dimsProduct(c.dims, math.MaxInt64/8)
	out, err := alloc(n)
	if err != nil {
		return nil, err
	}

	switch dst := out.(type) {
	case []complex64:
		err = readCFLData(c.base+".cfl", dst)
	case []complex128:
		err = streamCFL(c.base+".cfl", len(dst), func(at int, b []byte) {
			out := dst[at : at+len(b)/8]
			for i := range out {
				out[i] = complex(float64(cflFloat(b, 2*i)), float64(cflFloat(b, 2*i+1)))
			}
		})
	default:
		err = fileError(c.base+".cfl", ErrComplex, "BART cfl data are complex")
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
