package fft

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

//go:generate go test -run ^TestGeneratedAsm$ -update-asm

var updateAsm = flag.Bool("update-asm", false,
	"rewrite stages_amd64.s and stages_c128_amd64.s from their generator")

// The amd64 stage kernels are generated: one butterfly description per radix (asmRadix)
// expands into an AVX2 (YMM) and an AVX-512 (ZMM) kernel, each with and without twiddles, for
// complex64 and for complex128.
// The instructions are the same for both widths; only the register names and the number of
// lanes per vector differ. Vectors run across the lanes of the lane-interleaved buffers (see
// stageArgs), so every lane of a vector sees the same twiddle and the same butterfly: the SIMD
// is across independent transforms, never inside one, and needs no shuffles beyond the
// real/imaginary swap of a complex product.
//
// A kernel has the Go signature func(y, x, w unsafe.Pointer, l, m, v int) and computes what
// the pure-Go radix kernel computes for stageArgs{y, x, l, m, v}, with w the twiddles in the
// k-major layout of stage.twk (nil without twiddles). v times the element size (8 bytes for
// complex64, 16 for complex128) must be a multiple of the vector size in bytes (32 or 64).
//
// The complex128 kernels (stages_c128_amd64.s) come from the same descriptions and loops in
// double precision (asmGen.dbl): the same instructions in their packed-double forms, with the
// addresses and strides of 16-byte elements.

// asmGen writes one kernel body.
type asmGen struct {
	b    *bytes.Buffer
	reg  string // "Y" or "Z"
	vecB int    // vector size in bytes
	tw   bool
	r8   string // what R8 holds in the current butterfly: "x" (X+4·JS), "y" (Y+4·QS) or ""
	dbl  bool   // complex128 kernels (see f)
}

// f writes one instruction. The complex128 kernels (dbl) are the complex64 ones with every
// packed-single instruction in its packed-double form and the float64 constants (fftd_
// instead of fftk_); the element size (es), the real/imaginary swap (swapImm) and the
// address arithmetic that depends on them are chosen where they are written.
func (g *asmGen) f(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if g.dbl {
		op, rest, _ := strings.Cut(s, " ")
		d, ok := asmDouble[op]
		if !ok && (strings.HasSuffix(op, "PS") || strings.HasSuffix(op, "SS")) {
			panic("asmgen: no double-precision form of " + op)
		}
		if ok {
			op = d
		}
		s = op + " " + strings.ReplaceAll(rest, "·fftk_", "·fftd_")
	}
	fmt.Fprintf(g.b, "\t%s\n", s)
}

// asmDouble maps the packed-single instructions the generator writes to their packed-double
// forms.
var asmDouble = map[string]string{
	"VMOVUPS": "VMOVUPD", "VMOVAPS": "VMOVAPD", "VADDPS": "VADDPD", "VSUBPS": "VSUBPD",
	"VMULPS": "VMULPD", "VFMADD231PS": "VFMADD231PD", "VFNMADD231PS": "VFNMADD231PD",
	"VFMADDSUB213PS": "VFMADDSUB213PD", "VXORPS": "VXORPD", "VBROADCASTSS": "VBROADCASTSD",
	"VPERMILPS": "VPERMILPD",
}

// es is the size of one complex element in bytes.
func (g *asmGen) es() int {
	if g.dbl {
		return 16
	}
	return 8
}

// swapImm is the VPERMILPS or VPERMILPD immediate that swaps the real and imaginary parts of
// every element.
func (g *asmGen) swapImm() string {
	switch {
	case !g.dbl:
		return "$0xb1"
	case g.reg == "Z":
		return "$0x55"
	}
	return "$0x5"
}

// esShift is log₂ of the element size.
func (g *asmGen) esShift() int {
	if g.dbl {
		return 4
	}
	return 3
}

// v names vector register i.
func (g *asmGen) v(i int) string { return fmt.Sprintf("%s%d", g.reg, i) }

