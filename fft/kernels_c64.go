package fft

// Kernels for one element type. kernels_c64.go is written by hand; kernels_c128.go is
// generated from it by go generate (see gen_test.go), so edit kernels_c64.go only.
//
// Stage kernels check once, on entry, that their buffers hold the n = p*l*m*v elements they
// touch, then address elements by byte offset from the buffer start (unsafe.Add), so the inner
// loops carry no bounds checks and no slice headers. Without this the radix-8 loop needs 16
// slice headers, more than the registers, and spends most of its instructions on reloading
// them and on bounds checks (measured: BenchmarkAxis, see the package documentation).
//
// Products are written out with mulC64 because Go's own complex64 multiplication widens its
// operands to float64 and rounds back, which costs six conversions per product.

import "unsafe"

// kernelsC64 is the pure-Go kernel set for complex64.
var kernelsC64 = kernelSet[complex64]{
	radix: [9]kernel[complex64]{
		2: r2C64, 3: r3C64, 4: r4C64, 5: r5C64, 7: r7C64, 8: r8C64,
	},
	odd:     oddC64,
	blue:    blueC64,
	gather:  gatherC64,
	scatter: scatterC64,
	name:    "go",
}

// szC64 is the size of one element in bytes.
const szC64 = unsafe.Sizeof(complex64(0))

// mulC64 returns a*b computed in float32.
func mulC64(a, b complex64) complex64 {
	ar, ai, br, bi := real(a), imag(a), real(b), imag(b)
	return complex(ar*br-ai*bi, ar*bi+ai*br)
}

// negIC64 returns -i*a.
func negIC64(a complex64) complex64 {
	return complex(imag(a), -real(a))
}

// swapC64 exchanges the real and imaginary parts of a.
func swapC64(a complex64) complex64 {
	return complex(imag(a), real(a))
}

// ldC64 loads the element off bytes after p.
func ldC64(p unsafe.Pointer, off uintptr) complex64 {
	return *(*complex64)(unsafe.Add(p, off))
}

// stC64 stores z off bytes after p.
func stC64(p unsafe.Pointer, off uintptr, z complex64) {
	*(*complex64)(unsafe.Add(p, off)) = z
}

// baseC64 checks that the stage buffers hold p*l*m*v elements and returns their addresses and
// the byte strides between butterfly inputs (js) and outputs (qs).
func baseC64(a *stageArgs[complex64], p int) (xp, yp unsafe.Pointer, js, qs uintptr) {
	n := p * a.l * a.m * a.v
	if len(a.x) < n || len(a.y) < n || (a.l > 1 && len(a.w) < (p-1)*a.l) {
		panic("fft: kernel buffer too short")
	}
	xp, yp = unsafe.Pointer(unsafe.SliceData(a.x)), unsafe.Pointer(unsafe.SliceData(a.y))
	return xp, yp, uintptr(a.l*a.m*a.v) * szC64, uintptr(a.l*a.v) * szC64
}

// gatherC64 copies v lanes from m.s into m.buf (see moveArgs) in runs along the smaller of
// the two source strides: one run per element across the lanes when the lanes are the closer
// (columns; walking down a column would revisit a cache set at every step), one run per lane
// otherwise (rows). Runs along a lane are split in two where the rotation wraps around.
func gatherC64(m *moveArgs[complex64]) {
	n, v, rot, swap := m.n, m.v, m.rot, m.swap
	es, bs, off := m.view.es, m.view.bs, m.view.off
	if bs < es {
		for e := range n {
			pe := e + rot
			if pe >= n {
				pe -= n
			}
			moveC64(m.buf[e*v:], 1, m.s[off+pe*es:], bs, v, swap, 1)
		}
		return
	}
	for b := range v {
		lane := off + b*bs
		moveC64(m.buf[b:], v, m.s[lane+rot*es:], es, n-rot, swap, 1)
		if rot > 0 {
			moveC64(m.buf[(n-rot)*v+b:], v, m.s[lane:], es, rot, swap, 1)
		}
	}
}

