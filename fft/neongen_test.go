package fft

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

//go:generate go test -run ^TestGeneratedNEON$ -update-neon

var updateNEON = flag.Bool("update-neon", false,
	"rewrite stages_arm64.s and stages_c128_arm64.s from their generator")

// The arm64 NEON stage kernels (stages_arm64.s) are generated from the same butterfly
// descriptions as the amd64 ones (asmRadix), so every radix has one description of its
// arithmetic. As on amd64, vectors run across the lanes of the lane-interleaved buffers: VLD2
// loads four complex64 of neighbouring lanes and splits them into a register of real parts
// and one of imaginary parts (VST2 joins them on the way out), so a complex value of the
// descriptions is a pair of registers (V2k, V2k+1) and the arithmetic needs no shuffles at
// all; -i·a is a register move and a negation. Products by twiddles and by the butterflies'
// real constants use the by-element forms of FMUL, FMLA and FMLS.
//
// The Go assembler has loads, stores, moves and integer arithmetic for NEON but no vector
// floating-point arithmetic, so those instructions are WORD encodings made by the neon*
// encoders below, each with its mnemonic in a comment; TestNEONEncodings checks the encoders
// against encodings made by llvm-mc, and against llvm-mc itself when it is installed.
//
// A kernel has the Go signature func(y, x, w unsafe.Pointer, l, m, v int) of the amd64 ones
// (see asmGen); v must be a multiple of 4.
//
// The complex128 kernels (stages_c128_arm64.s, neonGen.dbl) come from the same descriptions
// and loops on two float64 lanes per register: VLD2 of arrangement D2 splits two complex128,
// the arithmetic is encoded for .2d, and v must be a multiple of 2.

// neonGen writes one NEON kernel body; it implements butterflyGen.
type neonGen struct {
	b     *bytes.Buffer
	tw    bool
	in    []string    // the pointer register of each butterfly input (post-incremented)
	out   []string    // the pointer register of each output
	pair  map[int]int // the register pair k (V2k real, V2k+1 imaginary) of each value
	free  []int       // the pairs not in use
	konst map[string][2]int
	dbl   bool // complex128 kernels (see f)
}

// neonPairs is the number of register pairs for values: V0..V27. V28 and V29 hold twiddles,
// V30 and V31 the butterflies' constants.
const neonPairs = 14

// f writes one instruction. The complex128 kernels (dbl) are the complex64 ones on two
// float64 lanes per register: the loads, stores and moves the same with arrangement D2 for S4
// and FMOVQ (a 16-byte complex128 twiddle or table entry) for FMOVD; the arithmetic (vop, eop,
// fneg) is encoded for .2d, and the strides and offsets are chosen where they are written.
func (g *neonGen) f(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if g.dbl && !strings.HasPrefix(s, "WORD") {
		s = strings.NewReplacer(".S4", ".D2", "FMOVD ", "FMOVQ ").Replace(s)
	}
	fmt.Fprintf(g.b, "\t%s\n", s)
}

// es is the size of one complex element in bytes.
func (g *neonGen) es() int {
	if g.dbl {
		return 16
	}
	return 8
}

// sfx is the suffix of the kernels' names: "C128" for the complex128 ones.
func (g *neonGen) sfx() string {
	if g.dbl {
		return "C128"
	}
	return ""
}

// esShift is log₂ of the element size.
func (g *neonGen) esShift() int {
	if g.dbl {
		return 4
	}
	return 3
}

// vecShift is log₂ of the elements per 16-byte register.
func (g *neonGen) vecShift() int {
	if g.dbl {
		return 1
	}
	return 2
}

func (g *neonGen) word(enc uint32, mnemonic string) {
	g.f("WORD $0x%08x // %s", enc, mnemonic)
}

// The encoders of the vector floating-point instructions on four float32 lanes (Arm ARM,
// "Advanced SIMD three same" and "Advanced SIMD vector x indexed element"); registers are
// 0..31, the lane of an indexed element 0..3.
func neonFADD(d, n, m int) uint32 { return 0x4e20d400 | neonRegs(d, n, m) }
func neonFSUB(d, n, m int) uint32 { return 0x4ea0d400 | neonRegs(d, n, m) }
func neonFMUL(d, n, m int) uint32 { return 0x6e20dc00 | neonRegs(d, n, m) }
func neonFNEG(d, n int) uint32    { return 0x6ea0f800 | neonRegs(d, n, 0) }
func neonFMULe(d, n, m, lane int) uint32 {
	return 0x4f809000 | neonRegs(d, n, m) | neonLane(lane)
}
func neonFMLAe(d, n, m, lane int) uint32 {
	return 0x4f801000 | neonRegs(d, n, m) | neonLane(lane)
}
func neonFMLSe(d, n, m, lane int) uint32 {
	return 0x4f805000 | neonRegs(d, n, m) | neonLane(lane)
}

