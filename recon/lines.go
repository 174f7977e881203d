package recon

import (
	"math"
	"sync"

	"github.com/cmrecon/cmrecon/fft"
)

// lineBlock is the number of image columns (x positions) one column block holds: 16
// columns of ny <= 256 points are at most 32 KiB per vector, so a block of the maps of one
// coil and the FFT scratch stay in the L1/L2 caches while a coil is processed.
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

// lineProblem is CG-SENSE for one slice and frame of a line mask, restricted to a range of
// image columns. A line mask samples every kx of a sampled ky line, so the 2-D normal
// operator A^H A = S^H F^H M^2 F S reduces, column by column, to
//
//	N_x = sum_c conj(s_c(x, .)) F_y^H M_y^2 F_y s_c(x, .)
//
// (the FFT along x and its inverse cancel around a mask that is constant along kx). Each
// column x is therefore an independent ny-point least-squares problem, solved here by its
// own conjugate-gradient iteration (own step sizes and stopping), so the result of a
// column does not depend on which other columns are solved with it.
//
// Vectors are stored block-major: column block k (lineBlock columns, the last one padded
// with zero columns) is a lineBlock x ny array with the columns fastest, so that one
// batched 1-D FFT along y transforms a whole block. The centring of the FFT along y and
// its 1/ny scale are folded into the maps once (see foldColumns); the iteration then uses
// plain unnormalised transforms.
type lineProblem struct {
	ny, nc    int
	cols      int // columns solved
	blocks    int // column blocks, cols rounded up to lineBlock
	weights   []float32
	lambda    complex64
	maps      []complex64 // [block][coil][y][j], folded
	plan      *fft.Plan[complex64]
	blockSize int // lineBlock * ny
}

// columnPhase returns the unit phases exp(2 pi i c y / n), c = n/2, by which a centred
// transform of length n differs from the plain one on its input side:
// fftshift(F(ifftshift(x)))[k] = d_k sum_y x[y] columnPhase[y] exp(-2 pi i k y / n) with
// unit-modulus d_k, which cancels in F^H M F for diagonal M.
func columnPhase(n int) []complex128 {
	c := n / 2
	out := make([]complex128, n)
	for y := range n {
		a := 2 * math.Pi * float64(c*y%n) / float64(n)
		out[y] = complex(math.Cos(a), math.Sin(a))
	}
	return out
}

// newLineProblem builds the column problem for columns [x0, x1) of maps (nc planes of
// nx*ny) with ky weights w (length ny).
func newLineProblem(nx, ny, nc int, maps []complex64, w []float32, x0, x1 int,
	lambda float64) *lineProblem {
	cols := x1 - x0
	blocks := (cols + lineBlock - 1) / lineBlock
	lp := &lineProblem{
		ny: ny, nc: nc, cols: cols, blocks: blocks,
		lambda:    complex(float32(lambda), 0),
		maps:      make([]complex64, blocks*nc*lineBlock*ny),
		plan:      columnPlan(ny),
		blockSize: lineBlock * ny,
	}

	lp.weights = make([]float32, ny)
	for y, v := range w {
		lp.weights[y] = v * v
	}

	phase := columnPhase(ny)
	scale := 1 / math.Sqrt(float64(ny))
	for k := range blocks {
		for c := range nc {
			dst := lp.maps[(k*nc+c)*lp.blockSize:]
			src := maps[c*nx*ny:]
			for y := range ny {
				f := phase[y] * complex(scale, 0)
				for j := range lineBlock {
					x := x0 + k*lineBlock + j
					if x >= x1 {
						break
					}
					dst[y*lineBlock+j] = complex64(complex128(src[x+nx*y]) * f)
				}
			}
		}
	}
	return lp
}

// len returns the length of a block-major vector.
func (lp *lineProblem) len() int { return lp.blocks * lp.blockSize }

// gather copies columns [x0, x0+cols) of an nx-wide plane into block-major v.
func (lp *lineProblem) gather(v, plane []complex64, nx, x0 int) {
	clear(v)
	for k := range lp.blocks {
		for y := range lp.ny {
			dst := v[k*lp.blockSize+y*lineBlock:]
			for j := range lineBlock {
				col := k*lineBlock + j
				if col >= lp.cols {
					break
				}
				dst[j] = plane[x0+col+nx*y]
			}
		}
	}
}

