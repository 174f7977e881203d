//go:build !purego

#include "textflag.h"

// Complex64 vector kernels for arm64 Advanced SIMD (NEON). VLD2/VST2 split complex values
// into a register of real parts and one of imaginary parts, four values each, so the
// arithmetic needs no shuffles. The semantics are those of the pure-Go twins in vec.go:
// every product is rounded to float32 (FMUL) before it is added (FADD/FSUB), so the
// element-wise kernels match the twins bit for bit; the reductions widen to float64 with
// FCVTL first. The last n mod 4 values go through scalar instructions in the same order.
//
// The Go assembler has no vector floating-point arithmetic, so those instructions are
// WORD encodings, each with its mnemonic in the comment (assembled with llvm-mc).
//
// Register use: R0 dst, R1 a/x, R2 b/y, R5 mask, R3 blocks of 4 left, R4 tail length.

// func mulNEON(dst, a, b []complex64)
TEXT ·mulNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD a_base+24(FP), R1
	MOVD b_base+48(FP), R2
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, mulNEONTail

mulNEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]  // ar, ai
	VLD2.P 32(R2), [V2.S4, V3.S4]  // br, bi
	WORD $0x6e22dc04 // fmul v4.4s, v0.4s, v2.4s
	WORD $0x6e23dc25 // fmul v5.4s, v1.4s, v3.4s
	WORD $0x4ea5d486 // fsub v6.4s, v4.4s, v5.4s
	WORD $0x6e23dc04 // fmul v4.4s, v0.4s, v3.4s
	WORD $0x6e22dc25 // fmul v5.4s, v1.4s, v2.4s
	WORD $0x4e25d487 // fadd v7.4s, v4.4s, v5.4s
	VST2.P [V6.S4, V7.S4], 32(R0)
	SUB  $1, R3
	CBNZ R3, mulNEONLoop

mulNEONTail:
	CBZ   R4, mulNEONDone
	FMOVS (R1), F0
	FMOVS 4(R1), F1
	FMOVS (R2), F2
	FMOVS 4(R2), F3
	FMULS F2, F0, F4               // ar*br
	FMULS F3, F1, F5               // ai*bi
	FSUBS F5, F4, F6
	FMULS F3, F0, F4               // ar*bi
	FMULS F2, F1, F5               // ai*br
	FADDS F5, F4, F7
	FMOVS F6, (R0)
	FMOVS F7, 4(R0)
	ADD   $8, R0
	ADD   $8, R1
	ADD   $8, R2
	SUB   $1, R4
	B     mulNEONTail

mulNEONDone:
	RET

// func mulConjNEON(dst, a, b []complex64)
TEXT ·mulConjNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD a_base+24(FP), R1
	MOVD b_base+48(FP), R2
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, mulConjNEONTail

mulConjNEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]
	VLD2.P 32(R2), [V2.S4, V3.S4]
	WORD $0x6e22dc04 // fmul v4.4s, v0.4s, v2.4s
	WORD $0x6e23dc25 // fmul v5.4s, v1.4s, v3.4s
	WORD $0x4e25d486 // fadd v6.4s, v4.4s, v5.4s
	WORD $0x6e23dc04 // fmul v4.4s, v0.4s, v3.4s
	WORD $0x6e22dc25 // fmul v5.4s, v1.4s, v2.4s
	WORD $0x4ea5d487 // fsub v7.4s, v4.4s, v5.4s
	VST2.P [V6.S4, V7.S4], 32(R0)
	SUB  $1, R3
	CBNZ R3, mulConjNEONLoop

mulConjNEONTail:
	CBZ   R4, mulConjNEONDone
	FMOVS (R1), F0
	FMOVS 4(R1), F1
	FMOVS (R2), F2
	FMOVS 4(R2), F3
	FMULS F2, F0, F4
	FMULS F3, F1, F5
	FADDS F5, F4, F6               // ar*br + ai*bi
	FMULS F3, F0, F4
	FMULS F2, F1, F5
	FSUBS F5, F4, F7               // ar*bi - ai*br
	FMOVS F6, (R0)
	FMOVS F7, 4(R0)
	ADD   $8, R0
	ADD   $8, R1
	ADD   $8, R2
	SUB   $1, R4
	B     mulConjNEONTail