// scatterC64 copies v lanes from m.buf into m.s, scaled by m.scale (see moveArgs), in runs
// chosen as in gatherC64.
func scatterC64(m *moveArgs[complex64]) {
	n, v, rot, swap := m.n, m.v, m.rot, m.swap
	es, bs, off := m.view.es, m.view.bs, m.view.off
	f := float32(m.scale)
	if bs < es {
		for e := range n {
			pe := e + rot
			if pe >= n {
				pe -= n
			}
			moveC64(m.s[off+pe*es:], bs, m.buf[e*v:], 1, v, swap, f)
		}
		return
	}
	for b := range v {
		lane := off + b*bs
		moveC64(m.s[lane+rot*es:], es, m.buf[b:], v, n-rot, swap, f)
		if rot > 0 {
			moveC64(m.s[lane:], es, m.buf[(n-rot)*v+b:], v, rot, swap, f)
		}
	}
}

// moveC64 sets dst[i*ds] = f·src[i*ss] for i < cnt, with the real and imaginary parts of src
// exchanged when swap is set.
func moveC64(dst []complex64, ds int, src []complex64, ss int, cnt int, swap bool, f float32) {
	if cnt <= 0 {
		return
	}
	if ds == 1 && ss == 1 && !swap && f == 1 {
		copy(dst[:cnt], src[:cnt])
		return
	}
	_, _ = dst[(cnt-1)*ds], src[(cnt-1)*ss]
	dp, sp := unsafe.Pointer(unsafe.SliceData(dst)), unsafe.Pointer(unsafe.SliceData(src))
	dstep, sstep := uintptr(ds)*szC64, uintptr(ss)*szC64
	var do, so uintptr
	switch {
	case !swap && f == 1:
		for range cnt {
			stC64(dp, do, ldC64(sp, so))
			do += dstep
			so += sstep
		}
	case f == 1:
		for range cnt {
			stC64(dp, do, swapC64(ldC64(sp, so)))
			do += dstep
			so += sstep
		}
	case !swap:
		for range cnt {
			z := ldC64(sp, so)
			stC64(dp, do, complex(real(z)*f, imag(z)*f))
			do += dstep
			so += sstep
		}
	default:
		for range cnt {
			z := ldC64(sp, so)
			stC64(dp, do, complex(imag(z)*f, real(z)*f))
			do += dstep
			so += sstep
		}
	}
}

// r2C64 computes radix-2 butterflies: y0 = u0+u1, y1 = u0-u1.
func r2C64(a *stageArgs[complex64]) {
	xp, yp, js, qs := baseC64(a, 2)
	l, m, v := a.l, a.m, a.v
	if l == 1 {
		for s := range m {
			xo, yo := uintptr(s*v)*szC64, uintptr(s*2*v)*szC64
			for range v {
				u0, u1 := ldC64(xp, xo), ldC64(xp, xo+js)
				stC64(yp, yo, u0+u1)
				stC64(yp, yo+qs, u0-u1)
				xo += szC64
				yo += szC64
			}
		}
		return
	}

	w1 := a.w[:l]
	for s := range m {
		for k, c1 := range w1 {
			xo, yo := uintptr((s*l+k)*v)*szC64, uintptr((s*2*l+k)*v)*szC64
			for range v {
				u0, u1 := ldC64(xp, xo), mulC64(ldC64(xp, xo+js), c1)
				stC64(yp, yo, u0+u1)
				stC64(yp, yo+qs, u0-u1)
				xo += szC64
				yo += szC64
			}
		}
	}
}

