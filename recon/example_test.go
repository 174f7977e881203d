package recon_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/cmrecon/cmrecon/fft"
	"github.com/cmrecon/cmrecon/recon"
)

// phantom returns fully sampled k-space of a disc seen by nc coils with smooth
// sensitivities, and the RSS ground truth image.
func phantom(nx, ny, nc int) (*recon.KSpace, []float64) {
	d := recon.Dims{NX: nx, NY: ny, NC: nc, NZ: 1, NT: 1}
	k := &recon.KSpace{Dims: d, Data: make([]complex64, d.Len())}
	truth := make([]float64, nx*ny)
	plan := fft.NewPlan2D(nx, ny)
	for c := range nc {
		th := 2 * math.Pi * float64(c) / float64(nc)
		p := k.Plane(c, 0, 0)
		for y := range ny {
			for x := range nx {
				u := float64(x-nx/2) / float64(nx)
				v := float64(y-ny/2) / float64(ny)
				if u*u+v*v > 0.35*0.35 {
					continue
				}
				du, dv := u-0.5*math.Cos(th), v-0.5*math.Sin(th)
				s := math.Exp(-(du*du + dv*dv) / 0.2)
				p[x+nx*y] = complex64(complex(s*math.Cos(th), s*math.Sin(th)))
				truth[x+nx*y] += s * s
			}
		}
		plan.CenteredForward(p)
	}
	for i, v := range truth {
		truth[i] = math.Sqrt(v)
	}
	return k, truth
}

// lines returns a mask sampling every r-th ky line plus acs central lines.
func lines(nx, ny, r, acs int) *recon.Mask {
	m := &recon.Mask{NX: nx, NY: ny, NT: 1, Data: make([]float32, nx*ny)}
	for y := range ny {
		if y%r == 0 || (y >= ny/2-acs/2 && y < ny/2-acs/2+acs) {
			for x := range nx {
				m.Data[x+nx*y] = 1
			}
		}
	}
	return m
}

// relError returns |got - want| / |want|.
func relError(got []float32, want []float64) float64 {
	var num, den float64
	for i, w := range want {
		d := float64(got[i]) - w
		num += d * d
		den += w * w
	}
	return math.Sqrt(num / den)
}

func ExampleZeroFilled() {
	// One coil, one slice, one frame: a single sample at the k-space centre (nx/2, ny/2)
	// is a constant image of magnitude value/sqrt(nx*ny).
	d := recon.Dims{NX: 4, NY: 2, NC: 1, NZ: 1, NT: 1}
	k := &recon.KSpace{Dims: d, Data: make([]complex64, d.Len())}
	k.Data[2+4*1] = complex(0, 4)

	img, err := recon.ZeroFilled(k, 1)
	if err != nil {
		panic(err)
	}
	for _, v := range img.Data {
		fmt.Printf("%.3f ", v)
	}
	fmt.Println()
	// Output:
	// 1.414 1.414 1.414 1.414 1.414 1.414 1.414 1.414
}

func ExampleApplyMask() {
	d := recon.Dims{NX: 2, NY: 2, NC: 1, NZ: 1, NT: 2}
	k := &recon.KSpace{Dims: d, Data: []complex64{1, 2, 3, 4, 5, 6, 7, 8}}
	m := &recon.Mask{NX: 2, NY: 2, NT: 2, Data: []float32{1, 0, 0, 1, 0, 1, 1, 0}}

	if err := recon.ApplyMask(k, m); err != nil {
		panic(err)
	}
	fmt.Println(k.Data)
	// Output:
	// [(1+0i) (0+0i) (0+0i) (4+0i) (0+0i) (6+0i) (7+0i) (0+0i)]
}

func ExampleFindCalibration() {
	// Every 4th ky line of a 32x24 k-space plus 8 central lines, 8..15. Line 16 is one of
	// the regular lines, so the fully sampled block has 9 lines.
	r, err := recon.FindCalibration(lines(32, 24, 4, 8))
	if err != nil {
		panic(err)
	}
	fmt.Println(r)
	// Output:
	// 32x9 at (0,8)
}

func ExampleEstimateMaps() {
	k, _ := phantom(32, 32, 4)
	maps, err := recon.EstimateMaps(k, lines(32, 32, 2, 16), recon.ESPIRiTOptions{})
	if err != nil {
		panic(err)
	}

	// At the centre pixel the maps have unit root sum of squares and eigenvalue 1.
	centre := 16 + 32*16
	var rss float64
	for c := range maps.NC {
		v := maps.Plane(c, 0)[centre]
		rss += float64(real(v)*real(v) + imag(v)*imag(v))
	}
	fmt.Printf("%dx%dx%dx%d maps, RSS %.3f, eigenvalue %.2f\n", maps.NX, maps.NY, maps.NC,
		maps.NZ, math.Sqrt(rss), maps.Eigen[centre])
	// Output:
	// 32x32x4x1 maps, RSS 1.000, eigenvalue 1.00
}