mulConjNEONDone:
	RET

// func mulConjAccNEON(dst, a, b []complex64)
TEXT ·mulConjAccNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD a_base+24(FP), R1
	MOVD b_base+48(FP), R2
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, mulConjAccNEONTail

mulConjAccNEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]
	VLD2.P 32(R2), [V2.S4, V3.S4]
	VLD2   (R0), [V16.S4, V17.S4]  // dst
	WORD $0x6e22dc04 // fmul v4.4s, v0.4s, v2.4s
	WORD $0x6e23dc25 // fmul v5.4s, v1.4s, v3.4s
	WORD $0x4e25d486 // fadd v6.4s, v4.4s, v5.4s
	WORD $0x6e23dc04 // fmul v4.4s, v0.4s, v3.4s
	WORD $0x6e22dc25 // fmul v5.4s, v1.4s, v2.4s
	WORD $0x4ea5d487 // fsub v7.4s, v4.4s, v5.4s
	WORD $0x4e26d606 // fadd v6.4s, v16.4s, v6.4s
	WORD $0x4e27d627 // fadd v7.4s, v17.4s, v7.4s
	VST2.P [V6.S4, V7.S4], 32(R0)
	SUB  $1, R3
	CBNZ R3, mulConjAccNEONLoop

mulConjAccNEONTail:
	CBZ   R4, mulConjAccNEONDone
	FMOVS (R1), F0
	FMOVS 4(R1), F1
	FMOVS (R2), F2
	FMOVS 4(R2), F3
	FMULS F2, F0, F4
	FMULS F3, F1, F5
	FADDS F5, F4, F6
	FMULS F3, F0, F4
	FMULS F2, F1, F5
	FSUBS F5, F4, F7
	FMOVS (R0), F16
	FMOVS 4(R0), F17
	FADDS F6, F16, F6
	FADDS F7, F17, F7
	FMOVS F6, (R0)
	FMOVS F7, 4(R0)
	ADD   $8, R0
	ADD   $8, R1
	ADD   $8, R2
	SUB   $1, R4
	B     mulConjAccNEONTail

mulConjAccNEONDone:
	RET

// Scaled updates: V20 = αr and V21 = αi in every lane (F20, F21 for the tail). For x in
// V0 (real) and V1 (imaginary): re = αr*xr - αi*xi in V6, im = αr*xi + αi*xr in V7.

// func scaleNEON(dst []complex64, alpha complex64, x []complex64)
TEXT ·scaleNEON(SB), NOSPLIT, $0-56
	MOVD  dst_base+0(FP), R0
	MOVD  dst_len+8(FP), R3
	FMOVS alpha_real+24(FP), F20
	FMOVS alpha_imag+28(FP), F21
	MOVD  x_base+32(FP), R1
	VDUP  V20.S[0], V22.S4
	VDUP  V21.S[0], V23.S4
	AND   $3, R3, R4
	LSR   $2, R3, R3
	CBZ   R3, scaleNEONTail

scaleNEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]
	WORD $0x6e20dec4 // fmul v4.4s, v22.4s, v0.4s
	WORD $0x6e21dee5 // fmul v5.4s, v23.4s, v1.4s
	WORD $0x4ea5d486 // fsub v6.4s, v4.4s, v5.4s
	WORD $0x6e21dec4 // fmul v4.4s, v22.4s, v1.4s
	WORD $0x6e20dee5 // fmul v5.4s, v23.4s, v0.4s
	WORD $0x4e25d487 // fadd v7.4s, v4.4s, v5.4s
	VST2.P [V6.S4, V7.S4], 32(R0)
	SUB  $1, R3
	CBNZ R3, scaleNEONLoop