// addr returns the address base + j·stride, with s1 holding the stride and s3 three times it
// (R8 holds base + 4·stride for j >= 5).
func (g *asmGen) addr(j int, base, s1, s3 string) string {
	switch j {
	case 0:
		return "(" + base + ")"
	case 1:
		return fmt.Sprintf("(%s)(%s*1)", base, s1)
	case 2:
		return fmt.Sprintf("(%s)(%s*2)", base, s1)
	case 3:
		return fmt.Sprintf("(%s)(%s*1)", base, s3)
	case 4:
		return fmt.Sprintf("(%s)(%s*4)", base, s1)
	case 5:
		return fmt.Sprintf("(R8)(%s*1)", s1)
	case 6:
		return fmt.Sprintf("(R8)(%s*2)", s1)
	case 7:
		return fmt.Sprintf("(R8)(%s*1)", s3)
	}
	panic("asmgen: no address for index")
}

// load loads input j into register r and applies twiddle j (kernels with twiddles, j > 0).
func (g *asmGen) load(r, j int) {
	if j >= 5 && g.r8 != "x" {
		g.f("LEAQ (AX)(CX*4), R8")
		g.r8 = "x"
	}
	g.f("VMOVUPS %s, %s", g.addr(j, "AX", "CX", "DX"), g.v(r))
	if !g.tw || j == 0 {
		return
	}
	// r = r·w_j: with c = w_j, r·c = r·Re(c) ∓ swap(r)·Im(c) (FMADDSUB: even lanes, the real
	// parts, subtract; odd lanes add).
	a, b := g.v(14), g.v(15)
	es := g.es()
	g.f("VBROADCASTSS %d(R9), %s", (j-1)*es+es/2, a)
	g.f("VPERMILPS %s, %s, %s", g.swapImm(), g.v(r), b)
	g.f("VMULPS %s, %s, %s", a, b, b)
	g.f("VBROADCASTSS %d(R9), %s", (j-1)*es, a)
	g.f("VFMADDSUB213PS %s, %s, %s", b, a, g.v(r))
}

// cmulAt multiplies register r by the complex element at mem (an address with a base
// register).
func (g *asmGen) cmulAt(r int, off int, base string) {
	a, b := g.v(14), g.v(15)
	g.f("VBROADCASTSS %d(%s), %s", off+g.es()/2, base, a)
	g.f("VPERMILPS %s, %s, %s", g.swapImm(), g.v(r), b)
	g.f("VMULPS %s, %s, %s", a, b, b)
	g.f("VBROADCASTSS %d(%s), %s", off, base, a)
	g.f("VFMADDSUB213PS %s, %s, %s", b, a, g.v(r))
}

// store stores register r as output q.
func (g *asmGen) store(r, q int) {
	if q >= 5 && g.r8 != "y" {
		g.f("LEAQ (BX)(SI*4), R8")
		g.r8 = "y"
	}
	g.f("VMOVUPS %s, %s", g.v(r), g.addr(q, "BX", "SI", "DI"))
}

func (g *asmGen) add(d, a, b int) { g.f("VADDPS %s, %s, %s", g.v(b), g.v(a), g.v(d)) }
func (g *asmGen) sub(d, a, b int) { g.f("VSUBPS %s, %s, %s", g.v(b), g.v(a), g.v(d)) }

// mulK sets d = a·k for the real constant k.
func (g *asmGen) mulK(d, a int, k string) { g.f("VMULPS %s, %s, %s", g.cref(k), g.v(a), g.v(d)) }

// fmaK sets d += a·k; fnmaK sets d -= a·k.
func (g *asmGen) fmaK(d, a int, k string) {
	g.f("VFMADD231PS %s, %s, %s", g.cref(k), g.v(a), g.v(d))
}

func (g *asmGen) fnmaK(d, a int, k string) {
	g.f("VFNMADD231PS %s, %s, %s", g.cref(k), g.v(a), g.v(d))
}

func (g *asmGen) mov(d, a int) { g.f("VMOVAPS %s, %s", g.v(a), g.v(d)) }

// negI sets d = -i·a: (re, im) becomes (im, -re).
func (g *asmGen) negI(d, a int) {
	g.f("VPERMILPS %s, %s, %s", g.swapImm(), g.v(a), g.v(d))
	g.f("VXORPS %s, %s, %s", g.cref("negim"), g.v(d), g.v(d))
}

