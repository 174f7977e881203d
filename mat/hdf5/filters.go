package hdf5

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"

	"github.com/klauspost/compress/zlib"
)

// maxInflateRatio bounds how many bytes a deflate stream can produce per input byte (the
// format's limit is about 1032); a chunk claiming more is corrupt.
const maxInflateRatio = 1100

// chunkWorker holds one goroutine's buffers for decoding chunks: the stored bytes and two
// chunk-sized buffers that the filters write to in turn.
type chunkWorker struct {
	d    *Dataset
	raw  []byte
	bufs [2][]byte
	zr   io.ReadCloser
	br   bytes.Reader
}

// decode reads the chunk ref and undoes its filters. The result, chunkBytes long, is valid
// until the next call.
func (w *chunkWorker) decode(ref chunkRef, g *grid) ([]byte, error) {
	d, f := w.d, w.d.f
	if ref.size > uint64(maxChunkBytes)+1024 {
		return nil, f.corruptf("chunk at 0x%x claims %d stored bytes", ref.addr, ref.size)
	}
	if err := f.checkRange(ref.addr, ref.size, "chunk"); err != nil {
		return nil, err
	}

	active := d.activeFilters(ref, g)
	if err := d.checkStoredSize(ref, active); err != nil {
		return nil, err
	}

	if cap(w.raw) < int(ref.size) {
		w.raw = make([]byte, ref.size)
	}
	data := w.raw[:ref.size]
	if err := f.readAt(data, ref.addr); err != nil {
		return nil, err
	}

	next := 0
	for i := len(active) - 1; i >= 0; i-- {
		fl := active[i]
		var err error
		switch fl.id {
		case filterFletcher32:
			data, err = w.unFletcher(data, ref)
		case filterDeflate:
			data, err = w.inflate(data, w.buf(next), ref)
			next ^= 1
		case filterShuffle:
			esize := d.dtype.Size
			if len(fl.params) > 0 && fl.params[0] > 0 {
				esize = int(fl.params[0])
			}
			out := w.buf(next)[:len(data)]
			unshuffle(out, data, esize)
			data = out
			next ^= 1
		}
		if err != nil {
			return nil, err
		}
	}

	if len(data) != d.chunkBytes {
		return nil, f.corruptf("dataset %q: chunk at 0x%x decodes to %d bytes, want %d "+
			"(HDF5 stores every chunk whole, edge chunks too)", d.name, ref.addr, len(data),
			d.chunkBytes)
	}
	return data, nil
}

// buf returns work buffer i, allocated on first use with room for a chunk and a little more
// (fletcher32 checksums and trailing bytes that a corrupt stream may produce).
func (w *chunkWorker) buf(i int) []byte {
	if w.bufs[i] == nil {
		w.bufs[i] = make([]byte, w.d.chunkBytes+1024)
	}
	return w.bufs[i]
}

// activeFilters returns the filters applied to chunk ref, in pipeline order: those not
// skipped by its filter mask, and none for a partial edge chunk when the layout says edge
// chunks are stored unfiltered.
func (d *Dataset) activeFilters(ref chunkRef, g *grid) []filter {
	if d.layout.flags&layoutNoFilterEdges != 0 && g.partial(ref.lin) {
		return nil
	}
	var out []filter
	for i, fl := range d.filters {
		if i < 32 && ref.mask&(1<<uint(i)) != 0 {
			continue
		}
		out = append(out, fl)
	}
	return out
}

// partial reports whether chunk lin extends past the dataset's dims.
func (g *grid) partial(lin int) bool {
	for i := range g.dims {
		c := lin / g.down[i] % g.n[i]
		if (c+1)*g.chunk[i] > g.dims[i] {
			return true
		}
	}
	return false
}

