package asm_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/asm/asmtest"
)

// Sinks keep the reductions' results alive.
var (
	sinkC complex128
	sinkF float64
)

// BenchmarkVec runs every vector kernel on every path at n = 4096 (inputs in L1/L2) and
// n = 448*162 (one cine_sax frame; inputs in L2/L3). The bytes per element count every
// slice the kernel reads or writes.
func BenchmarkVec(b *testing.B) {
	for _, n := range []int{4096, 448 * 162} {
		rng := rand.New(rand.NewPCG(1, 2))
		x := randC(rng, n, 0, false).s()
		y := randC(rng, n, 0, false).s()
		z := randC(rng, n, 0, false).s()
		r := randR(rng, n, 0, false).s()
		for i := range r {
			r[i] = float32(i % 2)
		}
		alpha := complex64(complex(0.5, -0.25))
		kernels := []struct {
			name  string
			bytes int
			run   func()
		}{
			{"Mul", 24, func() { asm.Mul(z, x, y) }},
			{"MulConj", 24, func() { asm.MulConj(z, x, y) }},
			{"MulConjAcc", 32, func() { asm.MulConjAcc(z, x, y) }},
			{"Scale", 16, func() { asm.Scale(z, alpha, x) }},
			{"Axpy", 24, func() { asm.Axpy(alpha, x, z) }},
			{"Xpay", 24, func() { asm.Xpay(x, alpha, z) }},
			{"Dotc", 16, func() { sinkC = asm.Dotc(x, y) }},
			{"Norm2", 8, func() { sinkF = asm.Norm2(x) }},
			{"MaskCopy", 20, func() { asm.MaskCopy(z, x, r) }},
			{"Abs", 12, func() { asm.Abs(r, x) }},
			{"AddAbs2", 16, func() { asm.AddAbs2(r, x) }},
			{"Sqrt", 8, func() { asm.Sqrt(r) }},
		}
		for _, k := range kernels {
			b.Run(fmt.Sprintf("%s/n=%d", k.name, n), func(b *testing.B) {
				asmtest.Bench(b, func(b *testing.B, p asm.Path) {
					for i := range z {
						z[i] = 0
						r[i] = float32(i % 2)
					}
					b.SetBytes(int64(k.bytes * n))
					b.ReportAllocs()
					k.run()
					for b.Loop() {
						k.run()
					}
				})
			})
		}
	}
}