// cref is the operand of the constant k: its 64-byte table in memory for AVX2 (32-byte
// aligned, which is all the Go linker promises, so that a YMM load never splits across cache
// lines), its register for AVX-512 (see loadConsts).
func (g *asmGen) cref(k string) string {
	if g.reg == "Z" {
		if k == "negim" {
			return "Z30"
		}
		for i, c := range asmConsts {
			if c.name == k {
				return fmt.Sprintf("Z%d", 16+i)
			}
		}
		panic("asmgen: no constant " + k)
	}
	return "·fftk_" + k + "<>(SB)"
}

// loadConsts loads the constants into Z16.. (asmConsts in order) and Z30 (negim) at the start
// of an AVX-512 kernel. With the constants as 64-byte memory operands, which the Go linker
// aligns to 32 bytes only, every use is a load split across two cache lines whenever a table
// lands at an odd multiple of 32, as happened to the complex64 tables when the complex128
// ones were added: the complex64 512x216 transform took 187 µs of CPU time with the tables in
// memory and 175 µs with the constants in registers, 256x256 74 and 71 µs, 448x204 129 and
// 116 µs (BenchmarkFFT2D in bench/fft, AVX-512, interleaved runs of the two binaries).
func (g *asmGen) loadConsts() {
	if g.reg != "Z" {
		return
	}
	for i, c := range asmConsts {
		g.f("VBROADCASTSS ·fftk_%s<>(SB), Z%d", c.name, 16+i)
	}
	g.f("VMOVUPS ·fftk_negim<>(SB), Z30")
}

// asmConsts are the real constants of the butterflies, each stored as 16 float32 copies.
var asmConsts = []struct {
	name string
	val  float64
}{
	{"half", 0.5},
	{"s3", 0.86602540378443864676},   // sin(2π/3)
	{"r2", 0.70710678118654752440},   // √½
	{"c51", 0.30901699437494742410},  // cos(2π/5)
	{"c52", -0.80901699437494742410}, // cos(4π/5)
	{"s51", 0.95105651629515357212},  // sin(2π/5)
	{"s52", 0.58778525229247312917},  // sin(4π/5)
	{"c71", 0.62348980185873353053},  // cos(2π/7)
	{"c72", -0.22252093395631440429}, // cos(4π/7)
	{"c73", -0.90096886790241912624}, // cos(6π/7)
	{"s71", 0.78183148246802980871},  // sin(2π/7)
	{"s72", 0.97492791218182360702},  // sin(4π/7)
	{"s73", 0.43388373911755812048},  // sin(6π/7)
}

// butterflyGen is what the butterfly descriptions (asmRadix) are written against: operations
// on complex vector registers named by small integers, implemented by the amd64 generator
// (asmGen, one YMM or ZMM register per value) and the arm64 one (neonGen, a pair of NEON
// registers holding the real and the imaginary parts).
type butterflyGen interface {
	load(r, j int)            // r = input j (times twiddle j in kernels with twiddles)
	store(r, q int)           // output q = r
	add(d, a, b int)          // d = a + b
	sub(d, a, b int)          // d = a - b
	mov(d, a int)             // d = a
	negI(d, a int)            // d = -i·a
	mulK(d, a int, k string)  // d = a·k for the real constant k
	fmaK(d, a int, k string)  // d += a·k
	fnmaK(d, a int, k string) // d -= a·k
}