scaleNEONTail:
	CBZ   R4, scaleNEONDone
	FMOVS (R1), F0
	FMOVS 4(R1), F1
	FMULS F0, F20, F4
	FMULS F1, F21, F5
	FSUBS F5, F4, F6
	FMULS F1, F20, F4
	FMULS F0, F21, F5
	FADDS F5, F4, F7
	FMOVS F6, (R0)
	FMOVS F7, 4(R0)
	ADD   $8, R0
	ADD   $8, R1
	SUB   $1, R4
	B     scaleNEONTail

scaleNEONDone:
	RET

// func axpyNEON(alpha complex64, x, y []complex64)
TEXT ·axpyNEON(SB), NOSPLIT, $0-56
	FMOVS alpha_real+0(FP), F20
	FMOVS alpha_imag+4(FP), F21
	MOVD  x_base+8(FP), R1
	MOVD  y_base+32(FP), R0
	MOVD  y_len+40(FP), R3
	VDUP  V20.S[0], V22.S4
	VDUP  V21.S[0], V23.S4
	AND   $3, R3, R4
	LSR   $2, R3, R3
	CBZ   R3, axpyNEONTail

axpyNEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]
	VLD2   (R0), [V16.S4, V17.S4]  // y
	WORD $0x6e20dec4 // fmul v4.4s, v22.4s, v0.4s
	WORD $0x6e21dee5 // fmul v5.4s, v23.4s, v1.4s
	WORD $0x4ea5d486 // fsub v6.4s, v4.4s, v5.4s
	WORD $0x6e21dec4 // fmul v4.4s, v22.4s, v1.4s
	WORD $0x6e20dee5 // fmul v5.4s, v23.4s, v0.4s
	WORD $0x4e25d487 // fadd v7.4s, v4.4s, v5.4s
	WORD $0x4e26d606 // fadd v6.4s, v16.4s, v6.4s
	WORD $0x4e27d627 // fadd v7.4s, v17.4s, v7.4s
	VST2.P [V6.S4, V7.S4], 32(R0)
	SUB  $1, R3
	CBNZ R3, axpyNEONLoop

axpyNEONTail:
	CBZ   R4, axpyNEONDone
	FMOVS (R1), F0
	FMOVS 4(R1), F1
	FMULS F0, F20, F4
	FMULS F1, F21, F5
	FSUBS F5, F4, F6
	FMULS F1, F20, F4
	FMULS F0, F21, F5
	FADDS F5, F4, F7
	FMOVS (R0), F16
	FMOVS 4(R0), F17
	FADDS F6, F16, F6
	FADDS F7, F17, F7
	FMOVS F6, (R0)
	FMOVS F7, 4(R0)
	ADD   $8, R0
	ADD   $8, R1
	SUB   $1, R4
	B     axpyNEONTail

axpyNEONDone:
	RET

// func xpayNEON(x []complex64, beta complex64, y []complex64)
TEXT ·xpayNEON(SB), NOSPLIT, $0-56
	MOVD  x_base+0(FP), R1
	FMOVS beta_real+24(FP), F20
	FMOVS beta_imag+28(FP), F21
	MOVD  y_base+32(FP), R0
	MOVD  y_len+40(FP), R3
	VDUP  V20.S[0], V22.S4
	VDUP  V21.S[0], V23.S4
	AND   $3, R3, R4
	LSR   $2, R3, R3
	CBZ   R3, xpayNEONTail

xpayNEONLoop:
	VLD2   (R0), [V0.S4, V1.S4]    // y
	VLD2.P 32(R1), [V16.S4, V17.S4] // x
	WORD $0x6e20dec4 // fmul v4.4s, v22.4s, v0.4s
	WORD $0x6e21dee5 // fmul v5.4s, v23.4s, v1.4s
	WORD $0x4ea5d486 // fsub v6.4s, v4.4s, v5.4s
	WORD $0x6e21dec4 // fmul v4.4s, v22.4s, v1.4s
	WORD $0x6e20dee5 // fmul v5.4s, v23.4s, v0.4s
	WORD $0x4e25d487 // fadd v7.4s, v4.4s, v5.4s
	WORD $0x4e26d606 // fadd v6.4s, v16.4s, v6.4s
	WORD $0x4e27d627 // fadd v7.4s, v17.4s, v7.4s
	VST2.P [V6.S4, V7.S4], 32(R0)
	SUB  $1, R3
	CBNZ R3, xpayNEONLoop

