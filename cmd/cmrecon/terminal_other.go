//go:build !unix

package main

import (
	"io"
	"os"
)

// terminalSize returns the width of the terminal w writes to, and whether it is a terminal
// at all. Without the terminal ioctl it takes any character device for a terminal and
// reports no width.
func terminalSize(w io.Writer) (width int, ok bool) {
	f, isFile := w.(*os.File)
	if !isFile {
		return 0, false
	}
	st, err := f.Stat()
	return 0, err == nil && st.Mode()&os.ModeCharDevice != 0
}