// r3C64 computes radix-3 butterflies. With t = u1+u2 and d = (√3/2)(u1-u2):
// y0 = u0+t, y1 = u0 - t/2 - i·d, y2 = u0 - t/2 + i·d.
func r3C64(a *stageArgs[complex64]) {
	const h = 0.86602540378443864676 // sin(2π/3)
	xp, yp, js, qs := baseC64(a, 3)
	l, m, v := a.l, a.m, a.v
	if l == 1 {
		for s := range m {
			xo, yo := uintptr(s*v)*szC64, uintptr(s*3*v)*szC64
			for range v {
				u0, u1, u2 := ldC64(xp, xo), ldC64(xp, xo+js), ldC64(xp, xo+2*js)
				t, d := u1+u2, u1-u2
				r := u0 - complex(0.5*real(t), 0.5*imag(t))
				id := complex(h*imag(d), -h*real(d))
				stC64(yp, yo, u0+t)
				stC64(yp, yo+qs, r+id)
				stC64(yp, yo+2*qs, r-id)
				xo += szC64
				yo += szC64
			}
		}
		return
	}

	w1, w2 := a.w[:l], a.w[l:2*l]
	for s := range m {
		for k, c1 := range w1 {
			c2 := w2[k]
			xo, yo := uintptr((s*l+k)*v)*szC64, uintptr((s*3*l+k)*v)*szC64
			for range v {
				u0 := ldC64(xp, xo)
				u1, u2 := mulC64(ldC64(xp, xo+js), c1), mulC64(ldC64(xp, xo+2*js), c2)
				t, d := u1+u2, u1-u2
				r := u0 - complex(0.5*real(t), 0.5*imag(t))
				id := complex(h*imag(d), -h*real(d))
				stC64(yp, yo, u0+t)
				stC64(yp, yo+qs, r+id)
				stC64(yp, yo+2*qs, r-id)
				xo += szC64
				yo += szC64
			}
		}
	}
}

// r4C64 computes radix-4 butterflies as two layers of radix-2 with one -i rotation.
func r4C64(a *stageArgs[complex64]) {
	xp, yp, js, qs := baseC64(a, 4)
	l, m, v := a.l, a.m, a.v
	if l == 1 {
		for s := range m {
			xo, yo := uintptr(s*v)*szC64, uintptr(s*4*v)*szC64
			for range v {
				o := xo
				u0 := ldC64(xp, o)
				o += js
				u1 := ldC64(xp, o)
				o += js
				u2 := ldC64(xp, o)
				o += js
				u3 := ldC64(xp, o)
				t0, t1, t2, t3 := u0+u2, u0-u2, u1+u3, negIC64(u1-u3)
				o = yo
				stC64(yp, o, t0+t2)
				o += qs
				stC64(yp, o, t1+t3)
				o += qs
				stC64(yp, o, t0-t2)
				o += qs
				stC64(yp, o, t1-t3)
				xo += szC64
				yo += szC64
			}
		}
		return
	}

	w1, w2, w3 := a.w[:l], a.w[l:2*l], a.w[2*l:3*l]
	for s := range m {
		for k, c1 := range w1 {
			c2, c3 := w2[k], w3[k]
			xo, yo := uintptr((s*l+k)*v)*szC64, uintptr((s*4*l+k)*v)*szC64
			for range v {
				o := xo
				u0 := ldC64(xp, o)
				o += js
				u1 := mulC64(ldC64(xp, o), c1)
				o += js
				u2 := mulC64(ldC64(xp, o), c2)
				o += js
				u3 := mulC64(ldC64(xp, o), c3)
				t0, t1, t2, t3 := u0+u2, u0-u2, u1+u3, negIC64(u1-u3)
				o = yo
				stC64(yp, o, t0+t2)
				o += qs
				stC64(yp, o, t1+t3)
				o += qs
				stC64(yp, o, t0-t2)
				o += qs
				stC64(yp, o, t1-t3)
				xo += szC64
				yo += szC64
			}
		}
	}
}

