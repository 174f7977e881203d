package challenge

import (
	"testing"

	"github.com/cmrecon/cmrecon/recon"
)

// BenchmarkGenerateMask times one 442x198x12 mask (the size of the real 2025 ktRadial
// validation mask) per pattern at R = 8, the densest challenge setting.
func BenchmarkGenerateMask(b *testing.B) {
	for _, p := range []Pattern{Uniform, KtGaussian, KtRadial} {
		b.Run(string(p), func(b *testing.B) {
			spec := MaskSpec{Pattern: p, NX: 442, NY: 198, NT: 12, R: 8, Seed: 1}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := GenerateMask(spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImg4Ranking times the selection and crop of a 512x246x11x12 cine image series.
func BenchmarkImg4Ranking(b *testing.B) {
	im := &recon.Image{NX: 512, NY: 246, NZ: 11, NT: 12, Data: make([]float32, 512*246*11*12)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Img4Ranking("cine_sax_kus_Uniform8.mat", im); err != nil {
			b.Fatal(err)
		}
	}
}
