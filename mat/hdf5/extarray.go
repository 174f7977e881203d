package hdf5

// extArray is the header of an extensible array chunk index.
type extArray struct {
	addr     uint64
	filtered bool
	esize    int
	offBytes int // bytes of a block offset
	iblkN    int // elements kept in the index block
	pageBits int
	maxIdx   uint64 // one past the highest index ever set
	iblk     uint64

	sblkN      []int    // data blocks in each super block
	sblkElems  []int    // elements in each data block of a super block
	sblkStart  []uint64 // first array index of each super block
	iblkSblks  int      // super blocks whose data blocks the index block points to directly
	iblkDblks  int      // data block addresses in the index block
	iblkSblkAs int      // secondary block addresses in the index block
}

// extArrayChunks reads an extensible array index, used when exactly one dimension is
// unlimited. Entries are ordered with the unlimited dimension first ("swizzled") and the
// others in order, on the grid of the maximum dims.
func (d *Dataset) extArrayChunks(g *grid) ([]chunkRef, error) {
	f := d.f
	ea, err := d.openExtArray(d.layout.addr)
	if err != nil {
		return nil, err
	}

	unlim := -1
	for i, m := range d.space.maxDims {
		if m < 0 {
			if unlim >= 0 {
				return nil, f.corruptf("extensible array index with two unlimited dims")
			}
			unlim = i
		}
	}
	if unlim < 0 {
		return nil, f.corruptf("extensible array index without an unlimited dimension")
	}

	counts := d.maxGridCounts()
	swz := append([]int{g.n[unlim]}, counts[:unlim]...)
	swz = append(swz, counts[unlim+1:]...)
	down, total := downStrides(swz)
	limit := min(uint64(total), ea.maxIdx)

	entries := map[uint64]chunkRef{}
	err = d.walkExtArray(ea, limit, func(idx uint64, b []byte) error {
		ref, err := d.chunkEntry(b, ea.filtered)
		if err != nil || ref.addr == undef {
			return err
		}
		entries[idx] = ref
		return nil
	})
	if err != nil {
		return nil, err
	}

	var refs []chunkRef
	forEachChunk(g, func(lin int, s []int) {
		idx := s[unlim] * down[0]
		k := 1
		for i, v := range s {
			if i != unlim {
				idx += v * down[k]
				k++
			}
		}
		if ref, ok := entries[uint64(idx)]; ok {
			ref.lin = lin
			refs = append(refs, ref)
		}
	})
	return refs, nil
}

// openExtArray reads an extensible array header and derives its super block layout.
func (d *Dataset) openExtArray(addr uint64) (*extArray, error) {
	f := d.f
	n := uint64(4 + 1 + 1 + 6 + 6*f.lenSize + f.offSize + 4)
	b, err := f.read(addr, n, "extensible array header")
	if err != nil {
		return nil, err
	}
	if err := f.checkSignature(b, "EAHD", "extensible array header", addr); err != nil {
		return nil, err
	}
	if err := f.checkSum(b, "extensible array header", addr); err != nil {
		return nil, err
	}

	c := f.newCursor(b)
	c.skip(5)
	ea := &extArray{addr: addr}
	client := c.u8()
	ea.esize = int(c.u8())
	maxBits := int(c.u8())
	ea.iblkN = int(c.u8())
	dblkMin := int(c.u8())
	sblkMinPtrs := int(c.u8())
	ea.pageBits = int(c.u8())
	for i := 0; i < 4; i++ {
		c.length() // super and data block statistics
	}
	ea.maxIdx = c.length()
	c.length() // elements realized
	ea.iblk = c.addr()
	ea.filtered = client == 1

	if client > 1 || ea.esize < f.offSize || maxBits < 1 || maxBits > 64 ||
		!isPow2(uint64(dblkMin)) || !isPow2(uint64(sblkMinPtrs)) || ea.pageBits > 32 ||
		log2Floor(uint64(dblkMin)) > maxBits {
		return nil, f.corruptf("extensible array at 0x%x has inconsistent parameters", addr)
	}
	ea.offBytes = (maxBits + 7) / 8

	nsblks := 1 + maxBits - log2Floor(uint64(dblkMin))
	start := uint64(ea.iblkN)
	for s := 0; s < nsblks; s++ {
		nd := 1 << uint(min(s/2, 40))
		ne := dblkMin << uint(min((s+1)/2, 40))
		ea.sblkN = append(ea.sblkN, nd)
		ea.sblkElems = append(ea.sblkElems, ne)
		ea.sblkStart = append(ea.sblkStart, start)
		start = satAdd(start, satMul(uint64(nd), uint64(ne)))
	}
	ea.iblkSblks = min(2*log2Floor(uint64(sblkMinPtrs)), nsblks)
	ea.iblkDblks = 2 * (sblkMinPtrs - 1)
	ea.iblkSblkAs = nsblks - ea.iblkSblks
	return ea, nil
}

