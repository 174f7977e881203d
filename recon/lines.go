package recon

import (
	"math"
	"sync"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/fft"
)

// lineBlock is the number of image columns (x positions) one column block holds. A block
// vector is lineBlock x ny complex64 values, 27 KiB for ny = 216: the block of the maps of
// one coil, the FFT scratch and the blocks of the two CG vectors being combined stay in the
// 2 MiB L2 cache (BenchmarkColumnNormal compares 8, 16 and 32).
const lineBlock = 16

// LineWeights returns the ky weights of every frame of m when m is a line mask, one whose
// every frame samples whole ky lines (the weight at (x, y) does not depend on x), as the
// challenge's Uniform and ktGaussian masks do: w[it][y] for it < m.NT. It returns nil for
// any other mask (such as ktRadial).
func LineWeights(m *Mask) [][]float32 {
	if m == nil || m.NX < 1 || m.NY < 1 || m.NT < 1 || len(m.Data) != m.NX*m.NY*m.NT {
		return nil
	}
	out := make([][]float32, m.NT)
	for it := range m.NT {
		f := m.Frame(it)
		w := make([]float32, m.NY)
		for y := range m.NY {
			row := f[y*m.NX : (y+1)*m.NX]
			for _, v := range row[1:] {
				if v != row[0] {
					return nil
				}
			}
			w[y] = row[0]
		}
		out[it] = w
	}
	return out
}

// A line mask samples every kx of a sampled ky line, so the 2-D normal operator
// A^H A = S^H F^H M^2 F S of CG-SENSE reduces, column by column, to
//
//	N_x = sum_c conj(s_c(x, .)) F_y^H M_y^2 F_y s_c(x, .)
//
// because the FFT along x and its inverse cancel around a mask that is constant along kx.
// Every image column x is an independent ny-point problem. The joint 2-D iteration BART's
// pics runs is the conjugate-gradient iteration on the block-diagonal operator with step
// sizes from inner products summed over all columns, so solving with the column operator
// and shared step sizes (jointCG) reproduces it exactly, at less than half the FFT work (no
// transforms along x), while per-column step sizes (columnCG) converge each column on its
// own.
//
// The vectors of a column solve are stored block-major: column block k (lineBlock columns,
// the last one padded with zero columns) is a lineBlock x ny array with the columns
// fastest, so that one batched 1-D FFT along y transforms a whole block. The centring of
// the FFT along y and its 1/sqrt(ny) scale are folded into a block-major copy of the maps
// (colMaps), so the iteration runs plain unnormalised transforms.

// columnPhase returns the unit phases exp(2 pi i c y / n), c = n/2, by which a centred
// transform of length n differs from the plain one on its input side:
// fftshift(F(ifftshift(x)))[k] = d_k sum_y x[y] columnPhase[y] exp(-2 pi i k y / n), with
// the output phases d_k of outputPhase.
func columnPhase(n int) []complex128 {
	c := n / 2
	out := make([]complex128, n)
	for y := range n {
		a := 2 * math.Pi * float64(c*y%n) / float64(n)
		out[y] = complex(math.Cos(a), math.Sin(a))
	}
	return out
}

// outputPhase returns the output-side phases d_k = exp(2 pi i c (k - c) / n), c = n/2, of
// the centred transform (see columnPhase): with the substitution j -> j - c, k -> k - c in
// sum_j x[j] exp(-2 pi i (k-c)(j-c)/n) the factor that depends on k alone is
// exp(2 pi i c k / n) exp(-2 pi i c^2 / n).
func outputPhase(n int) []complex128 {
	c := n / 2
	out := make([]complex128, n)
	for k := range n {
		a := 2 * math.Pi * float64((c*k-c*c)%n) / float64(n)
		out[k] = complex(math.Cos(a), math.Sin(a))
	}
	return out
}

// colMaps are the coil maps of one slice restricted to the columns [x0, x0+cols), in
// block-major order [block][coil][y][j], with the centring phase and the scale 1/sqrt(ny) of
// the FFT along y folded in: s'_c(x, y) = s_c(x, y) columnPhase(ny)[y] / sqrt(ny). They are
// shared by every frame of the slice.
type colMaps struct {
	ny, nc    int
	x0, cols  int
	bw        int // columns per block, lineBlock
	blocks    int
	blockSize int // bw * ny
	data      []complex64
}

