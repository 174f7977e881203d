package fft

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/asm/asmtest"
)

// The kernel contract: every stage kernel and move of a kernel set, checked against a direct
// evaluation of the semantics documented on stageArgs and moveArgs. SIMD kernel sets must pass
// the same checks.

// TestStageKernels runs each stage kernel on random data for several geometries (l, m, v) and
// compares with a float64 evaluation of the butterflies, on every asm path (lane counts 4, 8
// and 16 reach the SIMD kernels; the others check their fallback).
func TestStageKernels(t *testing.T) {
	asmtest.Run(t, func(t *testing.T, _ asm.Path) {
		testStageKernels[complex64](t)
		testStageKernels[complex128](t)
	})
}

func testStageKernels[T Complex](t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	tol := tolFor[T]()
	for _, p := range []int{2, 3, 4, 5, 7, 8, 11, 13, 17, 101} {
		for _, g := range [][3]int{{1, 1, 1}, {1, 3, 1}, {1, 2, 5}, {4, 1, 3}, {3, 2, 1}, {6, 3, 4},
			{1, 1, 4}, {1, 3, 8}, {8, 1, 8}, {2, 3, 16}, {6, 1, 12}, {8, 2, 4},
			{13, 1, 4}, {17, 2, 8}, {17, 1, 16}} {
			l, m, v := g[0], g[1], g[2]
			n := l * p * m
			c := newCore[T](n, v)
			st := stageFor(c, p, l)
			if st == nil {
				// The factorisation of l*p*m put p elsewhere; use a one-stage core of length p
				// only when l == m == 1, otherwise skip this geometry.
				continue
			}
			x := randomC128(rng, n*v)
			y := make([]T, n*v)
			w := newWork[T](c.need)
			a := &stageArgs[T]{y: y, x: toT[T](x), w: st.tw, tk: st.twk, l: l, m: m, v: v,
				st: st, wk: w}
			st.kern(a)
			want := refStage(x, twAsC128(st.tw), p, l, m, v)
			if e := relRMS(y, want); e > tol {
				t.Errorf("%s radix %d l=%d m=%d v=%d: error %.3g", typeName[T](), p, l, m, v, e)
			}
		}
	}
}

// stageFor returns the stage of c with radix p after l points, or nil.
func stageFor[T Complex](c *core[T], p, l int) *stage[T] {
	for i := range c.stages {
		if c.stages[i].p == p && c.stages[i].l == l {
			return &c.stages[i]
		}
	}
	return nil
}

func twAsC128[T Complex](tw []T) []complex128 {
	if tw == nil {
		return nil
	}
	return fromT(tw)
}

// refStage evaluates one stage as documented on stageArgs, in float64.
func refStage(x, w []complex128, p, l, m, v int) []complex128 {
	y := make([]complex128, len(x))
	u := make([]complex128, p)
	for s := range m {
		for k := range l {
			for b := range v {
				for j := range p {
					u[j] = x[((j*m+s)*l+k)*v+b]
					if j > 0 && l > 1 {
						u[j] *= w[(j-1)*l+k]
					}
				}
				for q, z := range refDFT(u, -1) {
					y[((s*p+q)*l+k)*v+b] = z
				}
			}
		}
	}
	return y
}

// TestMoves checks gather and scatter for row and column views, rotations, swap and scale, on
// every asm path (4 and 8 lanes reach the SIMD moves, odd lengths their tails).
func TestMoves(t *testing.T) {
	asmtest.Run(t, func(t *testing.T, _ asm.Path) {
		for _, g := range [][2]int{{7, 3}, {7, 4}, {8, 8}, {9, 8}, {1, 4}} {
			testMoves[complex64](t, g[0], g[1])
			testMoves[complex128](t, g[0], g[1])
		}
	})
}

