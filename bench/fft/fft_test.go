package fftbench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/fft"
	"gonum.org/v1/gonum/dsp/fourier"
)

// Run the whole comparison with bench/fft/run.sh, or by hand with
//
//	go test -tags fftw -run '^$' -bench . -count 5 ./bench/fft/
//
// Every sub-benchmark times one in-place forward 2-D transform of a batch of complex64
// nx×ny arrays (x fastest); ns/op is per batch. cmrecon runs on every asm path with NewPlan's
// decomposition, and as "measure" on the best path with MeasurePlan's; "spin" (batch 10 only)
// is a control for the thread scaling (see benchSpin). The top-level benchmark is the only
// one, so -count repeats the whole tree and the implementations of one size run interleaved.

// sizes are the challenge's 2-D sizes (readout × phase encoding).
var sizes = [][2]int{{256, 256}, {512, 216}, {448, 162}, {448, 204}, {442, 198}, {512, 246}}

// configs are the batch and thread counts compared.
var configs = []struct{ batch, threads int }{{1, 1}, {10, 1}, {10, 2}}

// fftwPlans keeps FFTW plans across -count rounds: MEASURE planning takes seconds.
var fftwPlans sync.Map // key string -> *fftwPlan

func BenchmarkFFT2D(b *testing.B) {
	for _, sz := range sizes {
		nx, ny := sz[0], sz[1]
		for _, c := range configs {
			prefix := fmt.Sprintf("%dx%d/batch%d/threads%d", nx, ny, c.batch, c.threads)
			if haveFFTW {
				b.Run(prefix+"/fftw", func(b *testing.B) {
					benchFFTW(b, nx, ny, c.batch, c.threads)
				})
			}
			for _, p := range asm.Available() {
				b.Run(prefix+"/"+p.String(), func(b *testing.B) {
					restore, err := asm.Force(p)
					if err != nil {
						b.Fatal(err)
					}
					defer restore()
					benchCmrecon(b, nx, ny, c.batch, c.threads, false)
				})
			}
			b.Run(prefix+"/measure", func(b *testing.B) {
				benchCmrecon(b, nx, ny, c.batch, c.threads, true)
			})
			if c.batch == 1 && c.threads == 1 {
				b.Run(prefix+"/gonum", func(b *testing.B) { benchGonum(b, nx, ny) })
			}
			if c.batch > 1 {
				b.Run(prefix+"/spin", func(b *testing.B) { benchSpin(b, c.threads) })
			}
		}
	}
}

func benchFFTW(b *testing.B, nx, ny, batch, threads int) {
	key := fmt.Sprint(nx, ny, batch, threads)
	v, ok := fftwPlans.Load(key)
	if !ok {
		p, err := newFFTWPlan(nx, ny, batch, threads)
		if err != nil {
			b.Fatal(err)
		}
		v, _ = fftwPlans.LoadOrStore(key, p)
	}
	p := v.(*fftwPlan)
	copy(p.x, randomC64(len(p.x)))
	b.SetBytes(int64(16 * len(p.x)))
	timeLoop(b, p.execute, keepFinite(p.x, nx*ny))
}

// wisdom keeps the measured choices across -count rounds and configurations.
var wisdom = &fft.Wisdom{}

// benchCmrecon times cmrecon's plan on the active path: NewPlan's, or with measure
// MeasurePlan's (timed once per shape, outside the loop; "measure" runs on the best path).
func benchCmrecon(b *testing.B, nx, ny, batch, threads int, measure bool) {
	shape := []int{nx, ny, batch}
	p := fft.NewPlan[complex64](shape, 0, 1)
	if measure {
		p = fft.MeasurePlan[complex64](wisdom, shape, 0, 1)
	}
	p = p.WithWorkers(threads)
	x := randomC64(p.Len())
	b.SetBytes(int64(16 * p.Len()))
	b.ReportAllocs()
	p.Forward(x, x)
	timeLoop(b, func() { p.Forward(x, x) }, keepFinite(x, nx*ny))
}

// gonumFFT2D is the row-column 2-D transform with gonum's complex128 FFT (FFTPACK), in place:
// rows, then each column gathered, transformed and scattered.
type gonumFFT2D struct {
	nx, ny   int
	fx, fy   *fourier.CmplxFFT
	col, out []complex128
}

