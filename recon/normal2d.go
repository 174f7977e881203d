package recon

import (
	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/fft"
)

// rowBlock is the number of image rows (lines along x) in one block of the row passes of
// planeNormal: 8 rows of 512 points are one lane block of package fft's row plans (32 KiB),
// and the rows of the maps, the image and the accumulator that go with them stay in L2.
const rowBlock = 8

// planeNormal is the fused normal operator of a mask that is a 2-D pattern (kx-ky) per
// image, such as ktRadial:
//
//	dst_m = sum_c conj(S_mc) F^H W F (sum_m' S_m'c x_m')
//
// for nm sets of maps S_mc of nc coils, F the plain unnormalised 2-D DFT and W real
// weights; the callers fold the centring phases and the scale of the orthonormal transform
// into S or W (see SenseOp and sliceNormal). The 2-D DFT is split into its two axes and each
// coil takes two passes over one scratch plane t (scratchLen values, rows planePitch
// apart, shared by all coils) instead of the seven of separate map product, 2-D FFT, mask,
// inverse 2-D FFT and accumulation:
//
//   - a row pass, block by block of rowBlock rows that stays in cache: the inverse FFT along
//     x of the previous coil's rows, their conjugate map product accumulated into dst, then
//     the map product of the next coil and its FFT along x;
//   - a column pass, block by block of kx columns inside package fft's lane buffers
//     (fft.Plan.Filter): the FFT along y, the weights (stored block by block in the lane
//     layout) and the inverse FFT along y, with one gather from t and one scatter back.
//
// Between the passes t holds the coil's image transformed along x only; the weights act
// in the full k-space (kx, ky), which only the column pass sees, a block of columns at a
// time. The first coil writes dst instead of adding to it, so dst needs no clearing.
type planeNormal struct {
	nx, ny   int
	pitch    int                  // row pitch of the scratch plane t (see planePitch)
	rblocks  int                  // row blocks, the last one ny - (rblocks-1)*rowBlock rows
	rowPlan  *fft.Plan[complex64] // rowBlock rows along x
	tailPlan *fft.Plan[complex64] // the rows of the last row block along x
	colPlan  *fft.Plan[complex64] // the columns along y, filtered block by block
	cblocks  [][2]int             // first column and width of each line block of colPlan
}

// TODO: at 512x216 (ktRadial R 8) the butterflies take about 40% of the operator's CPU time,
// package fft's moves about a quarter (the transposes of the row blocks into lanes and
// back, and in Filter the gather, an in-cache swap copy for the inverse and the scatter)
// and the element-wise products about a quarter (the map rows, read from L3 twice per
// coil). A move that multiplies by the weights and swaps in one step, or row transforms
// that leave their lane layout for the column pass, would cut the moves; a mask whose kx
// columns are mostly empty would gain from skipping them, which the challenge's ktRadial
// masks (at most 1.3 empty columns of 512 per frame) do not.

// newPlaneNormal returns the fused operator for nx x ny images. Its plans are shared with
// every operator of the same size.
func newPlaneNormal(nx, ny int) *planeNormal {
	p := &planeNormal{nx: nx, ny: ny, pitch: planePitch(nx),
		rblocks: (ny + rowBlock - 1) / rowBlock}
	p.rowPlan = cachedPlan(nx, min(rowBlock, ny), 0)
	p.tailPlan = cachedPlan(nx, ny-(p.rblocks-1)*rowBlock, 0)
	p.colPlan = cachedPlan(p.pitch, ny, 1)
	for k := range p.colPlan.LineBlocks() {
		x0, v := p.colPlan.LineBlock(k)
		p.cblocks = append(p.cblocks, [2]int{x0, v})
	}
	return p
}

// planePitch returns the row pitch of the scratch plane of planeNormal for rows of nx
// values: nx, or nx+8 when nx is a multiple of 64. The column pass reads a block of
// columns, 128 bytes from each of ny rows; with a pitch that is a multiple of 512 bytes
// those rows fall into at most 8 of the 64 sets of a 48 KiB 12-way L1 cache and evict each
// other, and at a multiple of 4096 bytes (nx = 512) into one. A pitch of an odd number of
// 64-byte lines spreads them over all sets: the column pass of 512x216 took about 0.75 of
// its CPU time at pitch 520 (fft.Plan.Filter on both shapes), for 1.6% more columns. The
// row FFTs run on the padded rows in place (fft.Plan.TransformPitched).
func planePitch(nx int) int {
	if nx%64 == 0 {
		return nx + 8
	}
	return nx
}

// weightsLen returns the length of the block-major weights of blockWeights.
func (p *planeNormal) weightsLen() int { return p.pitch * p.ny }

// scratchLen returns the length of the scratch plane of apply.
func (p *planeNormal) scratchLen() int { return p.pitch * p.ny }

// blockWeights writes scale*w[i]^2 (w: nx*ny weights, x fastest) into dst (weightsLen
// values) in the layout of the column pass: the columns x0 <= x < x0+v of one line block of
// the column plan (fft.Plan.LineBlock) at dst[x0*ny:], row y, column x at y*v + x-x0, with
// zero for the padding columns x >= nx.
func (p *planeNormal) blockWeights(dst, w []float32, scale float32) {
	nx, ny := p.nx, p.ny
	for y := range ny {
		row := w[nx*y : nx*(y+1)]
		for _, b := range p.cblocks {
			out := dst[b[0]*ny+y*b[1]:][:b[1]]
			for j := range out {
				var s float32
				if x := b[0] + j; x < nx {
					s = row[x]
				}
				out[j] = s * s * scale
			}
		}
	}
}

