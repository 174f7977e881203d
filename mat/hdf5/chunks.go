package hdf5

import (
	"math"
	"math/bits"
)

// chunkRef locates one stored chunk.
type chunkRef struct {
	lin  int    // index in the row-major grid of chunks that cover the current dims
	addr uint64 // file address of the stored bytes
	size uint64 // stored (filtered) bytes
	mask uint32 // filter mask: bit i set means filter i was not applied
}

// grid is the lattice of chunks that cover a dataset.
type grid struct {
	dims  []int // dataset dimensions
	chunk []int // chunk dimensions
	n     []int // chunks along each dimension
	down  []int // row-major strides of n
	total int   // chunks in the grid
}

// newGrid returns the chunk grid of d.
func (d *Dataset) newGrid() grid {
	g := grid{dims: d.space.dims, chunk: d.layout.chunk}
	g.n = make([]int, len(g.dims))
	for i := range g.dims {
		g.n[i] = ceilDiv(g.dims[i], g.chunk[i])
	}
	g.down, g.total = downStrides(g.n)
	return g
}

func ceilDiv(a, b int) int {
	return (a + b - 1) / b
}

// downStrides returns the row-major strides of a lattice with counts n and its total size,
// saturated at math.MaxInt64 / 2.
func downStrides(n []int) ([]int, int) {
	down := make([]int, len(n))
	total := 1
	for i := len(n) - 1; i >= 0; i-- {
		down[i] = total
		hi, lo := bits.Mul64(uint64(total), uint64(n[i]))
		if hi != 0 || lo > math.MaxInt64/2 {
			total = math.MaxInt64 / 2
		} else {
			total = int(lo)
		}
	}
	return down, total
}

// linear returns the grid index of the chunk with scaled coordinates s, or false if the chunk
// lies outside the current dims.
func (g *grid) linear(s []uint64) (int, bool) {
	lin := 0
	for i, v := range s {
		if v >= uint64(g.n[i]) {
			return 0, false
		}
		lin += int(v) * g.down[i]
	}
	return lin, true
}

// maxGridCounts returns the chunk counts along each dimension for the maximum dims (the
// lattice that fixed arrays and implicit indexes are laid out on). Unlimited dims count 0.
func (d *Dataset) maxGridCounts() []int {
	n := make([]int, len(d.space.dims))
	for i, m := range d.space.maxDims {
		if m >= 0 {
			n[i] = ceilDiv(max(m, d.space.dims[i]), d.layout.chunk[i])
		}
	}
	return n
}

// chunkRefs lists the stored chunks of a chunked dataset.
func (d *Dataset) chunkRefs(g *grid) ([]chunkRef, error) {
	l := &d.layout
	if l.addr == undef {
		return nil, nil // no chunk was ever written
	}

	switch l.index {
	case indexBTree1:
		return d.btree1Chunks(g)
	case indexSingle:
		ref := chunkRef{addr: l.addr, size: uint64(d.chunkBytes)}
		if l.flags&0x02 != 0 {
			ref.size, ref.mask = l.singleSize, l.singleMask
		}
		return []chunkRef{ref}, nil
	case indexImplicit:
		return d.implicitChunks(g)
	case indexFixed:
		return d.fixedArrayChunks(g)
	case indexExtArray:
		return d.extArrayChunks(g)
	case indexBTree2:
		return d.btree2Chunks(g)
	}
	return nil, d.f.unsupportedf("chunk index type %d", l.index)
}

// btree1Chunks walks the version 1 B-tree of a layout version 3 dataset. Each key holds the
// chunk's stored size, filter mask and element offsets (plus a trailing 0).
func (d *Dataset) btree1Chunks(g *grid) ([]chunkRef, error) {
	f := d.f
	rank := len(g.dims)
	var refs []chunkRef
	scaled := make([]uint64, rank)

	err := f.walkBTree1(d.layout.addr, btree1Chunk, 8+8*(rank+1),
		func(key []byte, child uint64) error {
			c := f.newCursor(key)
			size := uint64(c.u32())
			mask := c.u32()
			for i := range scaled {
				off := c.u64()
				if off%uint64(g.chunk[i]) != 0 {
					return f.corruptf("chunk at 0x%x has offset %d, not a multiple of the "+
						"chunk size %d", child, off, g.chunk[i])
				}
				scaled[i] = off / uint64(g.chunk[i])
			}
			if lin, ok := g.linear(scaled); ok {
				refs = append(refs, chunkRef{lin: lin, addr: child, size: size, mask: mask})
			}
			return nil
		})
	return refs, err
}

