package metric

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Order chooses which image of a pair is the reference in [Evaluate].
type Order int

const (
	// OrderOfficial reproduces the 2025 scorer: the submission is the reference for 4-D and
	// 5-D arrays, the ground truth for 2-D and 3-D arrays.
	OrderOfficial Order = iota
	// OrderTextbook always uses the ground truth as the reference.
	OrderTextbook
)

// String returns "official" or "textbook".
func (o Order) String() string {
	switch o {
	case OrderOfficial:
		return "official"
	case OrderTextbook:
		return "textbook"
	default:
		return fmt.Sprintf("Order(%d)", int(o))
	}
}

// Options configures [Evaluate]. The zero value is the 2025 validation scorer.
type Options struct {
	// Order picks the reference image of each pair.
	Order Order
	// Squeeze drops every dimension of size 1 from both arrays before anything else, as the
	// 2025 test-phase scorer does with np.squeeze; the validation scorer does not.
	Squeeze bool
}

// ImageScore holds the scores of one 2-D image of a file.
type ImageScore struct {
	// Index holds the 0-based indices of the image along the dimensions after the first two
	// (of Result.Dims): (slice, frame) for a 4-D array, empty for a 2-D one.
	Index []int
	// PSNR in dB, SSIM and NMSE of the image.
	PSNR, SSIM, NMSE float64
	// RefPercentile and OtherPercentile are the 99.5th percentiles the reference and the
	// other image were divided by (0 when the image was left unnormalised).
	RefPercentile, OtherPercentile float64
}

// Result holds the scores of one file.
type Result struct {
	// Dims are the dimensions the images were taken from: the input dims, squeezed if
	// Options.Squeeze was set.
	Dims []int
	// SubmissionIsReference tells whether the submission was the reference image.
	SubmissionIsReference bool
	// PSNR, SSIM and NMSE are the file scores: the mean of each per-image score, each taken
	// separately as np.mean does (a NaN or infinite image score carries over).
	PSNR, SSIM, NMSE float64
	// Images holds the per-image scores, in the scorer's loop order (the first trailing index
	// varies slowest).
	Images []ImageScore
}

// ErrShapeMismatch is returned when the ground truth and the submission have different dims;
// the scorer then records the file as invalid ("Shape mismatch").
var ErrShapeMismatch = errors.New("shape mismatch")

// ErrRank is returned for arrays that are not 2-, 3-, 4- or 5-dimensional.
var ErrRank = errors.New("array rank must be 2 to 5")

// Evaluate scores a submission against its ground truth as the 2025 scorer scores one file.
//
// gt and rec are column-major float32 arrays with MATLAB dims gtDims and recDims exactly as the
// files store them (MATLAB drops trailing singleton dims beyond the second when it saves, so a
// (cx, cy, 2, 1) image series is stored as (cx, cy, 2); a (cx, cy, 1, 3) one stays 4-D). With
// opt.Squeeze every singleton dim is dropped first. The dims must then be equal, else the error
// wraps ErrShapeMismatch. Every nx×ny image (all combinations of the trailing indices) is
// normalised with [NormalizePercentile] and scored with [PSNR], [SSIM] and [NMSE]; opt.Order
// picks the reference (see [OrderOfficial]). The file scores are the means over the images.
//
// The validation scorer has no 5-D branch (it would fail); Evaluate scores 5-D arrays as the
// test-phase scorer does, with the submission as reference under OrderOfficial.
//
// Evaluate returns an error, and no scores, for dims that do not match the data length, ranks
// outside 2..5, a shape mismatch, or images smaller than 7×7. Values are not checked: NaN
// propagates into the scores, as in the scorer.
//
// Evaluate does not modify its inputs and is safe for concurrent use. Its cost is O(n) for n
// values, with scratch memory of about 50 bytes per pixel of one image.
func Evaluate(gt, rec []float32, gtDims, recDims []int, opt Options) (Result, error) {
	if opt.Order != OrderOfficial && opt.Order != OrderTextbook {
		return Result{}, fmt.Errorf("metric: unknown order %v", opt.Order)
	}
	if err := checkDims("ground truth", gt, gtDims); err != nil {
		return Result{}, err
	}
	if err := checkDims("submission", rec, recDims); err != nil {
		return Result{}, err
	}

	gd, rd := slices.Clone(gtDims), slices.Clone(recDims)
	if opt.Squeeze {
		gd, rd = squeeze(gd), squeeze(rd)
	}
	if !slices.Equal(gd, rd) {
		return Result{}, fmt.Errorf("metric: ground truth %s, submission %s: %w",
			dimString(gd), dimString(rd), ErrShapeMismatch)
	}
	if len(gd) < 2 || len(gd) > 5 {
		return Result{}, fmt.Errorf("metric: dims %s: %w", dimString(gd), ErrRank)
	}
	nx, ny := gd[0], gd[1]
	if nx < Window || ny < Window {
		return Result{}, fmt.Errorf("metric: dims %s: %w", dimString(gd), ErrTooSmall)
	}

	res := Result{
		Dims:                  gd,
		SubmissionIsReference: opt.Order == OrderOfficial && len(gd) >= 4,
	}
	var w work
	n := nx * ny
	for idx := range trailingIndices(gd[2:]) {
		off := n * columnMajorOffset(idx, gd[2:])
		s := w.score(gt[off:off+n], rec[off:off+n], nx, ny, res.SubmissionIsReference)
		s.Index = idx
		res.Images = append(res.Images, s)
	}

	res.PSNR, res.SSIM, res.NMSE = means(res.Images)
	return res, nil
}

