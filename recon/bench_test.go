package recon

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// benchCalibration returns cx x cy calibration k-space of nc coils and one slice, taken from
// the centre of a small simulated acquisition (the calibration step only sees this block,
// whatever the image size).
func benchCalibration(cx, cy, nc int) *KSpace {
	nx, ny := 2*cx, 2*cy
	s := newSim(nx, ny, nc, 0, 0)
	ks := s.kspace()
	d := Dims{NX: cx, NY: cy, NC: nc, NZ: 1, NT: 1}
	cal := &KSpace{Dims: d, Data: make([]complex64, d.Len())}
	for c := range nc {
		p := cal.Plane(c, 0, 0)
		for y := range cy {
			for x := range cx {
				p[x+cx*y] = complex64(ks[c*nx*ny+(nx/2-cx/2+x)+nx*(ny/2-cy/2+y)])
			}
		}
	}
	return cal
}

// BenchmarkESPIRiT times ESPIRiT maps for one slice of 10 coils with 1 and 2 threads: a
// 448x162 image from a 24x20 calibration region (the 2025 cine SAX size and ACS), and a
// 512x216 image from 24x24 (the BART timing of anchors.md):
//
//	go test -run '^$' -bench ESPIRiT -benchtime 5x ./recon/
func BenchmarkESPIRiT(b *testing.B) {
	for _, c := range []struct{ nx, ny, cx, cy int }{{448, 162, 24, 20}, {512, 216, 24, 24}} {
		cal := benchCalibration(c.cx, c.cy, 10)
		for _, threads := range []int{1, 2} {
			name := fmt.Sprintf("%dx%dx10/cal%dx%d/threads=%d", c.nx, c.ny, c.cx, c.cy, threads)
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					_, err := ESPIRiT(cal, c.nx, c.ny, ESPIRiTOptions{Threads: threads})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkSenseNormal times one application of A^H A (10 coils: 20 FFTs of 448x162 and the
// map and mask passes), the cost of one CG-SENSE iteration apart from vector updates:
//
//	go test -run '^$' -bench SenseNormal ./recon/
func BenchmarkSenseNormal(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	nx, ny, nc := 448, 162, 10
	m := lineMask(nx, ny, 1, 8, 20, false)
	op, err := NewSenseOp(nx, ny, nc, randomVec(rng, nc*nx*ny), m.Data)
	if err != nil {
		b.Fatal(err)
	}
	x := randomVec(rng, nx*ny)
	dst := make([]complex64, nx*ny)
	work := make([]complex64, nx*ny)

	b.SetBytes(int64(8 * nx * ny * nc))
	b.ReportAllocs()
	for b.Loop() {
		op.Normal(dst, x, work)
	}
}

// BenchmarkZeroFilled times the zero-filled RSS of one 448x162 slice and frame of 10 coils:
//
//	go test -run '^$' -bench ZeroFilled ./recon/
func BenchmarkZeroFilled(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	d := Dims{NX: 448, NY: 162, NC: 10, NZ: 1, NT: 1}
	k := &KSpace{Dims: d, Data: randomVec(rng, d.Len())}
	b.SetBytes(int64(8 * d.Len()))
	for b.Loop() {
		if _, err := ZeroFilled(k, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBARTECalib times Debian's "bart ecalib -m1" (including its file I/O) on the same
// calibration blocks as BenchmarkESPIRiT, placed at the centre of otherwise empty k-space,
// for a side-by-side figure on one machine:
//
//	go test -run '^$' -bench 'ESPIRiT|BARTECalib' -benchtime 3x ./recon/
func BenchmarkBARTECalib(b *testing.B) {
	bart, err := exec.LookPath("bart")
	if err != nil {
		b.Skip("bart not installed")
	}
	for _, c := range []struct{ nx, ny, cx, cy int }{{448, 162, 24, 20}, {512, 216, 24, 24}} {
		cal := benchCalibration(c.cx, c.cy, 10)
		data := make([]complex64, c.nx*c.ny*10)
		for ic := range 10 {
			for y := range c.cy {
				for x := range c.cx {
					i := ic*c.nx*c.ny + (c.nx/2 - c.cx/2 + x) + c.nx*(c.ny/2-c.cy/2+y)
					data[i] = cal.Plane(ic, 0, 0)[x+c.cx*y]
				}
			}
		}
		dir := b.TempDir()
		writeCFL(b, filepath.Join(dir, "ksp"), []int{c.nx, c.ny, 1, 10}, data)

		for _, threads := range []int{1, 2} {
			name := fmt.Sprintf("%dx%dx10/cal%dx%d/threads=%d", c.nx, c.ny, c.cx, c.cy, threads)
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					cmd := exec.Command(bart, "ecalib", "-m1", "ksp", "sens")
					cmd.Dir = dir
					cmd.Env = append(os.Environ(), fmt.Sprintf("OMP_NUM_THREADS=%d", threads))
					if out, err := cmd.CombinedOutput(); err != nil {
						b.Fatalf("bart ecalib: %v\n%s", err, out)
					}
				}
			})
		}
	}
}

// BenchmarkColumnNormal times one application of the column-decoupled normal operator to
// all the column blocks of a 512x216 image with 10 coils and a Uniform R=4 line mask (the
// cost of one SolverLines iteration apart from the vector updates), for blocks of 8, 16
// (lineBlock) and 32 columns; "cached" applies the first block as many times instead, with
// all its data in cache, to separate the arithmetic from the memory traffic; "plane" is the
// 2-D operator (SenseOp.Normal) on the same data:
//
//	go test -run '^$' -bench 'ColumnNormal' -count 5 ./recon/
func BenchmarkColumnNormal(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	nx, ny, nc := 512, 216, 10
	m := lineMask(nx, ny, 1, 4, 24, false)
	maps := randomVec(rng, nc*nx*ny)
	w := LineWeights(m)[0]
	x := randomVec(rng, nx*ny)
	for _, bw := range []int{8, 16, 32} {
		cm := newColMapsWidth(nx, ny, nc, maps, 0, nx, bw)
		op := newColOp(cm, w, 0)
		xv := make([]complex64, cm.len())
		dv := make([]complex64, cm.len())
		t := make([]complex64, cm.blockSize)
		cm.gather(xv, x, nx)
		b.Run(fmt.Sprintf("columns/block=%d", bw), func(b *testing.B) {
			b.SetBytes(int64(8 * nx * ny * nc))
			for b.Loop() {
				for k := range cm.blocks {
					op.applyBlock(dv, xv, t, k)
				}
			}
		})
		if bw == lineBlock {
			b.Run(fmt.Sprintf("columns/block=%d/cached", bw), func(b *testing.B) {
				b.SetBytes(int64(8 * nx * ny * nc))
				for b.Loop() {
					for range cm.blocks {
						op.applyBlock(dv, xv, t, 0)
					}
				}
			})
		}
	}
	op, err := NewSenseOp(nx, ny, nc, maps, m.Data)
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]complex64, nx*ny)
	work := make([]complex64, nx*ny)
	b.Run("plane", func(b *testing.B) {
		b.SetBytes(int64(8 * nx * ny * nc))
		for b.Loop() {
			op.Normal(dst, x, work)
		}
	})
}

// BenchmarkSENSESolvers times CG-SENSE (30 iterations) on four frames of a 512x216 slice
// with 10 coils at Uniform R=4, with one and two threads, for the joint iteration on the
// column operator (SolverLines, lambda 0) and per-column CG (SolverColumns, DefaultLambda);
// the ratio of the thread counts is the parallel speed-up of the solver alone (no file I/O):
//
//	go test -run '^$' -bench 'SENSESolvers' -count 5 ./recon/
func BenchmarkSENSESolvers(b *testing.B) {
	rng := rand.New(rand.NewPCG(4, 4))
	nx, ny, nc, nt := 512, 216, 10, 4
	d := Dims{NX: nx, NY: ny, NC: nc, NZ: 1, NT: nt}
	k := &KSpace{Dims: d, Data: randomVec(rng, d.Len())}
	m := lineMask(nx, ny, 1, 4, 24, false)
	maps := &CoilMaps{NX: nx, NY: ny, NC: nc, NZ: 1, Data: randomVec(rng, nc*nx*ny)}
	for _, c := range []struct {
		solver Solver
		lambda float64
	}{{SolverLines, 0}, {SolverColumns, DefaultLambda}} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", c.solver, threads), func(b *testing.B) {
				opts := SENSEOptions{Threads: threads, Solver: c.solver, Lambda: c.lambda}
				for b.Loop() {
					if _, err := SENSE(k, m, maps, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// benchCSProblem returns random k-space of one slice (nx x ny, nc coils, nt frames), maps
// of unit root sum of squares and a kt mask of every 4th ky line (shifted per frame) plus 20
// central lines: a problem of the size of a cine slice for timing CS (its values do not
// matter for the cost of an iteration).
func benchCSProblem(nx, ny, nc, nt int) (*KSpace, *Mask, *CoilMaps) {
	rng := rand.New(rand.NewPCG(3, 3))
	d := Dims{NX: nx, NY: ny, NC: nc, NZ: 1, NT: nt}
	k := &KSpace{Dims: d, Data: randomVec(rng, d.Len())}
	maps := &CoilMaps{NX: nx, NY: ny, NC: nc, NZ: 1, Data: randomVec(rng, nx*ny*nc)}
	n := nx * ny
	for i := range n {
		var s float64
		for c := range nc {
			v := maps.Data[c*n+i]
			s += float64(real(v)*real(v) + imag(v)*imag(v))
		}
		f := complex(float32(1/math.Sqrt(s)), 0)
		for c := range nc {
			maps.Data[c*n+i] *= f
		}
	}
	m := &Mask{NX: nx, NY: ny, NT: nt, Data: make([]float32, n*nt)}
	for it := range nt {
		f := m.Frame(it)
		for y := range ny {
			if (y+it)%4 == 0 || (y >= ny/2-10 && y < ny/2+10) {
				for x := range nx {
					f[x+nx*y] = 1
				}
			}
		}
	}
	return k, m, maps
}

// BenchmarkCS times CS on one 12-frame slice of 10 coils with one thread: 30 iterations of
// ADMM (BART's settings) with an l1 wavelet and temporal TV, on the 512x216 slice of the
// BART timing in anchors.md (about 40 s per run for BART there) and the 256x108 phantom
// size; "admm" with the default noise scaling of the lambdas, "admm-signal" without it
// (the difference is the cost of the noise estimate):
//
//	go test -run '^$' -bench 'CS/' -benchtime 1x ./recon/
func BenchmarkCS(b *testing.B) {
	for _, s := range []struct{ nx, ny int }{{256, 108}, {512, 216}} {
		k, m, maps := benchCSProblem(s.nx, s.ny, 10, 12)
		regs := []Regularizer{{Kind: RegWavelet, Lambda: 0.005}, {Kind: RegTTV, Lambda: 0.01}}
		for _, sc := range []LambdaScaling{LambdaNoise, LambdaSignal} {
			name := fmt.Sprintf("%dx%dx10x12/admm", s.nx, s.ny)
			if sc == LambdaSignal {
				name += "-signal"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					_, err := CS(k, m, maps, CSOptions{Regularizers: regs, Solver: CSADMM,
						Threads: 1, LambdaScaling: sc, Solve: SolverOptions{Iterations: 30}})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkShrink times the shrinkage of a wavelet prox's coefficients, one 512 x 216
// frame, by the soft threshold (p = 1) and by p-shrinkage with the exponents the tuned
// tables choose from (and 0.3, which takes math.Pow): what p < 1 adds to every prox call.
//
//	go test ./recon -run '^$' -bench Shrink -count 6 | benchstat -col /p -
func BenchmarkShrink(b *testing.B) {
	x := csRandVec(rand.New(rand.NewPCG(1, 2)), 512*216)
	work := make([]complex64, len(x))
	for _, p := range []float64{1, 0.75, 0.5, 0.25, 0.3} {
		b.Run(fmt.Sprintf("p=%g", p), func(b *testing.B) {
			b.SetBytes(int64(8 * len(x)))
			for b.Loop() {
				copy(work, x)
				PShrink(work, 1, p)
			}
		})
	}
}