// The same instructions on two float64 lanes (sz, bit 22, set); an indexed element is lane 0
// or 1, in H.
func neonFADDd(d, n, m int) uint32 { return neonFADD(d, n, m) | 1<<22 }
func neonFSUBd(d, n, m int) uint32 { return neonFSUB(d, n, m) | 1<<22 }
func neonFMULd(d, n, m int) uint32 { return neonFMUL(d, n, m) | 1<<22 }
func neonFNEGd(d, n int) uint32    { return neonFNEG(d, n) | 1<<22 }
func neonFMULed(d, n, m, lane int) uint32 {
	return 0x4fc09000 | neonRegs(d, n, m) | neonLaneD(lane)
}
func neonFMLAed(d, n, m, lane int) uint32 {
	return 0x4fc01000 | neonRegs(d, n, m) | neonLaneD(lane)
}
func neonFMLSed(d, n, m, lane int) uint32 {
	return 0x4fc05000 | neonRegs(d, n, m) | neonLaneD(lane)
}

// neonLaneD places the lane of an indexed float64 element in H (bit 11).
func neonLaneD(lane int) uint32 {
	if lane < 0 || lane > 1 {
		panic("neongen: lane out of range")
	}
	return uint32(lane) << 11
}

func neonRegs(d, n, m int) uint32 {
	if d < 0 || d > 31 || n < 0 || n > 31 || m < 0 || m > 31 {
		panic("neongen: register out of range")
	}
	return uint32(m)<<16 | uint32(n)<<5 | uint32(d)
}

// neonLane places the lane of an indexed element: its low bit in L (bit 21), its high bit in
// H (bit 11).
func neonLane(lane int) uint32 {
	if lane < 0 || lane > 3 {
		panic("neongen: lane out of range")
	}
	return uint32(lane&1)<<21 | uint32(lane>>1)<<11
}

// vop writes the three-register vector instruction op (fadd, fsub, fmul).
func (g *neonGen) vop(op string, d, n, m int) {
	if g.dbl {
		enc := map[string]func(d, n, m int) uint32{"fadd": neonFADDd, "fsub": neonFSUBd,
			"fmul": neonFMULd}[op]
		g.word(enc(d, n, m), fmt.Sprintf("%s v%d.2d, v%d.2d, v%d.2d", op, d, n, m))
		return
	}
	enc := map[string]func(d, n, m int) uint32{"fadd": neonFADD, "fsub": neonFSUB,
		"fmul": neonFMUL}[op]
	g.word(enc(d, n, m), fmt.Sprintf("%s v%d.4s, v%d.4s, v%d.4s", op, d, n, m))
}

// eop writes the by-element instruction op (fmul, fmla, fmls) with element lane of vm.
func (g *neonGen) eop(op string, d, n, m, lane int) {
	if g.dbl {
		enc := map[string]func(d, n, m, lane int) uint32{"fmul": neonFMULed,
			"fmla": neonFMLAed, "fmls": neonFMLSed}[op]
		g.word(enc(d, n, m, lane), fmt.Sprintf("%s v%d.2d, v%d.2d, v%d.d[%d]", op, d, n, m,
			lane))
		return
	}
	enc := map[string]func(d, n, m, lane int) uint32{"fmul": neonFMULe, "fmla": neonFMLAe,
		"fmls": neonFMLSe}[op]
	g.word(enc(d, n, m, lane), fmt.Sprintf("%s v%d.4s, v%d.4s, v%d.s[%d]", op, d, n, m, lane))
}

func (g *neonGen) fneg(d, n int) {
	if g.dbl {
		g.word(neonFNEGd(d, n), fmt.Sprintf("fneg v%d.2d, v%d.2d", d, n))
		return
	}
	g.word(neonFNEG(d, n), fmt.Sprintf("fneg v%d.4s, v%d.4s", d, n))
}

func (g *neonGen) alloc() int {
	if len(g.free) == 0 {
		panic("neongen: out of registers")
	}
	k := g.free[len(g.free)-1]
	g.free = g.free[:len(g.free)-1]
	return k
}

// src returns the pair holding value a.
func (g *neonGen) src(a int) int {
	k, ok := g.pair[a]
	if !ok {
		panic(fmt.Sprintf("neongen: value %d read before it is set", a))
	}
	return k
}

// dst returns the pair to write value d into: its own if it has one (the instructions are
// element-wise, so d may also be a source), a new one otherwise.
func (g *neonGen) dst(d int) int {
	if k, ok := g.pair[d]; ok {
		return k
	}
	k := g.alloc()
	g.pair[d] = k
	return k
}

// set makes pair k hold value d, freeing d's previous pair.
func (g *neonGen) set(d, k int) {
	if old, ok := g.pair[d]; ok && old != k {
		g.free = append(g.free, old)
	}
	g.pair[d] = k
}