func newGonumFFT2D(nx, ny int) *gonumFFT2D {
	return &gonumFFT2D{nx: nx, ny: ny, fx: fourier.NewCmplxFFT(nx), fy: fourier.NewCmplxFFT(ny),
		col: make([]complex128, ny), out: make([]complex128, ny)}
}

func (g *gonumFFT2D) forward(x []complex128) {
	nx, ny := g.nx, g.ny
	for iy := range ny {
		row := x[iy*nx : iy*nx+nx]
		g.fx.Coefficients(row, row)
	}

	for ix := range nx {
		for iy := range ny {
			g.col[iy] = x[ix+nx*iy]
		}
		g.fy.Coefficients(g.out, g.col)
		for iy := range ny {
			x[ix+nx*iy] = g.out[iy]
		}
	}
}

func benchGonum(b *testing.B, nx, ny int) {
	g := newGonumFFT2D(nx, ny)
	x := make([]complex128, nx*ny)
	for i, z := range randomC64(nx * ny) {
		x[i] = complex128(z)
	}
	b.SetBytes(int64(16 * nx * ny))
	timeLoop(b, func() { g.forward(x) }, keepFinite(x, nx*ny))
}

// spinWork is the number of steps of the control benchmark, about 4 ms of work here.
const spinWork = 1 << 22

// benchSpin is a control for the thread scaling: a fixed amount of CPU work with no memory
// traffic, split evenly over threads goroutines. Two threads take half the time of one only
// if a second core is free; on a shared machine this tells whether the FFT figures for two
// threads could have shown a speed-up at all.
func benchSpin(b *testing.B, threads int) {
	var wg sync.WaitGroup
	timeLoop(b, func() {
		for range threads {
			wg.Go(func() { spinSink.Add(spin(spinWork / threads)) })
		}
		wg.Wait()
	}, nil)
}

// spinSink keeps the control's results alive.
var spinSink atomic.Int64

// spin runs a dependent integer recurrence for n steps.
func spin(n int) int64 {
	x := int64(1)
	for i := range n {
		x = x*6364136223846793005 + int64(i)
	}
	return x
}

func randomC64(n int) []complex64 {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]complex64, n)
	for i := range x {
		x[i] = complex(float32(r.NormFloat64()), float32(r.NormFloat64()))
	}
	return x
}

// relRMS returns ‖a-b‖/‖b‖.
func relRMS(a []complex64, b []complex128) float64 {
	var num, den float64
	for i, z := range b {
		d := complex128(a[i]) - z
		num += real(d)*real(d) + imag(d)*imag(d)
		den += real(z)*real(z) + imag(z)*imag(z)
	}
	return math.Sqrt(num / den)
}

// TestHarnessesAgree checks that the compared implementations compute the same transform in
// the same layout: cmrecon (complex64) and FFTW (when linked) against gonum in complex128, to
// 1e-6 relative RMS (single-precision FFTs of these lengths reach about 1e-7).
func TestHarnessesAgree(t *testing.T) {
	for _, sz := range [][2]int{{12, 10}, {442, 198}} {
		nx, ny := sz[0], sz[1]
		x := randomC64(nx * ny)
		want := make([]complex128, len(x))
		for i, z := range x {
			want[i] = complex128(z)
		}
		newGonumFFT2D(nx, ny).forward(want)

		got := append([]complex64(nil), x...)
		fft.NewPlan2D(nx, ny).Forward(got, got)
		if e := relRMS(got, want); e > 1e-6 {
			t.Errorf("%dx%d: cmrecon vs gonum: relative RMS %.3g", nx, ny, e)
		}

		if !haveFFTW {
			continue
		}
		p, err := newFFTWPlan(nx, ny, 2, 1)
		if err != nil {
			t.Fatal(err)
		}
		copy(p.x, x)
		copy(p.x[len(x):], x)
		p.execute()
		for i := range 2 {
			if e := relRMS(p.x[i*len(x):(i+1)*len(x)], want); e > 1e-6 {
				t.Errorf("%dx%d item %d: FFTW vs gonum: relative RMS %.3g", nx, ny, i, e)
			}
		}
	}
}
