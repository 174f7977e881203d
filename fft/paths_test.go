package fft

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/asm/asmtest"
)

// The SIMD kernels work across lanes (independent transforms done together), so a single 1-D
// transform never reaches them. These tests and fuzz targets run batches, in both layouts:
// rows (axis 0, lanes are neighbouring rows, moved by transposes) and columns (axis 1, lanes
// are neighbouring columns).

// laneRef is a length's test signal and its float64 DFT, shared by the path tests.
type laneRef struct{ x, X []complex128 }

var laneRefs = struct {
	sync.Mutex
	m map[int]laneRef
}{m: map[int]laneRef{}}

func refFor(n int) laneRef {
	laneRefs.Lock()
	defer laneRefs.Unlock()
	r, ok := laneRefs.m[n]
	if !ok {
		x := randomC128(rand.New(rand.NewPCG(11, uint64(n))), n)
		r = laneRef{x, refDFT(x, -1)}
		laneRefs.m[n] = r
	}
	return r
}

// laneBatch returns v lanes c_b·z of a length-n signal z in the row layout (lane b at b·n)
// or the column layout (element e of lane b at e·v + b), with fixed distinct complex c_b, so
// that a lane mixed up with another or computed with the wrong twiddles shows.
func laneBatch(z []complex128, v int, col bool) []complex128 {
	n := len(z)
	out := make([]complex128, n*v)
	for b := range v {
		c := complex(1+0.25*float64(b), 0.5-0.125*float64(b))
		for e, ze := range z {
			if col {
				out[e*v+b] = c * ze
			} else {
				out[b*n+e] = c * ze
			}
		}
	}
	return out
}

// TestLengthsPaths checks every length 1..1024 (a sample in short mode) on every asm path, as
// batches of 8 transforms in the row and the column layout, in all directions (checkAll),
// against the direct DFT, to the bounds 1e-6 (complex64) and 1e-14 (complex128). 8 lanes are
// whole vectors for every SIMD kernel of both types.
func TestLengthsPaths(t *testing.T) {
	var ns []int
	for n := 1; n <= 1024; n++ {
		if !testing.Short() || n <= 40 || n%29 == 0 ||
			slices.Contains([]int{162, 198, 204, 216, 246, 255, 256, 442, 448, 512}, n) {
			ns = append(ns, n)
		}
	}
	const v = 8
	asmtest.Run(t, func(t *testing.T, _ asm.Path) {
		for _, n := range ns {
			r := refFor(n)
			checkAll[complex64](t, []int{n, v}, []int{0}, 1, laneBatch(r.x, v, false),
				laneBatch(r.X, v, false))
			checkAll[complex64](t, []int{v, n}, []int{1}, 1, laneBatch(r.x, v, true),
				laneBatch(r.X, v, true))
			checkAll[complex128](t, []int{n, v}, []int{0}, 1, laneBatch(r.x, v, false),
				laneBatch(r.X, v, false))
			checkAll[complex128](t, []int{v, n}, []int{1}, 1, laneBatch(r.x, v, true),
				laneBatch(r.X, v, true))
		}
	})
	logMaxErr(t)
}

// TestSizes2DPaths checks the challenge's 2-D sizes on every asm path, as batches of 3
// arrays c_b·x (see laneBatch) with 2 workers, in both precisions.
func TestSizes2DPaths(t *testing.T) {
	sizes := [][2]int{{256, 256}, {512, 216}, {448, 162}, {448, 204}, {442, 198}, {512, 246}}
	if testing.Short() {
		sizes = sizes[:2]
	}
	asmtest.Run(t, func(t *testing.T, _ asm.Path) {
		for _, sz := range sizes {
			r := refFor2D(sz[0], sz[1])
			checkAll[complex64](t, []int{sz[0], sz[1], 3}, []int{0, 1}, 2,
				laneBatch(r.x, 3, false), laneBatch(r.X, 3, false))
			checkAll[complex128](t, []int{sz[0], sz[1], 3}, []int{0, 1}, 2,
				laneBatch(r.x, 3, false), laneBatch(r.X, 3, false))
		}
	})
	logMaxErr(t)
}