// r5C64 computes radix-5 butterflies from the sums b and differences d of the symmetric input
// pairs: y_k = A_k - i·B_k and y_(5-k) = A_k + i·B_k, with A_k = u0 + Σ cos·b and
// B_k = Σ sin·d.
func r5C64(a *stageArgs[complex64]) {
	xp, yp, js, qs := baseC64(a, 5)
	l, m, v := a.l, a.m, a.v
	var w []complex64
	if l > 1 {
		w = a.w[:4*l]
	}
	for s := range m {
		for k := range l {
			var c1, c2, c3, c4 complex64
			if w != nil {
				c1, c2, c3, c4 = w[k], w[l+k], w[2*l+k], w[3*l+k]
			}
			xo, yo := uintptr((s*l+k)*v)*szC64, uintptr((s*5*l+k)*v)*szC64
			for range v {
				o := xo
				u0 := ldC64(xp, o)
				o += js
				u1 := ldC64(xp, o)
				o += js
				u2 := ldC64(xp, o)
				o += js
				u3 := ldC64(xp, o)
				o += js
				u4 := ldC64(xp, o)
				if w != nil {
					u1, u2 = mulC64(u1, c1), mulC64(u2, c2)
					u3, u4 = mulC64(u3, c3), mulC64(u4, c4)
				}
				y0, y1, y2, y3, y4 := dft5C64(u0, u1, u2, u3, u4)
				o = yo
				stC64(yp, o, y0)
				o += qs
				stC64(yp, o, y1)
				o += qs
				stC64(yp, o, y2)
				o += qs
				stC64(yp, o, y3)
				o += qs
				stC64(yp, o, y4)
				xo += szC64
				yo += szC64
			}
		}
	}
}

// dft5C64 returns the 5-point DFT of u0..u4.
func dft5C64(u0, u1, u2, u3, u4 complex64) (y0, y1, y2, y3, y4 complex64) {
	const (
		c1 = 0.30901699437494742410  // cos(2π/5)
		c2 = -0.80901699437494742410 // cos(4π/5)
		s1 = 0.95105651629515357212  // sin(2π/5)
		s2 = 0.58778525229247312917  // sin(4π/5)
	)
	b1, b2, d1, d2 := u1+u4, u2+u3, u1-u4, u2-u3
	a1r := real(u0) + c1*real(b1) + c2*real(b2)
	a1i := imag(u0) + c1*imag(b1) + c2*imag(b2)
	a2r := real(u0) + c2*real(b1) + c1*real(b2)
	a2i := imag(u0) + c2*imag(b1) + c1*imag(b2)
	q1r := s1*real(d1) + s2*real(d2)
	q1i := s1*imag(d1) + s2*imag(d2)
	q2r := s2*real(d1) - s1*real(d2)
	q2i := s2*imag(d1) - s1*imag(d2)
	return u0 + b1 + b2, complex(a1r+q1i, a1i-q1r), complex(a2r+q2i, a2i-q2r),
		complex(a2r-q2i, a2i+q2r), complex(a1r-q1i, a1i+q1r)
}

