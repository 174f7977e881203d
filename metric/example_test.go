package metric_test

import (
	"fmt"
	"math"

	"github.com/cmrecon/cmrecon/metric"
)

// images returns a smooth 24×20×1×2 ground truth and a perturbed copy, column-major.
func images() (gt, rec []float32, dims []int) {
	dims = []int{24, 20, 1, 2}
	for t := range 2 {
		for y := range 20 {
			for x := range 24 {
				v := (math.Sin(float64(x)/5) + 1.5) * (math.Cos(float64(y)/4) + 1.2)
				gt = append(gt, float32(v))
				rec = append(rec, float32(v+0.05*math.Sin(float64(x*y+t))))
			}
		}
	}
	return gt, rec, dims
}

func ExampleEvaluate() {
	gt, rec, dims := images()

	// The validation scorer: a (cx, cy, 1, 2) array is 4-D, so the submission is the
	// reference of every image.
	res, err := metric.Evaluate(gt, rec, dims, dims, metric.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("dims", res.Dims, "submission is reference:", res.SubmissionIsReference)
	for _, im := range res.Images {
		fmt.Printf("image %v: PSNR %.4f SSIM %.4f NMSE %.3e\n", im.Index, im.PSNR, im.SSIM, im.NMSE)
	}
	fmt.Printf("file: PSNR %.4f SSIM %.4f NMSE %.3e\n", res.PSNR, res.SSIM, res.NMSE)

	// The test-phase scorer squeezes the singleton slice dim: 3-D, ground truth reference.
	sq, _ := metric.Evaluate(gt, rec, dims, dims, metric.Options{Squeeze: true})
	fmt.Println("squeezed dims", sq.Dims, "submission is reference:", sq.SubmissionIsReference)
	fmt.Printf("file: PSNR %.4f SSIM %.4f NMSE %.3e\n", sq.PSNR, sq.SSIM, sq.NMSE)

	// Output:
	// dims [24 20 1 2] submission is reference: true
	// image [0 0]: PSNR 43.9870 SSIM 0.9971 NMSE 2.352e-04
	// image [0 1]: PSNR 43.4974 SSIM 0.9971 NMSE 2.666e-04
	// file: PSNR 43.7422 SSIM 0.9971 NMSE 2.509e-04
	// squeezed dims [24 20 2] submission is reference: false
	// file: PSNR 43.7548 SSIM 0.9971 NMSE 2.490e-04
}

func ExampleNormalizePercentile() {
	src := make([]float32, 200)
	for i := range src {
		src[i] = float32(i + 1)
	}

	// pos = 0.995·199 = 198.005: 0.5 % of the way from 199 to 200.
	dst := make([]float32, len(src))
	p := metric.NormalizePercentile(dst, src)
	fmt.Printf("percentile %.3f, largest normalised value %.6f\n", p, dst[199])
	// Output:
	// percentile 199.005, largest normalised value 1.005000
}

func ExampleSSIM() {
	gt, rec, _ := images()
	n := 24 * 20

	// SSIM of the first submission image against the first ground-truth image, data range
	// max(gt), before any normalisation (scikit-image gives 0.997116 too).
	s, err := metric.SSIM(gt[:n], rec[:n], 24, 20)
	fmt.Printf("%.6f %v\n", s, err)

	_, err = metric.SSIM(gt[:36], rec[:36], 6, 6)
	fmt.Println(err)
	// Output:
	// 0.997116 <nil>
	// metric: 6x6: image smaller than the 7x7 SSIM window
}

func ExampleAggregate() {
	files := []metric.FileScore{
		{Groups: []string{"Center001_UIH_30T_umr780"}, PSNR: 38.2, SSIM: 0.93, NMSE: 0.012,
			Valid: true},
		{Groups: []string{"Center001_UIH_30T_umr780"}, Valid: false}, // shape mismatch
		{Groups: []string{"Center002_Siemens_30T_CIMA.X"}, PSNR: 36.4, SSIM: 0.91,
			NMSE: 0.018, Valid: true},
	}
	expected := map[string]int{
		"Center001_UIH_30T_umr780":     2,
		"Center002_Siemens_30T_CIMA.X": 1,
	}

	s := metric.Aggregate(files, expected)
	for _, g := range s.Groups {
		fmt.Printf("%s %d/%d: SSIM %v PSNR %v NMSE %v\n", g.Group, g.Valid, g.Expected,
			metric.Round4(g.SSIM), metric.Round4(g.PSNR), metric.Round4(g.NMSE))
	}
	fmt.Println("mean SSIM", metric.Round4(s.SSIM))
	// Output:
	// Center001_UIH_30T_umr780 1/2: SSIM 0.465 PSNR 19.1 NMSE 0.018
	// Center002_Siemens_30T_CIMA.X 1/1: SSIM 0.91 PSNR 36.4 NMSE 0.018
	// mean SSIM 0.6875
}
