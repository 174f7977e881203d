//go:build purego

package fft

import (
	"slices"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
)

// TestPureGoBuild checks that the purego build leaves all assembly out: only the Go path is
// available, there are no SIMD kernel tables, and plans report the pure-Go kernels.
func TestPureGoBuild(t *testing.T) {
	if !slices.Equal(asm.Available(), []asm.Path{asm.Go}) {
		t.Errorf("paths %v in a purego build", asm.Available())
	}
	if len(simdKernels)+len(simdOddKernels)+len(simdMoves) != 0 || kernelsC64.simd {
		t.Error("SIMD kernel tables in a purego build")
	}
	if len(simdKernelsC128)+len(simdOddKernelsC128)+len(simdMovesC128) != 0 ||
		kernelsC128.simd {
		t.Error("complex128 SIMD kernel tables in a purego build")
	}
	if k := NewPlan2D(8, 8).Kernels(); k != "go" {
		t.Errorf("Kernels() = %q", k)
	}
	if k := NewPlan[complex128]([]int{8, 8}).Kernels(); k != "go" {
		t.Errorf("complex128 Kernels() = %q", k)
	}
}
