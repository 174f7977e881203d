//go:build !purego

package asm

import "golang.org/x/sys/cpu"

func detect() {
	supported[AVX2] = cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA
	supported[AVX512] = supported[AVX2] && cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ &&
		cpu.X86.HasAVX512VL
}