// asmRadix describes the butterfly of each radix with the register operations above. Every
// description keeps to registers 0..13; on amd64, 14 and 15 are the twiddle temporaries.
var asmRadix = map[int]func(g butterflyGen){
	2: func(g butterflyGen) {
		g.load(0, 0)
		g.load(1, 1)
		g.add(2, 0, 1)
		g.sub(0, 0, 1)
		g.store(2, 0)
		g.store(0, 1)
	},
	3: func(g butterflyGen) {
		for j := range 3 {
			g.load(j, j)
		}
		g.add(3, 1, 2) // t = u1+u2
		g.sub(1, 1, 2) // d = u1-u2
		g.add(4, 0, 3)
		g.store(4, 0)         // y0 = u0+t
		g.fnmaK(0, 3, "half") // r = u0 - t/2
		g.negI(1, 1)
		g.mulK(1, 1, "s3") // -i·(√3/2)·d
		g.add(2, 0, 1)
		g.sub(0, 0, 1)
		g.store(2, 1)
		g.store(0, 2)
	},
	4: func(g butterflyGen) {
		for j := range 4 {
			g.load(j, j)
		}
		g.add(4, 0, 2) // t0
		g.sub(0, 0, 2) // t1
		g.add(5, 1, 3) // t2
		g.sub(1, 1, 3)
		g.negI(1, 1) // t3
		g.add(6, 4, 5)
		g.store(6, 0)
		g.sub(4, 4, 5)
		g.store(4, 2)
		g.add(6, 0, 1)
		g.store(6, 1)
		g.sub(0, 0, 1)
		g.store(0, 3)
	},
	5: func(g butterflyGen) {
		for j := range 5 {
			g.load(j, j)
		}
		g.add(5, 1, 4) // b1
		g.sub(1, 1, 4) // d1
		g.add(6, 2, 3) // b2
		g.sub(2, 2, 3) // d2
		g.add(7, 0, 5)
		g.add(7, 7, 6)
		g.store(7, 0)
		g.mov(8, 0) // a1 = u0 + c1·b1 + c2·b2
		g.fmaK(8, 5, "c51")
		g.fmaK(8, 6, "c52")
		g.mov(9, 0) // a2 = u0 + c2·b1 + c1·b2
		g.fmaK(9, 5, "c52")
		g.fmaK(9, 6, "c51")
		g.mulK(10, 1, "s51") // q1 = s1·d1 + s2·d2
		g.fmaK(10, 2, "s52")
		g.mulK(11, 1, "s52") // q2 = s2·d1 - s1·d2
		g.fnmaK(11, 2, "s51")
		g.negI(10, 10)
		g.negI(11, 11)
		g.add(12, 8, 10)
		g.store(12, 1)
		g.sub(8, 8, 10)
		g.store(8, 4)
		g.add(12, 9, 11)
		g.store(12, 2)
		g.sub(9, 9, 11)
		g.store(9, 3)
	},
	7: func(g butterflyGen) {
		for j := range 7 {
			g.load(j, j)
		}
		g.add(7, 1, 6) // b1
		g.sub(1, 1, 6) // d1
		g.add(8, 2, 5) // b2
		g.sub(2, 2, 5) // d2
		g.add(9, 3, 4) // b3
		g.sub(3, 3, 4) // d3
		g.add(4, 0, 7)
		g.add(4, 4, 8)
		g.add(4, 4, 9)
		g.store(4, 0)
		// y_q = a_q - i·q_q and y_(7-q) = a_q + i·q_q, with a_q = u0 + Σ_j cos(2πjq/7)·b_j and
		// q_q = Σ_j sin(2πjq/7)·d_j.
		rows := [3][3]struct {
			c, s string
			neg  bool
		}{
			{{"c71", "s71", false}, {"c72", "s72", false}, {"c73", "s73", false}},
			{{"c72", "s72", false}, {"c73", "s73", true}, {"c71", "s71", true}},
			{{"c73", "s73", false}, {"c71", "s71", true}, {"c72", "s72", false}},
		}
		for q, row := range rows {
			g.mov(4, 0)
			for j, e := range row {
				g.fmaK(4, 7+j, e.c)
			}
			g.mulK(5, 1, row[0].s)
			for j, e := range row[1:] {
				if e.neg {
					g.fnmaK(5, 2+j, e.s)
				} else {
					g.fmaK(5, 2+j, e.s)
				}
			}
			g.negI(5, 5)
			g.add(6, 4, 5)
			g.store(6, q+1)
			g.sub(4, 4, 5)
			g.store(4, 6-q)
		}
	},
	8: func(g butterflyGen) {
		for _, j := range []int{0, 2, 4, 6} {
			g.load(j, j)
		}
		g.add(8, 0, 4) // a0
		g.sub(0, 0, 4) // a1
		g.add(9, 2, 6) // a2
		g.sub(2, 2, 6)
		g.negI(2, 2)   // a3
		g.add(4, 8, 9) // e0
		g.sub(8, 8, 9) // e2
		g.add(6, 0, 2) // e1
		g.sub(0, 0, 2) // e3
		for _, j := range []int{1, 3, 5, 7} {
			g.load(j, j)
		}
		g.add(9, 1, 5)  // b0
		g.sub(1, 1, 5)  // b1
		g.add(10, 3, 7) // b2
		g.sub(3, 3, 7)
		g.negI(3, 3)    // b3
		g.add(5, 9, 10) // o0
		g.sub(9, 9, 10) // o2
		g.add(7, 1, 3)  // o1
		g.sub(1, 1, 3)  // o3
		g.negI(10, 7)   // o1 = √½·(o1 - i·o1)
		g.add(7, 7, 10)
		g.mulK(7, 7, "r2")
		g.negI(9, 9)  // o2 = -i·o2
		g.negI(10, 1) // o3 = √½·(-i·o3 - o3)
		g.sub(1, 10, 1)
		g.mulK(1, 1, "r2")
		outs := [][3]int{{4, 5, 0}, {6, 7, 1}, {8, 9, 2}, {0, 1, 3}}
		for _, o := range outs {
			g.add(11, o[0], o[1])
			g.store(11, o[2])
			g.sub(o[0], o[0], o[1])
			g.store(o[0], o[2]+4)
		}
	},
}

