//go:build !purego

package asm

import "golang.org/x/sys/cpu"

func detect() {
	supported[NEON] = cpu.ARM64.HasASIMD
}
