package mat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzV5 parses arbitrary bytes as a MAT v5 file and reads every variable in every
// precision. It must never panic, and every error must wrap a sentinel.
//
//	go test ./mat -run '^$' -fuzz FuzzV5 -fuzztime 2m
func FuzzV5(f *testing.F) {
	f.Add(smallFile(f, false))
	f.Add(smallFile(f, true))
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		f.Add(compactFile(v5Builder{order}, false))
		f.Add(compactFile(v5Builder{order}, true))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "fuzz.mat"
		file, err := openV5(bytes.NewReader(data), int64(len(data)), path, nil)
		if err != nil {
			checkSentinel(t, err)
			return
		}

		opt := &ReadOptions{MaxBytes: 1 << 22}
		for _, v := range file.Vars() {
			for _, kind := range []outKind{kindF32, kindF64, kindC64, kindC128} {
				d, dims, err := file.read(v.Name, kind, opt)
				if err != nil {
					checkSentinel(t, err)
					continue
				}
				if n := dimsProduct(dims, 1<<40); n != int64(lenOf(d)) {
					t.Fatalf("%s: %d values for dims %v", v.Name, lenOf(d), dims)
				}
			}
		}
	})
}

// lenOf returns the length of a decoded slice.
func lenOf(d any) int {
	switch d := d.(type) {
	case []float32:
		return len(d)
	case []float64:
		return len(d)
	case []complex64:
		return len(d)
	case []complex128:
		return len(d)
	}
	panic(fmt.Sprintf("unexpected %T", d))
}

// checkSentinel fails unless err is one line wrapping one of the package's sentinels.
func checkSentinel(t *testing.T, err error) {
	t.Helper()
	for _, s := range sentinels {
		if errors.Is(err, s) {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
	}
	t.Fatalf("error %q wraps no sentinel", err)
}

// FuzzCFLHeader parses arbitrary .hdr text. It must never panic; accepted dims must be valid
// and must survive being written and parsed again.
//
//	go test ./mat -run '^$' -fuzz FuzzCFLHeader -fuzztime 2m
func FuzzCFLHeader(f *testing.F) {
	f.Add([]byte("# Dimensions\n16 16 1 3 1 1 1 1 1 1 1 1 1 1 1 1 \n# Command\nphantom\n"))
	f.Add([]byte("# Dimensions\n1 180 230 8 \n"))
	f.Add([]byte("# Dimensions\r\n0 5\r\n"))
	f.Add([]byte("# Data\nx\n# Dimensions\n"))

	f.Fuzz(func(t *testing.T, text []byte) {
		dims, err := parseCFLHeader(text, "fuzz.hdr")
		if err != nil {
			checkSentinel(t, err)
			return
		}
		if len(dims) == 0 || len(dims) > maxCFLDims {
			t.Fatalf("%d dims accepted", len(dims))
		}

		var sb strings.Builder
		sb.WriteString("# Dimensions\n")
		for _, d := range dims {
			if d < 0 {
				t.Fatalf("negative dim in %v", dims)
			}
			fmt.Fprintf(&sb, "%d ", d)
		}
		again, err := parseCFLHeader([]byte(sb.String()+"\n"), "again.hdr")
		if err != nil || !equalInts(again, dims) {
			t.Fatalf("dims %v parsed again as %v, %v", dims, again, err)
		}
	})
}
