package recon

import (
	"math/rand/v2"
	"testing"
)

// benchCalibration returns 24x20 calibration k-space of nc coils and nz slices, taken from
// the centre of a small simulated acquisition (the calibration step only sees this block,
// whatever the image size).
func benchCalibration(nc, nz int) *KSpace {
	s := newSim(48, 40, nc, 0, 0)
	ks := s.kspace()
	d := Dims{NX: 24, NY: 20, NC: nc, NZ: nz, NT: 1}
	cal := &KSpace{Dims: d, Data: make([]complex64, d.Len())}
	for iz := range nz {
		for c := range nc {
			p := cal.Plane(c, iz, 0)
			for y := range 20 {
				for x := range 24 {
					p[x+24*y] = complex64(ks[c*48*40+(12+x)+48*(10+y)])
				}
			}
		}
	}
	return cal
}

// BenchmarkESPIRiT times ESPIRiT maps for one 448x162 slice of 10 coils from a 24x20
// calibration region (the 2025 cine SAX size and ACS), with 1 and 2 threads:
//
//	go test -run '^$' -bench ESPIRiT -benchtime 5x ./recon/
func BenchmarkESPIRiT(b *testing.B) {
	cal := benchCalibration(10, 1)
	for _, threads := range []int{1, 2} {
		b.Run(map[int]string{1: "448x162x10/threads=1", 2: "448x162x10/threads=2"}[threads],
			func(b *testing.B) {
				for b.Loop() {
					if _, err := ESPIRiT(cal, 448, 162, ESPIRiTOptions{Threads: threads}); err != nil {
						b.Fatal(err)
					}
				}
			})
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