xpayNEONTail:
	CBZ   R4, xpayNEONDone
	FMOVS (R0), F0
	FMOVS 4(R0), F1
	FMULS F0, F20, F4
	FMULS F1, F21, F5
	FSUBS F5, F4, F6
	FMULS F1, F20, F4
	FMULS F0, F21, F5
	FADDS F5, F4, F7
	FMOVS (R1), F16
	FMOVS 4(R1), F17
	FADDS F6, F16, F6
	FADDS F7, F17, F7
	FMOVS F6, (R0)
	FMOVS F7, 4(R0)
	ADD   $8, R0
	ADD   $8, R1
	SUB   $1, R4
	B     xpayNEONTail

xpayNEONDone:
	RET

// Reductions: FCVTL/FCVTL2 widen the low and high two lanes to float64. Products of widened
// float32 values are exact, so FMLA/FMLS round only the sums.

// func dotcNEON(x, y []complex64) complex128
TEXT ·dotcNEON(SB), NOSPLIT, $0-64
	MOVD x_base+0(FP), R1
	MOVD x_len+8(FP), R3
	MOVD y_base+24(FP), R2
	VEOR V24.B16, V24.B16, V24.B16 // Σ re, low lanes
	VEOR V25.B16, V25.B16, V25.B16 // Σ re, high lanes
	VEOR V26.B16, V26.B16, V26.B16 // Σ im, low lanes
	VEOR V27.B16, V27.B16, V27.B16 // Σ im, high lanes
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, dotcNEONFold

dotcNEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]  // xr, xi
	VLD2.P 32(R2), [V2.S4, V3.S4]  // yr, yi
	WORD $0x0e617804 // fcvtl v4.2d, v0.2s
	WORD $0x4e617805 // fcvtl2 v5.2d, v0.4s
	WORD $0x0e617826 // fcvtl v6.2d, v1.2s
	WORD $0x4e617827 // fcvtl2 v7.2d, v1.4s
	WORD $0x0e617850 // fcvtl v16.2d, v2.2s
	WORD $0x4e617851 // fcvtl2 v17.2d, v2.4s
	WORD $0x0e617872 // fcvtl v18.2d, v3.2s
	WORD $0x4e617873 // fcvtl2 v19.2d, v3.4s
	WORD $0x4e70cc98 // fmla v24.2d, v4.2d, v16.2d
	WORD $0x4e71ccb9 // fmla v25.2d, v5.2d, v17.2d
	WORD $0x4e72cc9a // fmla v26.2d, v4.2d, v18.2d
	WORD $0x4e73ccbb // fmla v27.2d, v5.2d, v19.2d
	WORD $0x4e72ccd8 // fmla v24.2d, v6.2d, v18.2d
	WORD $0x4e73ccf9 // fmla v25.2d, v7.2d, v19.2d
	WORD $0x4ef0ccda // fmls v26.2d, v6.2d, v16.2d
	WORD $0x4ef1ccfb // fmls v27.2d, v7.2d, v17.2d
	SUB  $1, R3
	CBNZ R3, dotcNEONLoop

dotcNEONFold:
	WORD $0x4e79d718 // fadd v24.2d, v24.2d, v25.2d
	WORD $0x4e7bd75a // fadd v26.2d, v26.2d, v27.2d
	WORD $0x7e70db18 // faddp d24, v24.2d
	WORD $0x7e70db5a // faddp d26, v26.2d

