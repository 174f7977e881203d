package fft

import (
	"math"
	"runtime"
	"sync"
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// Complex is the constraint for element types: complex64 or complex128.
type Complex interface {
	complex64 | complex128
}

// Flags select the transform that Plan.Transform computes. They combine with |; the zero
// value is the plain (unnormalised, uncentred) forward transform.
type Flags uint8

const (
	// Inverse selects the inverse transform, with kernel exp(+2πi·k·n/N) instead of
	// exp(-2πi·k·n/N).
	Inverse Flags = 1 << iota

	// Ortho scales the result by 1/sqrt(N), where N is the product of the transformed
	// lengths, so that forward and inverse are unitary and each other's inverse.
	Ortho

	// Centered puts the origin of every transformed axis of length n at index n/2 (integer
	// division), on input and output: the transform becomes fftshift(F(ifftshift(x))).
	Centered
)

// laneBytes is the size aimed at for one lane block (n points of v lanes). Two such buffers
// are live during a transform; see BenchmarkLanes for the measurement behind the value.
const laneBytes = 32 << 10

// maxLanes bounds the lanes of one block.
const maxLanes = 16

// parallelMin is the array length below which Transform ignores Workers: spreading less work
// than this over goroutines costs more than it saves.
const parallelMin = 1 << 13

// Plan computes discrete Fourier transforms along some axes of column-major arrays of one
// shape (axis 0 varies fastest), batched over the other axes. A Plan is immutable once built
// and safe for concurrent use by any number of goroutines; build it once per shape and reuse
// it. Scratch space comes from a free list inside the plan, which garbage collection leaves
// alone and which holds, from the start, scratch for Workers goroutines, so Transform does
// not allocate (more goroutines calling one plan at once allocate the first time).
type Plan[T Complex] struct {
	shape, axes []int
	size        int
	passes      []pass[T]
	items       int // independent arrays in the batch (the axes after the last transformed one)
	itemLen     int
	norm        float64 // 1/sqrt(product of the transformed lengths)
	workers     int
	shared      *planShared[T]
}

// pass transforms one axis of one item: outer lines of length n, consecutive elements inner
// apart. Lanes are the transforms done together: neighbouring lines when inner == 1,
// neighbouring inner positions otherwise.
type pass[T Complex] struct {
	inner, n, outer int
	lanes, units    int
	fs              []factor
	c               *core[T]
}

// geom returns the pass's geometry.
func (ps *pass[T]) geom() passGeom { return passGeom{ps.n, ps.inner, ps.outer} }

// planShared is what copies made by WithWorkers share.
type planShared[T Complex] struct {
	work chan *work[T] // idle scratch, kept across garbage collections (unlike a sync.Pool)
	need workSize
	mu   sync.Mutex   // guards made
	made int          // scratch pieces made by reserve
	jobs chan *job[T] // idle parallel jobs, likewise
	ks   *kernelSet[T]
}

// NewPlan returns a plan for arrays of the given shape (column-major, shape[0] varying
// fastest) that transforms along the listed axes, each a distinct index into shape; with no
// axes it transforms along all of them. The other axes are a batch: every combination of
// their indices is transformed independently. It panics if a length is less than 1 or an
// axis is out of range or repeated.
//
// NewPlan is cheap: it decomposes every axis with a fixed rule and times nothing. MeasurePlan
// times alternatives and keeps the fastest; NewPlanWisdom reuses the choices it recorded.
func NewPlan[T Complex](shape []int, axes ...int) *Plan[T] {
	return newPlan[T](shape, axes, nil)
}

// passGeom is the geometry of one axis pass of one batch item, which is what a decomposition
// is chosen for: length n, inner (the stride between consecutive elements of a line, and the
// number of lines side by side) and outer (the blocks of inner lines).
type passGeom struct {
	n, inner, outer int
}

// choice is the decomposition of one pass: the stages in order and the lanes per block.
type choice struct {
	fs    []factor
	lanes int
}

// defaultChoice is NewPlan's rule: the default factors and as many lanes (a power of two, at
// most maxLanes) as keep one lane block near laneBytes.
func defaultChoice(g passGeom, elem int) choice {
	lanes := max(1, min(maxLanes, laneBytes/(g.n*elem)))
	for lanes&(lanes-1) != 0 {
		lanes &= lanes - 1
	}
	return choice{fs: defaultFactors(g.n), lanes: lanes}
}

// newPlan builds a plan whose passes use the decompositions chosen by choose, or the default
// ones when choose is nil or returns no factors.
func newPlan[T Complex](shape []int, axes []int, choose func(passGeom) choice) *Plan[T] {
	if len(shape) == 0 {
		panic("fft: empty shape")
	}
	size := 1
	for _, n := range shape {
		if n < 1 {
			panic("fft: non-positive size")
		}
		size *= n
	}
	if len(axes) == 0 {
		axes = make([]int, len(shape))
		for i := range axes {
			axes[i] = i
		}
	}
	used := make([]bool, len(shape))
	last := 0
	for _, a := range axes {
		if a < 0 || a >= len(shape) {
			panic("fft: axis out of range")
		}
		if used[a] {
			panic("fft: repeated axis")
		}
		used[a] = true
		last = max(last, a)
	}
	if len(axes) == 1 {
		// One transformed axis: its lines in the batch axes after it are independent lines
		// of the same pass, so they join the pass's outer lines instead of forming a batch
		// of items. A row (axis 0) then gets whole lane blocks of rows and the SIMD
		// kernels, where an item of one row would run one lane at a time; with one pass
		// there is no locality between passes to lose.
		last = len(shape) - 1
	}

	p := &Plan[T]{
		shape:   append([]int(nil), shape...),
		size:    size,
		workers: 1,
		shared:  &planShared[T]{ks: kernelsFor[T]()},
	}
	p.itemLen = 1
	for _, n := range shape[:last+1] {
		p.itemLen *= n
	}
	p.items = size / p.itemLen

	var z T
	elem := int(unsafe.Sizeof(z))
	type coreKey struct {
		n  int
		fs string
	}
	lanesOf := map[coreKey]int{}
	nt := 1
	for a := range shape[:last+1] {
		if !used[a] {
			continue
		}
		p.axes = append(p.axes, a)
		ps := pass[T]{inner: 1, n: shape[a], outer: 1}
		for _, n := range shape[:a] {
			ps.inner *= n
		}
		for _, n := range shape[a+1 : last+1] {
			ps.outer *= n
		}
		nt *= ps.n
		g := passGeom{ps.n, ps.inner, ps.outer}
		ch := defaultChoice(g, elem)
		if choose != nil {
			if c := choose(g); len(c.fs) > 0 {
				ch = c
			}
		}
		ps.fs = ch.fs
		ps.lanes = ch.lanes
		if ps.inner == 1 {
			ps.lanes = min(ps.lanes, ps.outer)
			ps.units = (ps.outer + ps.lanes - 1) / ps.lanes
		} else {
			ps.lanes = min(ps.lanes, ps.inner)
			ps.units = ps.outer * ((ps.inner + ps.lanes - 1) / ps.lanes)
		}
		k := coreKey{ps.n, formatFactors(ch.fs)}
		lanesOf[k] = max(lanesOf[k], ps.lanes)
		p.passes = append(p.passes, ps)
	}
	var need workSize
	cores := map[coreKey]*core[T]{}
	for i := range p.passes {
		ps := &p.passes[i]
		k := coreKey{ps.n, formatFactors(ps.fs)}
		c, ok := cores[k]
		if !ok {
			c = newCoreOf[T](ps.n, lanesOf[k], ps.fs)
			cores[k] = c
			need.merge(c.need)
		}
		ps.c = c
	}
	p.norm = 1 / math.Sqrt(float64(nt))
	p.shared.need = need
	p.shared.work = make(chan *work[T], max(4, 2*runtime.GOMAXPROCS(0)))
	p.shared.jobs = make(chan *job[T], cap(p.shared.work))
	p.shared.reserve(1)
	return p
}

// WithWorkers returns a plan that computes the same transforms as p, sharing its tables, but
// spreads each call of Transform over up to n goroutines (the caller included). Work is split
// over independent arrays of the batch when there are at least n of them, and otherwise over
// blocks of lines within each axis. n <= 1 means the caller's goroutine only, the default.
// Helper goroutines are started on first use and kept for later calls.
func (p *Plan[T]) WithWorkers(n int) *Plan[T] {
	q := *p
	q.workers = max(1, n)
	q.shared.reserve(q.workers)
	return &q
}

// reserve makes scratch until n pieces (at most the free list's capacity) have been made, so
// that a call with n goroutines finds them all ready.
func (s *planShared[T]) reserve(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ; s.made < min(n, cap(s.work)); s.made++ {
		select {
		case s.work <- newWork[T](s.need):
		default:
			return
		}
	}
}

// Workers returns the number of goroutines a call of Transform may use.
func (p *Plan[T]) Workers() int { return p.workers }

// Len returns the number of elements of the arrays the plan transforms.
func (p *Plan[T]) Len() int { return p.size }

// Shape returns a copy of the array shape the plan was built for.
func (p *Plan[T]) Shape() []int { return append([]int(nil), p.shape...) }

// Axes returns the transformed axes in increasing order.
func (p *Plan[T]) Axes() []int { return append([]int(nil), p.axes...) }

// Kernels names the butterfly implementation the plan runs: "go" for the pure-Go kernels, or
// the active asm path ("avx2", "avx512", "neon") when the element type has SIMD kernels in
// this build. A stage whose lane count is not a whole number of vectors runs the pure-Go
// kernel.
func (p *Plan[T]) Kernels() string {
	if p.shared.ks.simd {
		return asm.Active().String()
	}
	return p.shared.ks.name
}

// Transform computes the transform selected by f of src into dst. dst and src must both have
// Len elements and must be either the same slice (an in-place transform) or not overlap at
// all; Transform panics otherwise.
//
// Along each transformed axis of length n the forward transform is
//
//	X[k] = Σ_j x[j]·exp(-2πi·j·k/n)
//
// and the Inverse transform uses exp(+2πi·j·k/n); neither is scaled unless f has Ortho. With
// Centered, input index j and output index k count from n/2: the result is
// fftshift(F(ifftshift(x))), computed without shift copies (see the package documentation).
func (p *Plan[T]) Transform(dst, src []T, f Flags) {
	if len(dst) != p.size || len(src) != p.size {
		panic("fft: slice length does not match the plan")
	}
	if overlapPartly(dst, src) {
		panic("fft: dst and src overlap")
	}

	wk := p.workers
	if wk <= 1 || p.size < parallelMin {
		w := p.getWork()
		for it := range p.items {
			for pi := range p.passes {
				for u := range p.passes[pi].units {
					p.unit(w, dst, src, f, it, pi, u)
				}
			}
		}
		p.putWork(w)
		return
	}

	if p.items >= wk {
		p.parallel(dst, src, f, -1, -1, p.items)
		return
	}
	for it := range p.items {
		for pi := range p.passes {
			p.parallel(dst, src, f, it, pi, p.passes[pi].units)
		}
	}
}

// Forward computes the plain forward transform of src into dst: Transform(dst, src, 0).
func (p *Plan[T]) Forward(dst, src []T) { p.Transform(dst, src, 0) }

// Inverse computes the unnormalised inverse transform of src into dst:
// Transform(dst, src, Inverse). Inverse(Forward(x)) is x times the product of the
// transformed lengths.
func (p *Plan[T]) Inverse(dst, src []T) { p.Transform(dst, src, Inverse) }

// CenteredForward computes fftshift(F(ifftshift(x)))/sqrt(N) in place, N being the product of
// the transformed lengths: the challenge's fft2c when the plan transforms axes 0 and 1.
func (p *Plan[T]) CenteredForward(x []T) { p.Transform(x, x, Centered|Ortho) }

// CenteredInverse computes fftshift(F⁻¹(ifftshift(x)))·sqrt(N) in place, F⁻¹ being the
// inverse transform scaled by 1/N: the orthonormal inverse, the challenge's ifft2c when the plan
// transforms axes 0 and 1.
func (p *Plan[T]) CenteredInverse(x []T) { p.Transform(x, x, Centered|Ortho|Inverse) }

// getWork returns idle scratch, allocating it only when every piece made so far is in use.
func (p *Plan[T]) getWork() *work[T] {
	select {
	case w := <-p.shared.work:
		return w
	default:
		return newWork[T](p.shared.need)
	}
}

// putWork keeps w for later calls, or drops it when as many as the free list holds are idle.
func (p *Plan[T]) putWork(w *work[T]) {
	select {
	case p.shared.work <- w:
	default:
	}
}

// unit transforms the lane block u of pass pi of batch item it.
func (p *Plan[T]) unit(w *work[T], dst, src []T, f Flags, it, pi, u int) {
	ps := &p.passes[pi]
	base := it * p.itemLen
	var v int
	var xv view
	if ps.inner == 1 {
		l0 := u * ps.lanes
		v = min(ps.lanes, ps.outer-l0)
		xv = view{base + l0*ps.n, 1, ps.n}
	} else {
		nb := (ps.inner + ps.lanes - 1) / ps.lanes
		o, blk := u/nb, u%nb
		l0 := blk * ps.lanes
		v = min(ps.lanes, ps.inner-l0)
		xv = view{base + o*ps.inner*ps.n + l0, ps.inner, 1}
	}
	in := dst
	if pi == 0 {
		in = src
	}
	scale := 1.0
	if f&Ortho != 0 && pi == len(p.passes)-1 {
		scale = p.norm
	}
	ps.c.exec(w, dst, xv, in, xv, v, f&Inverse != 0, f&Centered != 0, scale)
}

// overlapPartly reports whether a and b share memory without being the same slice.
func overlapPartly[T any](a, b []T) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
	pb := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if pa == pb && len(a) == len(b) {
		return false
	}
	size := unsafe.Sizeof(a[0])
	return pa < pb+uintptr(len(b))*size && pb < pa+uintptr(len(a))*size
}

func sizeOf[T any](z T) uintptr { return unsafe.Sizeof(z) }
