package metric

import (
	"math"
	"slices"
	"strconv"
)

// FileScore is one scored (or unscorable) file for [Aggregate].
type FileScore struct {
	// Groups lists the groups the file counts toward: one "Center_Vendor" key for TaskR1,
	// every disease of the patient for TaskR2, S1 and S2.
	Groups []string
	// PSNR, SSIM and NMSE are the file scores from [Evaluate].
	PSNR, SSIM, NMSE float64
	// Valid is false for files the scorer records with a comment (missing submission, shape
	// mismatch); their scores are ignored.
	Valid bool
}

// GroupScore holds the adjusted scores of one group.
type GroupScore struct {
	// Group is the group key.
	Group string
	// Expected is N_g, the number of ground-truth files of the group; Valid is the number of
	// valid files scored in it.
	Expected, Valid int
	// PSNR, SSIM and NMSE are the adjusted group scores (see Aggregate).
	PSNR, SSIM, NMSE float64
}

// Summary is the result of [Aggregate].
type Summary struct {
	// Groups holds the scored groups in ascending order of key.
	Groups []GroupScore
	// Skipped lists, in ascending order, the groups of expected (with N_g > 0) that have no
	// valid file and the groups with valid files but no positive expected count; the scorer
	// leaves both out of the final mean.
	Skipped []string
	// PSNR, SSIM and NMSE are the means over Groups (NaN when Groups is empty; the scorer
	// fails with a division by zero there).
	PSNR, SSIM, NMSE float64
	// Files and ValidFiles count the files given and the valid ones.
	Files, ValidFiles int
}

// Aggregate combines per-file scores into group scores and a final score as the 2025 scorer's
// process_task does. expected maps each group key to N_g, its number of ground-truth files.
//
// For each group g with at least one valid file and N_g > 0, over its valid files f:
//
//	PSNR_g = Σ PSNR_f / N_g
//	SSIM_g = Σ SSIM_f / N_g
//	NMSE_g = mean(NMSE_f) · (2 - n_g/N_g)
//
// where n_g counts the group's valid files; NaN file scores are skipped by the sums and the
// mean (as pandas does) but still count in n_g. A missing file thus lowers PSNR and SSIM and
// raises NMSE. The final scores are the plain means over the scored groups; groups without a
// valid file do not enter them at all, which is the scorer's behaviour (a quirk: such a group
// does not pull the mean down). Sums follow the scorer's order (files in the order given,
// groups in key order) so results match it to the last bit or so; round with [Round4] to print
// as the scorer does.
func Aggregate(files []FileScore, expected map[string]int) Summary {
	type acc struct{ psnr, ssim, nmse []float64 }
	groups := map[string]*acc{}
	sum := Summary{Files: len(files)}
	for _, f := range files {
		if !f.Valid {
			continue
		}
		sum.ValidFiles++

		for _, g := range f.Groups {
			a := groups[g]
			if a == nil {
				a = &acc{}
				groups[g] = a
			}
			a.psnr = append(a.psnr, f.PSNR)
			a.ssim = append(a.ssim, f.SSIM)
			a.nmse = append(a.nmse, f.NMSE)
		}
	}

	for g, n := range expected {
		if _, ok := groups[g]; !ok && n > 0 {
			sum.Skipped = append(sum.Skipped, g)
		}
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for g := range groups {
			if !yield(g) {
				return
			}
		}
	})

	var tp, ts, tn float64
	for _, g := range keys {
		a := groups[g]
		n := expected[g]
		if n <= 0 {
			sum.Skipped = append(sum.Skipped, g)
			continue
		}

		ng := float64(n)
		gs := GroupScore{Group: g, Expected: n, Valid: len(a.psnr)}
		gs.PSNR = nanSum(a.psnr) / ng
		gs.SSIM = nanSum(a.ssim) / ng
		gs.NMSE = float64(nanMean(a.nmse) * (2 - float64(len(a.nmse))/ng))
		sum.Groups = append(sum.Groups, gs)

		tp += gs.PSNR
		ts += gs.SSIM
		tn += gs.NMSE
	}
	slices.Sort(sum.Skipped)

	if len(sum.Groups) == 0 {
		sum.PSNR, sum.SSIM, sum.NMSE = math.NaN(), math.NaN(), math.NaN()
		return sum
	}
	k := float64(len(sum.Groups))
	sum.PSNR, sum.SSIM, sum.NMSE = tp/k, ts/k, tn/k
	return sum
}

// nanSum sums v as pandas does: NaN values count as 0.
func nanSum(v []float64) float64 {
	buf := make([]float64, len(v))
	for i, x := range v {
		if !math.IsNaN(x) {
			buf[i] = x
		}
	}
	return numpySum(buf)
}

// nanMean is the mean of the non-NaN values of v (NaN if there are none), as pandas computes it.
func nanMean(v []float64) float64 {
	n := 0
	for _, x := range v {
		if !math.IsNaN(x) {
			n++
		}
	}
	return nanSum(v) / float64(n)
}

// Round4 rounds x to 4 decimals as Python's round(x, 4) does: to the nearest multiple of 1e-4
// of the exact binary value, ties to even. The scorer rounds its reported numbers this way;
// use Round4 only to present them. Non-finite values are returned unchanged.
func Round4(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 4, 64), 64)
	if err != nil {
		return x
	}
	return r
}