// genAsm returns the text of stages_amd64.s.
func genAsm() []byte {
	var b bytes.Buffer
	b.WriteString(`// Code generated by go generate from asmgen_test.go. DO NOT EDIT.

//go:build !purego

#include "textflag.h"

// Register use in every kernel: AX input pointer X, BX output pointer Y, CX input stride JS,
// DX 3·JS, SI output stride QS, DI 3·QS, R8 X+4·JS or Y+4·QS, R9 twiddles of the current k,
// R10 vectors left in the lane block, R11 k countdown, R12 s countdown, R13 (p-1)·QS, R14
// vectors per lane block. Y14/Y15 (Z14/Z15) are the twiddle temporaries. The AVX-512 kernels
// hold the butterflies' constants in Z16..Z28 and the sign mask in Z30 (see loadConsts).

`)
	for _, c := range asmConsts {
		bits := math.Float32bits(float32(c.val))
		for i := range 16 {
			fmt.Fprintf(&b, "DATA ·fftk_%s<>+%d(SB)/4, $0x%08x\n", c.name, 4*i, bits)
		}
		fmt.Fprintf(&b, "GLOBL ·fftk_%s<>(SB), RODATA|NOPTR, $64\n\n", c.name)
	}
	for i := range 8 {
		fmt.Fprintf(&b, "DATA ·fftk_negim<>+%d(SB)/8, $0x8000000000000000\n", 8*i)
	}
	b.WriteString("GLOBL ·fftk_negim<>(SB), RODATA|NOPTR, $64\n")
	genKernels(&b, false)
	return b.Bytes()
}

// genAsmC128 returns the text of stages_c128_amd64.s: the complex128 kernels, from the same
// descriptions and loops as the complex64 ones (see asmGen.f), with two complex128 per YMM
// register and four per ZMM register. They are named with the suffix C128 (r2AVX2C128,
// r2TwAVX2C128, ...).
func genAsmC128() []byte {
	var b bytes.Buffer
	b.WriteString(`// Code generated by go generate from asmgen_test.go. DO NOT EDIT.

//go:build !purego

#include "textflag.h"

// The complex128 stage kernels: the complex64 ones of stages_amd64.s in double precision,
// with the same register use (strides and offsets in bytes of 16-byte elements).

`)
	for _, c := range asmConsts {
		bits := math.Float64bits(c.val)
		for i := range 8 {
			fmt.Fprintf(&b, "DATA ·fftd_%s<>+%d(SB)/8, $0x%016x\n", c.name, 8*i, bits)
		}
		fmt.Fprintf(&b, "GLOBL ·fftd_%s<>(SB), RODATA|NOPTR, $64\n\n", c.name)
	}
	for i := range 8 {
		bits := uint64(0)
		if i%2 == 1 {
			bits = 1 << 63
		}
		fmt.Fprintf(&b, "DATA ·fftd_negim<>+%d(SB)/8, $0x%016x\n", 8*i, bits)
	}
	b.WriteString("GLOBL ·fftd_negim<>(SB), RODATA|NOPTR, $64\n")
	genKernels(&b, true)
	return b.Bytes()
}

