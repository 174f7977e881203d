//go:build purego || (!amd64 && !arm64)

package asm

// detect finds nothing beyond Go: this build has no assembly.
func detect() {}
