package recon

import (
	"math"
	"sync"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/fft"
)

// sliceNormal applies A_t^H A_t, the SENSE normal operator of every frame t of one slice,
// to an image series (nt frames of nx*ny, frame after frame) in one call, faster than nt
// SenseOp.Normal calls:
//
//   - The centring of the FFT and its 1/sqrt(n) scale are folded into a copy of the maps:
//     for a diagonal mask M the output-side phases of the centred transform cancel in
//     F^H M F, and the input-side phases are multiplied into the maps once, so the loop
//     runs plain unnormalised transforms (BART does the same).
//   - For a line mask (LineWeights) the FFT along x and its inverse cancel around a mask
//     that is constant along kx, so only transforms along y remain, and they run on blocks
//     of lineBlock columns that stay in cache while every frame and coil of the block is
//     processed.
//   - The element-wise products use package asm's vector kernels.
//
// With several sets of maps (sum_m S_m x_m) every frame holds one image per set, frame
// after frame: [frame][set][pixel].
type sliceNormal struct {
	nx, ny, nc, nt int
	nm             int
	threads        int

	// Line masks: squared ky weights per frame, maps block-major
	// [block][coil][set][y][j].
	lines  [][]float32
	blocks int
	bmaps  []complex64
	col    *fft.Plan[complex64]

	// Other masks: squared weights per frame (nx*ny), maps [set][coil][nx*ny].
	w2    [][]float32
	fmaps []complex64
	plan  *fft.Plan2D
}

// newSliceNormal builds the operator for the sets of maps (each nc planes of nx*ny) and
// mask m (1 or nt frames), using at most threads goroutines per call.
func newSliceNormal(nx, ny, nc, nt int, sets [][]complex64, m *Mask,
	threads int) *sliceNormal {
	nm := len(sets)
	s := &sliceNormal{nx: nx, ny: ny, nc: nc, nt: nt, nm: nm, threads: threadCount(threads)}
	n := nx * ny
	py := columnPhase(ny)

	if lw := LineWeights(m); lw != nil {
		s.lines = make([][]float32, nt)
		for it := range nt {
			w := lw[0]
			if m.NT > 1 {
				w = lw[it]
			}
			sq := make([]float32, ny)
			for y, v := range w {
				sq[y] = v * v
			}
			s.lines[it] = sq
		}
		s.blocks = (nx + lineBlock - 1) / lineBlock
		bs := lineBlock * ny
		s.bmaps = make([]complex64, s.blocks*nc*nm*bs)
		scale := 1 / math.Sqrt(float64(ny))
		for k := range s.blocks {
			for c := range nc {
				for im, maps := range sets {
					dst := s.bmaps[((k*nc+c)*nm+im)*bs:]
					src := maps[c*n:]
					for y := range ny {
						f := py[y] * complex(scale, 0)
						for j := range lineBlock {
							if x := k*lineBlock + j; x < nx {
								dst[y*lineBlock+j] = complex64(complex128(src[x+nx*y]) * f)
							}
						}
					}
				}
			}
		}
		s.col = cachedPlan(lineBlock, ny, 1)
		return s
	}

	px := columnPhase(nx)
	scale := 1 / math.Sqrt(float64(n))
	s.fmaps = make([]complex64, nm*nc*n)
	for im, maps := range sets {
		for c := range nc {
			for y := range ny {
				for x := range nx {
					f := px[x] * py[y] * complex(scale, 0)
					i := x + nx*y
					s.fmaps[(im*nc+c)*n+i] = complex64(complex128(maps[c*n+i]) * f)
				}
			}
		}
	}
	s.w2 = make([][]float32, nt)
	for it := range nt {
		f := m.Frame(it)
		sq := make([]float32, n)
		for i, v := range f {
			sq[i] = v * v
		}
		s.w2[it] = sq
	}
	s.plan = plan2D(nx, ny)
	return s
}

// TODO: the 2-D path runs full 2-D FFTs and is FFT-bound; with a ktRadial mask CS is 3.0x
// faster than BART's ADMM, below the 4x target that line masks meet with 5.1x (QUALITY.md).
// A transform pruned to the rows and columns the mask samples would cut it.