dotcNEONTail:
	CBZ    R4, dotcNEONDone
	FMOVS  (R1), F0
	FMOVS  4(R1), F1
	FMOVS  (R2), F2
	FMOVS  4(R2), F3
	FCVTSD F0, F0
	FCVTSD F1, F1
	FCVTSD F2, F2
	FCVTSD F3, F3
	FMULD  F2, F0, F4              // xr*yr
	FMULD  F3, F1, F5              // xi*yi
	FADDD  F5, F4, F4
	FADDD  F4, F24, F24
	FMULD  F3, F0, F4              // xr*yi
	FMULD  F2, F1, F5              // xi*yr
	FSUBD  F5, F4, F4
	FADDD  F4, F26, F26
	ADD    $8, R1
	ADD    $8, R2
	SUB    $1, R4
	B      dotcNEONTail

dotcNEONDone:
	FMOVD F24, ret_real+48(FP)
	FMOVD F26, ret_imag+56(FP)
	RET

// func norm2NEON(x []complex64) float64
TEXT ·norm2NEON(SB), NOSPLIT, $0-32
	MOVD x_base+0(FP), R1
	MOVD x_len+8(FP), R3
	VEOR V24.B16, V24.B16, V24.B16
	VEOR V25.B16, V25.B16, V25.B16
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, norm2NEONFold

norm2NEONLoop:
	VLD1.P 32(R1), [V0.S4, V1.S4]  // two values per register, interleaved
	WORD $0x0e617804 // fcvtl v4.2d, v0.2s
	WORD $0x4e617805 // fcvtl2 v5.2d, v0.4s
	WORD $0x0e617826 // fcvtl v6.2d, v1.2s
	WORD $0x4e617827 // fcvtl2 v7.2d, v1.4s
	WORD $0x4e64cc98 // fmla v24.2d, v4.2d, v4.2d
	WORD $0x4e65ccb9 // fmla v25.2d, v5.2d, v5.2d
	WORD $0x4e66ccd8 // fmla v24.2d, v6.2d, v6.2d
	WORD $0x4e67ccf9 // fmla v25.2d, v7.2d, v7.2d
	SUB  $1, R3
	CBNZ R3, norm2NEONLoop

norm2NEONFold:
	WORD $0x4e79d718 // fadd v24.2d, v24.2d, v25.2d
	WORD $0x7e70db18 // faddp d24, v24.2d

norm2NEONTail:
	CBZ    R4, norm2NEONDone
	FMOVS  (R1), F0
	FMOVS  4(R1), F1
	FCVTSD F0, F0
	FCVTSD F1, F1
	FMULD  F0, F0, F4
	FMULD  F1, F1, F5
	FADDD  F5, F4, F4
	FADDD  F4, F24, F24
	ADD    $8, R1
	SUB    $1, R4
	B      norm2NEONTail

norm2NEONDone:
	FMOVD F24, ret+24(FP)
	RET

// func maskCopyNEON(dst, src []complex64, mask []float32)
TEXT ·maskCopyNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD src_base+24(FP), R1
	MOVD mask_base+48(FP), R5
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, maskCopyNEONTail

maskCopyNEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]
	VLD1.P 16(R5), [V2.S4]
	WORD $0x6e22dc06 // fmul v6.4s, v0.4s, v2.4s
	WORD $0x6e22dc27 // fmul v7.4s, v1.4s, v2.4s
	VST2.P [V6.S4, V7.S4], 32(R0)
	SUB  $1, R3
	CBNZ R3, maskCopyNEONLoop

maskCopyNEONTail:
	CBZ   R4, maskCopyNEONDone
	FMOVS (R1), F0
	FMOVS 4(R1), F1
	FMOVS (R5), F2
	FMULS F2, F0, F6
	FMULS F2, F1, F7
	FMOVS F6, (R0)
	FMOVS F7, 4(R0)
	ADD   $8, R0
	ADD   $8, R1
	ADD   $4, R5
	SUB   $1, R4
	B     maskCopyNEONTail

maskCopyNEONDone:
	RET