func ExampleReconstruct() {
	k, truth := phantom(32, 32, 4)
	m := lines(32, 32, 3, 10)

	zf, err := recon.Reconstruct(k, m, recon.Options{Method: recon.MethodZeroFilled})
	if err != nil {
		panic(err)
	}
	sense, err := recon.Reconstruct(k, m, recon.Options{Method: recon.MethodSENSE})
	if err != nil {
		panic(err)
	}
	fmt.Printf("zero-filled error above 5%%: %v\n", relError(zf.Data, truth) > 0.05)
	fmt.Printf("SENSE error below 1%%: %v\n", relError(sense.Data, truth) < 0.01)
	// Output:
	// zero-filled error above 5%: true
	// SENSE error below 1%: true
}

func ExampleConjugateGradient() {
	// Solve diag(1, 2, 4) x = (1, 1, 1).
	d := []complex64{1, 2, 4}
	normal := func(dst, x []complex64) {
		for i := range x {
			dst[i] = d[i] * x[i]
		}
	}
	x := make([]complex64, 3)
	res := recon.ConjugateGradient(normal, []complex64{1, 1, 1}, x,
		recon.CGOptions{Iterations: 10, Tolerance: 1e-6})
	fmt.Printf("%.3f after %d iterations\n", real(x[0])+real(x[1])+real(x[2]),
		res.Iterations)
	// Output:
	// 1.750 after 3 iterations
}

func ExampleSenseOp() {
	// One coil with a unit map and a full mask: A is the unitary FFT, so A^H A x = x.
	nx, ny := 4, 4
	maps := make([]complex64, nx*ny)
	mask := make([]float32, nx*ny)
	for i := range maps {
		maps[i], mask[i] = 1, 1
	}
	op, err := recon.NewSenseOp(nx, ny, 1, maps, mask)
	if err != nil {
		panic(err)
	}

	x := make([]complex64, nx*ny)
	x[5] = 2i
	y := make([]complex64, op.DataLen())
	op.Forward(y, x)
	back := make([]complex64, op.ImageLen())
	op.Adjoint(back, y, nil)
	fmt.Printf("|A x| = %.3f, |A^H A x| = %.3f, imag((A^H A x)[5]) = %.3f\n", norm(y),
		norm(back), imag(back[5]))
	// Output:
	// |A x| = 2.000, |A^H A x| = 2.000, imag((A^H A x)[5]) = 2.000
}

func norm(v []complex64) float64 {
	var s float64
	for _, x := range v {
		s += float64(real(x)*real(x) + imag(x)*imag(x))
	}
	return math.Sqrt(s)
}

