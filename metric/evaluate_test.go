package metric

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestSection55 checks the numbers printed in shared/docs/cmrxrecon-data.md §5.5, which were
// obtained with the official Evaluation.py. PSNR and SSIM are printed with 10 decimals and
// must match to that precision. NMSE was computed on another machine, whose BLAS sums float32
// squares in another order (see NMSE): it must match to 1e-6 relative; the 3-D branch's NMSE is
// printed with 6-7 digits only.
func TestSection55(t *testing.T) {
	gt, rec, dims := s55Inputs()
	res, err := Evaluate(gt, rec, dims, dims, Options{})
	if err != nil {
		t.Fatal(err)
	}
	psnr := []float64{44.1867142939, 44.6902393478, 45.0814163359,
		45.8281245640, 46.5565068414, 47.5798112595}
	ssim := []float64{0.9952471814, 0.9956429107, 0.9961282336,
		0.9966967082, 0.9973119514, 0.9978800365}
	nmse := []float64{1.6130547888e-04, 1.4417058336e-04, 1.3206196893e-04,
		1.1106157914e-04, 9.3812236715e-05, 7.3719113643e-05}
	if !res.SubmissionIsReference || len(res.Images) != 6 {
		t.Fatalf("4-D: submission reference %v, %d images", res.SubmissionIsReference,
			len(res.Images))
	}
	for i, im := range res.Images {
		if want := []int{i / 3, i % 3}; !slices.Equal(im.Index, want) {
			t.Errorf("image %d index %v, want %v", i, im.Index, want)
		}
		if math.Abs(im.PSNR-psnr[i]) > 1e-9 || math.Abs(im.SSIM-ssim[i]) > 1e-9 ||
			math.Abs(im.NMSE-nmse[i]) > 1e-6*nmse[i] {
			t.Errorf("(s,t)=%v: %.10f %.10f %.10e, want %.10f %.10f %.10e", im.Index,
				im.PSNR, im.SSIM, im.NMSE, psnr[i], ssim[i], nmse[i])
		}
	}
	if math.Abs(res.PSNR-45.6538021071) > 1e-9 || math.Abs(res.SSIM-0.9964845036) > 1e-9 ||
		math.Abs(res.NMSE-1.1935516011e-04) > 1e-6*1.1935516011e-04 {
		t.Errorf("file means %.10f %.10f %.10e", res.PSNR, res.SSIM, res.NMSE)
	}

	// The percentile of gt[:,:,0,0]; the ground truth is the "other" image in 4-D.
	if p := res.Images[0].OtherPercentile; math.Abs(p-5.468907966613769) > 1e-15 {
		t.Errorf("99.5th percentile %.16g, want 5.468907966613769", p)
	}

	// The 3-D branch on frame 0 uses the ground truth as reference.
	n := dims[0] * dims[1] * dims[2]
	res3, err := Evaluate(gt[:n], rec[:n], dims[:3], dims[:3], Options{})
	if err != nil {
		t.Fatal(err)
	}
	psnr3 := []float64{44.1638269349, 45.7669944003}
	ssim3 := []float64{0.9952398398, 0.9966826342}
	nmse3 := []float64{1.61113e-04, 1.113817e-04}
	if res3.SubmissionIsReference || len(res3.Images) != 2 {
		t.Fatalf("3-D: submission reference %v, %d images", res3.SubmissionIsReference,
			len(res3.Images))
	}
	for i, im := range res3.Images {
		if math.Abs(im.PSNR-psnr3[i]) > 1e-9 || math.Abs(im.SSIM-ssim3[i]) > 1e-9 ||
			math.Abs(im.NMSE-nmse3[i]) > 1e-5*nmse3[i] {
			t.Errorf("3-D s=%d: %.10f %.10f %.7e, want %.10f %.10f %.7e", i,
				im.PSNR, im.SSIM, im.NMSE, psnr3[i], ssim3[i], nmse3[i])
		}
	}
}

