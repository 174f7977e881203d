package recon_test

import (
	"fmt"

	"github.com/cmrecon/cmrecon/recon"
)

// With N = I the problem |x - b|^2/2 + lambda |x|_1 is solved by soft thresholding b by
// lambda: POGM reaches it.
func ExamplePOGM() {
	b := []complex64{3, -0.5, 2i, 0.1}
	x := make([]complex64, len(b))
	identity := func(dst, v []complex64) { copy(dst, v) }
	res := recon.POGM(identity, b, x, recon.L1{Lambda: 1},
		recon.SolverOptions{Iterations: 50, Step: 1})
	for _, v := range x {
		fmt.Printf("%.3f\n", v)
	}
	fmt.Println("operator applications:", res.Operators)
	// Output:
	// (2.000+0.000i)
	// (0.000+0.000i)
	// (0.000+1.000i)
	// (0.000+0.000i)
	// operator applications: 50
}

// Temporal total variation of one pixel over two frames (values 1 and 3): the minimiser of
// |x - b|^2/2 + 0.2 (|x1 - x0| + |x0 - x1|) moves both values 0.4 towards each other.
// PrimalDual needs no inner solves; the tolerance stops it once x and the primal-dual
// residual settle.
func ExamplePrimalDual() {
	b := []complex64{1, 3}
	x := make([]complex64, 2)
	identity := func(dst, v []complex64) { copy(dst, v) }
	ttv := recon.Term{Op: recon.TemporalDiff{N: 1, NT: 2}, Prox: recon.L1{Lambda: 0.2}}
	res := recon.PrimalDual(identity, b, x, []recon.Term{ttv},
		recon.SolverOptions{Iterations: 1000, Tolerance: 1e-6})
	fmt.Printf("x = %.3f %.3f, stopped early: %v\n", real(x[0]), real(x[1]),
		res.Iterations < 1000)
	// Output:
	// x = 1.400 2.600, stopped early: true
}

// A series of 4 frames of 3 pixels: a static background (low rank) plus one pixel that
// flips sign from frame to frame (sparse in temporal frequency). L+S denoising (N = I)
// separates the two parts when lambdaS < lambdaL < 1.41 lambdaS: the flip costs
// 2 lambdaL in L (one singular value of 2) and 2 lambdaS in S (one Fourier coefficient of
// 2), the background 2.83 lambdaL in L and 4 lambdaS in S (its temporal means). Both parts
// lose a little to the thresholds.
func ExampleLPlusS() {
	const n, nt = 3, 4
	x := make([]complex64, n*nt)
	for t := range nt {
		x[t*n], x[t*n+1] = 1, 1
		x[t*n+2] = complex(float32(1-2*(t%2)), 0)
	}
	m, err := recon.NewLPlusS(n, nt, 0.12, 0.1)
	if err != nil {
		panic(err)
	}
	b := make([]complex64, m.Len())
	m.Split(b, x)
	v := make([]complex64, m.Len())
	m.Start(v, x)
	identity := func(dst, u []complex64) { copy(dst, u) }
	recon.POGM(m.Normal(identity), b, v, m, recon.SolverOptions{Iterations: 500, Step: 0.5})
	for t := range nt {
		fmt.Printf("frame %d: L %.2f %.2f %.2f  S %.2f %.2f %.2f\n", t,
			real(v[t*n]), real(v[t*n+1]), real(v[t*n+2]),
			real(v[n*nt+t*n]), real(v[n*nt+t*n+1]), real(v[n*nt+t*n+2]))
	}
	// Output:
	// frame 0: L 0.96 0.96 0.00  S 0.00 0.00 0.95
	// frame 1: L 0.96 0.96 0.00  S 0.00 0.00 -0.95
	// frame 2: L 0.96 0.96 0.00  S 0.00 0.00 0.95
	// frame 3: L 0.96 0.96 0.00  S 0.00 0.00 -0.95
}

func ExampleParseCSSolver() {
	for _, s := range []string{"pogm", "pd", "newton"} {
		v, err := recon.ParseCSSolver(s)
		fmt.Printf("%q %v\n", v, err)
	}
	// Output:
	// "pogm" <nil>
	// "pd" <nil>
	// "" recon: unknown CS solver "newton" (want one of fista, pogm, admm, pd)
}
