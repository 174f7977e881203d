//go:build !purego

#include "textflag.h"

// Moves between strided arrays and the lane-interleaved buffers (see moveArgs), AVX2. Each
// vector is multiplied by f; swap exchanges the real and imaginary parts first.

// func colMoveAVX2(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows, nvec, swap int, f float32)
// For r < rows: dst[r·ds + i] = f·src[r·ss + i] for the nvec·32 bytes i (strides in bytes).
TEXT ·colMoveAVX2(SB), NOSPLIT, $0-60
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), CX
	MOVQ rows+32(FP), R8
	MOVQ nvec+40(FP), R9
	MOVQ swap+48(FP), R10
	VBROADCASTSS f+56(FP), Y15
	TESTQ R8, R8
	JZ done
	TESTQ R9, R9
	JZ done
row:                          // do {
	XORQ R11, R11         //   i = 0
	MOVQ R9, R12
vec:                          //   do {
	VMOVUPS (SI)(R11*1), Y0
	TESTQ R10, R10
	JZ noswap
	VPERMILPS $0xb1, Y0, Y0
noswap:
	VMULPS Y15, Y0, Y0
	VMOVUPS Y0, (DI)(R11*1)
	ADDQ $32, R11
	DECQ R12
	JNZ vec               //   } while vectors left
	ADDQ CX, SI
	ADDQ DX, DI
	DECQ R8
	JNZ row               // } while rows left
done:
	VZEROUPPER
	RET

// func gatherT4AVX2(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs, swap int)
// Transposes 4 lanes (src + b·ss, b < 4, each contiguous) into 4-lane rows of dst (row e at
// dst + e·ds) for 2·pairs elements: two elements of all four lanes per iteration, the 128-bit
// halves loaded so that one unpack each makes the two rows.
TEXT ·gatherT4AVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), CX
	MOVQ pairs+32(FP), R8
	MOVQ swap+40(FP), R10
	LEAQ (CX)(CX*2), BX         // 3·ss
	TESTQ R8, R8
	JZ done
loop:
	VMOVUPS (SI), X0            // lane 0: e, e+1
	VINSERTF128 $1, (SI)(CX*2), Y0, Y0 // lane 2: e, e+1
	VMOVUPS (SI)(CX*1), X1      // lane 1
	VINSERTF128 $1, (SI)(BX*1), Y1, Y1 // lane 3
	VUNPCKLPD Y1, Y0, Y2        // element e of lanes 0..3
	VUNPCKHPD Y1, Y0, Y3        // element e+1
	TESTQ R10, R10
	JZ noswap
	VPERMILPS $0xb1, Y2, Y2
	VPERMILPS $0xb1, Y3, Y3
noswap:
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, (DI)(DX*1)
	ADDQ $16, SI
	LEAQ (DI)(DX*2), DI
	DECQ R8
	JNZ loop
done:
	VZEROUPPER
	RET

// func scatterT4AVX2(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs, swap int, f float32)
// The inverse of gatherT4AVX2, scaled by f: 4-lane rows of src (row e at src + e·ss) into 4
// contiguous lanes (dst + b·ds).
TEXT ·scatterT4AVX2(SB), NOSPLIT, $0-52
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), CX
	MOVQ pairs+32(FP), R8
	MOVQ swap+40(FP), R10
	VBROADCASTSS f+48(FP), Y15
	LEAQ (DX)(DX*2), BX         // 3·ds
	TESTQ R8, R8
	JZ done
loop:
	VMOVUPS (SI), Y0            // element e of lanes 0..3
	VMOVUPS (SI)(CX*1), Y1      // element e+1
	TESTQ R10, R10
	JZ noswap
	VPERMILPS $0xb1, Y0, Y0
	VPERMILPS $0xb1, Y1, Y1
noswap:
	VMULPS Y15, Y0, Y0
	VMULPS Y15, Y1, Y1
	VUNPCKLPD Y1, Y0, Y2        // lane 0: e, e+1 | lane 2: e, e+1
	VUNPCKHPD Y1, Y0, Y3        // lane 1 | lane 3
	VMOVUPS X2, (DI)
	VEXTRACTF128 $1, Y2, (DI)(DX*2)
	VMOVUPS X3, (DI)(DX*1)
	VEXTRACTF128 $1, Y3, (DI)(BX*1)
	ADDQ $16, DI
	LEAQ (SI)(CX*2), SI
	DECQ R8
	JNZ loop
done:
	VZEROUPPER
	RET