// genKernels writes the radix and odd-radix kernels of both widths, complex128 ones if dbl.
func genKernels(b *bytes.Buffer, dbl bool) {
	sfx := ""
	if dbl {
		sfx = "C128"
	}
	for _, isa := range []struct {
		name, reg string
		vecB      int
	}{{"AVX2", "Y", 32}, {"AVX512", "Z", 64}} {
		for _, p := range []int{2, 3, 4, 5, 7, 8} {
			for _, tw := range []bool{false, true} {
				g := &asmGen{b: b, reg: isa.reg, vecB: isa.vecB, tw: tw, dbl: dbl}
				g.kernel(p, isa.name+sfx)
			}
		}
		for _, tw := range []bool{false, true} {
			g := &asmGen{b: b, reg: isa.reg, vecB: isa.vecB, tw: tw, dbl: dbl}
			g.oddKernel(isa.name + sfx)
		}
	}
}

// kernelName is the Go name of the radix-p kernel for isa, with or without twiddles.
func kernelName(p int, tw bool, isa string) string {
	if tw {
		return fmt.Sprintf("r%dTw%s", p, isa)
	}
	return fmt.Sprintf("r%d%s", p, isa)
}

// kernel writes the loops around the radix-p butterfly.
func (g *asmGen) kernel(p int, isa string) {
	name := kernelName(p, g.tw, isa)
	shift := 5
	if g.vecB == 64 {
		shift = 6
	}
	fmt.Fprintf(g.b, "\n// func %s(y, x, w unsafe.Pointer, l, m, v int)\n", name)
	fmt.Fprintf(g.b, "TEXT ·%s(SB), NOSPLIT, $0-48\n", name)
	g.f("MOVQ y+0(FP), BX")
	g.f("MOVQ x+8(FP), AX")
	g.f("MOVQ l+24(FP), R11")
	g.f("MOVQ m+32(FP), R12")
	g.f("MOVQ v+40(FP), R14")
	g.f("SHLQ $%d, R14", g.esShift()) // v·es bytes
	g.f("MOVQ R14, SI")
	g.f("IMULQ R11, SI") // QS = l·v·8
	g.f("MOVQ SI, CX")
	g.f("IMULQ R12, CX") // JS = m·QS
	g.f("LEAQ (CX)(CX*2), DX")
	g.f("LEAQ (SI)(SI*2), DI")
	g.f("IMUL3Q $%d, SI, R13", p-1)
	g.f("SHRQ $%d, R14", shift)
	g.f("TESTQ R12, R12")
	g.f("JZ done")
	g.f("TESTQ R14, R14")
	g.f("JZ done")
	g.loadConsts()
	fmt.Fprintf(g.b, "sloop:\n")
	g.f("MOVQ w+16(FP), R9")
	g.f("MOVQ l+24(FP), R11")
	fmt.Fprintf(g.b, "kloop:\n")
	g.f("MOVQ R14, R10")
	fmt.Fprintf(g.b, "vloop:\n")
	g.r8 = ""
	asmRadix[p](g)
	g.f("ADDQ $%d, AX", g.vecB)
	g.f("ADDQ $%d, BX", g.vecB)
	g.f("DECQ R10")
	g.f("JNZ vloop")
	if g.tw {
		g.f("ADDQ $%d, R9", (p-1)*g.es())
	}
	g.f("DECQ R11")
	g.f("JNZ kloop")
	g.f("ADDQ R13, BX")
	g.f("DECQ R12")
	g.f("JNZ sloop")
	fmt.Fprintf(g.b, "done:\n")
	g.f("VZEROUPPER")
	g.f("RET")
}