// r7C64 computes radix-7 butterflies in the same symmetric form as r5C64.
func r7C64(a *stageArgs[complex64]) {
	const (
		c1 = 0.62348980185873353053  // cos(2π/7)
		c2 = -0.22252093395631440429 // cos(4π/7)
		c3 = -0.90096886790241912624 // cos(6π/7)
		s1 = 0.78183148246802980871  // sin(2π/7)
		s2 = 0.97492791218182360702  // sin(4π/7)
		s3 = 0.43388373911755812048  // sin(6π/7)
	)
	xp, yp, js, qs := baseC64(a, 7)
	l, m, v := a.l, a.m, a.v
	var w []complex64
	if l > 1 {
		w = a.w[:6*l]
	}
	for s := range m {
		for k := range l {
			var e [6]complex64
			if w != nil {
				for j := range e {
					e[j] = w[j*l+k]
				}
			}
			xo, yo := uintptr((s*l+k)*v)*szC64, uintptr((s*7*l+k)*v)*szC64
			for range v {
				var u [7]complex64
				o := xo
				for j := range u {
					u[j] = ldC64(xp, o)
					o += js
				}
				if w != nil {
					for j := range e {
						u[j+1] = mulC64(u[j+1], e[j])
					}
				}
				b1, b2, b3 := u[1]+u[6], u[2]+u[5], u[3]+u[4]
				d1, d2, d3 := u[1]-u[6], u[2]-u[5], u[3]-u[4]
				r0, i0 := real(u[0]), imag(u[0])
				a1r := r0 + c1*real(b1) + c2*real(b2) + c3*real(b3)
				a1i := i0 + c1*imag(b1) + c2*imag(b2) + c3*imag(b3)
				a2r := r0 + c2*real(b1) + c3*real(b2) + c1*real(b3)
				a2i := i0 + c2*imag(b1) + c3*imag(b2) + c1*imag(b3)
				a3r := r0 + c3*real(b1) + c1*real(b2) + c2*real(b3)
				a3i := i0 + c3*imag(b1) + c1*imag(b2) + c2*imag(b3)
				q1r := s1*real(d1) + s2*real(d2) + s3*real(d3)
				q1i := s1*imag(d1) + s2*imag(d2) + s3*imag(d3)
				q2r := s2*real(d1) - s3*real(d2) - s1*real(d3)
				q2i := s2*imag(d1) - s3*imag(d2) - s1*imag(d3)
				q3r := s3*real(d1) - s1*real(d2) + s2*real(d3)
				q3i := s3*imag(d1) - s1*imag(d2) + s2*imag(d3)
				o = yo
				stC64(yp, o, u[0]+b1+b2+b3)
				stC64(yp, o+qs, complex(a1r+q1i, a1i-q1r))
				stC64(yp, o+2*qs, complex(a2r+q2i, a2i-q2r))
				stC64(yp, o+3*qs, complex(a3r+q3i, a3i-q3r))
				stC64(yp, o+4*qs, complex(a3r-q3i, a3i+q3r))
				stC64(yp, o+5*qs, complex(a2r-q2i, a2i+q2r))
				stC64(yp, o+6*qs, complex(a1r-q1i, a1i+q1r))
				xo += szC64
				yo += szC64
			}
		}
	}
}

