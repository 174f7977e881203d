package challenge

import (
	"math"
	"testing"

	"github.com/cmrecon/cmrecon/recon"
)

// TestSearchRefinesConvexStart: on a made-up score whose grid is led by a nonconvex point
// near a low peak, while the l1 norm has a higher peak off the grid, the search must also
// refine from the best l1 point and return that peak; with the exponent left out of the
// grid it refines from the one best point only.
func TestSearchRefinesConvexStart(t *testing.T) {
	score := func(regs []recon.Regularizer) float64 {
		l := math.Log2(regs[0].Lambda)
		if regs[0].P == 0.5 {
			return 0.90 - 0.01*(l+10)*(l+10) // peak 0.90 at 2^-10, on the grid
		}
		return 0.95 - 0.01*(l+13)*(l+13) // peak 0.95 at 2^-13, three halvings off it
	}
	eval := func(regs []recon.Regularizer) (TuneEval, error) {
		return TuneEval{Regs: regs, SSIM: score(regs)}, nil
	}
	grid, err := recon.ParseRegularizerGrid("tv=0.0009765625,p=1:0.5")
	if err != nil {
		t.Fatal(err)
	}

	best, err := search(grid, []float64{2}, eval)
	if err != nil {
		t.Fatal(err)
	}
	if got := best.Regs[0]; got.P != 0 || math.Abs(got.Lambda-math.Pow(2, -13)) > 1e-12 ||
		math.Abs(best.SSIM-0.95) > 1e-12 {
		t.Errorf("best %+v (SSIM %.4f), want tv=2^-13 with p 1 (0.95)", got, best.SSIM)
	}

	only, err := search(grid[1:], []float64{2}, eval)
	if err != nil {
		t.Fatal(err)
	}
	if only.Regs[0].P != 0.5 || math.Abs(only.SSIM-0.90) > 1e-12 {
		t.Errorf("nonconvex grid alone: %+v (SSIM %.4f), want its own peak 0.90", only.Regs,
			only.SSIM)
	}
}
