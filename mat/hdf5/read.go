package hdf5

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
)

// ReadOptions tunes a read. A nil *ReadOptions means the defaults.
type ReadOptions struct {
	// Workers is the number of goroutines that read and decode chunks at once; 0 means
	// runtime.GOMAXPROCS(0). Memory in use beyond dst is about Workers times three chunks.
	Workers int
}

func (o *ReadOptions) workers() int {
	if o == nil || o.Workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Workers
}

// ReadComplex64 reads the whole dataset into dst, in HDF5 (row-major) order, which is
// MATLAB's column-major order of the reversed dims. Complex compounds are converted from
// float32 or float64 parts; real numbers get a zero imaginary part. len(dst) must be Len().
func (d *Dataset) ReadComplex64(dst []complex64, opt *ReadOptions) error {
	conv, ok := complex64Converter(d.dtype)
	if !ok {
		return d.typeError("complex64")
	}
	return readInto(d, dst, opt, conv)
}

// ReadComplex128 is ReadComplex64 for complex128.
func (d *Dataset) ReadComplex128(dst []complex128, opt *ReadOptions) error {
	conv, ok := complex128Converter(d.dtype)
	if !ok {
		return d.typeError("complex128")
	}
	return readInto(d, dst, opt, conv)
}

// ReadFloat32 reads a dataset of real numbers (floats, integers, MATLAB logical) into dst
// in HDF5 order. Reading a complex dataset is an error. len(dst) must be Len().
func (d *Dataset) ReadFloat32(dst []float32, opt *ReadOptions) error {
	if !d.dtype.numeric() {
		return d.typeError("float32")
	}
	return readInto(d, dst, opt, float32Converter(d.dtype))
}

// ReadFloat64 is ReadFloat32 for float64.
func (d *Dataset) ReadFloat64(dst []float64, opt *ReadOptions) error {
	if !d.dtype.numeric() {
		return d.typeError("float64")
	}
	return readInto(d, dst, opt, float64Converter(d.dtype))
}

// typeError reports a dataset whose type cannot be read as want.
func (d *Dataset) typeError(want string) error {
	if d.IsComplex() {
		return newError(d.f.name, ErrType, "dataset %q is complex (%s); read it as complex",
			d.name, d.dtype)
	}
	return newError(d.f.name, ErrType, "dataset %q of type %s cannot be read as %s", d.name,
		d.dtype, want)
}

// readInto reads the dataset into dst with conv.
func readInto[T any](d *Dataset, dst []T, opt *ReadOptions, conv converter[T]) error {
	f := d.f
	if d.space.null {
		return newError(f.name, ErrType, "dataset %q has a null dataspace (no data)", d.name)
	}
	if len(dst) != d.space.count {
		return newError(f.name, ErrType, "dataset %q has %d elements, dst has %d", d.name,
			d.space.count, len(dst))
	}
	if len(dst) == 0 {
		return nil
	}

	var fill T
	if d.fill != nil {
		one := make([]T, 1)
		conv(one, d.fill)
		fill = one[0]
	}

	switch d.layout.class {
	case layoutCompact:
		conv(dst, d.layout.compact)
		return nil
	case layoutContiguous:
		return readContiguous(d, dst, opt, conv, fill)
	}
	return readChunked(d, dst, opt, conv, fill)
}

// contiguousBlock is the number of bytes each worker reads and converts at a time.
const contiguousBlock = 1 << 20

// readContiguous reads contiguous data in blocks, several at once.
func readContiguous[T any](d *Dataset, dst []T, opt *ReadOptions, conv converter[T],
	fill T) error {
	f, l := d.f, &d.layout
	if l.addr == undef {
		fillSlice(dst, fill)
		return nil
	}
	esize := d.dtype.Size
	need := uint64(len(dst)) * uint64(esize)
	if err := f.checkRange(l.addr, need, "contiguous data of "+d.name); err != nil {
		return err
	}

	per := max(contiguousBlock/esize, 1)
	nblk := ceilDiv(len(dst), per)
	return parallel(nblk, opt.workers(), func() func(i int) error {
		var buf []byte
		return func(i int) error {
			lo := i * per
			hi := min(lo+per, len(dst))
			n := (hi - lo) * esize
			if cap(buf) < n {
				buf = make([]byte, n)
			}
			b := buf[:n]
			if err := f.readAt(b, l.addr+uint64(lo*esize)); err != nil {
				return err
			}
			conv(dst[lo:hi], b)
			return nil
		}
	})
}

