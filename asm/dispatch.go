package asm

import (
	"fmt"
	"sync/atomic"
)

// Path names one implementation family of the kernels.
type Path int32

// The implementation families. A path is usable only when the CPU has every feature it needs
// and the binary was built without the purego tag.
const (
	// Go is the pure-Go reference path, available everywhere.
	Go Path = iota
	// AVX2 uses 256-bit AVX2 and FMA3 instructions (amd64).
	AVX2
	// AVX512 uses 512-bit AVX-512 F, DQ and VL instructions (amd64).
	AVX512
	// NEON uses 128-bit Advanced SIMD instructions (arm64).
	NEON
	numPaths
)

// String returns the path's name as used in benchmarks and reports: "go", "avx2", "avx512"
// or "neon".
func (p Path) String() string {
	switch p {
	case Go:
		return "go"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	case NEON:
		return "neon"
	}
	return fmt.Sprintf("Path(%d)", int32(p))
}

// supported records which paths this CPU and build can run; set by the per-architecture init.
var supported [numPaths]bool

// active is the path the kernels use now.
var active atomic.Int32

func init() {
	supported[Go] = true
	detect()
	active.Store(int32(Best()))
}

// Supported reports whether p can run on this CPU in this build.
func Supported(p Path) bool {
	return p >= 0 && p < numPaths && supported[p]
}

// Available returns the paths this CPU and build can run, Go first and the widest last.
func Available() []Path {
	var ps []Path
	for p := Go; p < numPaths; p++ {
		if supported[p] {
			ps = append(ps, p)
		}
	}
	return ps
}

// Best returns the widest path this CPU and build can run.
func Best() Path {
	ps := Available()
	return ps[len(ps)-1]
}

// Active returns the path the kernels use now.
func Active() Path {
	return Path(active.Load())
}

// Force makes every kernel use path p until the returned function restores the previous path.
// It returns an error if p cannot run here. Force is for tests, benchmarks and users who want
// to rule a path out; it must not be called while kernels run on other goroutines, whose
// results would then mix paths.
func Force(p Path) (restore func(), err error) {
	if !Supported(p) {
		return nil, fmt.Errorf("asm: path %v is not supported on this CPU or build", p)
	}
	prev := active.Swap(int32(p))
	return func() { active.Store(prev) }, nil
}

// Kernel is a table of one kernel's implementations, indexed by path. An entry left nil
// falls back to the next narrower path that has one, and finally to Go, which must be set.
type Kernel[F any] struct {
	impl [numPaths]F
	set  [numPaths]bool
}

// NewKernel returns a kernel table whose pure-Go implementation is goImpl.
func NewKernel[F any](goImpl F) *Kernel[F] {
	k := &Kernel[F]{}
	k.impl[Go], k.set[Go] = goImpl, true
	return k
}

// With records impl as the kernel's implementation on path p and returns k. Call it only
// during package initialisation.
func (k *Kernel[F]) With(p Path, impl F) *Kernel[F] {
	k.impl[p], k.set[p] = impl, true
	return k
}

// Get returns the implementation for the active path.
func (k *Kernel[F]) Get() F {
	return k.For(Active())
}

// For returns the implementation used on path p: p's own, or the nearest narrower one
// (AVX512 falls back to AVX2, every path to Go).
func (k *Kernel[F]) For(p Path) F {
	for q := p; q > Go; q = fallback(q) {
		if k.set[q] {
			return k.impl[q]
		}
	}
	return k.impl[Go]
}

// Has reports whether the kernel has its own implementation on path p.
func (k *Kernel[F]) Has(p Path) bool {
	return p >= 0 && p < numPaths && k.set[p]
}

func fallback(p Path) Path {
	if p == AVX512 {
		return AVX2
	}
	return Go
}