func (g *neonGen) load(r, j int) {
	k := g.alloc()
	g.f("VLD2.P 32(%s), [V%d.S4, V%d.S4]", g.in[j], 2*k, 2*k+1)
	if g.tw && j > 0 {
		// (re + i·im)·(wr + i·wi), with wr and wi in lanes 0 and 1 of V28.
		g.f("FMOVD %d(R9), F28", (j-1)*g.es())
		t := g.alloc()
		g.eop("fmul", 2*t, 2*k, 28, 0)
		g.eop("fmls", 2*t, 2*k+1, 28, 1)
		g.eop("fmul", 2*t+1, 2*k, 28, 1)
		g.eop("fmla", 2*t+1, 2*k+1, 28, 0)
		g.free = append(g.free, k)
		k = t
	}
	g.set(r, k)
}

func (g *neonGen) store(r, q int) {
	k := g.src(r)
	g.f("VST2.P [V%d.S4, V%d.S4], 32(%s)", 2*k, 2*k+1, g.out[q])
}

func (g *neonGen) add(d, a, b int) {
	ka, kb := g.src(a), g.src(b)
	kd := g.dst(d)
	g.vop("fadd", 2*kd, 2*ka, 2*kb)
	g.vop("fadd", 2*kd+1, 2*ka+1, 2*kb+1)
}

func (g *neonGen) sub(d, a, b int) {
	ka, kb := g.src(a), g.src(b)
	kd := g.dst(d)
	g.vop("fsub", 2*kd, 2*ka, 2*kb)
	g.vop("fsub", 2*kd+1, 2*ka+1, 2*kb+1)
}

func (g *neonGen) mov(d, a int) {
	ka := g.src(a)
	kd := g.dst(d)
	if kd != ka {
		g.f("VMOV V%d.B16, V%d.B16", 2*ka, 2*kd)
		g.f("VMOV V%d.B16, V%d.B16", 2*ka+1, 2*kd+1)
	}
}

// negI writes -i·a = (im, -re) into a new pair.
func (g *neonGen) negI(d, a int) {
	ka := g.src(a)
	k := g.alloc()
	g.f("VMOV V%d.B16, V%d.B16", 2*ka+1, 2*k)
	g.fneg(2*k+1, 2*ka)
	g.set(d, k)
}

func (g *neonGen) constant(k string) (reg, lane int) {
	c, ok := g.konst[k]
	if !ok {
		panic("neongen: no constant " + k)
	}
	return c[0], c[1]
}

func (g *neonGen) mulK(d, a int, k string) {
	reg, lane := g.constant(k)
	ka := g.src(a)
	kd := g.dst(d)
	g.eop("fmul", 2*kd, 2*ka, reg, lane)
	g.eop("fmul", 2*kd+1, 2*ka+1, reg, lane)
}

func (g *neonGen) fmaK(d, a int, k string) {
	reg, lane := g.constant(k)
	ka, kd := g.src(a), g.src(d)
	g.eop("fmla", 2*kd, 2*ka, reg, lane)
	g.eop("fmla", 2*kd+1, 2*ka+1, reg, lane)
}

func (g *neonGen) fnmaK(d, a int, k string) {
	reg, lane := g.constant(k)
	ka, kd := g.src(a), g.src(d)
	g.eop("fmls", 2*kd, 2*ka, reg, lane)
	g.eop("fmls", 2*kd+1, 2*ka+1, reg, lane)
}

// neonConsts lists, per radix, the constants its butterfly uses, in the order they are
// stored (four per register, V30 then V31).
var neonConsts = map[int][]string{
	3: {"half", "s3"},
	5: {"c51", "c52", "s51", "s52"},
	7: {"c71", "c72", "c73", "s71", "s72", "s73"},
	8: {"r2"},
}

// neonPtrs are the general registers for the pointers to inputs 1.. and outputs 1..; the
// others are fixed (see the header of stages_arm64.s).
var neonPtrs = []string{"R2", "R3", "R13", "R14", "R15", "R16", "R17", "R19", "R20", "R21",
	"R22", "R23", "R24", "R25"}