// parallel runs n tasks on up to workers goroutines. Each goroutine calls newTask once to
// get its own task function (holding its own buffers). The first error stops the others.
func parallel(n, workers int, newTask func() func(i int) error) error {
	workers = min(workers, n)
	if workers <= 1 {
		task := newTask()
		for i := 0; i < n; i++ {
			if err := task(i); err != nil {
				return err
			}
		}
		return nil
	}

	var next atomic.Int64
	var failed atomic.Bool
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task := newTask()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := task(i); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// fillSlice sets every element of dst to v.
func fillSlice[T any](dst []T, v T) {
	if len(dst) == 0 {
		return
	}
	dst[0] = v
	for n := 1; n < len(dst); n *= 2 {
		copy(dst[n:], dst[:n])
	}
}

// readChunked decodes the stored chunks in parallel straight into dst, then fills the chunks
// never written with the fill value.
func readChunked[T any](d *Dataset, dst []T, opt *ReadOptions, conv converter[T],
	fill T) error {
	f := d.f
	g := d.newGrid()
	refs, err := d.chunkRefs(&g)
	if err != nil {
		return err
	}

	present := make([]uint64, (g.total+63)/64)
	for _, r := range refs {
		if r.lin < 0 || r.lin >= g.total {
			return f.corruptf("dataset %q: chunk index entry outside the grid", d.name)
		}
		w, b := r.lin/64, uint(r.lin%64)
		if present[w]&(1<<b) != 0 {
			return f.corruptf("dataset %q: chunk %d is listed twice", d.name, r.lin)
		}
		present[w] |= 1 << b
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].addr < refs[j].addr })

	err = parallel(len(refs), opt.workers(), func() func(i int) error {
		w := &chunkWorker{d: d}
		s := newScatter(&g)
		return func(i int) error {
			data, err := w.decode(refs[i], &g)
			if err != nil {
				return err
			}
			s.each(refs[i].lin, func(doff, soff, n int) {
				conv(dst[doff:doff+n], data[soff*d.dtype.Size:])
			})
			return nil
		}
	})
	if err != nil {
		return err
	}

	var zero T
	if len(refs) == g.total && any(fill) == any(zero) {
		return nil
	}
	s := newScatter(&g)
	for lin := 0; lin < g.total; lin++ {
		if present[lin/64]&(1<<uint(lin%64)) == 0 {
			s.each(lin, func(doff, _, n int) { fillSlice(dst[doff:doff+n], fill) })
		}
	}
	return nil
}

// scatter maps a chunk onto the dataset: the runs of elements that are contiguous both in the
// chunk and in the dataset's row-major order.
type scatter struct {
	g      *grid
	rank   int
	dstr   []int // dataset strides
	cstr   []int // chunk strides
	coord  []int
	extent []int
	idx    []int
}

func newScatter(g *grid) *scatter {
	r := len(g.dims)
	s := &scatter{g: g, rank: r, dstr: make([]int, r), cstr: make([]int, r),
		coord: make([]int, r), extent: make([]int, r), idx: make([]int, r)}
	ds, cs := 1, 1
	for i := r - 1; i >= 0; i-- {
		s.dstr[i], s.cstr[i] = ds, cs
		ds *= g.dims[i]
		cs *= g.chunk[i]
	}
	return s
}

// each calls fn(dstOffset, chunkOffset, n) for every run of the chunk with linear index lin
// that lies inside the dataset. Offsets count elements.
func (s *scatter) each(lin int, fn func(doff, soff, n int)) {
	g, r := s.g, s.rank
	for i := 0; i < r; i++ {
		s.coord[i] = lin / g.down[i] % g.n[i] * g.chunk[i]
		s.extent[i] = min(g.chunk[i], g.dims[i]-s.coord[i])
		s.idx[i] = 0
	}

	// Merge trailing dims that the chunk covers whole in both arrays into one run.
	k := r - 1
	run := s.extent[k]
	for k > 0 && s.extent[k] == g.dims[k] && s.extent[k] == g.chunk[k] {
		k--
		run *= s.extent[k]
	}

	base := 0
	for i := 0; i < r; i++ {
		base += s.coord[i] * s.dstr[i]
	}
	for {
		doff, soff := base, 0
		for i := 0; i < k; i++ {
			doff += s.idx[i] * s.dstr[i]
			soff += s.idx[i] * s.cstr[i]
		}
		fn(doff, soff, run)

		i := k - 1
		for ; i >= 0; i-- {
			s.idx[i]++
			if s.idx[i] < s.extent[i] {
				break
			}
			s.idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}
