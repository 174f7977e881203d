package fftbench

import (
	"fmt"
	"math"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/fft"
)

// Run the complex128 comparison with
//
//	NAME=FFT2DC128 bench/fft/run.sh
//
// or by hand with go test -tags fftw -run '^$' -bench FFT2DC128 -count 5 ./bench/fft/. Every
// sub-benchmark times one in-place forward 2-D transform of one complex128 nx×ny array (x
// fastest), one thread: FFTW 3 in double precision with a MEASURE plan (with the fftw tag),
// cmrecon on every asm path with NewPlan's decomposition and as "measure" with MeasurePlan's,
// and gonum. As in BenchmarkFFT2D the implementations of one size run interleaved.

// sizesC128 are the complex128 sizes compared.
var sizesC128 = [][2]int{{256, 256}, {512, 216}}

// fftwPlansD keeps the double-precision FFTW plans across -count rounds.
var fftwPlansD = map[[2]int]*fftwPlanD{}

func BenchmarkFFT2DC128(b *testing.B) {
	for _, sz := range sizesC128 {
		nx, ny := sz[0], sz[1]
		prefix := fmt.Sprintf("%dx%d/batch1/threads1", nx, ny)
		if haveFFTW {
			b.Run(prefix+"/fftw", func(b *testing.B) { benchFFTWD(b, nx, ny) })
		}
		for _, p := range asm.Available() {
			b.Run(prefix+"/"+p.String(), func(b *testing.B) {
				restore, err := asm.Force(p)
				if err != nil {
					b.Fatal(err)
				}
				defer restore()
				benchC128(b, nx, ny, false)
			})
		}
		b.Run(prefix+"/measure", func(b *testing.B) { benchC128(b, nx, ny, true) })
		b.Run(prefix+"/gonum", func(b *testing.B) { benchGonum(b, nx, ny) })
	}
}

func benchFFTWD(b *testing.B, nx, ny int) {
	p, ok := fftwPlansD[[2]int{nx, ny}]
	if !ok {
		var err error
		if p, err = newFFTWPlanD(nx, ny, 1); err != nil {
			b.Fatal(err)
		}
		fftwPlansD[[2]int{nx, ny}] = p
	}
	copy(p.x, randomC128(len(p.x)))
	b.SetBytes(int64(32 * len(p.x)))
	timeLoop(b, p.execute, keepFinite(p.x, nx*ny))
}

// benchC128 times cmrecon's complex128 plan on the active path (see benchCmrecon).
func benchC128(b *testing.B, nx, ny int, measure bool) {
	shape := []int{nx, ny}
	p := fft.NewPlan[complex128](shape, 0, 1)
	if measure {
		p = fft.MeasurePlan[complex128](wisdom, shape, 0, 1)
	}
	x := randomC128(p.Len())
	b.SetBytes(int64(32 * p.Len()))
	b.ReportAllocs()
	p.Forward(x, x)
	timeLoop(b, func() { p.Forward(x, x) }, keepFinite(x, nx*ny))
}

func randomC128(n int) []complex128 {
	x := make([]complex128, n)
	for i, z := range randomC64(n) {
		x[i] = complex128(z)
	}
	return x
}

// TestHarnessesAgreeC128 checks that cmrecon in complex128 and FFTW in double precision (when
// linked) compute gonum's transform in the same layout, to 1e-13 relative RMS (double-precision
// FFTs of these lengths reach about 1e-15).
func TestHarnessesAgreeC128(t *testing.T) {
	for _, sz := range [][2]int{{12, 10}, {512, 216}} {
		nx, ny := sz[0], sz[1]
		want := randomC128(nx * ny)
		x := append([]complex128(nil), want...)
		newGonumFFT2D(nx, ny).forward(want)

		got := append([]complex128(nil), x...)
		fft.NewPlan[complex128]([]int{nx, ny}).Forward(got, got)
		if e := relRMS128(got, want); e > 1e-13 {
			t.Errorf("%dx%d: cmrecon vs gonum: relative RMS %.3g", nx, ny, e)
		}

		if !haveFFTW {
			continue
		}
		p, err := newFFTWPlanD(nx, ny, 1)
		if err != nil {
			t.Fatal(err)
		}
		copy(p.x, x)
		p.execute()
		if e := relRMS128(p.x, want); e > 1e-13 {
			t.Errorf("%dx%d: FFTW vs gonum: relative RMS %.3g", nx, ny, e)
		}
	}
}

// relRMS128 returns ‖a-b‖/‖b‖.
func relRMS128(a, b []complex128) float64 {
	var num, den float64
	for i, z := range b {
		d := a[i] - z
		num += real(d)*real(d) + imag(d)*imag(d)
		den += real(z)*real(z) + imag(z)*imag(z)
	}
	return math.Sqrt(num / den)
}
