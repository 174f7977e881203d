package asm

import "testing"

func TestAvailableStartsWithGo(t *testing.T) {
	ps := Available()
	if len(ps) == 0 || ps[0] != Go {
		t.Fatalf("Available() = %v, want Go first", ps)
	}
	if Best() != ps[len(ps)-1] {
		t.Fatalf("Best() = %v, want %v", Best(), ps[len(ps)-1])
	}
}

func TestForceAndRestore(t *testing.T) {
	before := Active()
	restore, err := Force(Go)
	if err != nil {
		t.Fatal(err)
	}
	if Active() != Go {
		t.Fatalf("Active() = %v after Force(Go)", Active())
	}
	restore()
	if Active() != before {
		t.Fatalf("Active() = %v after restore, want %v", Active(), before)
	}
	if _, err := Force(numPaths); err == nil {
		t.Fatal("Force of an unknown path succeeded")
	}
}

func TestKernelFallback(t *testing.T) {
	k := NewKernel(func() string { return "go" }).With(AVX2, func() string { return "avx2" })
	cases := []struct {
		p    Path
		want string
	}{{Go, "go"}, {AVX2, "avx2"}, {AVX512, "avx2"}, {NEON, "go"}}
	for _, c := range cases {
		if got := k.For(c.p)(); got != c.want {
			t.Errorf("For(%v) runs %q, want %q", c.p, got, c.want)
		}
	}
	if !k.Has(AVX2) || k.Has(AVX512) {
		t.Error("Has reports the wrong paths")
	}
}
