// Package asmtest runs a test or benchmark once per kernel path that this CPU and build
// support, so that every assembly path is checked against the pure-Go one in a single binary.
package asmtest

import (
	"os"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
)

// Run calls f as a subtest named after each supported path, with that path forced. When the
// environment variable CMRECON_REQUIRE_PATHS lists paths (comma-separated, e.g. "avx2,avx512")
// a listed path the machine cannot run is a test failure rather than a silent omission.
func Run(t *testing.T, f func(t *testing.T, p asm.Path)) {
	t.Helper()
	checkRequired(t)
	for _, p := range asm.Available() {
		t.Run(p.String(), func(t *testing.T) {
			restore, err := asm.Force(p)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t, p)
		})
	}
}

// Bench calls f as a sub-benchmark named after each supported path, with that path forced.
func Bench(b *testing.B, f func(b *testing.B, p asm.Path)) {
	b.Helper()
	for _, p := range asm.Available() {
		b.Run(p.String(), func(b *testing.B) {
			restore, err := asm.Force(p)
			if err != nil {
				b.Fatal(err)
			}
			defer restore()
			f(b, p)
		})
	}
}

func checkRequired(t *testing.T) {
	t.Helper()
	for _, name := range splitComma(os.Getenv("CMRECON_REQUIRE_PATHS")) {
		found := false
		for _, p := range asm.Available() {
			if p.String() == name {
				found = true
			}
		}
		if !found {
			t.Errorf("CMRECON_REQUIRE_PATHS names %q, which this machine or build cannot run",
				name)
		}
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
