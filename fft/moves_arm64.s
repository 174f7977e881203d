//go:build !purego

#include "textflag.h"

// Moves between strided arrays and the lane-interleaved buffers (see moveArgs), NEON: the
// arm64 twins of moves_amd64.s, with the same signatures and semantics, so that moveSIMD
// drives both. A "vector" is 32 bytes (four complex64), two Q registers. Each vector is
// multiplied by f (FMUL by element, a WORD: the Go assembler has no vector floating-point
// arithmetic); swap exchanges the real and imaginary parts first (VREV64 on 32-bit lanes).

// func colMoveNEON(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows, nvec, swap int, f float32)
// For r < rows: dst[r·ds + i] = f·src[r·ss + i] for the nvec·32 bytes i (strides in bytes).
TEXT ·colMoveNEON(SB), NOSPLIT, $0-60
	MOVD  dst+0(FP), R0
	MOVD  ds+8(FP), R1
	MOVD  src+16(FP), R2
	MOVD  ss+24(FP), R3
	MOVD  rows+32(FP), R4
	MOVD  nvec+40(FP), R5
	MOVD  swap+48(FP), R6
	FMOVS f+56(FP), F31           // V31.S[0] = f
	CBZ   R4, colDone
	CBZ   R5, colDone

colRow:                               // do {
	MOVD R2, R7                   //   source and destination of the row
	MOVD R0, R8
	MOVD R5, R9

colVec:                               //   do {
	VLD1.P 32(R7), [V0.S4, V1.S4]
	CBZ    R6, colNoSwap
	VREV64 V0.S4, V0.S4
	VREV64 V1.S4, V1.S4

colNoSwap:
	WORD $0x4f9f9000              // fmul v0.4s, v0.4s, v31.s[0]
	WORD $0x4f9f9021              // fmul v1.4s, v1.4s, v31.s[0]
	VST1.P [V0.S4, V1.S4], 32(R8)
	SUBS   $1, R9, R9
	BNE    colVec                 //   } while vectors left
	ADD    R3, R2
	ADD    R1, R0
	SUBS   $1, R4, R4
	BNE    colRow                 // } while rows left

colDone:
	RET

// func gatherT4NEON(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs, swap int)
// Transposes 4 lanes (src + b·ss, b < 4, each contiguous) into 4-lane rows of dst (row e at
// dst + e·ds) for 2·pairs elements: two elements of each lane per iteration (one Q register),
// joined by 64-bit ZIP1 (elements e) and ZIP2 (elements e+1).
TEXT ·gatherT4NEON(SB), NOSPLIT, $0-48
	MOVD dst+0(FP), R0
	MOVD ds+8(FP), R1
	MOVD src+16(FP), R2
	MOVD ss+24(FP), R3
	MOVD pairs+32(FP), R4
	MOVD swap+40(FP), R5
	CBZ  R4, gatherDone
	MOVD R2, R6                   // lane 0
	ADD  R3, R6, R7               // lane 1
	ADD  R3, R7, R8               // lane 2
	ADD  R3, R8, R9               // lane 3

gatherLoop:
	VLD1.P 16(R6), [V0.D2]        // lane 0: e, e+1
	VLD1.P 16(R7), [V1.D2]        // lane 1
	VLD1.P 16(R8), [V2.D2]        // lane 2
	VLD1.P 16(R9), [V3.D2]        // lane 3
	VZIP1  V1.D2, V0.D2, V4.D2    // element e of lanes 0, 1
	VZIP1  V3.D2, V2.D2, V5.D2    // element e of lanes 2, 3
	VZIP2  V1.D2, V0.D2, V6.D2    // element e+1 of lanes 0, 1
	VZIP2  V3.D2, V2.D2, V7.D2    // element e+1 of lanes 2, 3
	CBZ    R5, gatherNoSwap
	VREV64 V4.S4, V4.S4
	VREV64 V5.S4, V5.S4
	VREV64 V6.S4, V6.S4
	VREV64 V7.S4, V7.S4

gatherNoSwap:
	ADD  R1, R0, R10              // row e+1
	VST1 [V4.S4, V5.S4], (R0)
	VST1 [V6.S4, V7.S4], (R10)
	ADD  R1<<1, R0, R0
	SUBS $1, R4, R4
	BNE  gatherLoop

gatherDone:
	RET

// func scatterT4NEON(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs, swap int, f float32)
// The inverse of gatherT4NEON, scaled by f: 4-lane rows of src (row e at src + e·ss) into 4
// contiguous lanes (dst + b·ds).
TEXT ·scatterT4NEON(SB), NOSPLIT, $0-52
	MOVD  dst+0(FP), R0
	MOVD  ds+8(FP), R1
	MOVD  src+16(FP), R2
	MOVD  ss+24(FP), R3
	MOVD  pairs+32(FP), R4
	MOVD  swap+40(FP), R5
	FMOVS f+48(FP), F31           // V31.S[0] = f
	CBZ   R4, scatterDone
	MOVD  R0, R6                  // lane 0
	ADD   R1, R6, R7              // lane 1
	ADD   R1, R7, R8              // lane 2
	ADD   R1, R8, R9              // lane 3

scatterLoop:
	ADD  R3, R2, R10              // row e+1
	VLD1 (R2), [V0.S4, V1.S4]     // element e: lanes 0, 1 | lanes 2, 3
	VLD1 (R10), [V2.S4, V3.S4]    // element e+1
	CBZ  R5, scatterNoSwap
	VREV64 V0.S4, V0.S4
	VREV64 V1.S4, V1.S4
	VREV64 V2.S4, V2.S4
	VREV64 V3.S4, V3.S4

scatterNoSwap:
	WORD   $0x4f9f9000            // fmul v0.4s, v0.4s, v31.s[0]
	WORD   $0x4f9f9021            // fmul v1.4s, v1.4s, v31.s[0]
	WORD   $0x4f9f9042            // fmul v2.4s, v2.4s, v31.s[0]
	WORD   $0x4f9f9063            // fmul v3.4s, v3.4s, v31.s[0]
	VZIP1  V2.D2, V0.D2, V4.D2    // lane 0: e, e+1
	VZIP2  V2.D2, V0.D2, V5.D2    // lane 1
	VZIP1  V3.D2, V1.D2, V6.D2    // lane 2
	VZIP2  V3.D2, V1.D2, V7.D2    // lane 3
	VST1.P [V4.D2], 16(R6)
	VST1.P [V5.D2], 16(R7)
	VST1.P [V6.D2], 16(R8)
	VST1.P [V7.D2], 16(R9)
	ADD    R3<<1, R2, R2
	SUBS   $1, R4, R4
	BNE    scatterLoop

scatterDone:
	RET