// r8C64 computes radix-8 butterflies as radix-4 transforms of the even and odd inputs joined
// by the eighth roots of unity.
func r8C64(a *stageArgs[complex64]) {
	const r = 0.70710678118654752440 // √½
	xp, yp, js, qs := baseC64(a, 8)
	l, m, v := a.l, a.m, a.v
	if l == 1 {
		for s := range m {
			xo, yo := uintptr(s*v)*szC64, uintptr(s*8*v)*szC64
			for range v {
				o := xo
				u0 := ldC64(xp, o)
				o += js
				u1 := ldC64(xp, o)
				o += js
				u2 := ldC64(xp, o)
				o += js
				u3 := ldC64(xp, o)
				o += js
				u4 := ldC64(xp, o)
				o += js
				u5 := ldC64(xp, o)
				o += js
				u6 := ldC64(xp, o)
				o += js
				u7 := ldC64(xp, o)
				a0, a1, a2, a3 := u0+u4, u0-u4, u2+u6, negIC64(u2-u6)
				e0, e1, e2, e3 := a0+a2, a1+a3, a0-a2, a1-a3
				b0, b1, b2, b3 := u1+u5, u1-u5, u3+u7, negIC64(u3-u7)
				o0, o1, o2, o3 := b0+b2, b1+b3, b0-b2, b1-b3
				o1 = complex(r*(real(o1)+imag(o1)), r*(imag(o1)-real(o1)))
				o2 = negIC64(o2)
				o3 = complex(r*(imag(o3)-real(o3)), -r*(real(o3)+imag(o3)))
				o = yo
				stC64(yp, o, e0+o0)
				o += qs
				stC64(yp, o, e1+o1)
				o += qs
				stC64(yp, o, e2+o2)
				o += qs
				stC64(yp, o, e3+o3)
				o += qs
				stC64(yp, o, e0-o0)
				o += qs
				stC64(yp, o, e1-o1)
				o += qs
				stC64(yp, o, e2-o2)
				o += qs
				stC64(yp, o, e3-o3)
				xo += szC64
				yo += szC64
			}
		}
		return
	}

	w := a.w[:7*l]
	for s := range m {
		for k := range l {
			c1, c2, c3, c4 := w[k], w[l+k], w[2*l+k], w[3*l+k]
			c5, c6, c7 := w[4*l+k], w[5*l+k], w[6*l+k]
			xo, yo := uintptr((s*l+k)*v)*szC64, uintptr((s*8*l+k)*v)*szC64
			for range v {
				u0 := ldC64(xp, xo)
				u2 := mulC64(ldC64(xp, xo+2*js), c2)
				u4 := mulC64(ldC64(xp, xo+4*js), c4)
				u6 := mulC64(ldC64(xp, xo+6*js), c6)
				a0, a1, a2, a3 := u0+u4, u0-u4, u2+u6, negIC64(u2-u6)
				e0, e1, e2, e3 := a0+a2, a1+a3, a0-a2, a1-a3
				u1 := mulC64(ldC64(xp, xo+js), c1)
				u3 := mulC64(ldC64(xp, xo+3*js), c3)
				u5 := mulC64(ldC64(xp, xo+5*js), c5)
				u7 := mulC64(ldC64(xp, xo+7*js), c7)
				b0, b1, b2, b3 := u1+u5, u1-u5, u3+u7, negIC64(u3-u7)
				o0, o1, o2, o3 := b0+b2, b1+b3, b0-b2, b1-b3
				o1 = complex(r*(real(o1)+imag(o1)), r*(imag(o1)-real(o1)))
				o2 = negIC64(o2)
				o3 = complex(r*(imag(o3)-real(o3)), -r*(real(o3)+imag(o3)))
				stC64(yp, yo, e0+o0)
				stC64(yp, yo+4*qs, e0-o0)
				stC64(yp, yo+qs, e1+o1)
				stC64(yp, yo+5*qs, e1-o1)
				stC64(yp, yo+2*qs, e2+o2)
				stC64(yp, yo+6*qs, e2-o2)
				stC64(yp, yo+3*qs, e3+o3)
				stC64(yp, yo+7*qs, e3-o3)
				xo += szC64
				yo += szC64
			}
		}
	}
}

