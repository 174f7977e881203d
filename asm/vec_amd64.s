//go:build !purego

#include "textflag.h"

// Complex64 vector kernels for AVX2+FMA (4 complex values per Y register) and AVX-512
// (8 per Z register). The semantics are those of the pure-Go twins in vec.go: element-wise
// kernels round every product to float32 before adding (VMULPS, then VADDSUBPS or VADDPS),
// so they match the twins bit for bit; the reductions convert to float64 first.
//
// Register use throughout: DI dst, SI a/x, DX b/y, R8 mask, CX n, AX i, BX end of the main
// loop. AVX2 kernels finish with a one-element loop on X registers; AVX-512 kernels finish
// with one pass under an opmask (K1 for complex64 lanes, K2 for float32 lanes).

// CMUL_PARTS(a, b, t1, t2, t3) forms the parts of a*b: t1 = (ar, ar), t2 = (ai, ai), t3 = (bi, br),
// t1 = (ar*br, ar*bi), t2 = (ai*bi, ai*br), a = (t1 - t2, t1 + t2) on even, odd lanes.
#define CMUL_PARTS(a, b, t1, t2, t3) \
	VMOVSLDUP   a, t1; \
	VMOVSHDUP   a, t2; \
	VPERMILPS   $0xB1, b, t3; \
	VMULPS      b, t1, t1; \
	VMULPS      t3, t2, t2

// LANE_MASK(n, tmp, k) sets opmask k to the lowest n bits (n ≤ 16, in CX), using tmp.
#define LANE_MASK(tmp, k) \
	MOVL  $1, tmp; \
	SHLL  CX, tmp; \
	DECL  tmp; \
	KMOVW tmp, k

// ---------------------------------------------------------------------------------------
// AVX2 element-wise products.

// func mulAVX2(dst, a, b []complex64)
TEXT ·mulAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX               // whole Y registers

mulAVX2Loop:
	CMPQ AX, BX
	JAE  mulAVX2Tail
	VMOVUPS (SI)(AX*8), Y0
	VMOVUPS (DX)(AX*8), Y1
	CMUL_PARTS(Y0, Y1, Y2, Y3, Y4)
	VADDSUBPS Y3, Y2, Y0       // (t1 - t2, t1 + t2)
	VMOVUPS Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  mulAVX2Loop

mulAVX2Tail:
	CMPQ AX, CX
	JAE  mulAVX2Done
	VMOVSD (SI)(AX*8), X0
	VMOVSD (DX)(AX*8), X1
	CMUL_PARTS(X0, X1, X2, X3, X4)
	VADDSUBPS X3, X2, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  mulAVX2Tail

mulAVX2Done:
	VZEROUPPER
	RET

// func mulConjAVX2(dst, a, b []complex64)
TEXT ·mulConjAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	MOVQ $0x8000000080000000, R9
	VMOVQ R9, X8
	VPBROADCASTQ X8, Y8        // sign bit of every lane
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

mulConjAVX2Loop:
	CMPQ AX, BX
	JAE  mulConjAVX2Tail
	VMOVUPS (SI)(AX*8), Y0
	VMOVUPS (DX)(AX*8), Y1
	CMUL_PARTS(Y0, Y1, Y2, Y3, Y4)
	VXORPS    Y8, Y3, Y3       // -t2
	VADDSUBPS Y3, Y2, Y0       // (t1 + t2, t1 - t2)
	VMOVUPS Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  mulConjAVX2Loop

mulConjAVX2Tail:
	CMPQ AX, CX
	JAE  mulConjAVX2Done
	VMOVSD (SI)(AX*8), X0
	VMOVSD (DX)(AX*8), X1
	CMUL_PARTS(X0, X1, X2, X3, X4)
	VXORPS    X8, X3, X3
	VADDSUBPS X3, X2, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  mulConjAVX2Tail

mulConjAVX2Done:
	VZEROUPPER
	RET

// func mulConjAccAVX2(dst, a, b []complex64)
TEXT ·mulConjAccAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	MOVQ $0x8000000080000000, R9
	VMOVQ R9, X8
	VPBROADCASTQ X8, Y8
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