// kernel writes the radix-p kernel with the loops around its butterfly.
func (g *neonGen) kernel(p int) {
	name := kernelName(p, g.tw, "NEON"+g.sfx())
	fmt.Fprintf(g.b, "\n// func %s(y, x, w unsafe.Pointer, l, m, v int)\n", name)
	fmt.Fprintf(g.b, "TEXT ·%s(SB), NOSPLIT, $0-48\n", name)
	g.f("MOVD y+0(FP), R0")
	g.f("MOVD x+8(FP), R1")
	g.f("MOVD m+32(FP), R4")
	g.f("MOVD v+40(FP), R5")
	g.f("MOVD l+24(FP), R7")
	g.f("LSL $%d, R5, R6", g.esShift())  // v·es bytes
	g.f("MUL R7, R6, R7")                // QS = l·v·es
	g.f("MUL R4, R7, R8")                // JS = m·QS
	g.f("LSR $%d, R5, R5", g.vecShift()) // vectors per lane block
	g.f("MOVD $%d, R12", p-1)
	g.f("MUL R7, R12, R12") // (p-1)·QS
	g.f("CBZ R4, done")
	g.f("CBZ R5, done")
	g.in, g.out = []string{"R1"}, []string{"R0"}
	for j := 1; j < p; j++ {
		g.in = append(g.in, neonPtrs[j-1])
		g.f("ADD R8, %s, %s", g.in[j-1], g.in[j])
	}
	for q := 1; q < p; q++ {
		g.out = append(g.out, neonPtrs[p-1+q-1])
		g.f("ADD R7, %s, %s", g.out[q-1], g.out[q])
	}
	g.konst = map[string][2]int{}
	if cs := neonConsts[p]; cs != nil {
		if g.dbl {
			// Two float64 per register, in V29.. (V29 is free in the radix kernels).
			var regs []string
			for i, c := range cs {
				g.konst[c] = [2]int{29 + i/2, i % 2}
				if i%2 == 0 {
					regs = append(regs, fmt.Sprintf("V%d.D2", 29+i/2))
				}
			}
			g.f("MOVD $·neond%d<>(SB), R6", p)
			g.f("VLD1 (R6), [%s]", strings.Join(regs, ", "))
		} else {
			for i, c := range cs {
				g.konst[c] = [2]int{30 + i/4, i % 4}
			}
			g.f("MOVD $·neonk%d<>(SB), R6", p)
			if len(cs) > 4 {
				g.f("VLD1 (R6), [V30.S4, V31.S4]")
			} else {
				g.f("VLD1 (R6), [V30.S4]")
			}
		}
	}
	g.pair = map[int]int{}
	g.free = nil
	for k := neonPairs - 1; k >= 0; k-- {
		g.free = append(g.free, k)
	}

	fmt.Fprintf(g.b, "sloop:\n")
	if g.tw {
		g.f("MOVD w+16(FP), R9")
	}
	g.f("MOVD l+24(FP), R10")
	fmt.Fprintf(g.b, "kloop:\n")
	g.f("MOVD R5, R11")
	fmt.Fprintf(g.b, "vloop:\n")
	asmRadix[p](g)
	g.f("SUBS $1, R11, R11")
	g.f("BNE vloop")
	if g.tw {
		g.f("ADD $%d, R9", (p-1)*g.es())
	}
	g.f("SUBS $1, R10, R10")
	g.f("BNE kloop")
	for _, r := range g.out {
		g.f("ADD R12, %s", r)
	}
	g.f("SUBS $1, R4, R4")
	g.f("BNE sloop")
	fmt.Fprintf(g.b, "done:\n")
	g.f("RET")
}

