package recon

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTGVAdjoints(t *testing.T) {
	for _, sz := range [][3]int{{1, 1, 1}, {5, 3, 1}, {16, 9, 2}, {7, 12, 3}} {
		nx, ny, nt := sz[0], sz[1], sz[2]
		checkAdjoint(t, "TGVFirst", TGVFirst{NX: nx, NY: ny, NT: nt})
		checkAdjoint(t, "TGVSecond", &TGVSecond{NX: nx, NY: ny, NT: nt})
		checkAdjoint(t, "selectOp", selectOp{n: nx * ny, m: 3 * nx * ny})
		checkAdjoint(t, "afterOp", &afterOp{a: selectOp{n: nx * ny * nt, m: 3 * nx * ny * nt},
			b: SpatialGradient{NX: nx, NY: ny, NT: nt}})
	}
}

// A constant vector field w (the gradient of a linear ramp) has E w = 0, so a ramp costs
// TGV nothing.
func TestTGVSecondConstantField(t *testing.T) {
	nx, ny := 6, 5
	n := nx * ny
	z := make([]complex64, 3*n)
	for i := range n {
		z[i] = complex(float32(i), 0)
		z[n+i], z[2*n+i] = 2+1i, -3
	}
	out := make([]complex64, 3*n)
	(&TGVSecond{NX: nx, NY: ny, NT: 1}).Apply(out, z)
	if slices.ContainsFunc(out, func(v complex64) bool { return v != 0 }) {
		t.Errorf("E w of a constant field is not zero: %v", out)
	}
}

func TestGroupL1MatchesJointL1(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range []float64{0, 0.5, 0.25} {
		x := csRandVec(rng, 64)
		y := slices.Clone(x)
		JointL1{Lambda: 0.7, P: p}.Prox(x, 1.3)
		GroupL1{K: 2, Lambda: 0.7, P: p}.Prox(y, 1.3)
		for i := range x {
			if d := x[i] - y[i]; real(d)*real(d)+imag(d)*imag(d) > 1e-12 {
				t.Fatalf("p %v: GroupL1 %v, JointL1 %v at %d", p, y[i], x[i], i)
			}
		}
	}
}

func TestTGVRefusedWithLPlusS(t *testing.T) {
	regs, err := ParseRegularizers("tgv=0.01,lplus=0.01,splus=0.01")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkCS(regs, CSOptions{}); err == nil {
		t.Error("tgv with lplus and splus was accepted")
	}
	regs, err = ParseRegularizers("tgv=0.01,wavelet=0.002,p=0.25")
	if err != nil || regs[0].P != 0.25 {
		t.Fatalf("tgv with p: %v %v", regs, err)
	}
	if err := checkCS(regs, CSOptions{}); err != nil {
		t.Error(err)
	}
}