// newColMaps folds the maps (nc planes of nx*ny) of columns [x0, x1).
func newColMaps(nx, ny, nc int, maps []complex64, x0, x1 int) *colMaps {
	return newColMapsWidth(nx, ny, nc, maps, x0, x1, lineBlock)
}

// newColMapsWidth is newColMaps with blocks of bw columns.
func newColMapsWidth(nx, ny, nc int, maps []complex64, x0, x1, bw int) *colMaps {
	cols := x1 - x0
	blocks := (cols + bw - 1) / bw
	cm := &colMaps{ny: ny, nc: nc, x0: x0, cols: cols, bw: bw, blocks: blocks,
		blockSize: bw * ny}
	cm.data = make([]complex64, blocks*nc*cm.blockSize)

	phase := columnPhase(ny)
	scale := 1 / math.Sqrt(float64(ny))
	for k := range blocks {
		for c := range nc {
			dst := cm.coil(k, c)
			src := maps[c*nx*ny:]
			for y := range ny {
				f := phase[y] * complex(scale, 0)
				for j := range bw {
					x := x0 + k*bw + j
					if x >= x1 {
						break
					}
					dst[y*bw+j] = complex64(complex128(src[x+nx*y]) * f)
				}
			}
		}
	}
	return cm
}

// coil returns the folded map block k of coil c.
func (cm *colMaps) coil(k, c int) []complex64 {
	off := (k*cm.nc + c) * cm.blockSize
	return cm.data[off : off+cm.blockSize : off+cm.blockSize]
}

// len returns the length of a block-major vector.
func (cm *colMaps) len() int { return cm.blocks * cm.blockSize }

// block returns block k of the block-major vector v.
func (cm *colMaps) block(v []complex64, k int) []complex64 {
	return v[k*cm.blockSize : (k+1)*cm.blockSize : (k+1)*cm.blockSize]
}

// gather copies the columns of an nx-wide plane into block-major v (padding columns zero).
func (cm *colMaps) gather(v, plane []complex64, nx int) {
	clear(v)
	for k := range cm.blocks {
		w := min(cm.bw, cm.cols-k*cm.bw)
		x := cm.x0 + k*cm.bw
		for y := range cm.ny {
			copy(v[k*cm.blockSize+y*cm.bw:][:w], plane[x+nx*y:][:w])
		}
	}
}

// scatter copies block-major v into the columns of an nx-wide plane.
func (cm *colMaps) scatter(plane, v []complex64, nx int) {
	for k := range cm.blocks {
		w := min(cm.bw, cm.cols-k*cm.bw)
		x := cm.x0 + k*cm.bw
		for y := range cm.ny {
			copy(plane[x+nx*y:][:w], v[k*cm.blockSize+y*cm.bw:][:w])
		}
	}
}

// rowRun is a run [y0, y1) of ky lines that share one squared weight.
type rowRun struct {
	y0, y1 int
	w2     float32
}

// colOp is the normal operator N + lambda I of one frame of a line mask, on block-major
// vectors of a colMaps. It is safe for concurrent use on distinct blocks.
type colOp struct {
	m      *colMaps
	lambda complex64
	runs   []rowRun // ky lines whose squared weight is not 1
	plan   *fft.Plan[complex64]
}

// newColOp returns the operator for maps m, ky weights w (length ny) and Tikhonov weight
// lambda.
func newColOp(m *colMaps, w []float32, lambda float64) *colOp {
	op := &colOp{m: m, lambda: complex(float32(lambda), 0), plan: cachedPlan(m.bw, m.ny, 1)}
	for y := 0; y < len(w); {
		w2 := w[y] * w[y]
		y1 := y + 1
		for y1 < len(w) && w[y1]*w[y1] == w2 {
			y1++
		}
		if w2 != 1 {
			op.runs = append(op.runs, rowRun{y, y1, w2})
		}
		y = y1
	}
	return op
}

// applyBlock sets block k of dst to (N + lambda I) applied to block k of x, using t
// (blockSize values) as scratch: per coil, map, FFT along y, squared weights, inverse FFT,
// conjugate map, accumulated.
func (op *colOp) applyBlock(dst, x, t []complex64, k int) {
	op.apply(op.m.block(dst, k), op.m.block(x, k), t, k)
}

// apply sets db to (N + lambda I) applied to xb, both block k of some vector.
func (op *colOp) apply(db, xb, t []complex64, k int) {
	m := op.m
	if op.lambda == 0 {
		clear(db)
	} else {
		asm.Scale(db, op.lambda, xb)
	}

	for c := range m.nc {
		s := m.coil(k, c)
		asm.Mul(t, s, xb)
		op.plan.Transform(t, t, 0)
		op.weigh(t)
		op.plan.Transform(t, t, fft.Inverse)
		asm.MulConjAcc(db, s, t)
	}
}