// apply sets dst = A_t^H A_t x_t for every frame t; dst and x hold nt*nm*nx*ny values and
// must not overlap.
func (s *sliceNormal) apply(dst, x []complex64) {
	n := s.nx * s.ny
	nm := s.nm
	if len(dst) != n*nm*s.nt || len(x) != n*nm*s.nt {
		panic("recon: sliceNormal.apply: wrong slice length")
	}
	if s.lines != nil {
		s.applyLines(dst, x)
		return
	}
	parallelFor(s.nt, s.threads, func(_, it int) {
		buf := getScratch(2 * n)
		t, u := (*buf)[:n], (*buf)[n:]
		xt, dt := x[it*nm*n:(it+1)*nm*n], dst[it*nm*n:(it+1)*nm*n]
		clear(dt)
		for c := range s.nc {
			for im := range nm {
				m := s.fmaps[(im*s.nc+c)*n:][:n]
				if im == 0 {
					asm.Mul(t, m, xt[:n])
				} else {
					asm.Mul(u, m, xt[im*n:(im+1)*n])
					asm.Axpy(1, u, t)
				}
			}
			s.plan.Transform(t, t, 0)
			asm.MaskCopy(t, t, s.w2[it])
			s.plan.Transform(t, t, fft.Inverse)
			for im := range nm {
				asm.MulConjAcc(dt[im*n:(im+1)*n], s.fmaps[(im*s.nc+c)*n:][:n], t)
			}
		}
		putScratch(buf)
	})
}

// applyLines is apply for a line mask, block by block of columns.
func (s *sliceNormal) applyLines(dst, x []complex64) {
	nx, ny := s.nx, s.ny
	n := nx * ny
	bs := lineBlock * ny
	nm := s.nm
	parallelFor(s.blocks, s.threads, func(_, k int) {
		buf := getScratch((2*nm + 2) * bs)
		xs, acc := (*buf)[:nm*bs], (*buf)[nm*bs:2*nm*bs]
		t, u := (*buf)[2*nm*bs:(2*nm+1)*bs], (*buf)[(2*nm+1)*bs:]
		x0 := k * lineBlock
		w := min(lineBlock, nx-x0)
		for it := range s.nt {
			if w < lineBlock {
				clear(xs)
			}
			for im := range nm {
				xt := x[(it*nm+im)*n:][:n]
				for y := range ny {
					copy(xs[im*bs+y*lineBlock:][:w], xt[x0+nx*y:x0+nx*y+w])
				}
			}
			clear(acc)
			for c := range s.nc {
				for im := range nm {
					m := s.bmaps[((k*s.nc+c)*nm+im)*bs:][:bs]
					if im == 0 {
						asm.Mul(t, m, xs[:bs])
					} else {
						asm.Mul(u, m, xs[im*bs:(im+1)*bs])
						asm.Axpy(1, u, t)
					}
				}
				s.col.Transform(t, t, 0)
				for y, wy := range s.lines[it] {
					row := t[y*lineBlock : (y+1)*lineBlock]
					switch wy {
					case 0:
						clear(row)
					case 1:
					default:
						asm.Scale(row, complex(wy, 0), row)
					}
				}
				s.col.Transform(t, t, fft.Inverse)
				for im := range nm {
					m := s.bmaps[((k*s.nc+c)*nm+im)*bs:][:bs]
					asm.MulConjAcc(acc[im*bs:(im+1)*bs], m, t)
				}
			}
			for im := range nm {
				dt := dst[(it*nm+im)*n:][:n]
				for y := range ny {
					copy(dt[x0+nx*y:x0+nx*y+w], acc[im*bs+y*lineBlock:][:w])
				}
			}
		}
		putScratch(buf)
	})
}

// scratchPool holds scratch vectors for the goroutines of apply.
var scratchPool sync.Pool

// getScratch returns a scratch vector of n values (contents undefined).
func getScratch(n int) *[]complex64 {
	if p, ok := scratchPool.Get().(*[]complex64); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	v := make([]complex64, n)
	return &v
}

// putScratch returns a vector from getScratch to the pool.
func putScratch(p *[]complex64) { scratchPool.Put(p) }
