package recon

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// LocallyLowRank is the prox of Lambda sum_b |C_b|_* for a series of nt images of nx x ny
// (frame after frame): the nuclear norm of the Casorati matrix C_b (block pixels x frames)
// of every block of a grid of block x block pixels. The grid is shifted by a random offset
// drawn anew at every call, as BART does; blocks at the image edges are cut, so the blocks
// partition the image and each call is the exact prox of one grid's penalty (singular value
// soft thresholding of every block).
type LocallyLowRank struct {
	// Sets is the number of images per frame (0 means 1): x holds nt frames of Sets images
	// of nx x ny, as CS holds the images of several sets of maps. The Casorati matrix of a
	// block stacks the block's pixels of every set as rows, so the sets share one temporal
	// subspace, as the n values per frame of LPlusS do.
	Sets int

	nx, ny, nt, block int
	lambda            float64
	rng               *rand.Rand
	threads           int

	// reuse keeps the Casorati matrix between calls of block1 in buf, for LPlusS, whose one
	// block is the whole series (two complex64 vectors' worth of complex128) and is
	// thresholded once per iteration; the blocks of Prox, done in parallel, allocate their
	// own small ones.
	reuse bool
	buf   []complex128
}

// NewLocallyLowRank returns the prox for nt frames of nx x ny, blocks of block x block
// pixels and weight lambda; seed seeds the grid shifts and threads bounds the goroutines.
func NewLocallyLowRank(nx, ny, nt, block int, lambda float64, seed uint64,
	threads int) (*LocallyLowRank, error) {
	if nx < 1 || ny < 1 || nt < 1 || block < 1 {
		return nil, fmt.Errorf("recon: invalid LLR size %dx%dx%d with block %d", nx, ny, nt,
			block)
	}
	return &LocallyLowRank{nx: nx, ny: ny, nt: nt, block: block, lambda: lambda,
		rng: rand.New(rand.NewPCG(seed, 0x11a)), threads: threads}, nil
}

// Prox implements Prox; x holds nt frames of Sets images of nx*ny values.
func (p *LocallyLowRank) Prox(x []complex64, t float64) {
	if len(x) != p.nx*p.ny*p.sets()*p.nt {
		panic("recon: LocallyLowRank.Prox: wrong length")
	}
	b := p.block
	ox, oy := p.rng.IntN(b), p.rng.IntN(b)
	bx, by := (p.nx+ox+b-1)/b, (p.ny+oy+b-1)/b
	thr := t * p.lambda

	parallelFor(bx*by, p.threads, func(_, k int) {
		x0, y0 := (k%bx)*b-ox, (k/bx)*b-oy
		x1, y1 := min(x0+b, p.nx), min(y0+b, p.ny)
		x0, y0 = max(x0, 0), max(y0, 0)
		if x0 >= x1 || y0 >= y1 {
			return
		}
		p.block1(x, x0, x1, y0, y1, thr)
	})
}

// sets returns the images per frame, at least 1.
func (p *LocallyLowRank) sets() int { return max(p.Sets, 1) }

// block1 soft-thresholds the singular values of the Casorati matrix of one block by thr.
func (p *LocallyLowRank) block1(x []complex64, x0, x1, y0, y1 int, thr float64) {
	n := p.nx * p.ny
	nt, ns := p.nt, p.sets()
	m := (x1 - x0) * (y1 - y0) * ns
	var c []complex128
	if p.reuse {
		if cap(p.buf) < m*nt {
			p.buf = make([]complex128, m*nt)
		}
		c = p.buf[:m*nt]
	} else {
		c = make([]complex128, m*nt)
	}
	for t := range nt {
		r := 0
		for is := range ns {
			plane := x[(t*ns+is)*n:][:n]
			for iy := y0; iy < y1; iy++ {
				for ix := x0; ix < x1; ix++ {
					c[r*nt+t] = complex128(plane[iy*p.nx+ix])
					r++
				}
			}
		}
	}

	g := mat.NewSymDense(2*nt, nil)
	for a := range nt {
		for bb := 0; bb <= a; bb++ {
			var s complex128
			for r := range m {
				s += cmplxConj(c[r*nt+a]) * c[r*nt+bb]
			}
			g.SetSym(a, bb, real(s))
			g.SetSym(nt+a, nt+bb, real(s))
			g.SetSym(nt+a, bb, imag(s))
			g.SetSym(nt+bb, a, -imag(s))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(g, true) {
		return
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)

	// P = sum over eigenpairs of f(mu) w w^H with f = max(1 - thr/sqrt(mu), 0); in the real
	// embedding each complex eigenpair is two real ones u = [re; im], and the sum of u u^T
	// over them is [[Re, -Im], [Im, Re]] of w w^H whatever basis the solver picked, so the
	// left column blocks give Re P and Im P.
	pm := make([]complex128, nt*nt)
	for j, mu := range vals {
		f := 0.0
		if mu > 0 {
			f = max(1-thr/math.Sqrt(mu), 0)
		}
		if f == 0 {
			continue
		}
		for a := range nt {
			ua, va := f*vecs.At(a, j), f*vecs.At(nt+a, j)
			for bb := range nt {
				ub := vecs.At(bb, j)
				pm[a*nt+bb] += complex(ua*ub, va*ub)
			}
		}
	}

	row := make([]complex128, nt)
	r := 0
	for is := range ns {
		for iy := y0; iy < y1; iy++ {
			for ix := x0; ix < x1; ix++ {
				clear(row)
				for a := range nt {
					v := c[r*nt+a]
					for bb := range nt {
						row[bb] += v * pm[a*nt+bb]
					}
				}
				for t := range nt {
					x[(t*ns+is)*n+iy*p.nx+ix] = complex64(row[t])
				}
				r++
			}
		}
	}
}

func cmplxConj(v complex128) complex128 { return complex(real(v), -imag(v)) }
