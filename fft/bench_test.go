package fft

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/asm/asmtest"
	"gonum.org/v1/gonum/dsp/fourier"
)

// Reproduce the figures in the package documentation with
//
//	go test -run '^$' -bench 'FFT2D' -benchtime 2s ./fft/
//
// b.SetBytes counts one read and one write of the array per transform.

var benchSizes = [][2]int{{256, 256}, {512, 216}, {448, 162}, {448, 204}, {442, 198}, {512, 246}}

// BenchmarkFFT2D times in-place centred orthonormal 2-D transforms (CenteredForward) of
// complex64 arrays, batch 1 and 10 (coils), with 1 and 2 workers; ns/op is per batch.
func BenchmarkFFT2D(b *testing.B) {
	for _, sz := range benchSizes {
		for _, batch := range []int{1, 10} {
			for _, wk := range []int{1, 2} {
				name := fmt.Sprintf("c64/%dx%d/batch%d/workers%d", sz[0], sz[1], batch, wk)
				b.Run(name, func(b *testing.B) {
					benchPlan[complex64](b, []int{sz[0], sz[1], batch}, wk)
				})
			}
		}
		b.Run(fmt.Sprintf("c128/%dx%d/batch1/workers1", sz[0], sz[1]), func(b *testing.B) {
			benchPlan[complex128](b, []int{sz[0], sz[1], 1}, 1)
		})
		b.Run(fmt.Sprintf("gonum-c128/%dx%d/batch1/workers1", sz[0], sz[1]), func(b *testing.B) {
			benchGonum(b, sz[0], sz[1])
		})
	}
}

func benchPlan[T Complex](b *testing.B, shape []int, workers int) {
	p := NewPlan[T](shape, 0, 1).WithWorkers(workers)
	x := toT[T](randomC128(rand.New(rand.NewPCG(1, 1)), p.Len()))
	var z T
	b.SetBytes(int64(2 * p.Len() * int(sizeOf(z))))
	b.ReportAllocs()
	p.CenteredForward(x)
	c0 := cpuNanos()
	for b.Loop() {
		p.CenteredForward(x)
	}
	reportCPU(b, c0)
}

// BenchmarkCentering times what centring costs: in-place orthonormal 2-D transforms of one
// complex64 array, plain (Ortho) and centred (Centered|Ortho), and the plain transform
// between the two fftshift copies that centring replaces (ifftshift in, fftshift out, each
// a pass over the array into a second one and back, as numpy's fftshift does). Sub-benchmarks
// of one size run one after the other, so compare them within one run:
//
//	go test -run '^$' -bench 'Centering' -count 6 ./fft/ | benchstat -col /mode -
func BenchmarkCentering(b *testing.B) {
	for _, sz := range [][2]int{{256, 256}, {512, 216}, {442, 198}} {
		nx, ny := sz[0], sz[1]
		p := NewPlan[complex64]([]int{nx, ny}, 0, 1)
		x := toT[complex64](randomC128(rand.New(rand.NewPCG(1, 1)), p.Len()))
		tmp := make([]complex64, len(x))
		want := slices.Clone(x)
		p.Transform(want, want, Centered|Ortho)
		ref := make([]complex128, len(want))
		for i, v := range want {
			ref[i] = complex128(v)
		}
		shift2D(tmp, x, nx, ny, (nx+1)/2, (ny+1)/2)
		p.Transform(tmp, tmp, Ortho)
		got := make([]complex64, len(x))
		shift2D(got, tmp, nx, ny, nx/2, ny/2)
		if e := relRMS(got, ref); e > 1e-6 {
			b.Fatalf("%dx%d: the shift copies differ from Centered by %.2g", nx, ny, e)
		}
		for _, mode := range []string{"plain", "centred", "shift-copies"} {
			b.Run(fmt.Sprintf("%dx%d/mode=%s", nx, ny, mode), func(b *testing.B) {
				b.SetBytes(int64(16 * p.Len()))
				c0 := cpuNanos()
				for b.Loop() {
					switch mode {
					case "plain":
						p.Transform(x, x, Ortho)
					case "centred":
						p.Transform(x, x, Centered|Ortho)
					default:
						shift2D(tmp, x, nx, ny, (nx+1)/2, (ny+1)/2)
						p.Transform(tmp, tmp, Ortho)
						shift2D(x, tmp, nx, ny, nx/2, ny/2)
					}
				}
				reportCPU(b, c0)
			})
		}
	}
}

// shift2D sets dst to src rotated by (sx, sy): dst[(x+sx)%nx, (y+sy)%ny] = src[x, y]. A
// rotation by (n+1)/2 is ifftshift, by n/2 fftshift.
func shift2D(dst, src []complex64, nx, ny, sx, sy int) {
	for y := range ny {
		d := dst[((y+sy)%ny)*nx:][:nx]
		s := src[y*nx:][:nx]
		copy(d[sx:], s[:nx-sx])
		copy(d[:sx], s[nx-sx:])
	}
}

// reportCPU reports the process CPU time per operation since c0 (all goroutines together).
func reportCPU(b *testing.B, c0 int64) {
	b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N), "cpu-ns/op")
}