// scatter copies block-major v into columns [x0, x0+cols) of an nx-wide plane.
func (lp *lineProblem) scatter(plane, v []complex64, nx, x0 int) {
	for k := range lp.blocks {
		for y := range lp.ny {
			src := v[k*lp.blockSize+y*lineBlock:]
			for j := range lineBlock {
				col := k*lineBlock + j
				if col >= lp.cols {
					break
				}
				plane[x0+col+nx*y] = src[j]
			}
		}
	}
}

// normalBlock sets block k of dst to (N + lambda I) applied to block k of x, using t
// (blockSize values) as scratch.
func (lp *lineProblem) normalBlock(dst, x, t []complex64, k int) {
	bs := lp.blockSize
	xb := x[k*bs : (k+1)*bs]
	db := dst[k*bs : (k+1)*bs]
	for i, v := range xb {
		db[i] = lp.lambda * v
	}

	for c := range lp.nc {
		s := lp.maps[(k*lp.nc+c)*bs : (k*lp.nc+c+1)*bs]
		for i, v := range xb {
			t[i] = s[i] * v
		}
		lp.plan.Transform(t, t, 0)
		for y, w := range lp.weights {
			row := t[y*lineBlock : (y+1)*lineBlock]
			if w == 0 {
				clear(row)
				continue
			}
			for j := range row {
				row[j] *= complex(w, 0)
			}
		}
		lp.plan.Transform(t, t, fft.Inverse)
		for i, v := range t {
			m := s[i]
			db[i] += complex(real(m), -imag(m)) * v
		}
	}
}