// func absNEON(dst []float32, x []complex64)
TEXT ·absNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD x_base+24(FP), R1
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, absNEONTail

absNEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]
	WORD $0x0e617802 // fcvtl v2.2d, v0.2s
	WORD $0x4e617803 // fcvtl2 v3.2d, v0.4s
	WORD $0x0e617824 // fcvtl v4.2d, v1.2s
	WORD $0x4e617825 // fcvtl2 v5.2d, v1.4s
	WORD $0x6e62dc42 // fmul v2.2d, v2.2d, v2.2d
	WORD $0x6e63dc63 // fmul v3.2d, v3.2d, v3.2d
	WORD $0x6e64dc84 // fmul v4.2d, v4.2d, v4.2d
	WORD $0x6e65dca5 // fmul v5.2d, v5.2d, v5.2d
	WORD $0x4e64d442 // fadd v2.2d, v2.2d, v4.2d
	WORD $0x4e65d463 // fadd v3.2d, v3.2d, v5.2d
	WORD $0x6ee1f842 // fsqrt v2.2d, v2.2d
	WORD $0x6ee1f863 // fsqrt v3.2d, v3.2d
	WORD $0x0e616846 // fcvtn v6.2s, v2.2d
	WORD $0x4e616866 // fcvtn2 v6.4s, v3.2d
	VST1.P [V6.S4], 16(R0)
	SUB  $1, R3
	CBNZ R3, absNEONLoop

absNEONTail:
	CBZ    R4, absNEONDone
	FMOVS  (R1), F0
	FMOVS  4(R1), F1
	FCVTSD F0, F0
	FCVTSD F1, F1
	FMULD  F0, F0, F2
	FMULD  F1, F1, F3
	FADDD  F3, F2, F2
	FSQRTD F2, F2
	FCVTDS F2, F2
	FMOVS  F2, (R0)
	ADD    $4, R0
	ADD    $8, R1
	SUB    $1, R4
	B      absNEONTail

absNEONDone:
	RET

// func addAbs2NEON(dst []float32, x []complex64)
TEXT ·addAbs2NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	MOVD x_base+24(FP), R1
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, addAbs2NEONTail

addAbs2NEONLoop:
	VLD2.P 32(R1), [V0.S4, V1.S4]
	VLD1   (R0), [V16.S4]
	WORD $0x6e20dc02 // fmul v2.4s, v0.4s, v0.4s
	WORD $0x6e21dc23 // fmul v3.4s, v1.4s, v1.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e22d606 // fadd v6.4s, v16.4s, v2.4s
	VST1.P [V6.S4], 16(R0)
	SUB  $1, R3
	CBNZ R3, addAbs2NEONLoop

addAbs2NEONTail:
	CBZ   R4, addAbs2NEONDone
	FMOVS (R1), F0
	FMOVS 4(R1), F1
	FMULS F0, F0, F2
	FMULS F1, F1, F3
	FADDS F3, F2, F2
	FMOVS (R0), F16
	FADDS F2, F16, F16
	FMOVS F16, (R0)
	ADD   $4, R0
	ADD   $8, R1
	SUB   $1, R4
	B     addAbs2NEONTail

addAbs2NEONDone:
	RET

// func sqrtNEON(dst []float32)
TEXT ·sqrtNEON(SB), NOSPLIT, $0-24
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R3
	AND  $3, R3, R4
	LSR  $2, R3, R3
	CBZ  R3, sqrtNEONTail

sqrtNEONLoop:
	VLD1   (R0), [V0.S4]
	WORD $0x6ea1f800 // fsqrt v0.4s, v0.4s
	VST1.P [V0.S4], 16(R0)
	SUB  $1, R3
	CBNZ R3, sqrtNEONLoop

sqrtNEONTail:
	CBZ    R4, sqrtNEONDone
	FMOVS  (R0), F0
	FSQRTS F0, F0
	FMOVS  F0, (R0)
	ADD    $4, R0
	SUB    $1, R4
	B      sqrtNEONTail

sqrtNEONDone:
	RET
