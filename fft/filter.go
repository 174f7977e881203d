package fft

// A Fourier-domain filter along one axis (a diagonal operator between a forward and an
// inverse transform) is the inner step of operators such as the SENSE normal operator
// F^H M F with a mask M that varies along both axes. Done as Transform, a multiplication
// and Transform again, each line block crosses memory six times (gather, scatter, gather,
// scatter, and twice for the multiplication). Filter keeps the block in the plan's lane
// buffers from the gather of the forward transform to the scatter of the inverse one: two
// crossings of the array and one copy inside the cache.

// LineBlocks returns the number of blocks in which Filter handles the lines of the plan's
// transformed axis (see LineBlock). It panics unless the plan has exactly one transformed
// axis.
func (p *Plan[T]) LineBlocks() int {
	return p.filterPass().units
}

// LineBlock returns the lines of block b of Filter: lanes lines from line on. Lines are
// numbered in the column-major order of the indices of the other axes (the first of them
// fastest), so the line of element (i0, i1, ...) is its index with the transformed axis left
// out, and a block holds consecutive lines. It panics if b is out of range or the plan has
// more than one transformed axis.
func (p *Plan[T]) LineBlock(b int) (line, lanes int) {
	ps := p.filterPass()
	if b < 0 || b >= ps.units {
		panic("fft: line block out of range")
	}
	line, lanes, _ = ps.block(b)
	return line, lanes
}

// Filter applies a filter in the Fourier domain along the plan's one transformed axis to
// the line blocks b0 <= b < b1 of x, in place: each line becomes the unnormalised inverse
// transform of its forward transform as modified by filter (with filter a multiplication by
// w, the line becomes n * F^-1 (w F line), n the axis length). filter(spec, line, lanes)
// receives the spectra of the block's lanes lines from line on (see LineBlock), element k
// of the b-th of them at spec[k*lanes + b], and must change them in place and keep no
// reference to spec. Blocks are independent: different goroutines may filter different
// blocks of one array at the same time. Filter runs on the caller's goroutine only
// (Workers is not used); it panics unless the plan has exactly one transformed axis, x has
// Len elements and 0 <= b0 <= b1 <= LineBlocks().
func (p *Plan[T]) Filter(x []T, b0, b1 int, filter func(spec []T, line, lanes int)) {
	ps := p.filterPass()
	if len(x) != p.size {
		panic("fft: slice length does not match the plan")
	}
	if b0 < 0 || b1 < b0 || b1 > ps.units {
		panic("fft: line blocks out of range")
	}

	w := p.getWork()
	c := ps.c
	for u := b0; u < b1; u++ {
		line, v, xv := ps.block(u)
		nv := c.n * v
		m := &w.move
		*m = moveArgs[T]{buf: w.a[:nv], s: x, view: xv, n: c.n, v: v, scale: 1}
		c.ks.gather(m)
		spec := c.run(w, v)[:nv]

		filter(spec, line, v)

		// The inverse transform is swap(DFT(swap(.))): the swap is a copy within the
		// cache into the buffer the stages start from.
		next := w.a[:nv]
		if &spec[0] == &w.a[0] {
			next = w.b[:nv]
		}
		*m = moveArgs[T]{buf: next, s: spec, view: view{0, v, 1}, n: c.n, v: v, swap: true,
			scale: 1}
		c.ks.gather(m)
		if &next[0] != &w.a[0] {
			w.a, w.b = w.b, w.a
		}
		out := c.run(w, v)[:nv]

		*m = moveArgs[T]{buf: out, s: x, view: xv, n: c.n, v: v, swap: true, scale: 1}
		c.ks.scatter(m)
	}
	p.putWork(w)
}

// filterPass returns the pass of a plan with one transformed axis, or panics.
func (p *Plan[T]) filterPass() *pass[T] {
	if len(p.passes) != 1 || p.items != 1 {
		panic("fft: Filter needs a plan with one transformed axis")
	}
	return &p.passes[0]
}

// block returns the first line, the lane count and the view of lane block u of the pass, for
// a plan with one batch item.
func (ps *pass[T]) block(u int) (line, v int, xv view) {
	if ps.inner == 1 {
		l0 := u * ps.lanes
		v = min(ps.lanes, ps.outer-l0)
		return l0, v, view{l0 * ps.n, 1, ps.n}
	}
	nb := (ps.inner + ps.lanes - 1) / ps.lanes
	o, blk := u/nb, u%nb
	l0 := blk * ps.lanes
	v = min(ps.lanes, ps.inner-l0)
	return o*ps.inner + l0, v, view{o*ps.inner*ps.n + l0, ps.inner, 1}
}

// TransformPitched computes the transform selected by f in place along axis 0 of a plan
// whose only transformed axis is axis 0, for lines that lie pitch elements apart in x
// instead of n (the axis length): line l is x[l*pitch : l*pitch+n], and the elements
// between the lines are neither read nor written. A pitch a little above n keeps lines
// whose natural pitch is a large power of two (512 complex64 values: 4096 bytes) out of
// each other's cache sets when the same array is also read down its columns. It panics
// unless the plan transforms axis 0 only, pitch >= n and x holds the lines (at least
// (lines-1)*pitch + n elements).
func (p *Plan[T]) TransformPitched(x []T, pitch int, f Flags) {
	ps := p.filterPass()
	if ps.inner != 1 {
		panic("fft: TransformPitched needs a plan that transforms axis 0")
	}
	if pitch < ps.n || len(x) < (ps.outer-1)*pitch+ps.n {
		panic("fft: pitch or slice length does not fit the plan")
	}

	scale := 1.0
	if f&Ortho != 0 {
		scale = p.norm
	}
	w := p.getWork()
	for u := range ps.units {
		l0 := u * ps.lanes
		v := min(ps.lanes, ps.outer-l0)
		xv := view{l0 * pitch, 1, pitch}
		ps.c.exec(w, x, xv, x, xv, v, f&Inverse != 0, f&Centered != 0, scale)
	}
	p.putWork(w)
}