// weigh multiplies the ky lines of block t by their squared weights.
func (op *colOp) weigh(t []complex64) {
	for _, r := range op.runs {
		rows := t[r.y0*op.m.bw : r.y1*op.m.bw]
		if r.w2 == 0 {
			clear(rows)
			continue
		}
		asm.Scale(rows, complex(r.w2, 0), rows)
	}
}

// lineRHS sets b = A^H M y = sum_c conj(s_c) F^H (M^2 y_c) for one slice and frame, in the
// natural basis of the plane (the folded column maps take the natural basis too): coil(c)
// returns the k-space plane of coil c, maps are the slice's maps (nc planes of nx*ny),
// mask its weights and work scratch of nx*ny values.
func lineRHS(b []complex64, coil func(c int) []complex64, maps []complex64, mask []float32,
	plan *fft.Plan2D, work []complex64) {
	n := len(b)
	clear(b)
	for c := range len(maps) / n {
		asm.MaskCopy(work, coil(c), mask)
		asm.MaskCopy(work, work, mask)
		plan.CenteredInverse(work)
		asm.MulConjAcc(b, maps[c*n:(c+1)*n], work)
	}
}

// cgStats reports one iteration of a column solve.
type cgStats struct {
	iteration int
	residual  float64 // sqrt(sum of |r|^2 / sum of |b|^2) over all columns
}

// cgWork holds the CG vectors of one column solve and per-thread block scratch.
type cgWork struct {
	r, p, q []complex64
	t       [][]complex64
	part    []float64 // per-block partial sums
}

// newCGWork allocates the vectors for maps m and threads goroutines.
func newCGWork(m *colMaps, threads int) *cgWork {
	n := m.len()
	w := &cgWork{r: make([]complex64, n), p: make([]complex64, n), q: make([]complex64, n),
		part: make([]float64, m.blocks)}
	for range max(1, min(threads, m.blocks)) {
		w.t = append(w.t, make([]complex64, m.blockSize))
	}
	return w
}

// sum adds the per-block partial sums in block order, so that the result does not depend on
// how blocks were spread over goroutines.
func sum(part []float64) float64 {
	var s float64
	for _, v := range part {
		s += v
	}
	return s
}

// jointCG solves (N + lambda I) x = b with one conjugate-gradient iteration over all the
// columns of op (step sizes from inner products summed over every column, the joint 2-D
// iteration), starting from x and leaving the solution there. It stops after iters
// iterations, once the relative residual is at most tol (or cgRoundoff), or when the
// search direction has no positive curvature; when b is zero x is set to zero. Each
// iteration makes two passes over the column blocks, spread over the goroutines of w: p =
// r + beta p, q = N p and <p, q> block by block while the block is in cache, then x +=
// alpha p, r -= alpha q and |r|^2. progress, when not nil, is called after every
// iteration.
func (op *colOp) jointCG(b, x []complex64, iters int, tol float64, w *cgWork,
	progress func(cgStats)) cgStats {
	m := op.m
	threads := len(w.t)
	each := func(fn func(t []complex64, k int)) {
		parallelFor(m.blocks, threads, func(worker, k int) { fn(w.t[worker], k) })
	}

	each(func(_ []complex64, k int) { w.part[k] = asm.Norm2(m.block(b, k)) })
	bb := sum(w.part)
	if bb == 0 {
		clear(x)
		return cgStats{}
	}

	each(func(t []complex64, k int) {
		op.applyBlock(w.q, x, t, k)
		r, q, bk := m.block(w.r, k), m.block(w.q, k), m.block(b, k)
		for i, v := range bk {
			r[i] = v - q[i]
		}
		copy(m.block(w.p, k), r)
		w.part[k] = asm.Norm2(r)
	})
	rr := sum(w.part)
	st := cgStats{residual: math.Sqrt(rr / bb)}

	var beta complex64
	for st.iteration < iters && st.residual > max(tol, cgRoundoff) {
		first := st.iteration == 0
		each(func(t []complex64, k int) {
			p := m.block(w.p, k)
			if !first {
				asm.Xpay(m.block(w.r, k), beta, p)
			}
			op.applyBlock(w.q, w.p, t, k)
			w.part[k] = real(asm.Dotc(p, m.block(w.q, k)))
		})
		pq := sum(w.part)
		if !(pq > 0) {
			break
		}

		alpha := complex(float32(rr/pq), 0)
		each(func(_ []complex64, k int) {
			r := m.block(w.r, k)
			asm.Axpy(alpha, m.block(w.p, k), m.block(x, k))
			asm.Axpy(-alpha, m.block(w.q, k), r)
			w.part[k] = asm.Norm2(r)
		})
		rrNew := sum(w.part)
		beta = complex(float32(rrNew/rr), 0)
		rr = rrNew

		st.iteration++
		st.residual = math.Sqrt(rr / bb)
		if progress != nil {
			progress(st)
		}
	}
	return st
}