// implicitChunks lists the chunks of an implicit index: all chunks of the maximum grid stored
// one after the other, unfiltered.
func (d *Dataset) implicitChunks(g *grid) ([]chunkRef, error) {
	f := d.f
	for _, m := range d.space.maxDims {
		if m < 0 {
			return nil, f.corruptf("dataset %q: implicit chunk index with an unlimited "+
				"dimension", d.name)
		}
	}
	maxDown, maxTotal := downStrides(d.maxGridCounts())
	hi, span := bits.Mul64(uint64(maxTotal), uint64(d.chunkBytes))
	if hi != 0 {
		return nil, f.corruptf("implicit chunk index of %d chunks overflows", maxTotal)
	}
	if err := f.checkRange(d.layout.addr, span, "implicitly indexed chunks"); err != nil {
		return nil, err
	}

	refs := make([]chunkRef, 0, g.total)
	forEachChunk(g, func(lin int, s []int) {
		idx := 0
		for i, v := range s {
			idx += v * maxDown[i]
		}
		addr := d.layout.addr + uint64(idx)*uint64(d.chunkBytes)
		refs = append(refs, chunkRef{lin: lin, addr: addr, size: uint64(d.chunkBytes)})
	})
	return refs, nil
}

// forEachChunk calls fn with the linear index and coordinates of every chunk of g.
func forEachChunk(g *grid, fn func(lin int, s []int)) {
	if g.total == 0 {
		return
	}
	s := make([]int, len(g.n))
	for lin := 0; lin < g.total; lin++ {
		fn(lin, s)
		for i := len(s) - 1; i >= 0; i-- {
			s[i]++
			if s[i] < g.n[i] {
				break
			}
			s[i] = 0
		}
	}
}

// chunkEntry decodes an element of a fixed or extensible array index: an address, and for
// filtered datasets (client 1) the stored size and filter mask.
func (d *Dataset) chunkEntry(b []byte, filtered bool) (chunkRef, error) {
	f := d.f
	c := f.newCursor(b)
	ref := chunkRef{addr: c.addr(), size: uint64(d.chunkBytes)}
	if filtered {
		n := len(b) - f.offSize - 4
		if n < 1 || n > 8 {
			return ref, f.corruptf("chunk index entry of %d bytes", len(b))
		}
		ref.size = c.uvar(n)
		ref.mask = c.u32()
	}
	return ref, nil
}

// fixedArrayChunks reads a fixed array index: one entry per chunk of the maximum grid, in
// row-major order, possibly split into checksummed pages.
func (d *Dataset) fixedArrayChunks(g *grid) ([]chunkRef, error) {
	f := d.f
	addr := d.layout.addr
	hb, err := f.read(addr, uint64(4+4+f.lenSize+f.offSize+4), "fixed array header")
	if err != nil {
		return nil, err
	}
	if err := f.checkSignature(hb, "FAHD", "fixed array header", addr); err != nil {
		return nil, err
	}
	if err := f.checkSum(hb, "fixed array header", addr); err != nil {
		return nil, err
	}
	c := f.newCursor(hb)
	c.skip(5)
	client := c.u8()
	esize := int(c.u8())
	pageBits := int(c.u8())
	nent := c.length()
	dblk := c.addr()

	maxCounts := d.maxGridCounts()
	maxDown, maxTotal := downStrides(maxCounts)
	filtered := client == 1
	if client > 1 || esize < f.offSize || pageBits > 32 || nent != uint64(maxTotal) {
		return nil, f.corruptf("fixed array at 0x%x: client %d, entry size %d, %d entries "+
			"for %d chunks", addr, client, esize, nent, maxTotal)
	}
	if dblk == undef {
		return nil, nil
	}

	entries, err := d.fixedArrayEntries(dblk, addr, int(nent), esize, pageBits)
	if err != nil {
		return nil, err
	}
	return d.gridEntries(g, maxDown, entries, esize, filtered)
}