// oddKernel writes the generic odd-radix butterfly for one (s, k) over v lanes, with the
// signature and the semantics of the amd64 one (see asmGen.oddKernel): for each vector of
// lanes the sums t_j and differences d_j of the symmetric input pairs go to tmp (4·h
// registers' worth), then the output pairs y_q, y_(p-q) are accumulated two q at a time
// (eight independent FMLA chains) from the cos and sin columns of the cs table.
//
// Registers: R0 y, R1 x, R2 w, R3 cs, R4 tmp, R5 js, R6 qs, R7 p, R8 vectors left, R9 h,
// R10 and R11 the two input (then output) pointers walking inwards, R12 and R13 the two
// twiddle (then cs row) pointers, R14 tmp pointer, R15 and R13 counts, R16 h·8, R17 and R19
// the cs entries of the two rows. V0/V1 u0, V2/V3 y0, V4..V15 inputs, sums and differences,
// V16..V23 the four accumulators, V24/V25 outputs, V28/V29 a twiddle or a cs entry each.
func (g *neonGen) oddKernel() {
	name := "oddNEON" + g.sfx()
	if g.tw {
		name = "oddTwNEON" + g.sfx()
	}
	fmt.Fprintf(g.b, "\n// func %s(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)\n", name)
	fmt.Fprintf(g.b, "TEXT ·%s(SB), NOSPLIT, $0-72\n", name)
	g.f("MOVD y+0(FP), R0")
	g.f("MOVD x+8(FP), R1")
	g.f("MOVD w+16(FP), R2")
	g.f("MOVD cs+24(FP), R3")
	g.f("MOVD tmp+32(FP), R4")
	g.f("MOVD js+40(FP), R5")
	g.f("MOVD qs+48(FP), R6")
	g.f("MOVD p+56(FP), R7")
	g.f("MOVD v+64(FP), R8")
	g.f("LSR $%d, R8, R8", g.vecShift())
	g.f("SUB $1, R7, R9")
	g.f("LSR $1, R9, R9")
	g.f("LSL $%d, R9, R16", g.esShift())
	g.f("CBZ R8, done")
	g.f("CBZ R9, done")
	fmt.Fprintf(g.b, "cloop:\n")
	g.f("VLD2 (R1), [V0.S4, V1.S4]")
	g.f("VMOV V0.B16, V2.B16")
	g.f("VMOV V1.B16, V3.B16")
	g.f("ADD R5, R1, R10")
	g.f("SUB $1, R7, R11")
	g.f("MUL R5, R11, R11")
	g.f("ADD R1, R11, R11")
	if g.tw {
		g.f("MOVD R2, R12")
		g.f("SUB $2, R7, R13")
		g.f("LSL $%d, R13, R13", g.esShift())
		g.f("ADD R2, R13, R13")
	}
	g.f("MOVD R4, R14")
	g.f("MOVD R9, R15")
	fmt.Fprintf(g.b, "jloop:\n")
	g.f("VLD2 (R10), [V4.S4, V5.S4]")
	g.f("VLD2 (R11), [V6.S4, V7.S4]")
	a, b := 4, 6
	if g.tw {
		g.f("FMOVD (R12), F28")
		g.f("FMOVD (R13), F29")
		for i, w := range []int{28, 29} {
			s, d := 4+2*i, 8+2*i
			g.eop("fmul", d, s, w, 0)
			g.eop("fmls", d, s+1, w, 1)
			g.eop("fmul", d+1, s, w, 1)
			g.eop("fmla", d+1, s+1, w, 0)
		}
		a, b = 8, 10
		g.f("ADD $%d, R12", g.es())
		g.f("SUB $%d, R13", g.es())
	}
	g.vop("fadd", 12, a, b)
	g.vop("fadd", 13, a+1, b+1)
	g.vop("fsub", 14, a, b)
	g.vop("fsub", 15, a+1, b+1)
	g.f("VST1.P [V12.S4, V13.S4], 32(R14)")
	g.f("VST1.P [V14.S4, V15.S4], 32(R14)")
	g.vop("fadd", 2, 2, 12)
	g.vop("fadd", 3, 3, 13)
	g.f("ADD R5, R10")
	g.f("SUB R5, R11")
	g.f("SUBS $1, R15, R15")
	g.f("BNE jloop")
	g.f("VST2 [V2.S4, V3.S4], (R0)")

	g.f("ADD R6, R0, R10")
	g.f("SUB $1, R7, R11")
	g.f("MUL R6, R11, R11")
	g.f("ADD R0, R11, R11")
	g.f("MOVD R3, R12")
	g.f("LSR $1, R9, R15")
	g.f("CBZ R15, qtail")
	fmt.Fprintf(g.b, "qloop:\n")
	acc := [][4]int{{16, 17, 18, 19}, {20, 21, 22, 23}} // ar re, ar im, br re, br im
	for _, r := range acc {
		g.f("VMOV V0.B16, V%d.B16", r[0])
		g.f("VMOV V1.B16, V%d.B16", r[1])
		g.f("VEOR V%d.B16, V%d.B16, V%d.B16", r[2], r[2], r[2])
		g.f("VEOR V%d.B16, V%d.B16, V%d.B16", r[3], r[3], r[3])
	}
	g.f("MOVD R4, R14")
	g.f("MOVD R9, R13")
	g.f("MOVD R12, R17")
	g.f("ADD R16, R12, R19")
	fmt.Fprintf(g.b, "q2j:\n")
	g.f("VLD1.P 32(R14), [V4.S4, V5.S4]")
	g.f("VLD1.P 32(R14), [V6.S4, V7.S4]")
	g.f("FMOVD (R17), F28")
	g.f("FMOVD (R19), F29")
	for i, r := range acc {
		w := 28 + i
		g.eop("fmla", r[0], 4, w, 0)
		g.eop("fmla", r[1], 5, w, 0)
		g.eop("fmla", r[2], 6, w, 1)
		g.eop("fmla", r[3], 7, w, 1)
	}
	g.f("ADD $%d, R17", g.es())
	g.f("ADD $%d, R19", g.es())
	g.f("SUBS $1, R13, R13")
	g.f("BNE q2j")
	for _, r := range acc {
		g.oddOut(r)
	}
	g.f("ADD R16, R12")
	g.f("ADD R16, R12")
	g.f("SUBS $1, R15, R15")
	g.f("BNE qloop")

	fmt.Fprintf(g.b, "qtail:\n")
	g.f("TST $1, R9")
	g.f("BEQ cnext")
	r := acc[0]
	g.f("VMOV V0.B16, V%d.B16", r[0])
	g.f("VMOV V1.B16, V%d.B16", r[1])
	g.f("VEOR V%d.B16, V%d.B16, V%d.B16", r[2], r[2], r[2])
	g.f("VEOR V%d.B16, V%d.B16, V%d.B16", r[3], r[3], r[3])
	g.f("MOVD R4, R14")
	g.f("MOVD R9, R13")
	fmt.Fprintf(g.b, "q1j:\n")
	g.f("VLD1.P 32(R14), [V4.S4, V5.S4]")
	g.f("VLD1.P 32(R14), [V6.S4, V7.S4]")
	g.f("FMOVD (R12), F28")
	g.eop("fmla", r[0], 4, 28, 0)
	g.eop("fmla", r[1], 5, 28, 0)
	g.eop("fmla", r[2], 6, 28, 1)
	g.eop("fmla", r[3], 7, 28, 1)
	g.f("ADD $%d, R12", g.es())
	g.f("SUBS $1, R13, R13")
	g.f("BNE q1j")
	g.oddOut(r)

	fmt.Fprintf(g.b, "cnext:\n")
	g.f("ADD $32, R1")
	g.f("ADD $32, R0")
	g.f("SUBS $1, R8, R8")
	g.f("BNE cloop")
	fmt.Fprintf(g.b, "done:\n")
	g.f("RET")
}

