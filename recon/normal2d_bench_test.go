package recon_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/recon"
)

// randomComplex returns n complex64 values with parts uniform in [-1, 1).
func randomComplex(rng *rand.Rand, n int) []complex64 {
	v := make([]complex64, n)
	for i := range v {
		v[i] = complex(float32(2*rng.Float64()-1), float32(2*rng.Float64()-1))
	}
	return v
}

// radialMask returns the challenge's ktRadial mask of nt frames at acceleration r.
func radialMask(tb testing.TB, nx, ny, nt, r int) *recon.Mask {
	m, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: challenge.KtRadial, NX: nx,
		NY: ny, NT: nt, R: r})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// cpuNanos returns the CPU time (user and system) of the process so far, in nanoseconds.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// reportCPU adds the process CPU time per operation since c0 (cpuNanos) to b's results: on
// a shared machine it moves less than wall time, which counts the waits for a CPU.
func reportCPU(b *testing.B, c0 int64) {
	b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkNormal2D times the normal operator A^H A of a 2-D mask (the challenge's ktRadial
// R=8) on a 512x216 slice with 10 coils: "slice" is one application to all 12 frames as CS
// runs it (sliceNormal, one and two threads), "plane" one SenseOp.Normal of one frame as
// CG-SENSE's SolverPlane runs it, and "sense" a whole CG-SENSE solve (30 iterations) of 4
// frames through recon.SENSE, one and two threads. cpu-ns/op is the process CPU time per
// operation (with two threads, both threads' time):
//
//	go test -run '^$' -bench 'Normal2D' -count 6 ./recon/
func BenchmarkNormal2D(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	nx, ny, nc, nt := 512, 216, 10, 12
	n := nx * ny
	m := radialMask(b, nx, ny, nt, 8)
	maps := randomComplex(rng, nc*n)
	for _, threads := range []int{1, 2} {
		apply := recon.SliceNormalApply(nx, ny, nc, nt, [][]complex64{maps}, m, threads)
		x := randomComplex(rng, n*nt)
		dst := make([]complex64, n*nt)
		b.Run(fmt.Sprintf("slice/%dx%dx%dx%d/threads=%d", nx, ny, nc, nt, threads),
			func(b *testing.B) {
				b.SetBytes(int64(8 * n * nc * nt))
				c0 := cpuNanos()
				for b.Loop() {
					apply(dst, x)
				}
				reportCPU(b, c0)
			})
	}

	op, err := recon.NewSenseOp(nx, ny, nc, maps, m.Frame(0))
	if err != nil {
		b.Fatal(err)
	}
	x := randomComplex(rng, n)
	dst := make([]complex64, n)
	work := make([]complex64, n)
	b.Run(fmt.Sprintf("plane/%dx%dx%d", nx, ny, nc), func(b *testing.B) {
		b.SetBytes(int64(8 * n * nc))
		c0 := cpuNanos()
		for b.Loop() {
			op.Normal(dst, x, work)
		}
		reportCPU(b, c0)
	})

	ns := 4
	d := recon.Dims{NX: nx, NY: ny, NC: nc, NZ: 1, NT: ns}
	k := &recon.KSpace{Dims: d, Data: randomComplex(rng, d.Len())}
	cm := &recon.CoilMaps{NX: nx, NY: ny, NC: nc, NZ: 1, Data: maps}
	ms := &recon.Mask{NX: nx, NY: ny, NT: ns, Data: m.Data[:n*ns]}
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("sense/%dx%dx%dx%d/threads=%d", nx, ny, nc, ns, threads),
			func(b *testing.B) {
				opts := recon.SENSEOptions{Threads: threads, Solver: recon.SolverPlane}
				c0 := cpuNanos()
				for b.Loop() {
					if _, err := recon.SENSE(k, ms, cm, opts); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, c0)
			})
	}
}

// BenchmarkCS2D times CS as bench/cs/run.sh speed runs it on the ktRadial R=8 mask: one
// 12-frame 512x216 slice of 10 coils, l1 wavelet 0.005 plus temporal TV 0.01, ADMM with the
// default settings but 30 iterations (BART's count), one thread, on random k-space and maps
// of unit root sum of squares (the values do not change the cost of an iteration):
//
//	go test -run '^$' -bench 'CS2D' -benchtime 1x -count 6 ./recon/
func BenchmarkCS2D(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 8))
	nx, ny, nc, nt := 512, 216, 10, 12
	n := nx * ny
	d := recon.Dims{NX: nx, NY: ny, NC: nc, NZ: 1, NT: nt}
	k := &recon.KSpace{Dims: d, Data: randomComplex(rng, d.Len())}
	maps := &recon.CoilMaps{NX: nx, NY: ny, NC: nc, NZ: 1, Data: randomComplex(rng, nc*n)}
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
	m := radialMask(b, nx, ny, nt, 8)
	regs := []recon.Regularizer{{Kind: recon.RegWavelet, Lambda: 0.005},
		{Kind: recon.RegTTV, Lambda: 0.01}}
	c0 := cpuNanos()
	for b.Loop() {
		_, err := recon.CS(k, m, maps, recon.CSOptions{Regularizers: regs,
			Solver: recon.CSADMM, Threads: 1, Solve: recon.SolverOptions{Iterations: 30}})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}