// blockCG is one goroutine's scratch for columnCG: the CG vectors of one column block and
// its per-column scalars.
type blockCG struct {
	r, p, q, t  []complex64
	e           []complex64 // a per-column scalar repeated over the rows of a block
	bb, rr, pq  []float64
	rrOld       []float64
	alpha, beta []complex64
	active      []bool
}

// newBlockCG allocates scratch for the blocks of m.
func newBlockCG(m *colMaps) *blockCG {
	bs, bw := m.blockSize, m.bw
	return &blockCG{r: make([]complex64, bs), p: make([]complex64, bs),
		q: make([]complex64, bs), t: make([]complex64, bs), e: make([]complex64, bs),
		bb: make([]float64, bw), rr: make([]float64, bw), pq: make([]float64, bw),
		rrOld: make([]float64, bw), alpha: make([]complex64, bw), beta: make([]complex64, bw),
		active: make([]bool, bw)}
}

// expand fills s.e with the per-column values v, scaled by sign, repeated over the rows.
func (s *blockCG) expand(v []complex64, sign float32) {
	bw := len(v)
	for y := 0; y < len(s.e); y += bw {
		row := s.e[y : y+bw]
		for j, z := range v {
			row[j] = complex(sign*real(z), sign*imag(z))
		}
	}
}

// columnCG solves (N + lambda I) x = b like jointCG, but with step sizes of its own for
// every column: each column stops after iters iterations, once its relative residual is at
// most tol (or cgRoundoff), or when its search direction has no positive curvature, and a
// column whose b is zero is set to zero. The result of a column does not depend on which
// other columns are solved with it. A column of ny unknowns converges within ny
// iterations, so with lambda 0 this iteration loses the early stopping that regularises
// the joint one.
//
// That loss is large where the maps barely cover a column (a single coil whose ESPIRiT map fades at
// the object's edge): the least-squares image those columns converge to amplifies noise by the
// inverse of tiny singular values. On the single-coil CMRxRecon slice of ../shared/data/real with
// Uniform 8 and --lambda 0, the image's peak after 5, 10, 30 and 100 iterations was 0.00065,
// 0.00081, 0.031 and 3.4 (the zero-filled image's is 0.00064), against 0.00065, 0.00066, 0.00080
// and 0.0017 for the joint iteration, which heads for the same solution more slowly. DefaultLambda
// keeps every column bounded.
//
// With no inner product shared between blocks, each column block runs all its iterations at
// once, while its maps and vectors (about 400 KiB for 10 coils and ny = 216) stay in the L2
// cache, so the solve reads the maps and vectors from memory once instead of once per
// iteration. Blocks are spread over threads goroutines; progress, when not nil, is called
// after every block with the iterations of the slowest block so far and the residual over
// the finished blocks.
func (op *colOp) columnCG(b, x []complex64, iters int, tol float64, threads int,
	progress func(cgStats)) cgStats {
	m := op.m
	threads = max(1, min(threads, m.blocks))
	scratch := make([]*blockCG, threads)
	its := make([]int, m.blocks)
	rr := make([]float64, m.blocks)
	bb := make([]float64, m.blocks)
	finished := make([]bool, m.blocks)
	var mu sync.Mutex
	parallelFor(m.blocks, threads, func(w, k int) {
		if scratch[w] == nil {
			scratch[w] = newBlockCG(m)
		}
		its[k], rr[k], bb[k] = op.solveBlock(b, x, k, iters, tol, scratch[w])
		if progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		finished[k] = true
		progress(blockStats(its, rr, bb, finished))
	})
	return blockStats(its, rr, bb, nil)
}