// benchGonum is the row-column 2-D transform with gonum's complex128 FFT (FFTPACK): rows in
// place, then each column gathered, transformed and scattered, as in the reference harness.
func benchGonum(b *testing.B, nx, ny int) {
	fx, fy := fourier.NewCmplxFFT(nx), fourier.NewCmplxFFT(ny)
	x := randomC128(rand.New(rand.NewPCG(1, 1)), nx*ny)
	col, out := make([]complex128, ny), make([]complex128, ny)
	b.SetBytes(int64(2 * nx * ny * 16))
	b.ReportAllocs()
	c0 := cpuNanos()
	for b.Loop() {
		for iy := range ny {
			row := x[iy*nx : iy*nx+nx]
			fx.Coefficients(row, row)
		}
		for ix := range nx {
			for iy := range ny {
				col[iy] = x[ix+nx*iy]
			}
			fy.Coefficients(out, col)
			for iy := range ny {
				x[ix+nx*iy] = out[iy]
			}
		}
	}
	reportCPU(b, c0)
}

// BenchmarkAxis times one axis pass of a 2-D complex64 array: axis 0 (contiguous rows, lanes
// are neighbouring rows) and axis 1 (strided columns, lanes are neighbouring columns).
func BenchmarkAxis(b *testing.B) {
	for _, sz := range [][2]int{{512, 216}, {448, 204}, {256, 256}} {
		for axis := range 2 {
			b.Run(fmt.Sprintf("%dx%d/axis%d", sz[0], sz[1], axis), func(b *testing.B) {
				p := NewPlan[complex64]([]int{sz[0], sz[1]}, axis)
				x := toT[complex64](randomC128(rand.New(rand.NewPCG(1, 1)), p.Len()))
				b.SetBytes(int64(16 * p.Len()))
				p.Forward(x, x)
				c0 := cpuNanos()
				for b.Loop() {
					p.Forward(x, x)
				}
				reportCPU(b, c0)
			})
		}
	}
}

// BenchmarkStageKernels times single stage kernels on every asm path: each radix with and
// without twiddles (l = 1 or 8) and the generic odd butterfly (radix 17), over 16 lanes and
// enough groups to fill about 8192 elements (in L1 with its output); SetBytes counts one read
// and one write of the elements.
func BenchmarkStageKernels(b *testing.B) { benchStageKernels[complex64](b, 8192) }

// BenchmarkStageKernelsC128 is BenchmarkStageKernels for complex128, over 4096 elements (the
// same bytes).
func BenchmarkStageKernelsC128(b *testing.B) { benchStageKernels[complex128](b, 4096) }

func benchStageKernels[T Complex](b *testing.B, elems int) {
	asmtest.Bench(b, func(b *testing.B, _ asm.Path) {
		for _, p := range []int{2, 3, 4, 5, 7, 8, 17} {
			for _, l := range []int{1, 8} {
				b.Run(fmt.Sprintf("radix%d/l%d", p, l), func(b *testing.B) {
					const v = 16
					m := max(1, elems/(p*l*v))
					st := newStage(kernelsFor[T](), factor{p, false}, l, m, v)
					w := newWork[T](workSize{tmp: 2 * p * v})
					n := p * l * m * v
					x := toT[T](randomC128(rand.New(rand.NewPCG(1, 2)), n))
					a := &stageArgs[T]{y: make([]T, n), x: x, w: st.tw,
						tk: st.twk, l: l, m: m, v: v, st: &st, wk: w}
					var z T
					b.SetBytes(int64(2 * int(sizeOf(z)) * n))
					for b.Loop() {
						st.kern(a)
					}
				})
			}
		}
	})
}

// BenchmarkMoves times the gathers into and the scatters out of the lane buffers on every
// asm path, for 16 lanes of length 512: rows (elements adjacent, lanes 512 apart: the
// transposes) and columns (lanes adjacent, elements 256 apart), plain and as a centred inverse
// transform moves them (rotated by n/2, real and imaginary parts swapped, scaled on the way
// out). SetBytes counts one read and one write of the elements.
func BenchmarkMoves(b *testing.B) { benchMoves[complex64](b) }

// BenchmarkMovesC128 is BenchmarkMoves for complex128.
func BenchmarkMovesC128(b *testing.B) { benchMoves[complex128](b) }

func benchMoves[T Complex](b *testing.B) {
	const n, v = 512, 16
	asmtest.Bench(b, func(b *testing.B, _ asm.Path) {
		for _, layout := range []struct {
			name string
			vw   view
		}{{"rows", view{0, 1, n}}, {"cols", view{0, 256, 1}}} {
			for _, centred := range []bool{false, true} {
				for _, dir := range []string{"gather", "scatter"} {
					name := fmt.Sprintf("%s/%s/centred=%v", layout.name, dir, centred)
					b.Run(name, func(b *testing.B) {
						s := make([]T, n*max(v, 256))
						m := &moveArgs[T]{buf: make([]T, n*v), s: s,
							view: layout.vw, n: n, v: v, scale: 1}
						if centred {
							m.rot, m.swap, m.scale = n/2, true, 0.5
						}
						move := kernelsFor[T]().gather
						if dir == "scatter" {
							move = kernelsFor[T]().scatter
						}
						var z T
						b.SetBytes(int64(2 * int(sizeOf(z)) * n * v))
						for b.Loop() {
							move(m)
						}
					})
				}
			}
		}
	})
}
