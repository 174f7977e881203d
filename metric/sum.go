package metric

// numpyBuffer is the number of elements numpy's ufunc machinery hands to one inner loop of a
// reduction (its default buffer size).
const numpyBuffer = 8192

// numpySum returns the float64 sum of x in the order numpy 1.24 adds a contiguous array with
// np.sum or np.mean: blocks of numpyBuffer elements, each summed pairwise, added in turn to a
// total that starts at 0. The order matters only in the last bits; it is kept so that means
// match the scorer exactly.
func numpySum(x []float64) float64 {
	var total float64
	for len(x) > 0 {
		n := min(len(x), numpyBuffer)
		total += pairwiseSum(x[:n])

		x = x[n:]
	}
	return total
}

// pairwiseSum is numpy's pairwise summation: plain for fewer than 8 values, eight interleaved
// partial sums for up to 128 values, and a split at a multiple of 8 near the middle above that.
func pairwiseSum(x []float64) float64 {
	n := len(x)
	switch {
	case n < 8:
		var s float64
		for _, v := range x {
			s += v
		}
		return s

	case n <= 128:
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range r {
				r[j] += x[i+j]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += x[i]
		}
		return s

	default:
		h := n / 2
		h -= h % 8
		return pairwiseSum(x[:h]) + pairwiseSum(x[h:])
	}
}