// blockStats sums the per-block results of columnCG in block order over the blocks with
// done[k] true (all when done is nil).
func blockStats(its []int, rr, bb []float64, done []bool) cgStats {
	var st cgStats
	var sr, sb float64
	for k := range its {
		if done != nil && !done[k] {
			continue
		}
		st.iteration = max(st.iteration, its[k])
		sr += rr[k]
		sb += bb[k]
	}
	if sb > 0 {
		st.residual = math.Sqrt(sr / sb)
	}
	return st
}

// solveBlock runs the per-column conjugate gradients of column block k to the end and
// returns the iterations it took and the sums over its columns of |r|^2 and |b|^2.
func (op *colOp) solveBlock(b, x []complex64, k, iters int, tol float64,
	s *blockCG) (int, float64, float64) {
	m := op.m
	bk, xk := m.block(b, k), m.block(x, k)
	m.columnDots(s.bb, bk, bk)
	for j := range s.active {
		s.active[j] = s.bb[j] > 0
		if !s.active[j] {
			m.setColumn(xk, j, 0)
		}
	}

	op.apply(s.q, xk, s.t, k)
	for i, v := range bk {
		s.r[i] = v - s.q[i]
	}
	copy(s.p, s.r)
	m.columnDots(s.rr, s.r, s.r)
	converged := func() {
		for j, a := range s.active {
			if a && math.Sqrt(s.rr[j]/s.bb[j]) <= max(tol, cgRoundoff) {
				s.active[j] = false
			}
		}
	}
	converged()

	it := 0
	for it < iters && anyTrue(s.active) {
		op.apply(s.q, s.p, s.t, k)
		m.columnDots(s.pq, s.p, s.q)
		for j := range s.alpha {
			s.alpha[j] = 0
			if !s.active[j] {
				continue
			}
			if !(s.pq[j] > 0) {
				s.active[j] = false
				continue
			}
			s.alpha[j] = complex(float32(s.rr[j]/s.pq[j]), 0)
		}

		// The step sizes are real, so conj(alpha) p = alpha p: x += alpha p, r -= alpha q.
		s.expand(s.alpha, 1)
		asm.MulConjAcc(xk, s.e, s.p)
		s.expand(s.alpha, -1)
		asm.MulConjAcc(s.r, s.e, s.q)
		copy(s.rrOld, s.rr)
		m.columnDots(s.rr, s.r, s.r)
		for j := range s.beta {
			s.beta[j] = 0
			if s.active[j] {
				s.beta[j] = complex(float32(s.rr[j]/s.rrOld[j]), 0)
			} else {
				s.rr[j] = s.rrOld[j]
			}
		}
		// p = r + beta p; the p of an inactive column (beta 0) only feeds that column's own
		// unused q, since the operator acts on each column alone.
		s.expand(s.beta, 1)
		asm.MulConj(s.p, s.e, s.p)
		asm.Axpy(1, s.r, s.p)
		converged()
		it++
	}

	var sr, sb float64
	for j := range s.rr {
		sr += s.rr[j]
		sb += s.bb[j]
	}
	return it, sr, sb
}

// columnDots sets out[j] to the sum over y of Re(conj(a) b) in column j of the blocks a, b.
func (cm *colMaps) columnDots(out []float64, a, b []complex64) {
	clear(out)
	bw := cm.bw
	for y := range cm.ny {
		ar := a[y*bw : (y+1)*bw]
		br := b[y*bw : (y+1)*bw]
		for j, u := range ar {
			v := br[j]
			out[j] += float64(real(u))*float64(real(v)) + float64(imag(u))*float64(imag(v))
		}
	}
}

// anyTrue reports whether some element of v is true.
func anyTrue(v []bool) bool {
	for _, b := range v {
		if b {
			return true
		}
	}
	return false
}

// setColumn sets every value of column j of block v to z.
func (cm *colMaps) setColumn(v []complex64, j int, z complex64) {
	for y := range cm.ny {
		v[y*cm.bw+j] = z
	}
}

var (
	planMu1D sync.Mutex
	plans1D  = map[[3]int]*fft.Plan[complex64]{}
)

// cachedPlan returns the shared plan for shape {n0, n1} transforming along axis.
func cachedPlan(n0, n1, axis int) *fft.Plan[complex64] {
	planMu1D.Lock()
	defer planMu1D.Unlock()

	key := [3]int{n0, n1, axis}
	p, ok := plans1D[key]
	if !ok {
		p = fft.NewPlan[complex64]([]int{n0, n1}, axis)
		plans1D[key] = p
	}
	return p
}