// columnDots adds, for every column col, sum over its y of Re(conj(a) b) to out[col].
func (lp *lineProblem) columnDots(out []float64, a, b []complex64, active []bool) {
	clear(out)
	for k := range lp.blocks {
		acc := out[k*lineBlock : (k+1)*lineBlock]
		if !anyTrue(active[k*lineBlock : (k+1)*lineBlock]) {
			continue
		}
		for y := range lp.ny {
			off := k*lp.blockSize + y*lineBlock
			ar := a[off : off+lineBlock]
			br := b[off : off+lineBlock]
			for j, u := range ar {
				v := br[j]
				acc[j] += float64(real(u))*float64(real(v)) +
					float64(imag(u))*float64(imag(v))
			}
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

// lineCGStats reports one iteration of solve.
type lineCGStats struct {
	iteration int
	residual  float64 // sqrt(sum of |r|^2 / sum of |b|^2) over all columns
}

// solve runs the column-wise conjugate gradients on the normal equations with right-hand
// side b (block-major), starting from x and leaving the solution there. Every column stops
// after iters iterations, once its relative residual is at most tol, or when its search
// direction has no positive curvature; a column whose b is zero is set to zero. threads
// goroutines share the column blocks of each operator application. progress, when not
// nil, is called after every iteration.
func (lp *lineProblem) solve(b, x []complex64, iters int, tol float64, threads int,
	progress func(lineCGStats)) lineCGStats {
	n := lp.len()
	ncols := lp.blocks * lineBlock
	r := make([]complex64, n)
	p := make([]complex64, n)
	q := make([]complex64, n)
	bb := make([]float64, ncols)
	rr := make([]float64, ncols)
	pq := make([]float64, ncols)
	active := make([]bool, ncols)
	for i := range active {
		active[i] = true
	}

	lp.columnDots(bb, b, b, active)
	for col := range ncols {
		if bb[col] == 0 {
			active[col] = false
			lp.setColumn(x, col, 0)
		}
	}

	lp.apply(q, x, active, threads)
	for i := range r {
		r[i] = b[i] - q[i]
	}
	copy(p, r)
	lp.columnDots(rr, r, r, active)

	st := lp.stats(rr, bb)
	for col := range ncols {
		if active[col] && math.Sqrt(rr[col]/bb[col]) <= tol {
			active[col] = false
		}
	}

	alpha := make([]complex64, ncols)
	beta := make([]complex64, ncols)
	for st.iteration < iters && anyTrue(active) {
		lp.apply(q, p, active, threads)
		lp.columnDots(pq, p, q, active)
		for col := range ncols {
			alpha[col] = 0
			if !active[col] {
				continue
			}
			if !(pq[col] > 0) {
				active[col] = false
				continue
			}
			alpha[col] = complex(float32(rr[col]/pq[col]), 0)
		}

		lp.axpyColumns(x, p, alpha, 1)
		lp.axpyColumns(r, q, alpha, -1)
		rrOld := append([]float64(nil), rr...)
		lp.columnDots(rr, r, r, active)
		for col := range ncols {
			beta[col] = 0
			if active[col] {
				beta[col] = complex(float32(rr[col]/rrOld[col]), 0)
			} else {
				rr[col] = rrOld[col]
			}
		}
		lp.xpayColumns(p, r, beta, active)

		for col := range ncols {
			if active[col] && math.Sqrt(rr[col]/bb[col]) <= tol {
				active[col] = false
			}
		}
		iter := st.iteration + 1
		st = lp.stats(rr, bb)
		st.iteration = iter
		if progress != nil {
			progress(st)
		}
	}
	return st
}

// stats returns the aggregate relative residual; iteration is left 0.
func (lp *lineProblem) stats(rr, bb []float64) lineCGStats {
	var sr, sb float64
	for col := range rr {
		sr += rr[col]
		sb += bb[col]
	}
	if sb == 0 {
		return lineCGStats{}
	}
	return lineCGStats{residual: math.Sqrt(sr / sb)}
}

// setColumn sets every value of column col of block-major v to z.
func (lp *lineProblem) setColumn(v []complex64, col int, z complex64) {
	k, j := col/lineBlock, col%lineBlock
	for y := range lp.ny {
		v[k*lp.blockSize+y*lineBlock+j] = z
	}
}

// axpyColumns adds sign * a[col] * x to y, column by column.
func (lp *lineProblem) axpyColumns(y, x, a []complex64, sign float32) {
	for k := range lp.blocks {
		ak := a[k*lineBlock : (k+1)*lineBlock]
		for y0 := range lp.ny {
			off := k*lp.blockSize + y0*lineBlock
			xr := x[off : off+lineBlock]
			yr := y[off : off+lineBlock]
			for j, v := range xr {
				yr[j] += complex(sign, 0) * ak[j] * v
			}
		}
	}
}

// xpayColumns sets p = r + beta[col] * p for the active columns.
func (lp *lineProblem) xpayColumns(p, r, beta []complex64, active []bool) {
	for k := range lp.blocks {
		bk := beta[k*lineBlock : (k+1)*lineBlock]
		ak := active[k*lineBlock : (k+1)*lineBlock]
		if !anyTrue(ak) {
			continue
		}
		for y := range lp.ny {
			off := k*lp.blockSize + y*lineBlock
			pr := p[off : off+lineBlock]
			rr := r[off : off+lineBlock]
			for j, v := range rr {
				if ak[j] {
					pr[j] = v + bk[j]*pr[j]
				}
			}
		}
	}
}

// apply sets dst = (N + lambda I) x on every block holding an active column, spreading the
// blocks over threads goroutines. Blocks without active columns are left as they are.
func (lp *lineProblem) apply(dst, x []complex64, active []bool, threads int) {
	var todo []int
	for k := range lp.blocks {
		if anyTrue(active[k*lineBlock : (k+1)*lineBlock]) {
			todo = append(todo, k)
		}
	}

	workers := min(max(threads, 1), len(todo))
	scratch := make([][]complex64, max(workers, 1))
	for w := range scratch {
		scratch[w] = lp.scratch()
	}
	parallelFor(len(todo), workers, func(w, i int) {
		lp.normalBlock(dst, x, scratch[w], todo[i])
	})
	for _, t := range scratch {
		lp.release(t)
	}
}

var linePool = sync.Pool{}

// scratch returns a block-sized scratch slice.
func (lp *lineProblem) scratch() []complex64 {
	if t, ok := linePool.Get().(*[]complex64); ok && len(*t) == lp.blockSize {
		return *t
	}
	return make([]complex64, lp.blockSize)
}

// release returns a scratch slice to the pool.
func (lp *lineProblem) release(t []complex64) { linePool.Put(&t) }

var (
	columnMu    sync.Mutex
	columnPlans = map[int]*fft.Plan[complex64]{}
)

// columnPlan returns the shared plan for batched FFTs along y of one column block
// (lineBlock x ny, columns fastest).
func columnPlan(ny int) *fft.Plan[complex64] {
	columnMu.Lock()
	defer columnMu.Unlock()

	p, ok := columnPlans[ny]
	if !ok {
		p = fft.NewPlan[complex64]([]int{lineBlock, ny}, 1)
		columnPlans[ny] = p
	}
	return p
}
