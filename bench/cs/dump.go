package main

import (
	"encoding/binary"
	"os"

	"github.com/cmrecon/cmrecon/recon"
)

// dumpRaw writes an image's data as raw little-endian float32 (debugging aid).
func dumpRaw(path string, im *recon.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return binary.Write(f, binary.LittleEndian, im.Data)
}
