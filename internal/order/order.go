// Package order finds order statistics of float32 data in place, for the percentiles that the
// challenge metric and the compressed-sensing data scaling need.
package order

import (
	"math/bits"
	"slices"
)

// SelectNth reorders v so that v[k] holds the k-th smallest value (counting from 0), with no
// larger value before it and no smaller value after it. It is a quickselect with a
// median-of-three pivot that falls back to sorting after too many uneven partitions, so it
// runs in O(n) expected and O(n log n) worst-case time. v must not contain NaN.
func SelectNth(v []float32, k int) {
	lo, hi := 0, len(v)
	budget := 2 * bits.Len(uint(len(v)))
	for hi-lo > 16 {
		if budget == 0 {
			slices.Sort(v[lo:hi])
			return
		}
		budget--

		m := lo + (hi-lo)/2
		pivot := median3(v[lo], v[m], v[hi-1])
		i, j := lo, hi-1
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}

		switch {
		case k <= j:
			hi = j + 1
		case k >= i:
			lo = i
		default:
			return
		}
	}
	slices.Sort(v[lo:hi])
}

// median3 returns the median of three values.
func median3(a, b, c float32) float32 {
	if a > b {
		a, b = b, a
	}
	if b > c {
		b = c
	}
	if a > b {
		return a
	}
	return b
}