// work holds the buffers reused across the images of one Evaluate call.
type work struct {
	g, r, scratch []float32
	sq            []float64
	ssim          ssimWork
}

// score normalises one ground-truth and one submission image and scores them.
func (w *work) score(gt, rec []float32, nx, ny int, subIsRef bool) ImageScore {
	n := nx * ny
	w.g = grow(w.g, n)
	w.r = grow(w.r, n)
	w.scratch = grow(w.scratch, n)
	w.sq = grow(w.sq, n)

	pg := normalizeInto(w.g, gt, w.scratch)
	pr := normalizeInto(w.r, rec, w.scratch)

	ref, other := w.g, w.r
	pref, pother := pg, pr
	if subIsRef {
		ref, other = other, ref
		pref, pother = pother, pref
	}

	r := maxPropagateNaN(ref)
	return ImageScore{
		PSNR:            psnr(ref, other, r, w.sq),
		SSIM:            w.ssim.ssim(ref, other, nx, ny, r),
		NMSE:            nmse(ref, other),
		RefPercentile:   pref,
		OtherPercentile: pother,
	}
}

// means returns np.mean of the per-image PSNR, SSIM and NMSE arrays.
func means(images []ImageScore) (p, s, e float64) {
	buf := make([]float64, len(images))
	mean := func(get func(ImageScore) float64) float64 {
		for i, im := range images {
			buf[i] = get(im)
		}
		return numpySum(buf) / float64(len(buf))
	}

	p = mean(func(im ImageScore) float64 { return im.PSNR })
	s = mean(func(im ImageScore) float64 { return im.SSIM })
	e = mean(func(im ImageScore) float64 { return im.NMSE })
	return p, s, e
}

// checkDims checks that dims are positive and describe len(data) values.
func checkDims(what string, data []float32, dims []int) error {
	if len(dims) == 0 {
		return fmt.Errorf("metric: %s has no dims", what)
	}
	total := 1
	for _, d := range dims {
		if d < 1 {
			return fmt.Errorf("metric: %s dims %s: every size must be at least 1",
				what, dimString(dims))
		}
		if total > math.MaxInt/d {
			return fmt.Errorf("metric: %s dims %s: too many elements", what, dimString(dims))
		}
		total *= d
	}
	if total != len(data) {
		return fmt.Errorf("metric: %s dims %s need %d values, have %d: %w",
			what, dimString(dims), total, len(data), ErrLength)
	}
	return nil
}

// squeeze drops every dim of size 1, as np.squeeze does.
func squeeze(dims []int) []int {
	return slices.DeleteFunc(dims, func(d int) bool { return d == 1 })
}

// trailingIndices yields every index tuple over dims in C order (the last index fastest), as
// the scorer's nested loops visit the images. Each tuple is a new slice. Empty dims yield one
// empty tuple.
func trailingIndices(dims []int) func(yield func([]int) bool) {
	return func(yield func([]int) bool) {
		idx := make([]int, len(dims))
		for {
			if !yield(slices.Clone(idx)) {
				return
			}

			k := len(dims) - 1
			for ; k >= 0; k-- {
				idx[k]++
				if idx[k] < dims[k] {
					break
				}
				idx[k] = 0
			}
			if k < 0 {
				return
			}
		}
	}
}

// columnMajorOffset returns the column-major linear index of idx in an array of dims.
func columnMajorOffset(idx, dims []int) int {
	off := 0
	for k := len(dims) - 1; k >= 0; k-- {
		off = off*dims[k] + idx[k]
	}
	return off
}

// dimString formats dims as MATLAB prints a size, e.g. "57x41x2x3".
func dimString(dims []int) string {
	s := ""
	for i, d := range dims {
		if i > 0 {
			s += "x"
		}
		s += fmt.Sprint(d)
	}
	return s
}