// checkStoredSize checks that the filters can be undone and that the stored size of a chunk
// can produce a whole chunk; this bounds the memory a corrupt file can make a reader use.
func (d *Dataset) checkStoredSize(ref chunkRef, active []filter) error {
	f := d.f
	deflate, fletchers := false, 0
	for _, fl := range active {
		switch fl.id {
		case filterDeflate:
			deflate = true
		case filterFletcher32:
			fletchers++
		case filterShuffle:
			// The HDF5 library records the datatype's size as the shuffle's element size.
			if len(fl.params) > 0 && fl.params[0] != 0 && int(fl.params[0]) != d.dtype.Size {
				return f.corruptf("dataset %q: shuffle filter for %d-byte elements, the "+
					"datatype has %d", d.name, fl.params[0], d.dtype.Size)
			}
		default:
			return f.unsupportedf("dataset %q uses filter %s", d.name, filterName(fl))
		}
	}

	want := uint64(d.chunkBytes) + 4*uint64(fletchers)
	if deflate {
		hi, lo := bits.Mul64(ref.size, maxInflateRatio)
		if hi == 0 && lo+1024 < uint64(d.chunkBytes) {
			return f.corruptf("chunk at 0x%x: %d compressed bytes cannot hold %d", ref.addr,
				ref.size, d.chunkBytes)
		}
	} else if ref.size != want {
		return f.corruptf("chunk at 0x%x has %d bytes, want %d", ref.addr, ref.size, want)
	}
	return nil
}

// filterName names a filter for error messages.
func filterName(fl filter) string {
	names := map[int]string{filterSzip: "szip (4)", filterNbit: "nbit (5)",
		filterScale: "scaleoffset (6)", 32001: "blosc (32001)", 32004: "lz4 (32004)",
		32008: "bitshuffle (32008)", 32015: "zstd (32015)"}
	if n, ok := names[fl.id]; ok {
		return n
	}
	if fl.name != "" {
		return fl.name + " (" + itoa(fl.id) + ")"
	}
	return "id " + itoa(fl.id)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// unFletcher verifies and strips the fletcher32 checksum at the end of data. Like the HDF5
// library it also accepts the byte-swapped value written by HDF5 before 1.6.3.
func (w *chunkWorker) unFletcher(data []byte, ref chunkRef) ([]byte, error) {
	f := w.d.f
	if len(data) < 4 {
		return nil, f.corruptf("chunk at 0x%x is too short for its fletcher32 checksum",
			ref.addr)
	}
	n := len(data) - 4
	stored := binary.LittleEndian.Uint32(data[n:])
	sum := fletcher32(data[:n])
	swapped := (sum&0x00ff00ff)<<8 | (sum&0xff00ff00)>>8
	if stored != sum && stored != swapped {
		return nil, f.corruptf("chunk at 0x%x fails its fletcher32 checksum", ref.addr)
	}
	return data[:n], nil
}

// inflate decompresses the zlib stream in into out and returns the bytes written.
func (w *chunkWorker) inflate(in, out []byte, ref chunkRef) ([]byte, error) {
	f := w.d.f
	w.br.Reset(in)
	var err error
	if w.zr == nil {
		w.zr, err = zlib.NewReader(&w.br)
	} else {
		err = w.zr.(zlib.Resetter).Reset(&w.br, nil)
	}
	if err != nil {
		return nil, f.corruptf("chunk at 0x%x: bad deflate stream: %v", ref.addr, err)
	}

	n := 0
	for {
		if n == len(out) {
			var one [1]byte
			m, err := w.zr.Read(one[:])
			if m > 0 {
				return nil, f.corruptf("chunk at 0x%x inflates to more than %d bytes",
					ref.addr, len(out))
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, f.corruptf("chunk at 0x%x: bad deflate stream: %v", ref.addr, err)
			}
			continue
		}

		m, err := w.zr.Read(out[n:])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, f.corruptf("chunk at 0x%x: bad deflate stream: %v", ref.addr, err)
		}
	}
	return out[:n], nil
}

// unshuffle undoes the shuffle filter: src holds byte 0 of every element, then byte 1, and
// so on; bytes past the last whole element are copied as they are. A chunk shorter than one
// element (esize comes from the file and may be huge) is copied as it is.
func unshuffle(dst, src []byte, esize int) {
	n := len(src) / max(esize, 1)
	if esize <= 1 || n == 0 {
		copy(dst, src)
		return
	}
	for j := 0; j < esize; j++ {
		plane := src[j*n : (j+1)*n]
		for i, b := range plane {
			dst[i*esize+j] = b
		}
	}
	copy(dst[n*esize:], src[n*esize:])
}
