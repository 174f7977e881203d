// Package asm holds cmrecon's SIMD kernels and the per-CPU dispatch that chooses among them.
//
// Every kernel exists as a pure-Go function, which is the reference, and as hand-written
// assembly for the instruction sets that help it: AVX2 with FMA and AVX-512 on amd64, NEON on
// arm64. The implementation in use is picked once at start-up from the CPU's features and can
// be changed at run time with [Force] (tests and benchmarks use this to run every path in one
// binary). Building with the purego tag leaves out all assembly, so only [Go] is available.
//
// The exported kernels check lengths and then call the implementation for the active [Path].
// Tests compare each assembly path with the pure-Go one through package asmtest.
package asm