mulConjAccAVX2Loop:
	CMPQ AX, BX
	JAE  mulConjAccAVX2Tail
	VMOVUPS (SI)(AX*8), Y0
	VMOVUPS (DX)(AX*8), Y1
	CMUL_PARTS(Y0, Y1, Y2, Y3, Y4)
	VXORPS    Y8, Y3, Y3
	VADDSUBPS Y3, Y2, Y0
	VADDPS  (DI)(AX*8), Y0, Y0 // dst + conj(a)*b
	VMOVUPS Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  mulConjAccAVX2Loop

mulConjAccAVX2Tail:
	CMPQ AX, CX
	JAE  mulConjAccAVX2Done
	VMOVSD (SI)(AX*8), X0
	VMOVSD (DX)(AX*8), X1
	CMUL_PARTS(X0, X1, X2, X3, X4)
	VXORPS    X8, X3, X3
	VADDSUBPS X3, X2, X0
	VMOVSD (DI)(AX*8), X1
	VADDPS X1, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  mulConjAccAVX2Tail

mulConjAccAVX2Done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------
// AVX2 scaled updates. Y8 = (αr, αr, ...), Y9 = (αi, αi, ...); for x in Y1 the product is
// VADDSUBPS of αr*x and αi*swap(x).

#define SCALE_PARTS(x, t1, t2) \
	VPERMILPS $0xB1, x, t2; \
	VMULPS    x, Y8, t1; \
	VMULPS    t2, Y9, t2

#define SCALE_PARTS_X(x, t1, t2) \
	VPERMILPS $0xB1, x, t2; \
	VMULPS    x, X8, t1; \
	VMULPS    t2, X9, t2

// func scaleAVX2(dst []complex64, alpha complex64, x []complex64)
TEXT ·scaleAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	VBROADCASTSS alpha_real+24(FP), Y8
	VBROADCASTSS alpha_imag+28(FP), Y9
	MOVQ x_base+32(FP), SI
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

scaleAVX2Loop:
	CMPQ AX, BX
	JAE  scaleAVX2Tail
	VMOVUPS (SI)(AX*8), Y1
	SCALE_PARTS(Y1, Y2, Y3)
	VADDSUBPS Y3, Y2, Y0
	VMOVUPS Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  scaleAVX2Loop

scaleAVX2Tail:
	CMPQ AX, CX
	JAE  scaleAVX2Done
	VMOVSD (SI)(AX*8), X1
	SCALE_PARTS_X(X1, X2, X3)
	VADDSUBPS X3, X2, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  scaleAVX2Tail

scaleAVX2Done:
	VZEROUPPER
	RET

