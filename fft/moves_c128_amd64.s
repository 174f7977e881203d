//go:build !purego

#include "textflag.h"

// The complex128 moves between strided arrays and the lane-interleaved buffers (see moveArgs
// and moves_amd64.s), AVX2: two complex128 per YMM register. swap exchanges the real and
// imaginary parts (VPERMILPD $5), then each element is multiplied by f.

// func colMoveAVX2C128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows, nvec, swap int, f float64)
// For r < rows: dst[r·ds + i] = f·src[r·ss + i] for the nvec·32 bytes i (strides in bytes).
TEXT ·colMoveAVX2C128(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), CX
	MOVQ rows+32(FP), R8
	MOVQ nvec+40(FP), R9
	MOVQ swap+48(FP), R10
	VBROADCASTSD f+56(FP), Y15
	TESTQ R8, R8
	JZ done
	TESTQ R9, R9
	JZ done
row:                          // do {
	XORQ R11, R11         //   i = 0
	MOVQ R9, R12
vec:                          //   do {
	VMOVUPD (SI)(R11*1), Y0
	TESTQ R10, R10
	JZ noswap
	VPERMILPD $5, Y0, Y0
noswap:
	VMULPD Y15, Y0, Y0
	VMOVUPD Y0, (DI)(R11*1)
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

// func gatherT2AVX2C128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt, swap int)
// Transposes 2 lanes (src and src + ss, each contiguous) into 2-lane rows of dst (row e at
// dst + e·ds) for cnt elements: element e of lane 0 into the low half of a YMM register, of
// lane 1 into the high half, one row per iteration.
TEXT ·gatherT2AVX2C128(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), CX
	MOVQ cnt+32(FP), R8
	MOVQ swap+40(FP), R10
	TESTQ R8, R8
	JZ done
	TESTQ R10, R10
	JNZ swaploop
loop:
	VMOVUPD (SI), X0
	VINSERTF128 $1, (SI)(CX*1), Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ $16, SI
	ADDQ DX, DI
	DECQ R8
	JNZ loop
	JMP done
swaploop:
	VMOVUPD (SI), X0
	VINSERTF128 $1, (SI)(CX*1), Y0, Y0
	VPERMILPD $5, Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ $16, SI
	ADDQ DX, DI
	DECQ R8
	JNZ swaploop
done:
	VZEROUPPER
	RET

// func scatterT2AVX2C128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt, swap int, f float64)
// The inverse of gatherT2AVX2C128, scaled by f: 2-lane rows of src (row e at src + e·ss) into
// 2 contiguous lanes (dst and dst + ds).
TEXT ·scatterT2AVX2C128(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ ds+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), CX
	MOVQ cnt+32(FP), R8
	MOVQ swap+40(FP), R10
	VBROADCASTSD f+48(FP), Y15
	TESTQ R8, R8
	JZ done
loop:
	VMOVUPD (SI), Y0            // element e of lanes 0 and 1
	TESTQ R10, R10
	JZ noswap
	VPERMILPD $5, Y0, Y0
noswap:
	VMULPD Y15, Y0, Y0
	VMOVUPD X0, (DI)
	VEXTRACTF128 $1, Y0, (DI)(DX*1)
	ADDQ $16, DI
	ADDQ CX, SI
	DECQ R8
	JNZ loop
done:
	VZEROUPPER
	RET