// oddC64 computes radix-p butterflies for any odd p from the symmetric pairs
// t_j = u_j + u_(p-j) and d_j = u_j - u_(p-j), j = 1..h with h = (p-1)/2: with
// A_q = u0 + Σ_j cos(2πjq/p)·t_j and B_q = Σ_j sin(2πjq/p)·d_j, y_q = A_q - i·B_q and
// y_(p-q) = A_q + i·B_q. The table a.st.cs holds cos + i·sin in row q-1, column j-1. Cost:
// 2h² real multiply-adds per output pair, done two output pairs at a time so that each load
// of t_j and d_j serves eight of them.
func oddC64(a *stageArgs[complex64]) {
	p := a.st.p
	h := (p - 1) / 2
	l, m, v := a.l, a.m, a.v
	n := p * l * m * v
	x, y := a.x[:n], a.y[:n]
	js, qs := l*m*v, l*v
	cs := a.st.cs[:h*h]
	u := a.wk.tmp[:p*v]
	t := a.wk.tmp[p*v : p*v+h*v]
	d := a.wk.tmp[p*v+h*v : p*v+2*h*v]
	for s := range m {
		for k := range l {
			xo, yo := (s*l+k)*v, (s*p*l+k)*v
			for j := range p {
				row, src := u[j*v:j*v+v], x[xo+j*js:xo+j*js+v]
				if j == 0 || l == 1 {
					copy(row, src)
					continue
				}
				c := a.w[(j-1)*l+k]
				for b, z := range src {
					row[b] = mulC64(z, c)
				}
			}

			for b := range v {
				tb, db := t[b*h:b*h+h], d[b*h:b*h+h]
				y0 := u[b]
				for j := range tb {
					z0, z1 := u[(j+1)*v+b], u[(p-1-j)*v+b]
					tb[j], db[j] = z0+z1, z0-z1
					y0 += tb[j]
				}
				y[yo+b] = y0

				r0, i0 := real(u[b]), imag(u[b])
				q := 1
				for ; q < h; q += 2 {
					c0, c1 := cs[(q-1)*h:q*h], cs[q*h:(q+1)*h]
					c0, c1 = c0[:len(tb)], c1[:len(tb)]
					db := db[:len(tb)]
					ar0, ai0, ar1, ai1 := r0, i0, r0, i0
					var br0, bi0, br1, bi1 float32
					for j, tj := range tb {
						dj := db[j]
						k0, k1 := c0[j], c1[j]
						ar0 += real(k0) * real(tj)
						ai0 += real(k0) * imag(tj)
						br0 += imag(k0) * real(dj)
						bi0 += imag(k0) * imag(dj)
						ar1 += real(k1) * real(tj)
						ai1 += real(k1) * imag(tj)
						br1 += imag(k1) * real(dj)
						bi1 += imag(k1) * imag(dj)
					}
					y[yo+q*qs+b] = complex(ar0+bi0, ai0-br0)
					y[yo+(p-q)*qs+b] = complex(ar0-bi0, ai0+br0)
					y[yo+(q+1)*qs+b] = complex(ar1+bi1, ai1-br1)
					y[yo+(p-q-1)*qs+b] = complex(ar1-bi1, ai1+br1)
				}
				if q == h {
					c0 := cs[(q-1)*h : q*h]
					c0 = c0[:len(tb)]
					db := db[:len(tb)]
					ar0, ai0 := r0, i0
					var br0, bi0 float32
					for j, tj := range tb {
						dj := db[j]
						k0 := c0[j]
						ar0 += real(k0) * real(tj)
						ai0 += real(k0) * imag(tj)
						br0 += imag(k0) * real(dj)
						bi0 += imag(k0) * imag(dj)
					}
					y[yo+q*qs+b] = complex(ar0+bi0, ai0-br0)
					y[yo+(p-q)*qs+b] = complex(ar0-bi0, ai0+br0)
				}
			}
		}
	}
}

// blueC64 computes radix-p butterflies with Bluestein's algorithm (see newBlue), all v lanes
// of a butterfly at once through the sub-transform; its inverse is the forward one with the
// real and imaginary parts swapped on the way in and out.
func blueC64(a *stageArgs[complex64]) {
	bl := a.st.blue
	p := a.st.p
	l, m, v := a.l, a.m, a.v
	n := p * l * m * v
	x, y := a.x[:n], a.y[:n]
	js, qs := l*m*v, l*v
	sw := a.wk.sub
	mv := bl.m * v
	for s := range m {
		for k := range l {
			xo, yo := (s*l+k)*v, (s*p*l+k)*v
			u := sw.a[:mv]
			for j := range p {
				c := bl.chirp[j]
				if j > 0 && l > 1 {
					c = mulC64(c, a.w[(j-1)*l+k])
				}
				row := u[j*v : j*v+v]
				for b, z := range x[xo+j*js : xo+j*js+v] {
					row[b] = mulC64(z, c)
				}
			}
			clear(u[p*v:])

			f := bl.sub.run(sw, v)
			for e, g := range bl.fb {
				row := u[e*v : e*v+v]
				for b, z := range f[e*v : e*v+v] {
					row[b] = swapC64(mulC64(z, g))
				}
			}
			f = bl.sub.run(sw, v)

			for q := range p {
				c := bl.chirp[q]
				dst := y[yo+q*qs : yo+q*qs+v]
				for b, z := range f[q*v : q*v+v] {
					dst[b] = mulC64(swapC64(z), c)
				}
			}
		}
	}
}
