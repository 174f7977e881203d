package challenge_test

import (
	"fmt"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// A Uniform mask of the 2025 challenge: every 8th ky line plus 20 central lines, the same in
// every frame.
func ExampleGenerateMask() {
	m, err := challenge.GenerateMask(challenge.MaskSpec{
		Pattern: challenge.Uniform, NX: 448, NY: 162, NT: 12, R: 8,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Printf("%dx%dx%d, effective R %.2f\n", m.NX, m.NY, m.NT, challenge.EffectiveR(m))
	fmt.Println("line mask:", challenge.IsLineMask(m))
	// Output:
	// 448x162x12, effective R 4.26
	// line mask: true
}

// A ktRadial mask samples a 2-D pattern per frame; its calibration region is the central
// 20x20 square.
func ExampleCalibrationRegion() {
	m, err := challenge.GenerateMask(challenge.MaskSpec{
		Pattern: challenge.KtRadial, NX: 442, NY: 198, NT: 12, R: 16,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	kx0, kx1, ky0, ky1, ok := challenge.CalibrationRegion(m)
	fmt.Println("line mask:", challenge.IsLineMask(m))
	fmt.Printf("kx [%d,%d) ky [%d,%d) %v\n", kx0, kx1, ky0, ky1, ok)
	// Output:
	// line mask: false
	// kx [211,231) ky [89,109) true
}

func ExampleRadialSpokes() {
	for _, r := range []int{8, 16, 24} {
		fmt.Println(r, challenge.RadialSpokes(r))
	}
	// Output:
	// 8 37
	// 16 18
	// 24 12
}

// The selection for the 2025 ShowCase cine_sax (448x162, 14 slices, 12 frames).
func ExampleRankingSelection() {
	s, err := challenge.RankingSelection("cine_sax_kus_ktGaussian8.mat", 448, 162, 14, 12)
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println("slices", s.Slices, "frames", s.Frames)
	fmt.Printf("crop %dx%d from (%d,%d)\n", s.CX, s.CY, s.X0, s.Y0)
	fmt.Println("dims", s.Dims)
	// Output:
	// slices [5 6] frames [0 1 2]
	// crop 149x81 from (150,41)
	// dims [149 81 2 3]
}

func ExampleImg4Ranking() {
	im := &recon.Image{NX: 512, NY: 246, NZ: 11, NT: 12, Data: make([]float32, 512*246*11*12)}
	a, err := challenge.Img4Ranking("cine_sax_kus_Uniform8.mat", im)
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println(challenge.RankingVar, a.Dims, len(a.Data))
	// Output:
	// img4ranking [171 123 2 3] 126198
}

func ExampleFullSize() {
	im := &recon.Image{NX: 256, NY: 208, NZ: 1, NT: 1, Data: make([]float32, 256*208)}
	a, err := challenge.FullSize(im)
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println(a.Dims)
	// Output:
	// [256 208]
}

func ExampleClassifyName() {
	for _, name := range []string{"cine_sax.mat", "T1w.mat", "T2smap.mat", "T1rho.mat"} {
		fmt.Println(name, challenge.ClassifyName(name))
	}
	// Output:
	// cine_sax.mat Other
	// T1w.mat BlackBlood
	// T2smap.mat Mapping
	// T1rho.mat T1rho
}

func ExampleParseFileName() {
	f, err := challenge.ParseFileName("cine_lax_4ch_kus_ktRadial16.mat")
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println(f.Base, f.Scenario.Pattern, f.Scenario.R)
	f.Kind = challenge.KindMask
	fmt.Println(f)

	_, err = challenge.ParseFileName("cine_sax_kus_Uniform.mat")
	fmt.Println(err)
	// Output:
	// cine_lax_4ch ktRadial 16
	// cine_lax_4ch_mask_ktRadial16.mat
	// challenge: "cine_sax_kus_Uniform.mat": scenario "Uniform": R "" is not a positive integer
}

func ExampleModalityFolder() {
	folder, ok := challenge.ModalityFolder("T2smap_kus_Uniform24.mat")
	fmt.Println(folder, ok)
	// Output:
	// Mapping true
}

func ExampleMaskPath() {
	p, err := challenge.MaskPath("/v/TaskR1/MultiCoil/Cine/ValidationSet/UnderSample_TaskR1/" +
		"C1/V1/P7/cine_sax_kus_Uniform8.mat")
	fmt.Println(p, err)

	_, err = challenge.MaskPath("/tmp/cine_sax_kus_Uniform8.mat")
	fmt.Println(err != nil)
	// Output:
	// /v/TaskR1/MultiCoil/Cine/ValidationSet/Mask_TaskR1/C1/V1/P7/cine_sax_mask_Uniform8.mat <nil>
	// true
}

func ExampleTrainingMaskPath() {
	full := "/data/MultiCoil/Cine/TrainingSet/FullSample/C5/V2/P003/cine_sax.mat"
	p, err := challenge.TrainingMaskPath(full, challenge.Scenario{
		Pattern: challenge.KtGaussian, R: 8,
	})
	fmt.Println(p, err)

	back, err := challenge.KSpacePath(p)
	fmt.Println(back == full, err)
	// Output:
	// /data/MultiCoil/Cine/TrainingSet/Mask_TaskAll/C5/V2/P003/cine_sax_mask_ktGaussian8.mat <nil>
	// true <nil>
}

func ExampleSubmissionPath() {
	p, err := challenge.SubmissionPath("/output", "/input/TaskR1/MultiCoil/T2w/TestSet/"+
		"UnderSample_TaskR1/C1/V1/P7/T2w_kus_Uniform8.mat")
	fmt.Println(p, err)
	// Output:
	// /output/TaskR1/MultiCoil/T2w/TestSet/UnderSample_TaskR1/C1/V1/P7/T2w_kus_Uniform8.mat <nil>
}

func ExampleScenarios2025() {
	for _, s := range challenge.Scenarios2025()[:4] {
		fmt.Println(s)
	}
	// Output:
	// Uniform8
	// Uniform16
	// Uniform24
	// ktGaussian8
}

func ExampleRankingSubset() {
	// A cine with 9 slices and 12 frames of 448x162: the submission keeps slices 3 and 4,
	// frames 0 to 2 and the central 149 columns.
	s, err := challenge.RankingSubset("cine_sax.mat", 448, 162, 9, 12)
	if err != nil {
		panic(err)
	}
	fmt.Printf("columns [%d, %d)\n", s.X0, s.X1)
	for iz := range 9 {
		for it := range 12 {
			if s.Keep(iz, it) {
				fmt.Printf("slice %d frame %d\n", iz, it)
			}
		}
	}
	// Output:
	// columns [150, 299)
	// slice 3 frame 0
	// slice 3 frame 1
	// slice 3 frame 2
	// slice 4 frame 0
	// slice 4 frame 1
	// slice 4 frame 2
}

func ExampleTune() {
	c, err := phantom.New(phantom.Options{NX: 64, NY: 48, NC: 4, NZ: 1, NT: 3, FOVX: 720,
		FOVY: 300, SNR: 100, Seed: 1})
	if err != nil {
		panic(err)
	}
	table, evals, err := challenge.Tune(challenge.TuneOptions{
		Data:      []challenge.TuneData{{Name: "cine_sax.mat", KSpace: &c.KSpace}},
		Scenarios: []challenge.Scenario{{Pattern: challenge.KtRadial, R: 8}},
		Grid: [][]recon.Regularizer{{{Kind: recon.RegWavelet, Lambda: 0.003}},
			{{Kind: recon.RegTV, Lambda: 0.003}}},
		CS: recon.CSOptions{Solve: recon.SolverOptions{Iterations: 10}},
	})
	if err != nil {
		panic(err)
	}
	r := table.Rows[0]
	fmt.Println(len(evals), "evaluations;", r.Modality, r.Kind, r.MaxR)
	// Output:
	// 2 evaluations; Cine kt-2d +Inf
}

// RunDemo on a small cine phantom and one mask: zero filling and CS, scored as a validation
// submission is. CS reports the regularisers it took from the built-in table's Cine row.
func ExampleRunDemo() {
	po := phantom.DefaultOptions()
	po.NX, po.NY, po.NC, po.NZ, po.NT = 96, 64, 4, 1, 4
	res, err := challenge.RunDemo(challenge.DemoOptions{
		Phantom:   po,
		Scenarios: []challenge.Scenario{{Pattern: challenge.Uniform, R: 8}},
		Methods:   []recon.Method{recon.MethodZeroFilled, recon.MethodCS},
		Threads:   1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	zf, cs := res[0], res[1]
	m, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: challenge.Uniform,
		NX: po.NX, NY: po.NY, NT: po.NT, R: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	row := recon.DefaultCSTable().Lookup("Cine", m)
	fmt.Println("CS above zero filling:", cs.Score.SSIM > zf.Score.SSIM)
	fmt.Println("CS used the Cine row:", recon.FormatRegularizers(cs.Regularizers) ==
		recon.FormatRegularizers(row))
	fmt.Println("zero filling has regularisers:", zf.Regularizers != nil)
	// Output:
	// CS above zero filling: true
	// CS used the Cine row: true
	// zero filling has regularisers: false
}