func ExamplePlanReconstruction() {
	// A cine_sax-sized file: 448x162, 10 coils, 14 slices, 12 frames, a line mask.
	d := recon.Dims{NX: 448, NY: 162, NC: 10, NZ: 14, NT: 12}
	m := &recon.Mask{NX: 448, NY: 162, NT: 1, Data: make([]float32, 448*162)}
	for i := range m.Data {
		if (i/448)%4 == 0 {
			m.Data[i] = 1
		}
	}
	p, err := recon.PlanReconstruction(d, m, recon.Options{Method: recon.MethodSENSE,
		Threads: 2, Solver: recon.SolverColumns, Lambda: recon.DefaultLambda})
	if err != nil {
		panic(err)
	}
	fmt.Printf("k-space %s, %d problems, %d at once, %s in total\n",
		recon.Bytes(p.KSpaceBytes), p.SENSE.Problems, p.SENSE.Workers, recon.Bytes(p.TotalBytes))

	_, err = recon.PlanReconstruction(d, m, recon.Options{Method: recon.MethodSENSE,
		MaxMemory: 1 << 30})
	fmt.Println(err != nil)

	// Compressed sensing with wavelet and temporal TV (ADMM) and two sets of maps: the
	// complex results of both sets, and the buffers of one slice at a time.
	regs, err := recon.ParseRegularizers("wavelet=0.005,ttv=0.01")
	if err != nil {
		panic(err)
	}
	p, err = recon.PlanReconstruction(d, m, recon.Options{Method: recon.MethodCS,
		Threads: 2, CS: recon.CSOptions{Regularizers: regs}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("CS %s: results %s, one slice %s; %s in total\n", p.CS.Solver,
		recon.Bytes(p.CS.ResultBytes), recon.Bytes(p.CS.SliceBytes), recon.Bytes(p.TotalBytes))
	// Output:
	// k-space 930 MiB, 168 problems, 2 at once, 1.17 GiB in total
	// true
	// CS admm: results 279 MiB, one slice 214 MiB; 1.63 GiB in total
}

func ExampleSENSE() {
	k, truth := phantom(32, 32, 4)
	m := lines(32, 32, 3, 10)
	maps, err := recon.EstimateMaps(k, m, recon.ESPIRiTOptions{})
	if err != nil {
		panic(err)
	}

	// The zero options run BART's pics -l2; per-column CG with a Tikhonov weight can solve
	// only the columns an output needs.
	joint, err := recon.SENSE(k, m, maps, recon.SENSEOptions{})
	if err != nil {
		panic(err)
	}
	part, err := recon.SENSE(k, m, maps, recon.SENSEOptions{Solver: recon.SolverColumns,
		Lambda: recon.DefaultLambda, Subset: recon.Subset{X0: 8, X1: 24}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("joint error below 1%%: %v\n", relError(joint.Abs().Data, truth) < 0.01)
	fmt.Printf("column 4 solved: %v, column 16 solved: %v\n", part.Data[4+32*16] != 0,
		part.Data[16+32*16] != 0)
	// Output:
	// joint error below 1%: true
	// column 4 solved: false, column 16 solved: true
}

func ExampleParseRegularizers() {
	regs, err := recon.ParseRegularizers("wavelet=0.002, tv=0.005,ttv=0.01,llr=0")
	if err != nil {
		panic(err)
	}
	for _, r := range regs {
		fmt.Println(r.Kind, r.Lambda)
	}
	fmt.Println(recon.FormatRegularizers(regs))
	// Output:
	// wavelet 0.002
	// tv 0.005
	// ttv 0.01
	// wavelet=0.002,tv=0.005,ttv=0.01
}

func ExampleCSTable_Lookup() {
	t, err := recon.ParseCSTable(strings.NewReader(`
Cine	lines	4	wavelet=0.002	tuned at R 4
Cine	lines	inf	wavelet=0.004
*	lines	inf	tv=0.005
`))
	if err != nil {
		panic(err)
	}
	m := lines(32, 32, 4, 4) // every 4th line plus 4 central lines: R 4 outside them
	kind, r := recon.ClassifyMask(m)
	fmt.Printf("%s mask, R %.2f\n", kind, r)
	fmt.Println(recon.FormatRegularizers(t.Lookup("Cine", m)))
	fmt.Println(recon.FormatRegularizers(t.Lookup("T1w", m)))
	// Output:
	// lines mask, R 4.00
	// wavelet=0.002
	// tv=0.005
}

func ExampleReconstruct_cs() {
	k, truth := phantom(32, 32, 4)
	m := lines(32, 32, 3, 10)

	img, err := recon.Reconstruct(k, m, recon.Options{Method: recon.MethodCS,
		CS: recon.CSOptions{Regularizers: []recon.Regularizer{{Kind: recon.RegTV,
			Lambda: 0.001}}, NoiseFloor: recon.NoiseFloorOff}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("CS error below 2%%: %v\n", relError(img.Data, truth) < 0.02)
	// Output:
	// CS error below 2%: true
}

func ExampleCS() {
	k, truth := phantom(32, 32, 4)
	m := lines(32, 32, 3, 10)
	maps, err := recon.EstimateMaps(k, m, recon.ESPIRiTOptions{Maps: 2})
	if err != nil {
		panic(err)
	}

	// Plan first: the memory CS will hold for these maps and regularisers.
	regs, err := recon.ParseRegularizers("wavelet=0.001,tv=0.001")
	if err != nil {
		panic(err)
	}
	opts := recon.CSOptions{Regularizers: regs, Threads: 1}
	p, err := recon.PlanCS(k.Dims, m, maps.Sets(), opts)
	if err != nil {
		panic(err)
	}
	fmt.Printf("solver %s, %d set(s) of maps\n", p.Solver, p.Sets)

	img, err := recon.CS(k, m, maps, opts)
	if err != nil {
		panic(err)
	}
	fmt.Printf("CS error below 2%%: %v\n", relError(img.Abs().Data, truth) < 0.02)
	// Output:
	// solver admm, 1 set(s) of maps
	// CS error below 2%: true
}