// apply sets dst to the normal operator of x (both nm images of nx*ny, set after set) for
// the maps (nm sets of nc coil planes, [set][coil][pixel]) and the block-major weights wb
// (see blockWeights), with t (scratchLen values) as scratch, on at most threads goroutines.
// dst must not overlap x, maps or t.
func (p *planeNormal) apply(dst, x, maps []complex64, nc, nm int, wb []float32,
	t []complex64, threads int) {
	n := p.nx * p.ny
	if len(dst) != nm*n || len(x) != nm*n || len(maps) != nm*nc*n ||
		len(t) != p.scratchLen() || len(wb) != p.weightsLen() {
		panic("recon: planeNormal.apply: wrong slice length")
	}
	for y := range p.ny {
		clear(t[y*p.pitch+p.nx : (y+1)*p.pitch])
	}

	p.rowPass(threads, nm, func(y0, y1 int, u []complex64) {
		p.forwardRows(t, x, maps, nc, nm, 0, y0, y1, u)
	})
	for c := range nc {
		p.colPass(t, wb, threads)
		p.rowPass(threads, nm, func(y0, y1 int, u []complex64) {
			p.adjointRows(dst, t, maps, nc, nm, c, y0, y1)
			if c+1 < nc {
				p.forwardRows(t, x, maps, nc, nm, c+1, y0, y1, u)
			}
		})
	}
}

// rowPass calls fn for every block of rows [y0, y1) on at most threads goroutines, with u
// scratch of one block of rows when there are several sets of maps (nil otherwise).
func (p *planeNormal) rowPass(threads, nm int, fn func(y0, y1 int, u []complex64)) {
	parallelFor(p.rblocks, threads, func(_, k int) {
		y0 := k * rowBlock
		y1 := min(y0+rowBlock, p.ny)
		if nm == 1 {
			fn(y0, y1, nil)
			return
		}
		buf := getScratch((y1 - y0) * p.nx)
		fn(y0, y1, *buf)
		putScratch(buf)
	})
}

// rowPlanOf returns the plan for the block of rows that starts at y0.
func (p *planeNormal) rowPlanOf(y0 int) *fft.Plan[complex64] {
	if y0+rowBlock > p.ny {
		return p.tailPlan
	}
	return p.rowPlan
}

// rowsOf calls fn(tr, lo, hi) for the rows [y0, y1) of t, tr holding image pixels
// [lo, hi): once for the whole block when t's pitch is nx, and row by row otherwise.
func (p *planeNormal) rowsOf(t []complex64, y0, y1 int, fn func(tr []complex64, lo, hi int)) {
	nx := p.nx
	if p.pitch == nx {
		fn(t[y0*nx:y1*nx], y0*nx, y1*nx)
		return
	}
	for y := y0; y < y1; y++ {
		fn(t[y*p.pitch:][:nx], y*nx, (y+1)*nx)
	}
}

// rowFFT transforms the rows [y0, y1) of t along x (f: 0 or fft.Inverse) in place.
func (p *planeNormal) rowFFT(t []complex64, y0, y1 int, f fft.Flags) {
	plan := p.rowPlanOf(y0)
	if p.pitch == p.nx {
		tr := t[y0*p.nx : y1*p.nx]
		plan.Transform(tr, tr, f)
		return
	}
	plan.TransformPitched(t[y0*p.pitch:(y1-1)*p.pitch+p.nx], p.pitch, f)
}

// forwardRows sets rows [y0, y1) of t to the FFT along x of coil c's image sum_m S_mc x_m,
// with u (scratch of those rows) for the sets after the first.
func (p *planeNormal) forwardRows(t, x, maps []complex64, nc, nm, c, y0, y1 int,
	u []complex64) {
	n := p.nx * p.ny
	p.rowsOf(t, y0, y1, func(tr []complex64, lo, hi int) {
		for im := range nm {
			m := maps[(im*nc+c)*n:][lo:hi]
			xr := x[im*n:][lo:hi]
			if im == 0 {
				asm.Mul(tr, m, xr)
			} else {
				v := u[:len(tr)]
				asm.Mul(v, m, xr)
				asm.Axpy(1, v, tr)
			}
		}
	})
	p.rowFFT(t, y0, y1, 0)
}

// adjointRows takes the inverse FFT along x of rows [y0, y1) of t and adds their product
// with conj(S_mc) to rows [y0, y1) of dst_m (coil 0 sets them).
func (p *planeNormal) adjointRows(dst, t, maps []complex64, nc, nm, c, y0, y1 int) {
	n := p.nx * p.ny
	p.rowFFT(t, y0, y1, fft.Inverse)
	p.rowsOf(t, y0, y1, func(tr []complex64, lo, hi int) {
		for im := range nm {
			m := maps[(im*nc+c)*n:][lo:hi]
			d := dst[im*n:][lo:hi]
			if c == 0 {
				asm.MulConj(d, m, tr)
			} else {
				asm.MulConjAcc(d, m, tr)
			}
		}
	})
}

// colPass replaces every kx column of t by the inverse FFT along y of the weights times
// its FFT along y, block by block of columns, on at most threads goroutines.
func (p *planeNormal) colPass(t []complex64, wb []float32, threads int) {
	ny := p.ny
	filter := func(spec []complex64, x0, v int) {
		asm.MaskCopy(spec, spec, wb[x0*ny:(x0+v)*ny])
	}
	nb := p.colPlan.LineBlocks()
	if threads <= 1 {
		p.colPlan.Filter(t, 0, nb, filter)
		return
	}
	parallelFor(nb, threads, func(_, k int) { p.colPlan.Filter(t, k, k+1, filter) })
}