// directScores scores one pair of images with the exported building blocks.
func directScores(t *testing.T, gt, rec []float32, nx, ny int, subIsRef bool) ImageScore {
	t.Helper()
	g := make([]float32, len(gt))
	r := make([]float32, len(rec))
	NormalizePercentile(g, gt)
	NormalizePercentile(r, rec)
	if subIsRef {
		g, r = r, g
	}
	p, err1 := PSNR(g, r)
	s, err2 := SSIM(g, r, nx, ny)
	e, err3 := NMSE(g, r)
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	return ImageScore{PSNR: p, SSIM: s, NMSE: e}
}

func TestEvaluateImageOrderAndReference(t *testing.T) {
	cases := []struct {
		dims     []int
		order    Order
		squeeze  bool
		subIsRef bool
		outDims  []int
	}{
		{[]int{9, 8}, OrderOfficial, false, false, []int{9, 8}},
		{[]int{9, 8, 3}, OrderOfficial, false, false, []int{9, 8, 3}},
		{[]int{9, 8, 2, 3}, OrderOfficial, false, true, []int{9, 8, 2, 3}},
		{[]int{9, 8, 2, 3}, OrderTextbook, false, false, []int{9, 8, 2, 3}},
		{[]int{9, 8, 1, 3}, OrderOfficial, false, true, []int{9, 8, 1, 3}},
		{[]int{9, 8, 1, 3}, OrderOfficial, true, false, []int{9, 8, 3}},
		{[]int{9, 8, 2, 1, 2}, OrderOfficial, false, true, []int{9, 8, 2, 1, 2}},
		{[]int{9, 8, 2, 1, 2}, OrderOfficial, true, true, []int{9, 8, 2, 2}},
		{[]int{9, 8, 2, 2, 2}, OrderTextbook, false, false, []int{9, 8, 2, 2, 2}},
	}
	for _, c := range cases {
		name := dimString(c.dims) + "/" + c.order.String()
		if c.squeeze {
			name += "/squeeze"
		}
		t.Run(name, func(t *testing.T) {
			nx, ny := c.dims[0], c.dims[1]
			total := 1
			for _, d := range c.dims {
				total *= d
			}
			gt := make([]float32, 0, total)
			rec := make([]float32, 0, total)
			for k := range total / (nx * ny) {
				// Each image has its own noise level, so any mix-up of offsets shows.
				gt = append(gt, randImage(nx, ny, uint64(k+1), 0.01)...)
				rec = append(rec, randImage(nx, ny, uint64(k+1), 0.01+0.02*float64(k))...)
			}

			res, err := Evaluate(gt, rec, c.dims, c.dims, Options{Order: c.order,
				Squeeze: c.squeeze})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Dims, c.outDims) || res.SubmissionIsReference != c.subIsRef {
				t.Fatalf("dims %v submission reference %v, want %v %v", res.Dims,
					res.SubmissionIsReference, c.outDims, c.subIsRef)
			}

			// The scorer's loops: the first trailing index varies slowest.
			trailing := c.outDims[2:]
			var psnrs, ssims, nmses []float64
			k := 0
			for idx := range trailingIndices(trailing) {
				im := res.Images[k]
				k++
				if !slices.Equal(im.Index, idx) {
					t.Fatalf("image %d has index %v, want %v", k-1, im.Index, idx)
				}
				off := nx * ny * columnMajorOffset(idx, trailing)
				want := directScores(t, gt[off:off+nx*ny], rec[off:off+nx*ny], nx, ny,
					c.subIsRef)
				if im.PSNR != want.PSNR || im.SSIM != want.SSIM || im.NMSE != want.NMSE {
					t.Errorf("image %v: %+v, want %+v", idx, im, want)
				}
				psnrs = append(psnrs, im.PSNR)
				ssims = append(ssims, im.SSIM)
				nmses = append(nmses, im.NMSE)
			}
			if k != len(res.Images) {
				t.Fatalf("%d images, want %d", len(res.Images), k)
			}

			mean := func(v []float64) float64 {
				var s float64
				for _, x := range v {
					s += x
				}
				return s / float64(len(v))
			}
			if math.Abs(res.PSNR-mean(psnrs)) > 1e-12*res.PSNR ||
				math.Abs(res.SSIM-mean(ssims)) > 1e-15 ||
				math.Abs(res.NMSE-mean(nmses)) > 1e-12*res.NMSE {
				t.Errorf("file means %v %v %v", res.PSNR, res.SSIM, res.NMSE)
			}
		})
	}
}

