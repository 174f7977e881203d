package mat

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"testing"
)

func isErr(err, target error) bool { return err != nil && errors.Is(err, target) }

// checkStructure walks a MAT v5 file that WriteV5 wrote and checks MATLAB's layout rules
// independently of the reader: the header, 8-byte aligned subelements, zero padding, matrix
// lengths that are multiples of 8, and elements that end exactly at the end of the file.
func checkStructure(t *testing.T, path string, order binary.ByteOrder) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("MATLAB 5.0 MAT-file")) {
		t.Fatalf("header text %q", b[:40])
	}
	if order.Uint16(b[124:]) != 0x0100 || order.Uint16(b[126:]) != 'M'<<8|'I' {
		t.Fatalf("header version/endian bytes % x", b[124:128])
	}

	for off := 128; off < len(b); {
		if len(b)-off < 8 {
			t.Fatalf("%d stray bytes at the end", len(b)-off)
		}
		typ, n := order.Uint32(b[off:]), int(order.Uint32(b[off+4:]))
		body := b[off+8 : off+8+n]
		switch typ {
		case miMATRIX:
			checkMatrixLayout(t, body, order)
		case miCOMPRESSED:
			inner, err := io.ReadAll(must(zlib.NewReader(bytes.NewReader(body))))
			if err != nil {
				t.Fatalf("inflate element at %d: %v", off, err)
			}
			if order.Uint32(inner) != miMATRIX || int(order.Uint32(inner[4:]))+8 != len(inner) {
				t.Fatalf("compressed element at %d: inner tag % x, %d bytes", off, inner[:8],
					len(inner))
			}
			checkMatrixLayout(t, inner[8:], order)
		default:
			t.Fatalf("element type %d at %d", typ, off)
		}
		off += 8 + n
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// checkMatrixLayout checks the subelements of one miMATRIX body.
func checkMatrixLayout(t *testing.T, body []byte, order binary.ByteOrder) {
	t.Helper()
	if len(body)%8 != 0 {
		t.Fatalf("matrix of %d bytes, not a multiple of 8", len(body))
	}
	for p := 0; p < len(body); {
		u := order.Uint32(body[p:])
		if u>>16 != 0 {
			n := int(u >> 16)
			if n > 4 || !allZero(body[p+4+n:p+8]) {
				t.Fatalf("bad small element at %d: % x", p, body[p:p+8])
			}
			p += 8
			continue
		}
		n := int(order.Uint32(body[p+4:]))
		end := p + 8 + n + int(padTo8(int64(n)))
		if end > len(body) || !allZero(body[p+8+n:end]) {
			t.Fatalf("subelement at %d of %d bytes: bad length or non-zero padding", p, n)
		}
		p = end
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
