package metric

import (
	"fmt"
	"testing"
)

// Image sizes: the 2025 cine_sax crop (448x162 -> 149x81), a 2024 crop (512x246 -> 171x123),
// and full-size images as the test phase may score them.
var benchSizes = [][2]int{{149, 81}, {171, 123}, {448, 162}, {512, 246}}

func BenchmarkSSIM(b *testing.B) {
	for _, sz := range benchSizes {
		nx, ny := sz[0], sz[1]
		ref := randImage(nx, ny, 1, 0.01)
		x := randImage(nx, ny, 2, 0.05)
		b.Run(fmt.Sprintf("%dx%d", nx, ny), func(b *testing.B) {
			var w ssimWork
			b.SetBytes(int64(8 * nx * ny))
			b.ReportAllocs()
			r := maxPropagateNaN(ref)
			for b.Loop() {
				w.ssim(ref, x, nx, ny, r)
			}
		})
	}
}

func BenchmarkNormalizePercentile(b *testing.B) {
	for _, sz := range benchSizes {
		nx, ny := sz[0], sz[1]
		src := randImage(nx, ny, 3, 0.05)
		dst := make([]float32, len(src))
		scratch := make([]float32, len(src))
		b.Run(fmt.Sprintf("%dx%d", nx, ny), func(b *testing.B) {
			b.SetBytes(int64(4 * nx * ny))
			b.ReportAllocs()
			for b.Loop() {
				normalizeInto(dst, src, scratch)
			}
		})
	}
}

// BenchmarkEvaluate scores a validation-style cine file (149x81x2x3) and a full-size one
// (448x162x14x12, as a test-phase uncropped output would be).
func BenchmarkEvaluate(b *testing.B) {
	for _, dims := range [][]int{{149, 81, 2, 3}, {448, 162, 14, 12}} {
		nx, ny := dims[0], dims[1]
		nimg := 1
		for _, d := range dims[2:] {
			nimg *= d
		}
		var gt, rec []float32
		for k := range nimg {
			gt = append(gt, randImage(nx, ny, uint64(k), 0.01)...)
			rec = append(rec, randImage(nx, ny, uint64(k), 0.05)...)
		}
		b.Run(dimString(dims), func(b *testing.B) {
			b.SetBytes(int64(8 * len(gt)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Evaluate(gt, rec, dims, dims, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
