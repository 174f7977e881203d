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
//   - Any other mask (a 2-D pattern such as ktRadial) runs the fused operator planeNormal
//     frame by frame: per coil one pass over blocks of rows and one over blocks of columns.
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

	// Other masks: the fused 2-D operator, its block-major squared weights per frame and
	// the maps [set][coil][nx*ny].
	plane *planeNormal
	wb    [][]float32
	fmaps []complex64
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

	// Each row takes the phases along x and then one factor, its phase along y times the
	// scale, on the vector kernels: two float32 roundings per value.
	px := cachedPhase(nx)
	scale := 1 / math.Sqrt(float64(n))
	s.fmaps = make([]complex64, nm*nc*n)
	for im, maps := range sets {
		for c := range nc {
			for y := range ny {
				i := (im*nc+c)*n + nx*y
				row := s.fmaps[i : i+nx]
				asm.Mul(row, maps[c*n+nx*y:][:nx], px)
				asm.Scale(row, complex64(py[y]*complex(scale, 0)), row)
			}
		}
	}
	s.plane = newPlaneNormal(nx, ny)
	s.wb = make([][]float32, nt)
	for it := range nt {
		s.wb[it] = make([]float32, s.plane.weightsLen())
		s.plane.blockWeights(s.wb[it], m.Frame(it), 1)
	}
	return s
}

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
	inner := max(1, s.threads/s.nt)
	parallelFor(s.nt, s.threads, func(_, it int) {
		buf := getScratch(s.plane.scratchLen())
		xt, dt := x[it*nm*n:(it+1)*nm*n], dst[it*nm*n:(it+1)*nm*n]
		s.plane.apply(dt, xt, s.fmaps, s.nc, nm, s.wb[it], *buf, inner)
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