// fixedArrayEntries reads the raw entries of a fixed array data block; entries of pages never
// initialized are left all ones (undefined addresses).
func (d *Dataset) fixedArrayEntries(dblk, hdr uint64, n, esize, pageBits int) ([]byte, error) {
	f := d.f
	hi, total := bits.Mul64(uint64(n), uint64(esize))
	if hi != 0 {
		return nil, f.corruptf("fixed array at 0x%x is too large", hdr)
	}
	if err := f.checkRange(dblk, total, "fixed array data block"); err != nil {
		return nil, err
	}

	prefix := 4 + 1 + 1 + f.offSize
	pageN := 1 << uint(pageBits)
	if n <= pageN {
		b, err := f.read(dblk, uint64(prefix+n*esize+4), "fixed array data block")
		if err != nil {
			return nil, err
		}
		if err := d.checkArrayBlock(b, "FADB", hdr, dblk); err != nil {
			return nil, err
		}
		return b[prefix : prefix+n*esize], nil
	}

	npages := ceilDiv(n, pageN)
	bitmap := (npages + 7) / 8
	b, err := f.read(dblk, uint64(prefix+bitmap+4), "fixed array data block")
	if err != nil {
		return nil, err
	}
	if err := d.checkArrayBlock(b, "FADB", hdr, dblk); err != nil {
		return nil, err
	}
	init := b[prefix : prefix+bitmap]

	out := make([]byte, int(total))
	pageAddr := dblk + uint64(prefix+bitmap+4)
	for p := 0; p < npages; p++ {
		m := min(pageN, n-p*pageN)
		dst := out[p*pageN*esize : (p*pageN+m)*esize]
		if init[p/8]&(0x80>>uint(p%8)) == 0 {
			fillOnes(dst)
		} else {
			pb, err := f.read(pageAddr, uint64(m*esize+4), "fixed array page")
			if err != nil {
				return nil, err
			}
			if err := f.checkSum(pb, "fixed array page", pageAddr); err != nil {
				return nil, err
			}
			copy(dst, pb)
		}
		pageAddr += uint64(pageN*esize + 4)
	}
	return out, nil
}

// checkArrayBlock verifies the signature, header back-pointer and checksum of a fixed or
// extensible array block b read at addr.
func (d *Dataset) checkArrayBlock(b []byte, sig string, hdr, addr uint64) error {
	f := d.f
	if err := f.checkSignature(b, sig, "chunk index block", addr); err != nil {
		return err
	}
	if back := addrFrom(b[6 : 6+f.offSize]); back != hdr {
		return f.corruptf("chunk index block at 0x%x belongs to 0x%x, not 0x%x", addr, back,
			hdr)
	}
	return f.checkSum(b, "chunk index block", addr)
}

// fillOnes sets every byte of b to 0xff (undefined addresses).
func fillOnes(b []byte) {
	for i := range b {
		b[i] = 0xff
	}
}

// gridEntries turns the entries of a fixed array (one per chunk of the maximum grid, strides
// maxDown) into references to the chunks inside the current dims.
func (d *Dataset) gridEntries(g *grid, maxDown []int, entries []byte, esize int,
	filtered bool) ([]chunkRef, error) {
	var refs []chunkRef
	var err error
	forEachChunk(g, func(lin int, s []int) {
		if err != nil {
			return
		}
		idx := 0
		for i, v := range s {
			idx += v * maxDown[i]
		}
		if (idx+1)*esize > len(entries) {
			err = d.f.corruptf("chunk index of dataset %q is too short", d.name)
			return
		}
		var ref chunkRef
		ref, err = d.chunkEntry(entries[idx*esize:(idx+1)*esize], filtered)
		if err == nil && ref.addr != undef {
			ref.lin = lin
			refs = append(refs, ref)
		}
	})
	return refs, err
}

// btree2Chunks walks a version 2 B-tree chunk index (record type 10 unfiltered, 11
// filtered): address, [stored size, filter mask,] scaled coordinates.
func (d *Dataset) btree2Chunks(g *grid) ([]chunkRef, error) {
	f := d.f
	t, err := f.openBTree2(d.layout.addr)
	if err != nil {
		return nil, err
	}
	rank := len(g.dims)
	sizeLen := 0
	switch t.typ {
	case 10:
		if t.recSize != f.offSize+8*rank {
			return nil, f.corruptf("chunk B-tree at 0x%x has records of %d bytes", t.addr,
				t.recSize)
		}
	case 11:
		sizeLen = t.recSize - f.offSize - 4 - 8*rank
		if sizeLen < 1 || sizeLen > 8 {
			return nil, f.corruptf("chunk B-tree at 0x%x has records of %d bytes", t.addr,
				t.recSize)
		}
	default:
		return nil, f.corruptf("chunk B-tree at 0x%x has record type %d", t.addr, t.typ)
	}

	var refs []chunkRef
	scaled := make([]uint64, rank)
	err = f.walkBTree2(t, func(rec []byte) error {
		c := f.newCursor(rec)
		ref := chunkRef{addr: c.addr(), size: uint64(d.chunkBytes)}
		if sizeLen > 0 {
			ref.size = c.uvar(sizeLen)
			ref.mask = c.u32()
		}
		for i := range scaled {
			scaled[i] = c.u64()
		}
		if lin, ok := g.linear(scaled); ok && ref.addr != undef {
			ref.lin = lin
			refs = append(refs, ref)
		}
		return nil
	})
	return refs, err
}