func TestTrailingIndicesOrder(t *testing.T) {
	var got [][]int
	for idx := range trailingIndices([]int{2, 3}) {
		got = append(got, idx)
	}
	want := [][]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("order %v, want %v", got, want)
	}
	n := 0
	for idx := range trailingIndices(nil) {
		if len(idx) != 0 {
			t.Errorf("2-D index %v", idx)
		}
		n++
	}
	if n != 1 {
		t.Errorf("2-D arrays yield %d images, want 1", n)
	}
	if off := columnMajorOffset([]int{1, 2}, []int{2, 3}); off != 5 {
		t.Errorf("offset of (1,2) in 2x3 = %d, want 5", off)
	}
}

func TestEvaluateErrors(t *testing.T) {
	img := make([]float32, 8*8*6)
	cases := []struct {
		name            string
		gt, rec         []float32
		gtDims, recDims []int
		opt             Options
		is              error
		text            string
	}{
		{"shape mismatch", img, img, []int{8, 8, 6}, []int{8, 8, 2, 3}, Options{},
			ErrShapeMismatch, "8x8x6"},
		{"squeezed mismatch", img, img, []int{8, 8, 1, 6}, []int{8, 8, 6, 1},
			Options{}, ErrShapeMismatch, "8x8x6x1"},
		{"rank 1", img, img, []int{384}, []int{384}, Options{}, ErrRank, "384"},
		{"rank 6", img, img, []int{8, 8, 1, 2, 3, 1}, []int{8, 8, 1, 2, 3, 1},
			Options{}, ErrRank, ""},
		{"squeezed to 1-D", img[:8], img[:8], []int{1, 8}, []int{1, 8},
			Options{Squeeze: true}, ErrRank, ""},
		{"too small", img, img, []int{6, 8, 8}, []int{6, 8, 8}, Options{}, ErrTooSmall, ""},
		{"length", img, img[:100], []int{8, 8, 6}, []int{8, 8, 6}, Options{}, ErrLength,
			"submission"},
		{"zero dim", img[:0], img[:0], []int{8, 0}, []int{8, 0}, Options{}, nil,
			"at least 1"},
		{"no dims", img, img, nil, nil, Options{}, nil, "no dims"},
		{"order", img, img, []int{8, 8, 6}, []int{8, 8, 6}, Options{Order: 7}, nil,
			"Order(7)"},
	}
	for _, c := range cases {
		_, err := Evaluate(c.gt, c.rec, c.gtDims, c.recDims, c.opt)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: %v, want %v", c.name, err, c.is)
		}
		if !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: %q does not mention %q", c.name, err, c.text)
		}
	}

	// With squeezing, (8,8,1,6) and (8,8,6,1) are the same shape.
	if _, err := Evaluate(img, img, []int{8, 8, 1, 6}, []int{8, 8, 6, 1},
		Options{Squeeze: true}); err != nil {
		t.Errorf("squeezed shapes: %v", err)
	}
}

func TestEvaluateDoesNotModifyInputs(t *testing.T) {
	gt := randImage(10, 9, 1, 0.1)
	rec := randImage(10, 9, 2, 0.1)
	gt0, rec0 := slices.Clone(gt), slices.Clone(rec)
	dims := []int{10, 9, 1}
	if _, err := Evaluate(gt, rec, dims, dims, Options{Squeeze: true}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gt, gt0) || !slices.Equal(rec, rec0) || !slices.Equal(dims, []int{10, 9, 1}) {
		t.Error("Evaluate modified its inputs")
	}
}