// oddOut writes y_q = A - i·B to (R10) and y_(p-q) = A + i·B to (R11) from the accumulators
// r (A real, A imaginary, B real, B imaginary) and moves R10 and R11 one output inwards.
func (g *neonGen) oddOut(r [4]int) {
	g.vop("fadd", 24, r[0], r[3])
	g.vop("fsub", 25, r[1], r[2])
	g.f("VST2 [V24.S4, V25.S4], (R10)")
	g.vop("fsub", 24, r[0], r[3])
	g.vop("fadd", 25, r[1], r[2])
	g.f("VST2 [V24.S4, V25.S4], (R11)")
	g.f("ADD R6, R10")
	g.f("SUB R6, R11")
}

// genNEON returns the text of stages_arm64.s.
func genNEON() []byte {
	var b bytes.Buffer
	b.WriteString(`// Code generated by go generate from neongen_test.go. DO NOT EDIT.

//go:build !purego

#include "textflag.h"

// Register use in the radix kernels: R1 and R0 the pointers to input 0 and output 0, the
// other inputs and outputs in R2, R3, R13.. (post-incremented by one vector, 32 bytes, per
// load or store), R4 s countdown, R5 vectors per lane block, R7 output stride QS, R8 input
// stride JS, R9 twiddles of the current k, R10 k countdown, R11 vector countdown, R12
// (p-1)·QS. V0..V27 hold values as pairs (real parts, imaginary parts), V28 the twiddle, V30
// and V31 the butterfly's constants.

`)
	vals := map[string]float64{}
	for _, c := range asmConsts {
		vals[c.name] = c.val
	}
	for _, p := range []int{3, 5, 7, 8} {
		cs := neonConsts[p]
		size := 16 * ((len(cs) + 3) / 4)
		for i := range size / 4 {
			bits := uint32(0)
			if i < len(cs) {
				bits = math.Float32bits(float32(vals[cs[i]]))
			}
			fmt.Fprintf(&b, "DATA ·neonk%d<>+%d(SB)/4, $0x%08x\n", p, 4*i, bits)
		}
		fmt.Fprintf(&b, "GLOBL ·neonk%d<>(SB), RODATA|NOPTR, $%d\n\n", p, size)
	}
	for _, p := range []int{2, 3, 4, 5, 7, 8} {
		for _, tw := range []bool{false, true} {
			(&neonGen{b: &b, tw: tw}).kernel(p)
		}
	}
	for _, tw := range []bool{false, true} {
		(&neonGen{b: &b, tw: tw}).oddKernel()
	}
	return b.Bytes()
}

// genNEONC128 returns the text of stages_c128_arm64.s: the complex128 kernels, from the same
// descriptions and loops as the complex64 ones (see neonGen.f), two complex128 per register
// pair, named with the suffix C128 (r2NEONC128, ...).
func genNEONC128() []byte {
	var b bytes.Buffer
	b.WriteString(`// Code generated by go generate from neongen_test.go. DO NOT EDIT.

//go:build !purego

#include "textflag.h"

// The complex128 stage kernels: the complex64 ones of stages_arm64.s on two float64 lanes per
// register, with the same register use except that the butterflies' constants are in V29,
// V30 and V31, two per register.

`)
	vals := map[string]float64{}
	for _, c := range asmConsts {
		vals[c.name] = c.val
	}
	for _, p := range []int{3, 5, 7, 8} {
		cs := neonConsts[p]
		size := 16 * ((len(cs) + 1) / 2)
		for i := range size / 8 {
			bits := uint64(0)
			if i < len(cs) {
				bits = math.Float64bits(vals[cs[i]])
			}
			fmt.Fprintf(&b, "DATA ·neond%d<>+%d(SB)/8, $0x%016x\n", p, 8*i, bits)
		}
		fmt.Fprintf(&b, "GLOBL ·neond%d<>(SB), RODATA|NOPTR, $%d\n\n", p, size)
	}
	for _, p := range []int{2, 3, 4, 5, 7, 8} {
		for _, tw := range []bool{false, true} {
			(&neonGen{b: &b, tw: tw, dbl: true}).kernel(p)
		}
	}
	for _, tw := range []bool{false, true} {
		(&neonGen{b: &b, tw: tw, dbl: true}).oddKernel()
	}
	return b.Bytes()
}