// func axpyAVX2(alpha complex64, x, y []complex64)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha_real+0(FP), Y8
	VBROADCASTSS alpha_imag+4(FP), Y9
	MOVQ x_base+8(FP), SI
	MOVQ y_base+32(FP), DI
	MOVQ y_len+40(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

axpyAVX2Loop:
	CMPQ AX, BX
	JAE  axpyAVX2Tail
	VMOVUPS (SI)(AX*8), Y1
	SCALE_PARTS(Y1, Y2, Y3)
	VADDSUBPS Y3, Y2, Y0
	VADDPS  (DI)(AX*8), Y0, Y0 // y + alpha*x
	VMOVUPS Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  axpyAVX2Loop

axpyAVX2Tail:
	CMPQ AX, CX
	JAE  axpyAVX2Done
	VMOVSD (SI)(AX*8), X1
	SCALE_PARTS_X(X1, X2, X3)
	VADDSUBPS X3, X2, X0
	VMOVSD (DI)(AX*8), X1
	VADDPS X1, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  axpyAVX2Tail

axpyAVX2Done:
	VZEROUPPER
	RET

// func xpayAVX2(x []complex64, beta complex64, y []complex64)
TEXT ·xpayAVX2(SB), NOSPLIT, $0-56
	MOVQ x_base+0(FP), SI
	VBROADCASTSS beta_real+24(FP), Y8
	VBROADCASTSS beta_imag+28(FP), Y9
	MOVQ y_base+32(FP), DI
	MOVQ y_len+40(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

xpayAVX2Loop:
	CMPQ AX, BX
	JAE  xpayAVX2Tail
	VMOVUPS (DI)(AX*8), Y1
	SCALE_PARTS(Y1, Y2, Y3)
	VADDSUBPS Y3, Y2, Y0
	VADDPS  (SI)(AX*8), Y0, Y0 // x + beta*y
	VMOVUPS Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  xpayAVX2Loop

xpayAVX2Tail:
	CMPQ AX, CX
	JAE  xpayAVX2Done
	VMOVSD (DI)(AX*8), X1
	SCALE_PARTS_X(X1, X2, X3)
	VADDSUBPS X3, X2, X0
	VMOVSD (SI)(AX*8), X1
	VADDPS X1, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  xpayAVX2Tail

xpayAVX2Done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------
// AVX2 reductions in float64: VCVTPS2PD turns two complex64 values into one Y register of
// float64; products of converted float32 values are exact, so the FMAs round only the sums.

// func dotcAVX2(x, y []complex64) complex128
TEXT ·dotcAVX2(SB), NOSPLIT, $0-64
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DX
	VXORPD Y4, Y4, Y4          // Σ (xr*yr, xi*yi), even elements
	VXORPD Y5, Y5, Y5          // Σ (xr*yi, xi*yr), even elements
	VXORPD Y6, Y6, Y6          // the same for odd pairs
	VXORPD Y7, Y7, Y7
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

dotcAVX2Loop:
	CMPQ AX, BX
	JAE  dotcAVX2Fold
	VCVTPS2PD (SI)(AX*8), Y0
	VCVTPS2PD (DX)(AX*8), Y1
	VCVTPS2PD 16(SI)(AX*8), Y2
	VCVTPS2PD 16(DX)(AX*8), Y3
	VPERMILPD $5, Y1, Y8       // (yi, yr)
	VPERMILPD $5, Y3, Y9
	VFMADD231PD Y1, Y0, Y4
	VFMADD231PD Y8, Y0, Y5
	VFMADD231PD Y3, Y2, Y6
	VFMADD231PD Y9, Y2, Y7
	ADDQ $4, AX
	JMP  dotcAVX2Loop

dotcAVX2Fold:
	VADDPD Y6, Y4, Y4
	VADDPD Y7, Y5, Y5
	VEXTRACTF128 $1, Y4, X6
	VEXTRACTF128 $1, Y5, X7
	VADDPD X6, X4, X4
	VADDPD X7, X5, X5

dotcAVX2Tail:
	CMPQ AX, CX
	JAE  dotcAVX2Done
	VCVTPS2PD (SI)(AX*8), X0
	VCVTPS2PD (DX)(AX*8), X1
	VPERMILPD $1, X1, X8
	VFMADD231PD X1, X0, X4
	VFMADD231PD X8, X0, X5
	INCQ AX
	JMP  dotcAVX2Tail

dotcAVX2Done:
	VPERMILPD $1, X4, X6
	VADDSD X6, X4, X4          // re = Σ xr*yr + Σ xi*yi
	VPERMILPD $1, X5, X7
	VSUBSD X7, X5, X5          // im = Σ xr*yi - Σ xi*yr
	VMOVSD X4, ret_real+48(FP)
	VMOVSD X5, ret_imag+56(FP)
	VZEROUPPER
	RET

// func norm2AVX2(x []complex64) float64
TEXT ·norm2AVX2(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

norm2AVX2Loop:
	CMPQ AX, BX
	JAE  norm2AVX2Fold
	VCVTPS2PD (SI)(AX*8), Y0
	VCVTPS2PD 16(SI)(AX*8), Y1
	VFMADD231PD Y0, Y0, Y4
	VFMADD231PD Y1, Y1, Y5
	ADDQ $4, AX
	JMP  norm2AVX2Loop

norm2AVX2Fold:
	VADDPD Y5, Y4, Y4
	VEXTRACTF128 $1, Y4, X5
	VADDPD X5, X4, X4

norm2AVX2Tail:
	CMPQ AX, CX
	JAE  norm2AVX2Done
	VCVTPS2PD (SI)(AX*8), X0
	VFMADD231PD X0, X0, X4
	INCQ AX
	JMP  norm2AVX2Tail

norm2AVX2Done:
	VPERMILPD $1, X4, X5
	VADDSD X5, X4, X4
	VMOVSD X4, ret+24(FP)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------
// AVX2 masks and magnitudes.

// func maskCopyAVX2(dst, src []complex64, mask []float32)
TEXT ·maskCopyAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ mask_base+48(FP), R8
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

maskCopyAVX2Loop:
	CMPQ AX, BX
	JAE  maskCopyAVX2Tail
	VPMOVZXDQ (R8)(AX*4), Y2   // (m0, 0, m1, 0, ...)
	VMOVSLDUP Y2, Y2           // (m0, m0, m1, m1, ...)
	VMULPS  (SI)(AX*8), Y2, Y0
	VMOVUPS Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  maskCopyAVX2Loop

maskCopyAVX2Tail:
	CMPQ AX, CX
	JAE  maskCopyAVX2Done
	VMOVSS (R8)(AX*4), X2
	VMOVSLDUP X2, X2
	VMOVSD (SI)(AX*8), X0
	VMULPS X2, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  maskCopyAVX2Tail

maskCopyAVX2Done:
	VZEROUPPER
	RET

// func absAVX2(dst []float32, x []complex64)
TEXT ·absAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-4, BX

absAVX2Loop:
	CMPQ AX, BX
	JAE  absAVX2Tail
	VCVTPS2PD (SI)(AX*8), Y0   // (r0, i0, r1, i1)
	VCVTPS2PD 16(SI)(AX*8), Y1 // (r2, i2, r3, i3)
	VMULPD Y0, Y0, Y0
	VMULPD Y1, Y1, Y1
	VHADDPD Y1, Y0, Y0         // |x|² of elements 0, 2, 1, 3
	VSQRTPD Y0, Y0
	VCVTPD2PSY Y0, X0
	VPERMILPS $0xD8, X0, X0    // elements 0, 1, 2, 3
	VMOVUPS X0, (DI)(AX*4)
	ADDQ $4, AX
	JMP  absAVX2Loop

absAVX2Tail:
	CMPQ AX, CX
	JAE  absAVX2Done
	VCVTPS2PD (SI)(AX*8), X0
	VMULPD X0, X0, X0
	VHADDPD X0, X0, X0
	VSQRTSD X0, X0, X0
	VCVTSD2SS X0, X0, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ AX
	JMP  absAVX2Tail

absAVX2Done:
	VZEROUPPER
	RET

// func addAbs2AVX2(dst []float32, x []complex64)
TEXT ·addAbs2AVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

addAbs2AVX2Loop:
	CMPQ AX, BX
	JAE  addAbs2AVX2Tail
	VMOVUPS (SI)(AX*8), Y0     // elements 0-3
	VMOVUPS 32(SI)(AX*8), Y1   // elements 4-7
	VMULPS Y0, Y0, Y0
	VMULPS Y1, Y1, Y1
	VHADDPS Y1, Y0, Y0         // |x|² of elements 0, 1, 4, 5, 2, 3, 6, 7
	VPERMPD $0xD8, Y0, Y0      // elements 0-7
	VADDPS  (DI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ $8, AX
	JMP  addAbs2AVX2Loop

addAbs2AVX2Tail:
	CMPQ AX, CX
	JAE  addAbs2AVX2Done
	VMOVSD (SI)(AX*8), X0
	VMULPS X0, X0, X0
	VHADDPS X0, X0, X0
	VADDSS (DI)(AX*4), X0, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ AX
	JMP  addAbs2AVX2Tail

addAbs2AVX2Done:
	VZEROUPPER
	RET

// func sqrtAVX2(dst []float32)
TEXT ·sqrtAVX2(SB), NOSPLIT, $0-24
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

sqrtAVX2Loop:
	CMPQ AX, BX
	JAE  sqrtAVX2Tail
	VSQRTPS (DI)(AX*4), Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ $8, AX
	JMP  sqrtAVX2Loop

sqrtAVX2Tail:
	CMPQ AX, CX
	JAE  sqrtAVX2Done
	VSQRTSS (DI)(AX*4), X0, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ AX
	JMP  sqrtAVX2Tail

sqrtAVX2Done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------
// AVX-512 element-wise products. AVX-512 has no VADDSUBPS, so the odd or even lanes of t2
// have their sign flipped (VPXORD with Z8) and are added: t1 + (-t2) rounds as t1 - t2.
// The last n mod 8 elements go through the same steps under opmask K1.

// MUL512 computes t1 + (t2 ^ Z8) for a in Z0 and b in Z1, leaving it in Z0.
#define MUL512 \
	CMUL_PARTS(Z0, Z1, Z2, Z3, Z4); \
	VPXORD Z8, Z3, Z3; \
	VADDPS Z3, Z2, Z0

// func mulAVX512(dst, a, b []complex64)
TEXT ·mulAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	MOVQ $0x0000000080000000, R9
	VMOVQ R9, X8
	VPBROADCASTQ X8, Z8        // sign bit of the real (even) lanes
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

mulAVX512Loop:
	CMPQ AX, BX
	JAE  mulAVX512Tail
	VMOVUPS (SI)(AX*8), Z0
	VMOVUPS (DX)(AX*8), Z1
	MUL512
	VMOVUPS Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP  mulAVX512Loop

mulAVX512Tail:
	SUBQ AX, CX                // elements left, 0 to 7
	JZ   mulAVX512Done
	SHLQ $1, CX                // float32 lanes
	LANE_MASK(R9, K1)
	VMOVUPS.Z (SI)(AX*8), K1, Z0
	VMOVUPS.Z (DX)(AX*8), K1, Z1
	MUL512
	VMOVUPS Z0, K1, (DI)(AX*8)

mulAVX512Done:
	VZEROUPPER
	RET

// func mulConjAVX512(dst, a, b []complex64)
TEXT ·mulConjAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	MOVQ $0x8000000000000000, R9
	VMOVQ R9, X8
	VPBROADCASTQ X8, Z8        // sign bit of the imaginary (odd) lanes
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

mulConjAVX512Loop:
	CMPQ AX, BX
	JAE  mulConjAVX512Tail
	VMOVUPS (SI)(AX*8), Z0
	VMOVUPS (DX)(AX*8), Z1
	MUL512
	VMOVUPS Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP  mulConjAVX512Loop

mulConjAVX512Tail:
	SUBQ AX, CX
	JZ   mulConjAVX512Done
	SHLQ $1, CX
	LANE_MASK(R9, K1)
	VMOVUPS.Z (SI)(AX*8), K1, Z0
	VMOVUPS.Z (DX)(AX*8), K1, Z1
	MUL512
	VMOVUPS Z0, K1, (DI)(AX*8)

mulConjAVX512Done:
	VZEROUPPER
	RET

// func mulConjAccAVX512(dst, a, b []complex64)
TEXT ·mulConjAccAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	MOVQ $0x8000000000000000, R9
	VMOVQ R9, X8
	VPBROADCASTQ X8, Z8
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

mulConjAccAVX512Loop:
	CMPQ AX, BX
	JAE  mulConjAccAVX512Tail
	VMOVUPS (SI)(AX*8), Z0
	VMOVUPS (DX)(AX*8), Z1
	MUL512
	VADDPS  (DI)(AX*8), Z0, Z0
	VMOVUPS Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP  mulConjAccAVX512Loop

mulConjAccAVX512Tail:
	SUBQ AX, CX
	JZ   mulConjAccAVX512Done
	SHLQ $1, CX
	LANE_MASK(R9, K1)
	VMOVUPS.Z (SI)(AX*8), K1, Z0
	VMOVUPS.Z (DX)(AX*8), K1, Z1
	MUL512
	VMOVUPS.Z (DI)(AX*8), K1, Z1
	VADDPS  Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)(AX*8)

mulConjAccAVX512Done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------
// AVX-512 scaled updates: Z8 = αr, Z9 = αi, Z10 = sign of the real lanes; x in Z1.

#define SCALE512 \
	VPERMILPS $0xB1, Z1, Z3; \
	VMULPS    Z1, Z8, Z2; \
	VMULPS    Z3, Z9, Z3; \
	VPXORD    Z10, Z3, Z3; \
	VADDPS    Z3, Z2, Z0

#define SCALE512_SETUP(re, im) \
	VBROADCASTSS re, Z8; \
	VBROADCASTSS im, Z9; \
	MOVQ $0x0000000080000000, R9; \
	VMOVQ R9, X10; \
	VPBROADCASTQ X10, Z10

// func scaleAVX512(dst []complex64, alpha complex64, x []complex64)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	SCALE512_SETUP(alpha_real+24(FP), alpha_imag+28(FP))
	MOVQ x_base+32(FP), SI
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

scaleAVX512Loop:
	CMPQ AX, BX
	JAE  scaleAVX512Tail
	VMOVUPS (SI)(AX*8), Z1
	SCALE512
	VMOVUPS Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP  scaleAVX512Loop

scaleAVX512Tail:
	SUBQ AX, CX
	JZ   scaleAVX512Done
	SHLQ $1, CX
	LANE_MASK(R9, K1)
	VMOVUPS.Z (SI)(AX*8), K1, Z1
	SCALE512
	VMOVUPS Z0, K1, (DI)(AX*8)

scaleAVX512Done:
	VZEROUPPER
	RET

// func axpyAVX512(alpha complex64, x, y []complex64)
TEXT ·axpyAVX512(SB), NOSPLIT, $0-56
	SCALE512_SETUP(alpha_real+0(FP), alpha_imag+4(FP))
	MOVQ x_base+8(FP), SI
	MOVQ y_base+32(FP), DI
	MOVQ y_len+40(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

axpyAVX512Loop:
	CMPQ AX, BX
	JAE  axpyAVX512Tail
	VMOVUPS (SI)(AX*8), Z1
	SCALE512
	VADDPS  (DI)(AX*8), Z0, Z0
	VMOVUPS Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP  axpyAVX512Loop

axpyAVX512Tail:
	SUBQ AX, CX
	JZ   axpyAVX512Done
	SHLQ $1, CX
	LANE_MASK(R9, K1)
	VMOVUPS.Z (SI)(AX*8), K1, Z1
	SCALE512
	VMOVUPS.Z (DI)(AX*8), K1, Z1
	VADDPS  Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)(AX*8)

axpyAVX512Done:
	VZEROUPPER
	RET

// func xpayAVX512(x []complex64, beta complex64, y []complex64)
TEXT ·xpayAVX512(SB), NOSPLIT, $0-56
	MOVQ x_base+0(FP), SI
	SCALE512_SETUP(beta_real+24(FP), beta_imag+28(FP))
	MOVQ y_base+32(FP), DI
	MOVQ y_len+40(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

xpayAVX512Loop:
	CMPQ AX, BX
	JAE  xpayAVX512Tail
	VMOVUPS (DI)(AX*8), Z1
	SCALE512
	VADDPS  (SI)(AX*8), Z0, Z0
	VMOVUPS Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP  xpayAVX512Loop

xpayAVX512Tail:
	SUBQ AX, CX
	JZ   xpayAVX512Done
	SHLQ $1, CX
	LANE_MASK(R9, K1)
	VMOVUPS.Z (DI)(AX*8), K1, Z1
	SCALE512
	VMOVUPS.Z (SI)(AX*8), K1, Z1
	VADDPS  Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)(AX*8)

xpayAVX512Done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------
// AVX-512 reductions: 8 complex values per iteration as two Z registers of float64. The
// tail loads the last values under K1 (masked lanes read as zero and add nothing).

// DOTC512 accumulates x (float64 halves Z0, Z2) against y (Z1, Z3).
#define DOTC512 \
	VPERMILPD   $0x55, Z1, Z10; \
	VPERMILPD   $0x55, Z3, Z11; \
	VFMADD231PD Z1, Z0, Z4; \
	VFMADD231PD Z10, Z0, Z5; \
	VFMADD231PD Z3, Z2, Z6; \
	VFMADD231PD Z11, Z2, Z7

// WIDEN512(z, y, lo, hi, yhi) converts the 16 float32 lanes of z (whose lower half is y)
// to float64 in lo and hi, using yhi.
#define WIDEN512(z, y, lo, hi, yhi) \
	VEXTRACTF64X4 $1, z, yhi; \
	VCVTPS2PD     y, lo; \
	VCVTPS2PD     yhi, hi

// FOLD512(z, y, x, ty, tx) adds the four float64 pairs of z into the pair in x.
#define FOLD512(z, y, x, ty, tx) \
	VEXTRACTF64X4 $1, z, ty; \
	VADDPD        ty, y, y; \
	VEXTRACTF128  $1, y, tx; \
	VADDPD        tx, x, x

// func dotcAVX512(x, y []complex64) complex128
TEXT ·dotcAVX512(SB), NOSPLIT, $0-64
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DX
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

dotcAVX512Loop:
	CMPQ AX, BX
	JAE  dotcAVX512Tail
	VCVTPS2PD (SI)(AX*8), Z0
	VCVTPS2PD (DX)(AX*8), Z1
	VCVTPS2PD 32(SI)(AX*8), Z2
	VCVTPS2PD 32(DX)(AX*8), Z3
	DOTC512
	ADDQ $8, AX
	JMP  dotcAVX512Loop

dotcAVX512Tail:
	SUBQ AX, CX
	JZ   dotcAVX512Fold
	SHLQ $1, CX
	LANE_MASK(R9, K1)
	VMOVUPS.Z (SI)(AX*8), K1, Z12
	VMOVUPS.Z (DX)(AX*8), K1, Z13
	WIDEN512(Z12, Y12, Z0, Z2, Y14)
	WIDEN512(Z13, Y13, Z1, Z3, Y15)
	DOTC512

dotcAVX512Fold:
	VADDPD Z6, Z4, Z4
	VADDPD Z7, Z5, Z5
	FOLD512(Z4, Y4, X4, Y6, X6)
	FOLD512(Z5, Y5, X5, Y7, X7)
	VPERMILPD $1, X4, X6
	VADDSD X6, X4, X4          // re = Σ xr*yr + Σ xi*yi
	VPERMILPD $1, X5, X7
	VSUBSD X7, X5, X5          // im = Σ xr*yi - Σ xi*yr
	VMOVSD X4, ret_real+48(FP)
	VMOVSD X5, ret_imag+56(FP)
	VZEROUPPER
	RET

// func norm2AVX512(x []complex64) float64
TEXT ·norm2AVX512(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

norm2AVX512Loop:
	CMPQ AX, BX
	JAE  norm2AVX512Tail
	VCVTPS2PD (SI)(AX*8), Z0
	VCVTPS2PD 32(SI)(AX*8), Z1
	VFMADD231PD Z0, Z0, Z4
	VFMADD231PD Z1, Z1, Z5
	ADDQ $8, AX
	JMP  norm2AVX512Loop

norm2AVX512Tail:
	SUBQ AX, CX
	JZ   norm2AVX512Fold
	SHLQ $1, CX
	LANE_MASK(R9, K1)
	VMOVUPS.Z (SI)(AX*8), K1, Z12
	WIDEN512(Z12, Y12, Z0, Z1, Y14)
	VFMADD231PD Z0, Z0, Z4
	VFMADD231PD Z1, Z1, Z5

norm2AVX512Fold:
	VADDPD Z5, Z4, Z4
	FOLD512(Z4, Y4, X4, Y5, X5)
	VPERMILPD $1, X4, X5
	VADDSD X5, X4, X4
	VMOVSD X4, ret+24(FP)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------
// AVX-512 masks and magnitudes.

// func maskCopyAVX512(dst, src []complex64, mask []float32)
TEXT ·maskCopyAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ mask_base+48(FP), R8
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

maskCopyAVX512Loop:
	CMPQ AX, BX
	JAE  maskCopyAVX512Tail
	VPMOVZXDQ (R8)(AX*4), Z2   // (m0, 0, m1, 0, ...)
	VMOVSLDUP Z2, Z2           // (m0, m0, m1, m1, ...)
	VMULPS  (SI)(AX*8), Z2, Z0
	VMOVUPS Z0, (DI)(AX*8)
	ADDQ $8, AX
	JMP  maskCopyAVX512Loop

maskCopyAVX512Tail:
	SUBQ AX, CX
	JZ   maskCopyAVX512Done
	LANE_MASK(R9, K2)          // mask lanes
	SHLQ $1, CX
	LANE_MASK(R9, K1)          // complex64 lanes
	VMOVUPS.Z (R8)(AX*4), K2, Y2
	VPMOVZXDQ Y2, Z2
	VMOVSLDUP Z2, Z2
	VMOVUPS.Z (SI)(AX*8), K1, Z0
	VMULPS  Z2, Z0, Z0
	VMOVUPS Z0, K1, (DI)(AX*8)

maskCopyAVX512Done:
	VZEROUPPER
	RET

// ABS512 turns the float64 parts of elements 0-3 (Z0) and 4-7 (Z1) into their float32
// magnitudes in Y2, using the order index in Y9.
#define ABS512 \
	VMULPD   Z0, Z0, Z0; \
	VMULPD   Z1, Z1, Z1; \
	VSHUFPD  $0x00, Z1, Z0, Z2; \
	VSHUFPD  $0xFF, Z1, Z0, Z3; \
	VADDPD   Z3, Z2, Z2; \
	VSQRTPD  Z2, Z2; \
	VCVTPD2PS Z2, Y2; \
	VPERMPS  Y2, Y9, Y2

// ORDER_INDEX puts the bytes 0, 2, 4, 6, 1, 3, 5, 7 in X9, to be widened into a VPERMPS or
// VPERMQ index: the results of VSHUFPD/VSHUFPS pairs come out in that interleaved order.
#define ORDER_INDEX \
	MOVQ $0x0705030106040200, R9; \
	VMOVQ R9, X9

// func absAVX512(dst []float32, x []complex64)
TEXT ·absAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	ORDER_INDEX
	VPMOVZXBD X9, Y9
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-8, BX

absAVX512Loop:
	CMPQ AX, BX
	JAE  absAVX512Tail
	VCVTPS2PD (SI)(AX*8), Z0   // (r0, i0, ..., r3, i3)
	VCVTPS2PD 32(SI)(AX*8), Z1 // (r4, i4, ..., r7, i7)
	ABS512
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ $8, AX
	JMP  absAVX512Loop

absAVX512Tail:
	SUBQ AX, CX
	JZ   absAVX512Done
	LANE_MASK(R9, K2)
	SHLQ $1, CX
	LANE_MASK(R9, K1)
	VMOVUPS.Z (SI)(AX*8), K1, Z12
	WIDEN512(Z12, Y12, Z0, Z1, Y14)
	ABS512
	VMOVUPS Y2, K2, (DI)(AX*4)

absAVX512Done:
	VZEROUPPER
	RET

// ADDABS2_512 adds |x|² of elements 0-7 (Z0) and 8-15 (Z1) to Z4, using the qword order
// index in Z9.
#define ADDABS2_512 \
	VMULPS   Z0, Z0, Z0; \
	VMULPS   Z1, Z1, Z1; \
	VSHUFPS  $0x88, Z1, Z0, Z2; \
	VSHUFPS  $0xDD, Z1, Z0, Z3; \
	VADDPS   Z3, Z2, Z2; \
	VPERMQ   Z2, Z9, Z2; \
	VADDPS   Z4, Z2, Z4

// func addAbs2AVX512(dst []float32, x []complex64)
TEXT ·addAbs2AVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	ORDER_INDEX
	VPMOVZXBQ X9, Z9
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-16, BX

addAbs2AVX512Loop:
	CMPQ AX, BX
	JAE  addAbs2AVX512Tail
	VMOVUPS (SI)(AX*8), Z0
	VMOVUPS 64(SI)(AX*8), Z1
	VMOVUPS (DI)(AX*4), Z4
	ADDABS2_512
	VMOVUPS Z4, (DI)(AX*4)
	ADDQ $16, AX
	JMP  addAbs2AVX512Loop

addAbs2AVX512Tail:
	SUBQ AX, CX                // elements left, 0 to 15
	JZ   addAbs2AVX512Done
	LANE_MASK(R9, K2)
	SHLQ $1, CX                // float32 lanes, up to 30
	MOVL $1, R9
	SHLL CX, R9
	DECL R9
	KMOVW R9, K1               // lanes 0-15
	SHRL $16, R9
	KMOVW R9, K3               // lanes 16-31
	VMOVUPS.Z (SI)(AX*8), K1, Z0
	VMOVUPS.Z 64(SI)(AX*8), K3, Z1
	VMOVUPS.Z (DI)(AX*4), K2, Z4
	ADDABS2_512
	VMOVUPS Z4, K2, (DI)(AX*4)

addAbs2AVX512Done:
	VZEROUPPER
	RET

// func sqrtAVX512(dst []float32)
TEXT ·sqrtAVX512(SB), NOSPLIT, $0-24
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-16, BX

sqrtAVX512Loop:
	CMPQ AX, BX
	JAE  sqrtAVX512Tail
	VSQRTPS (DI)(AX*4), Z0
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ $16, AX
	JMP  sqrtAVX512Loop

sqrtAVX512Tail:
	SUBQ AX, CX
	JZ   sqrtAVX512Done
	LANE_MASK(R9, K1)
	VMOVUPS.Z (DI)(AX*4), K1, Z0
	VSQRTPS Z0, Z0
	VMOVUPS Z0, K1, (DI)(AX*4)

sqrtAVX512Done:
	VZEROUPPER
	RET