// oddKernel writes the generic odd-radix butterfly (see oddC64) for one (s, k) over v lanes:
// func(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int), with x and y at the butterfly's
// first input and output, w the k-major twiddles of this k (nil without twiddles), cs the
// stage's cos + i·sin table and tmp room for 2·h vectors, h = (p-1)/2. For each vector of
// lanes it forms t_j = u_j + u_(p-j) and d_j = u_j - u_(p-j) in tmp, then the output pairs
// y_q, y_(p-q) two at a time (four independent FMA chains).
func (g *asmGen) oddKernel(isa string) {
	name := "odd" + isa
	if g.tw {
		name = "oddTw" + isa
	}
	shift := 5
	if g.vecB == 64 {
		shift = 6
	}
	vb := g.vecB
	fmt.Fprintf(g.b, "\n// func %s(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)\n", name)
	fmt.Fprintf(g.b, "TEXT ·%s(SB), NOSPLIT, $8-72\n", name)
	g.f("MOVQ x+8(FP), AX")
	g.f("MOVQ y+0(FP), BX")
	g.f("MOVQ js+40(FP), CX")
	g.f("MOVQ qs+48(FP), SI")
	g.f("MOVQ p+56(FP), R14")
	g.f("SUBQ $1, R14")
	g.f("SHRQ $1, R14")
	g.f("MOVQ R14, h-8(SP)")
	g.f("MOVQ v+64(FP), R12")
	g.f("SHLQ $%d, R12", g.esShift())
	g.f("SHRQ $%d, R12", shift)
	g.f("TESTQ R12, R12")
	g.f("JZ done")
	g.f("TESTQ R14, R14")
	g.f("JZ done")
	g.loadConsts()
	fmt.Fprintf(g.b, "cloop:\n")
	g.f("VMOVUPS (AX), %s", g.v(0))
	g.mov(1, 0)
	g.f("MOVQ AX, DX")
	g.f("ADDQ CX, DX")
	g.f("MOVQ p+56(FP), DI")
	g.f("DECQ DI")
	g.f("IMULQ CX, DI")
	g.f("ADDQ AX, DI")
	if g.tw {
		g.f("MOVQ w+16(FP), R8")
		g.f("MOVQ p+56(FP), R9")
		g.f("SUBQ $2, R9")
		if g.dbl {
			g.f("SHLQ $4, R9")
			g.f("ADDQ R8, R9")
		} else {
			g.f("LEAQ (R8)(R9*8), R9")
		}
	}
	g.f("MOVQ tmp+32(FP), R11")
	g.f("MOVQ h-8(SP), R13")
	fmt.Fprintf(g.b, "jloop:\n")
	g.f("VMOVUPS (DX), %s", g.v(2))
	g.f("VMOVUPS (DI), %s", g.v(3))
	if g.tw {
		g.cmulAt(2, 0, "R8")
		g.cmulAt(3, 0, "R9")
		g.f("ADDQ $%d, R8", g.es())
		g.f("SUBQ $%d, R9", g.es())
	}
	g.add(4, 2, 3)
	g.sub(5, 2, 3)
	g.f("VMOVUPS %s, (R11)", g.v(4))
	g.f("VMOVUPS %s, %d(R11)", g.v(5), vb)
	g.add(1, 1, 4)
	g.f("ADDQ CX, DX")
	g.f("SUBQ CX, DI")
	g.f("ADDQ $%d, R11", 2*vb)
	g.f("DECQ R13")
	g.f("JNZ jloop")
	g.f("VMOVUPS %s, (BX)", g.v(1))

	g.f("MOVQ BX, DX")
	g.f("ADDQ SI, DX")
	g.f("MOVQ p+56(FP), DI")
	g.f("DECQ DI")
	g.f("IMULQ SI, DI")
	g.f("ADDQ BX, DI")
	g.f("MOVQ cs+24(FP), R10")
	g.f("MOVQ h-8(SP), R8")
	g.f("SHLQ $%d, R8", g.esShift())
	g.f("MOVQ h-8(SP), R14")
	g.f("SHRQ $1, R14")
	g.f("JZ qtail")
	fmt.Fprintf(g.b, "qloop:\n")
	g.mov(1, 0)
	g.f("VXORPS %s, %s, %s", g.v(2), g.v(2), g.v(2))
	g.mov(3, 0)
	g.f("VXORPS %s, %s, %s", g.v(4), g.v(4), g.v(4))
	g.f("MOVQ tmp+32(FP), R11")
	g.f("MOVQ h-8(SP), R13")
	g.f("MOVQ R10, R9")
	fmt.Fprintf(g.b, "q2j:\n")
	g.f("VMOVUPS (R11), %s", g.v(5))
	g.f("VMOVUPS %d(R11), %s", vb, g.v(6))
	g.f("VBROADCASTSS (R9), %s", g.v(7))
	g.f("VFMADD231PS %s, %s, %s", g.v(7), g.v(5), g.v(1))
	g.f("VBROADCASTSS %d(R9), %s", g.es()/2, g.v(8))
	g.f("VFMADD231PS %s, %s, %s", g.v(8), g.v(6), g.v(2))
	g.f("VBROADCASTSS (R9)(R8*1), %s", g.v(9))
	g.f("VFMADD231PS %s, %s, %s", g.v(9), g.v(5), g.v(3))
	g.f("VBROADCASTSS %d(R9)(R8*1), %s", g.es()/2, g.v(10))
	g.f("VFMADD231PS %s, %s, %s", g.v(10), g.v(6), g.v(4))
	g.f("ADDQ $%d, R9", g.es())
	g.f("ADDQ $%d, R11", 2*vb)
	g.f("DECQ R13")
	g.f("JNZ q2j")
	g.negI(2, 2)
	g.negI(4, 4)
	for _, pr := range [][2]int{{1, 2}, {3, 4}} {
		g.add(11, pr[0], pr[1])
		g.f("VMOVUPS %s, (DX)", g.v(11))
		g.sub(pr[0], pr[0], pr[1])
		g.f("VMOVUPS %s, (DI)", g.v(pr[0]))
		g.f("ADDQ SI, DX")
		g.f("SUBQ SI, DI")
	}
	g.f("LEAQ (R10)(R8*2), R10")
	g.f("DECQ R14")
	g.f("JNZ qloop")
	fmt.Fprintf(g.b, "qtail:\n")
	g.f("MOVQ h-8(SP), R14")
	g.f("ANDQ $1, R14")
	g.f("JZ cnext")
	g.mov(1, 0)
	g.f("VXORPS %s, %s, %s", g.v(2), g.v(2), g.v(2))
	g.f("MOVQ tmp+32(FP), R11")
	g.f("MOVQ h-8(SP), R13")
	fmt.Fprintf(g.b, "q1j:\n")
	g.f("VBROADCASTSS (R10), %s", g.v(7))
	g.f("VFMADD231PS (R11), %s, %s", g.v(7), g.v(1))
	g.f("VBROADCASTSS %d(R10), %s", g.es()/2, g.v(8))
	g.f("VFMADD231PS %d(R11), %s, %s", vb, g.v(8), g.v(2))
	g.f("ADDQ $%d, R10", g.es())
	g.f("ADDQ $%d, R11", 2*vb)
	g.f("DECQ R13")
	g.f("JNZ q1j")
	g.negI(2, 2)
	g.add(11, 1, 2)
	g.f("VMOVUPS %s, (DX)", g.v(11))
	g.sub(1, 1, 2)
	g.f("VMOVUPS %s, (DI)", g.v(1))
	fmt.Fprintf(g.b, "cnext:\n")
	g.f("ADDQ $%d, AX", vb)
	g.f("ADDQ $%d, BX", vb)
	g.f("DECQ R12")
	g.f("JNZ cloop")
	fmt.Fprintf(g.b, "done:\n")
	g.f("VZEROUPPER")
	g.f("RET")
}

// TestGeneratedAsm checks that stages_amd64.s and stages_c128_amd64.s are what genAsm and
// genAsmC128 write, and rewrites them with -update-asm.
func TestGeneratedAsm(t *testing.T) {
	for _, f := range []struct {
		name string
		gen  func() []byte
	}{{"stages_amd64.s", genAsm}, {"stages_c128_amd64.s", genAsmC128}} {
		want := f.gen()
		if *updateAsm {
			if err := os.WriteFile(f.name, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s is stale: run go generate ./fft", f.name)
		}
		if strings.Contains(string(want), "R15") {
			t.Fatalf("%s uses R15, which dynamic linking reserves", f.name)
		}
	}
}