// TestGeneratedNEON checks that stages_arm64.s and stages_c128_arm64.s are what genNEON and
// genNEONC128 write, and rewrites them with -update-neon.
func TestGeneratedNEON(t *testing.T) {
	for _, f := range []struct {
		name string
		gen  func() []byte
	}{{"stages_arm64.s", genNEON}, {"stages_c128_arm64.s", genNEONC128}} {
		want := f.gen()
		if *updateNEON {
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
	}
}

// TestNEONEncodings checks the instruction encoders: against encodings made by llvm-mc
// (recorded below, with the mnemonics that made them), then every WORD of stages_arm64.s,
// stages_c128_arm64.s, the moves and asm/vec_arm64.s (whose WORDs were assembled with
// llvm-mc) against its mnemonic, and, when llvm-mc is installed, every mnemonic of the
// stages and moves files against llvm-mc itself.
func TestNEONEncodings(t *testing.T) {
	for _, c := range []struct {
		mnemonic string
		want     uint32
	}{
		{"fadd v0.4s, v31.4s, v17.4s", 0x4e31d7e0},
		{"fsub v31.4s, v0.4s, v30.4s", 0x4ebed41f},
		{"fmul v5.4s, v27.4s, v16.4s", 0x6e30df65},
		{"fneg v31.4s, v1.4s", 0x6ea0f83f},
		{"fmul v2.4s, v3.4s, v31.s[3]", 0x4fbf9862},
		{"fmul v27.4s, v0.4s, v28.s[0]", 0x4f9c901b},
		{"fmla v16.4s, v15.4s, v29.s[1]", 0x4fbd11f0},
		{"fmla v1.4s, v2.4s, v7.s[2]", 0x4f871841},
		{"fmls v26.4s, v9.4s, v30.s[3]", 0x4fbe593a},
		{"fmls v0.4s, v0.4s, v0.s[0]", 0x4f805000},
		{"fadd v0.2d, v31.2d, v17.2d", 0x4e71d7e0},
		{"fsub v31.2d, v0.2d, v30.2d", 0x4efed41f},
		{"fmul v5.2d, v27.2d, v16.2d", 0x6e70df65},
		{"fneg v31.2d, v1.2d", 0x6ee0f83f},
		{"fmul v2.2d, v3.2d, v31.d[1]", 0x4fdf9862},
		{"fmul v27.2d, v0.2d, v28.d[0]", 0x4fdc901b},
		{"fmla v16.2d, v15.2d, v29.d[1]", 0x4fdd19f0},
		{"fmla v1.2d, v2.2d, v7.d[0]", 0x4fc71041},
		{"fmls v26.2d, v9.2d, v30.d[1]", 0x4fde593a},
		{"fmls v0.2d, v0.2d, v0.d[0]", 0x4fc05000},
	} {
		got, ok := encodeNEON(c.mnemonic)
		if !ok || got != c.want {
			t.Errorf("%s: encoded as %#08x (%v), llvm-mc gives %#08x", c.mnemonic, got, ok, c.want)
		}
	}

	gen, gen128 := string(genNEON()), string(genNEONC128())
	vec, err := os.ReadFile("../asm/vec_arm64.s")
	if err != nil {
		t.Fatal(err)
	}
	moves, err := os.ReadFile("moves_arm64.s")
	if err != nil {
		t.Fatal(err)
	}
	moves128, err := os.ReadFile("moves_c128_arm64.s")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for name, text := range map[string]string{"stages_arm64.s": gen,
		"stages_c128_arm64.s": gen128, "moves_arm64.s": string(moves),
		"moves_c128_arm64.s": string(moves128), "asm/vec_arm64.s": string(vec)} {
		for _, w := range wordLines(text) {
			got, ok := encodeNEON(w.mnemonic)
			if !ok {
				if name != "asm/vec_arm64.s" {
					t.Errorf("%s: cannot encode %q", name, w.mnemonic)
				}
				continue
			}
			checked++
			if got != w.enc {
				t.Errorf("%s: WORD $%#08x // %s: the encoder gives %#08x", name, w.enc,
					w.mnemonic, got)
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d WORDs checked", checked)
	}

	mc, err := exec.LookPath("llvm-mc")
	if err != nil {
		t.Log("llvm-mc not installed: the generated WORDs were checked against the encoders only")
		return
	}
	words := append(wordLines(gen), wordLines(gen128)...)
	words = append(words, wordLines(string(moves))...)
	words = append(words, wordLines(string(moves128))...)
	var src strings.Builder
	seen := map[string]bool{}
	var uniq []asmWord
	for _, w := range words {
		if !seen[w.mnemonic] {
			seen[w.mnemonic] = true
			uniq = append(uniq, w)
			src.WriteString(w.mnemonic + "\n")
		}
	}
	cmd := exec.Command(mc, "-triple=aarch64", "-show-encoding")
	cmd.Stdin = strings.NewReader(src.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("llvm-mc: %v", err)
	}
	re := regexp.MustCompile(`encoding: \[0x(..),0x(..),0x(..),0x(..)\]`)
	encs := re.FindAllStringSubmatch(string(out), -1)
	if len(encs) != len(uniq) {
		t.Fatalf("llvm-mc encoded %d of %d instructions", len(encs), len(uniq))
	}
	for i, e := range encs {
		v, _ := strconv.ParseUint(e[4]+e[3]+e[2]+e[1], 16, 32)
		if uint32(v) != uniq[i].enc {
			t.Errorf("%s: WORD $%#08x, llvm-mc gives %#08x", uniq[i].mnemonic, uniq[i].enc, v)
		}
	}
	t.Logf("%d distinct instructions agree with llvm-mc", len(uniq))
}

// asmWord is a WORD line of an assembly file: its value and the mnemonic in its comment.
type asmWord struct {
	enc      uint32
	mnemonic string
}

func wordLines(text string) []asmWord {
	var ws []asmWord
	re := regexp.MustCompile(`(?m)^\s*WORD \$0x([0-9a-f]{8})\s*// (.*)$`)
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseUint(m[1], 16, 32)
		ws = append(ws, asmWord{uint32(v), strings.TrimSpace(m[2])})
	}
	return ws
}

// encodeNEON encodes the mnemonics the generator writes (fadd, fsub, fmul, fneg on .4s or
// .2d registers; fmul, fmla, fmls by element), reporting whether it knows the form.
func encodeNEON(mnemonic string) (uint32, bool) {
	if d, ok := encodeNEONd(mnemonic); ok {
		return d, true
	}
	vec := regexp.MustCompile(`^(fadd|fsub|fmul) v(\d+)\.4s, v(\d+)\.4s, v(\d+)\.4s$`)
	elem := regexp.MustCompile(`^(fmul|fmla|fmls) v(\d+)\.4s, v(\d+)\.4s, v(\d+)\.s\[(\d)\]$`)
	neg := regexp.MustCompile(`^fneg v(\d+)\.4s, v(\d+)\.4s$`)
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if m := vec.FindStringSubmatch(mnemonic); m != nil {
		f := map[string]func(d, n, m int) uint32{"fadd": neonFADD, "fsub": neonFSUB,
			"fmul": neonFMUL}[m[1]]
		return f(num(m[2]), num(m[3]), num(m[4])), true
	}
	if m := elem.FindStringSubmatch(mnemonic); m != nil {
		f := map[string]func(d, n, m, lane int) uint32{"fmul": neonFMULe, "fmla": neonFMLAe,
			"fmls": neonFMLSe}[m[1]]
		return f(num(m[2]), num(m[3]), num(m[4]), num(m[5])), true
	}
	if m := neg.FindStringSubmatch(mnemonic); m != nil {
		return neonFNEG(num(m[1]), num(m[2])), true
	}
	return 0, false
}

// encodeNEONd encodes the .2d forms of the mnemonics of encodeNEON.
func encodeNEONd(mnemonic string) (uint32, bool) {
	vec := regexp.MustCompile(`^(fadd|fsub|fmul) v(\d+)\.2d, v(\d+)\.2d, v(\d+)\.2d$`)
	elem := regexp.MustCompile(`^(fmul|fmla|fmls) v(\d+)\.2d, v(\d+)\.2d, v(\d+)\.d\[(\d)\]$`)
	neg := regexp.MustCompile(`^fneg v(\d+)\.2d, v(\d+)\.2d$`)
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if m := vec.FindStringSubmatch(mnemonic); m != nil {
		f := map[string]func(d, n, m int) uint32{"fadd": neonFADDd, "fsub": neonFSUBd,
			"fmul": neonFMULd}[m[1]]
		return f(num(m[2]), num(m[3]), num(m[4])), true
	}
	if m := elem.FindStringSubmatch(mnemonic); m != nil {
		f := map[string]func(d, n, m, lane int) uint32{"fmul": neonFMULed, "fmla": neonFMLAed,
			"fmls": neonFMLSed}[m[1]]
		return f(num(m[2]), num(m[3]), num(m[4]), num(m[5])), true
	}
	if m := neg.FindStringSubmatch(mnemonic); m != nil {
		return neonFNEGd(num(m[1]), num(m[2])), true
	}
	return 0, false
}
