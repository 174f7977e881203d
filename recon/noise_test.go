package recon

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestResidualNoise builds k-space from an image and maps exactly, adds complex Gaussian
// noise of known variance, and checks the estimate from the true image. The estimate is a
// quantile of about 4000 chi-squared sums, whose relative standard error is near 2%, and
// the Wilson-Hilferty quantile is within 0.5% for 16 degrees of freedom, so 8% is a safe
// bound that still catches a wrong factor (nc, 2 or ln 2).
func TestResidualNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	nx, ny, nc := 64, 48, 8
	n := nx * ny
	maps := &CoilMaps{NX: nx, NY: ny, NC: nc, NZ: 1, Data: randomVec(rng, nc*n)}
	x := &ComplexImage{NX: nx, NY: ny, NZ: 1, NT: 1, Data: randomVec(rng, n)}
	m := pointMask(nx, ny, 1, 8, 0.4, 3)
	op, err := NewSenseOp(nx, ny, nc, maps.Data, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	k := &KSpace{Dims: Dims{NX: nx, NY: ny, NC: nc, NZ: 1, NT: 1}, Data: make([]complex64, nc*n)}
	op.Forward(k.Data, x.Data)

	const sigma = 0.3
	for i := range k.Data {
		k.Data[i] += complex(float32(sigma*rng.NormFloat64()/math.Sqrt2),
			float32(sigma*rng.NormFloat64()/math.Sqrt2))
	}
	got, err := ResidualNoise(k, m, maps, []*ComplexImage{x})
	if err != nil {
		t.Fatal(err)
	}
	want := float64(nc) * sigma * sigma
	if math.Abs(got/want-1) > 0.08 {
		t.Errorf("ResidualNoise = %.4g, want %.4g (nc sigma^2)", got, want)
	}

	x.NX--
	if _, err := ResidualNoise(k, m, maps, []*ComplexImage{x}); err == nil {
		t.Error("ResidualNoise accepted an image of the wrong size")
	}
}
