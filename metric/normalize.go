package metric

import (
	"math"
	"slices"

	"github.com/cmrecon/cmrecon/internal/order"
)

// Percentile is the percentile of |img| that the 2025 scorer divides each image by.
const Percentile = 99.5

// NormalizePercentile writes |src| divided by the 99.5th percentile of |src| into dst, as the
// 2025 scorer's normalize_percentile does, and returns that percentile. When the percentile is
// 0, dst receives |src| unchanged.
//
// The percentile is numpy.percentile(|src|, 99.5) with the default "linear" method over all
// len(src) values: with v the sorted values, pos = 0.995·(n-1), i = floor(pos), f = pos - i,
// it is v[i] + f·d when f < 0.5 and v[i+1] - (1-f)·d otherwise, where d = v[i+1] - v[i] is
// rounded to float32 and the rest is float64, exactly as numpy evaluates it. The division is
// float32 by float32(p), as numpy divides a float32 array by a float64 scalar. A NaN in src
// makes the percentile NaN and every output NaN; an empty src returns NaN.
//
// dst may be src itself. NormalizePercentile panics if len(dst) != len(src). It allocates a
// scratch copy of len(src) values and runs in O(n) expected time.
func NormalizePercentile(dst, src []float32) float64 {
	if len(dst) != len(src) {
		panic("metric: NormalizePercentile: len(dst) != len(src)")
	}
	scratch := make([]float32, len(src))
	return normalizeInto(dst, src, scratch)
}

// normalizeInto is NormalizePercentile with a caller-supplied scratch slice of len(src).
func normalizeInto(dst, src, scratch []float32) float64 {
	for i, v := range src {
		scratch[i] = abs32(v)
	}
	p := percentile995(scratch)

	if p == 0 {
		for i, v := range src {
			dst[i] = abs32(v)
		}
		return p
	}

	d := float32(p)
	for i, v := range src {
		dst[i] = abs32(v) / d
	}
	return p
}

// abs32 returns |v| by clearing the sign bit, as numpy's absolute does (NaN stays NaN).
func abs32(v float32) float32 {
	return math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
}

// percentile995 returns numpy.percentile(v, 99.5) for non-negative values, reordering v.
func percentile995(v []float32) float64 {
	n := len(v)
	if n == 0 {
		return math.NaN()
	}
	for _, x := range v {
		if x != x {
			return math.NaN()
		}
	}

	// The conversions keep each product rounded: a fused multiply-add (as arm64 may emit)
	// would change the last bit of the interpolation.
	const q = Percentile / 100
	pos := float64(float64(n-1) * q)
	if pos >= float64(n-1) {
		return float64(slices.Max(v))
	}

	i := int(math.Floor(pos))
	f := pos - math.Floor(pos)
	order.SelectNth(v, i)
	a := v[i]
	b := slices.Min(v[i+1:])

	d := b - a
	if f >= 0.5 {
		return float64(b) - float64(float64(d)*(1-f))
	}
	return float64(a) + float64(float64(d)*f)
}