func testMoves[T Complex](t *testing.T, n, v int) {
	ks := kernelsFor[T]()
	rng := rand.New(rand.NewPCG(9, 2))
	size := 3 + 2*n*v + 2*v + n + 8
	views := []view{{0, 1, n}, {2, v + 1, 1}, {5, 2 * v, 2}, {3, 1, n + 2}, {1, 2 * v, 1}}
	for _, vw := range views {
		for _, rot := range []int{0, n / 2, n - 1} {
			for _, swap := range []bool{false, true} {
				name := fmt.Sprintf("%s n %d v %d view %v rot %d swap %v", typeName[T](), n, v, vw,
					rot, swap)
				s := toT[T](randomC128(rng, size))
				buf := make([]T, n*v)
				ks.gather(&moveArgs[T]{buf: buf, s: s, view: vw, n: n, v: v, rot: rot, swap: swap})
				for e := range n {
					for b := range v {
						z := s[vw.off+(e+rot)%n*vw.es+b*vw.bs]
						if swap {
							z = T(complex(imag(complex128(z)), real(complex128(z))))
						}
						if buf[e*v+b] != z {
							t.Fatalf("%s: gather element %d lane %d", name, e, b)
						}
					}
				}

				d := toT[T](randomC128(rng, size))
				ref := fromT(d)
				ks.scatter(&moveArgs[T]{buf: buf, s: d, view: vw, n: n, v: v, rot: rot, swap: swap,
					scale: 0.5})
				for e := range n {
					for b := range v {
						z := complex128(buf[e*v+b])
						if swap {
							z = complex(imag(z), real(z))
						}
						ref[vw.off+(e+rot)%n*vw.es+b*vw.bs] = z * 0.5
					}
				}
				if e := relRMS(d, ref); e != 0 {
					t.Fatalf("%s: scatter differs (%.3g)", name, e)
				}
			}
		}
	}
}

// TestSIMDStageKernels calls every SIMD stage kernel of every path this machine runs directly
// (no dispatch, no fallback: a call of the pure-Go kernel fails the test), for both element
// types, and checks it against refStage; it also checks that each path has kernels for every
// specialised radix and the generic odd radix in both precisions.
func TestSIMDStageKernels(t *testing.T) {
	testSIMDStageKernels[complex64](t, simdKernels, simdOddKernels)
	testSIMDStageKernels[complex128](t, simdKernelsC128, simdOddKernelsC128)
}

func testSIMDStageKernels[T Complex](t *testing.T, radix map[asm.Path][9][]simdRadix,
	odd map[asm.Path][]simdOdd) {
	rng := rand.New(rand.NewPCG(9, 2))
	tol := tolFor[T]()
	ks := kernelsFor[T]()
	for _, path := range asm.Available() {
		if path == asm.Go {
			continue
		}
		for _, p := range []int{2, 3, 4, 5, 7, 8, 11, 13} {
			var kerns []kernel[T]
			var lanes []int
			fail := func(*stageArgs[T]) { t.Fatalf("%s %v radix %d fell back", typeName[T](), path, p) }
			if p <= 8 {
				for _, s := range radix[path][p] {
					kerns = append(kerns, simdStage(p, []simdRadix{s}, fail))
					lanes = append(lanes, s.lanes)
				}
			} else {
				for _, s := range odd[path] {
					kerns = append(kerns, simdOddStage([]simdOdd{s}, fail))
					lanes = append(lanes, s.lanes)
				}
			}
			if len(kerns) == 0 {
				t.Errorf("%s %v: no SIMD kernel for radix %d", typeName[T](), path, p)
			}
			for i, k := range kerns {
				for _, g := range [][3]int{{1, 3, 1}, {4, 2, 1}, {6, 1, 2}, {1, 1, 2}} {
					l, m, v := g[0], g[1], g[2]*lanes[i]
					st := newStage(ks, factor{p, false}, l, m, v)
					n := p * l * m
					x := randomC128(rng, n*v)
					y := make([]T, n*v)
					w := newWork[T](workSize{tmp: 2 * p * v})
					k(&stageArgs[T]{y: y, x: toT[T](x), w: st.tw, tk: st.twk, l: l, m: m, v: v,
						st: &st, wk: w})
					want := refStage(x, twAsC128(st.tw), p, l, m, v)
					if e := relRMS(y, want); e > tol {
						t.Errorf("%s %v radix %d lanes %d l=%d m=%d v=%d: error %.3g",
							typeName[T](), path, p, lanes[i], l, m, v, e)
					}
				}
			}
		}
	}
}