// TestPropertiesPaths checks round trip, Parseval, linearity and the shift theorem (see
// testProperties) on every asm path, as batches of 8 transforms of both precisions in the row
// and the column layout, which reach the SIMD kernels.
func TestPropertiesPaths(t *testing.T) {
	asmtest.Run(t, func(t *testing.T, _ asm.Path) {
		for _, n := range propertySizes {
			testProperties[complex64](t, n, 8, false)
			testProperties[complex64](t, n, 8, true)
			testProperties[complex128](t, n, 8, false)
			testProperties[complex128](t, n, 8, true)
		}
	})
}

// fuzzPath compares path p with the pure-Go path on transforms chosen by the fuzzer (length
// n, lanes, layout, flags and data), in both precisions. The two may round differently (FMA,
// other operation order), each within the accuracy bound of the exact result (1e-6 for
// complex64, 1e-14 for complex128; see tol64), so they must agree to twice the bound.
func fuzzPath(f *testing.F, p asm.Path) {
	f.Add(uint64(1), uint16(216), uint8(8), uint8(0), false)
	f.Add(uint64(2), uint16(246), uint8(16), uint8(7), true)
	f.Add(uint64(3), uint16(442), uint8(4), uint8(3), false)
	f.Add(uint64(4), uint16(17*13), uint8(12), uint8(5), true)
	f.Add(uint64(5), uint16(1), uint8(1), uint8(0), false)
	f.Fuzz(func(t *testing.T, seed uint64, n16 uint16, lanes, flags uint8, col bool) {
		if !asm.Supported(p) {
			t.Skipf("path %v not supported here", p)
		}
		diffPath[complex64](t, p, seed, n16, lanes, flags, col)
		diffPath[complex128](t, p, seed, n16, lanes, flags, col)
	})
}

// diffPath runs one case of fuzzPath.
func diffPath[T Complex](t *testing.T, p asm.Path, seed uint64, n16 uint16, lanes, flags uint8,
	col bool) {
	t.Helper()
	n := int(n16%2048) + 1
	v := int(lanes%24) + 1
	fl := Flags(flags) & (Inverse | Ortho | Centered)
	shape, axis := []int{n, v}, 0
	if col {
		shape, axis = []int{v, n}, 1
	}
	x := toT[T](randomC128(rand.New(rand.NewPCG(seed, 5)), n*v))

	want := make([]T, len(x))
	restore, err := asm.Force(asm.Go)
	if err != nil {
		t.Fatal(err)
	}
	NewPlan[T](shape, axis).Transform(want, x, fl)
	restore()

	restore, err = asm.Force(p)
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	got := slices.Clone(x)
	NewPlan[T](shape, axis).Transform(got, got, fl)
	if e := relRMS(got, fromT(want)); e > 2*tolFor[T]() {
		t.Fatalf("%s %v vs go: n %d lanes %d col %v flags %d: relative difference %.3g",
			typeName[T](), p, n, v, col, fl, e)
	}
}

// TestPathsRandom runs the differential check of the fuzz targets on random cases on every
// SIMD path, so that it also runs where fuzzing cannot (under qemu-user the fuzzing engine
// cannot start its workers).
func TestPathsRandom(t *testing.T) {
	cases := 300
	if testing.Short() {
		cases = 60
	}
	rng := rand.New(rand.NewPCG(13, 1))
	asmtest.Run(t, func(t *testing.T, p asm.Path) {
		if p == asm.Go {
			return
		}
		for range cases {
			seed, n16, lanes := rng.Uint64(), uint16(rng.IntN(1100)), uint8(rng.IntN(24))
			flags, col := uint8(rng.IntN(8)), rng.IntN(2) == 1
			diffPath[complex64](t, p, seed, n16, lanes, flags, col)
			diffPath[complex128](t, p, seed, n16, lanes, flags, col)
		}
	})
}

// FuzzAVX2 compares the AVX2 path with the pure-Go one (go test -fuzz FuzzAVX2 ./fft).
func FuzzAVX2(f *testing.F) { fuzzPath(f, asm.AVX2) }

// FuzzAVX512 compares the AVX-512 path with the pure-Go one.
func FuzzAVX512(f *testing.F) { fuzzPath(f, asm.AVX512) }

// FuzzNEON compares the NEON path with the pure-Go one (arm64).
func FuzzNEON(f *testing.F) { fuzzPath(f, asm.NEON) }