// walkExtArray calls fn with the index and raw bytes of every element below limit that is
// stored in the index block or in an allocated data block.
func (d *Dataset) walkExtArray(ea *extArray, limit uint64,
	fn func(idx uint64, b []byte) error) error {
	f := d.f
	if ea.iblk == undef || limit == 0 {
		return nil
	}

	n := uint64(4+1+1+f.offSize+ea.iblkN*ea.esize+(ea.iblkDblks+ea.iblkSblkAs)*f.offSize) + 4
	b, err := f.read(ea.iblk, n, "extensible array index block")
	if err != nil {
		return err
	}
	if err := d.checkArrayBlock(b, "EAIB", ea.addr, ea.iblk); err != nil {
		return err
	}

	c := f.newCursor(b)
	c.skip(6 + f.offSize)
	for i := 0; i < ea.iblkN; i++ {
		e := c.take(ea.esize)
		if uint64(i) < limit {
			if err := fn(uint64(i), e); err != nil {
				return err
			}
		}
	}

	dblk := make([]uint64, ea.iblkDblks)
	for i := range dblk {
		dblk[i] = c.addr()
	}
	sblk := make([]uint64, ea.iblkSblkAs)
	for i := range sblk {
		sblk[i] = c.addr()
	}

	seen := map[uint64]bool{}
	k := 0
	for s := 0; s < ea.iblkSblks; s++ {
		for j := 0; j < ea.sblkN[s]; j++ {
			if k >= len(dblk) {
				return f.corruptf("extensible array at 0x%x: index block too short", ea.addr)
			}
			first := ea.sblkStart[s] + uint64(j*ea.sblkElems[s])
			err := d.extDataBlock(ea, dblk[k], first, ea.sblkElems[s], limit, nil, seen, fn)
			if err != nil {
				return err
			}
			k++
		}
	}

	for i, a := range sblk {
		s := ea.iblkSblks + i
		if a == undef || ea.sblkStart[s] >= limit {
			continue
		}
		if err := d.extSuperBlock(ea, a, s, limit, seen, fn); err != nil {
			return err
		}
	}
	return nil
}

// extSuperBlock reads secondary block s at addr and the data blocks it points to.
func (d *Dataset) extSuperBlock(ea *extArray, addr uint64, s int, limit uint64,
	seen map[uint64]bool, fn func(idx uint64, b []byte) error) error {
	f := d.f
	nd, ne := ea.sblkN[s], ea.sblkElems[s]
	pageN := 1 << uint(ea.pageBits)
	npages, bitmapEach := 0, 0
	if ne > pageN {
		npages = ceilDiv(ne, pageN)
		bitmapEach = (npages + 7) / 8
	}

	n := uint64(4+1+1+f.offSize+ea.offBytes) + uint64(nd)*uint64(bitmapEach+f.offSize) + 4
	b, err := f.read(addr, n, "extensible array secondary block")
	if err != nil {
		return err
	}
	if err := d.checkArrayBlock(b, "EASB", ea.addr, addr); err != nil {
		return err
	}

	c := f.newCursor(b)
	c.skip(6 + f.offSize + ea.offBytes)

	// The page bitmap has room for a whole number of bytes per data block, but its bits
	// run on without a break: page p of data block j is bit j*npages+p, first bit the
	// most significant.
	bitmap := c.take(nd * bitmapEach)
	for j := 0; j < nd; j++ {
		first := ea.sblkStart[s] + uint64(j)*uint64(ne)
		a := c.addr()
		if first >= limit {
			break
		}
		var init func(p int) bool
		if npages > 0 {
			init = func(p int) bool {
				k := j*npages + p
				return bitmap[k/8]&(0x80>>uint(k%8)) != 0
			}
		}
		if err := d.extDataBlock(ea, a, first, ne, limit, init, seen, fn); err != nil {
			return err
		}
	}
	return nil
}

// extDataBlock reads the data block at addr holding elements first .. first+ne-1. A data
// block of more than 2^pageBits elements is split into pages; init tells the pages written.
func (d *Dataset) extDataBlock(ea *extArray, addr, first uint64, ne int, limit uint64,
	init func(p int) bool, seen map[uint64]bool, fn func(idx uint64, b []byte) error) error {
	f := d.f
	if addr == undef || first >= limit {
		return nil
	}
	if seen[addr] {
		return f.corruptf("extensible array data block at 0x%x is referenced twice", addr)
	}
	seen[addr] = true

	prefix := 4 + 1 + 1 + f.offSize + ea.offBytes
	pageN := 1 << uint(ea.pageBits)
	emit := func(b []byte, idx uint64, m int) error {
		for i := 0; i < m && idx+uint64(i) < limit; i++ {
			if err := fn(idx+uint64(i), b[i*ea.esize:(i+1)*ea.esize]); err != nil {
				return err
			}
		}
		return nil
	}

	if ne <= pageN {
		b, err := f.read(addr, uint64(prefix+ne*ea.esize+4), "extensible array data block")
		if err != nil {
			return err
		}
		if err := d.checkArrayBlock(b, "EADB", ea.addr, addr); err != nil {
			return err
		}
		return emit(b[prefix:], first, ne)
	}

	b, err := f.read(addr, uint64(prefix+4), "extensible array data block")
	if err != nil {
		return err
	}
	if err := d.checkArrayBlock(b, "EADB", ea.addr, addr); err != nil {
		return err
	}
	npages := ceilDiv(ne, pageN)
	pageAddr := addr + uint64(prefix+4)
	for p := 0; p < npages; p++ {
		idx := first + uint64(p*pageN)
		if idx >= limit {
			break
		}
		if init == nil || init(p) {
			pb, err := f.read(pageAddr, uint64(pageN*ea.esize+4), "extensible array page")
			if err != nil {
				return err
			}
			if err := f.checkSum(pb, "extensible array page", pageAddr); err != nil {
				return err
			}
			if err := emit(pb, idx, pageN); err != nil {
				return err
			}
		}
		pageAddr += uint64(pageN*ea.esize + 4)
	}
	return nil
}
