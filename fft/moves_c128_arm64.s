//go:build !purego

#include "textflag.h"

// The complex128 moves between strided arrays and the lane-interleaved buffers (see moveArgs),
// NEON: the arm64 twins of moves_c128_amd64.s, with the same signatures and semantics, so that
// moveSIMDC128 drives both. A "vector" is 32 bytes (two complex128), two Q registers. Each
// element is multiplied by f (FMUL by element, a WORD: the Go assembler has no vector
// floating-point arithmetic); swap exchanges the real and imaginary parts first (VEXT by 8
// bytes swaps the two float64 of a register).

// func colMoveNEONC128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows, nvec, swap int, f float64)
// For r < rows: dst[r·ds + i] = f·src[r·ss + i] for the nvec·32 bytes i (strides in bytes).
TEXT ·colMoveNEONC128(SB), NOSPLIT, $0-64
	MOVD  dst+0(FP), R0
	MOVD  ds+8(FP), R1
	MOVD  src+16(FP), R2
	MOVD  ss+24(FP), R3
	MOVD  rows+32(FP), R4
	MOVD  nvec+40(FP), R5
	MOVD  swap+48(FP), R6
	FMOVD f+56(FP), F31           // V31.D[0] = f
	CBZ   R4, colDone
	CBZ   R5, colDone

colRow:                               // do {
	MOVD R2, R7                   //   source and destination of the row
	MOVD R0, R8
	MOVD R5, R9

colVec:                               //   do {
	VLD1.P 32(R7), [V0.D2, V1.D2]
	CBZ    R6, colNoSwap
	VEXT   $8, V0.B16, V0.B16, V0.B16
	VEXT   $8, V1.B16, V1.B16, V1.B16

colNoSwap:
	WORD $0x4fdf9000              // fmul v0.2d, v0.2d, v31.d[0]
	WORD $0x4fdf9021              // fmul v1.2d, v1.2d, v31.d[0]
	VST1.P [V0.D2, V1.D2], 32(R8)
	SUBS   $1, R9, R9
	BNE    colVec                 //   } while vectors left
	ADD    R3, R2
	ADD    R1, R0
	SUBS   $1, R4, R4
	BNE    colRow                 // } while rows left

colDone:
	RET

// func gatherT2NEONC128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt, swap int)
// Transposes 2 lanes (src and src + ss, each contiguous) into 2-lane rows of dst (row e at
// dst + e·ds) for cnt elements, one row per iteration.
TEXT ·gatherT2NEONC128(SB), NOSPLIT, $0-48
	MOVD dst+0(FP), R0
	MOVD ds+8(FP), R1
	MOVD src+16(FP), R2
	MOVD ss+24(FP), R3
	MOVD cnt+32(FP), R4
	MOVD swap+40(FP), R5
	CBZ  R4, gatherDone
	MOVD R2, R6                   // lane 0
	ADD  R3, R6, R7               // lane 1

gatherLoop:
	VLD1.P 16(R6), [V0.D2]        // element e of lane 0
	VLD1.P 16(R7), [V1.D2]        // of lane 1
	CBZ    R5, gatherNoSwap
	VEXT   $8, V0.B16, V0.B16, V0.B16
	VEXT   $8, V1.B16, V1.B16, V1.B16

gatherNoSwap:
	VST1 [V0.D2, V1.D2], (R0)
	ADD  R1, R0
	SUBS $1, R4, R4
	BNE  gatherLoop

gatherDone:
	RET

// func scatterT2NEONC128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt, swap int, f float64)
// The inverse of gatherT2NEONC128, scaled by f: 2-lane rows of src (row e at src + e·ss) into
// 2 contiguous lanes (dst and dst + ds).
TEXT ·scatterT2NEONC128(SB), NOSPLIT, $0-56
	MOVD  dst+0(FP), R0
	MOVD  ds+8(FP), R1
	MOVD  src+16(FP), R2
	MOVD  ss+24(FP), R3
	MOVD  cnt+32(FP), R4
	MOVD  swap+40(FP), R5
	FMOVD f+48(FP), F31           // V31.D[0] = f
	CBZ   R4, scatterDone
	MOVD  R0, R6                  // lane 0
	ADD   R1, R6, R7              // lane 1

scatterLoop:
	VLD1 (R2), [V0.D2, V1.D2]     // element e of lanes 0 and 1
	CBZ  R5, scatterNoSwap
	VEXT $8, V0.B16, V0.B16, V0.B16
	VEXT $8, V1.B16, V1.B16, V1.B16

scatterNoSwap:
	WORD   $0x4fdf9000            // fmul v0.2d, v0.2d, v31.d[0]
	WORD   $0x4fdf9021            // fmul v1.2d, v1.2d, v31.d[0]
	VST1.P [V0.D2], 16(R6)
	VST1.P [V1.D2], 16(R7)
	ADD    R3, R2
	SUBS   $1, R4, R4
	BNE    scatterLoop

scatterDone:
	RET
