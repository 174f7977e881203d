package hdf5

// fheap is an open fractal heap: the structure that holds the links of a dense group and the
// attributes of an object with many attributes.
type fheap struct {
	addr       uint64
	idLen      int
	maxManaged uint64
	width      int
	startBlock uint64
	maxDirect  uint64
	root       uint64
	rootRows   int
	checksumDB bool // direct blocks carry a checksum

	offBytes   int // bytes of a heap offset (in heap IDs and block headers)
	lenBytes   int // bytes of an object length in a managed heap ID
	directRows int // rows of direct blocks in an indirect block

	blocks map[uint64][]byte // direct blocks read so far
}

// openFractalHeap reads the header of the fractal heap at addr.
func (f *File) openFractalHeap(addr uint64) (*fheap, error) {
	n := uint64(4 + 1 + 2 + 2 + 1 + 4 + 12*f.lenSize + 3*f.offSize + 2 + 2 + 2 + 2 + 4)
	b, err := f.read(addr, n, "fractal heap header")
	if err != nil {
		return nil, err
	}
	if err := f.checkSignature(b, "FRHP", "fractal heap header", addr); err != nil {
		return nil, err
	}

	c := f.newCursor(b)
	c.skip(4)
	if v := c.u8(); v != 0 {
		return nil, f.unsupportedf("fractal heap version %d at 0x%x", v, addr)
	}
	h := &fheap{addr: addr, blocks: map[uint64][]byte{}}
	h.idLen = int(c.u16())
	filterLen := int(c.u16())
	flags := c.u8()
	h.checksumDB = flags&0x02 != 0
	h.maxManaged = uint64(c.u32())
	c.length() // next huge object ID
	c.addr()   // huge object B-tree
	c.length() // free space
	c.addr()   // free-space manager
	for i := 0; i < 8; i++ {
		c.length() // space and object statistics
	}
	h.width = int(c.u16())
	h.startBlock = c.length()
	h.maxDirect = c.length()
	maxHeapBits := int(c.u16())
	c.u16() // starting rows of the root indirect block
	h.root = c.addr()
	h.rootRows = int(c.u16())
	if c.bad {
		return nil, f.corruptf("fractal heap header at 0x%x is truncated", addr)
	}
	if filterLen > 0 {
		return nil, f.unsupportedf("fractal heap at 0x%x has I/O filters", addr)
	}
	if err := f.checkSum(b[:c.pos+4], "fractal heap header", addr); err != nil {
		return nil, err
	}

	if h.width < 1 || h.width > 1<<16 || !isPow2(uint64(h.width)) ||
		h.startBlock < 32 || !isPow2(h.startBlock) || h.maxDirect < h.startBlock ||
		!isPow2(h.maxDirect) || h.maxDirect > 1<<30 || maxHeapBits < 8 || maxHeapBits > 64 ||
		h.idLen < 1 || h.idLen > 64 || h.rootRows > 64 {
		return nil, f.corruptf("fractal heap at 0x%x has inconsistent parameters", addr)
	}
	h.offBytes = (maxHeapBits + 7) / 8
	h.lenBytes = min((log2Floor(h.maxDirect)+7)/8, bytesFor(h.maxManaged))
	h.directRows = log2Floor(h.maxDirect) - log2Floor(h.startBlock) + 2
	return h, nil
}

func isPow2(n uint64) bool {
	return n != 0 && n&(n-1) == 0
}

// rowSize returns the size of the blocks in row r of an indirect block.
func (h *fheap) rowSize(r int) uint64 {
	if r == 0 {
		return h.startBlock
	}
	return h.startBlock << uint(r-1)
}

// get returns the object that the heap ID id names.
func (f *File) heapObject(h *fheap, id []byte) ([]byte, error) {
	if len(id) < 1 {
		return nil, f.corruptf("empty fractal heap ID")
	}
	if id[0]>>6 != 0 {
		return nil, f.unsupportedf("fractal heap ID version %d", id[0]>>6)
	}

	switch (id[0] >> 4) & 3 {
	case 0:
	case 1:
		return nil, f.unsupportedf("huge objects in the fractal heap at 0x%x", h.addr)
	case 2:
		n := int(id[0]&0x0f) + 1
		if 1+n > len(id) {
			return nil, f.corruptf("tiny fractal heap object overruns its ID")
		}
		return id[1 : 1+n], nil
	default:
		return nil, f.corruptf("fractal heap ID of unknown type")
	}

	c := f.newCursor(id[1:])
	off := c.uvar(h.offBytes)
	n := c.uvar(h.lenBytes)
	if c.bad || n == 0 || n > h.maxDirect {
		return nil, f.corruptf("bad managed object ID in the fractal heap at 0x%x", h.addr)
	}
	return f.heapManaged(h, off, n)
}

// heapManaged finds the direct block that holds heap offset off and returns the n bytes
// there.
func (f *File) heapManaged(h *fheap, off, n uint64) ([]byte, error) {
	addr, blockOff, size := h.root, uint64(0), h.startBlock
	rows := h.rootRows
	for depth := 0; rows > 0; depth++ {
		if depth > maxTreeDepth {
			return nil, f.corruptf("fractal heap at 0x%x nests too deep", h.addr)
		}
		var err error
		addr, blockOff, size, rows, err = f.heapDescend(h, addr, blockOff, rows, off)
		if err != nil {
			return nil, err
		}
	}

	blk, err := f.heapDirectBlock(h, addr, size)
	if err != nil {
		return nil, err
	}
	head := uint64(5 + f.offSize + h.offBytes)
	if h.checksumDB {
		head += 4
	}
	rel := off - blockOff
	if off < blockOff || rel < head || rel > size || n > size-rel {
		return nil, f.corruptf("fractal heap object at offset %d lies outside its block", off)
	}
	return blk[rel : rel+n], nil
}

// heapDescend reads the indirect block at addr (covering heap offsets from blockOff, with rows
// rows) and returns the child block that holds offset off: its address, first offset, size
// and rows (0 for a direct block).
func (f *File) heapDescend(h *fheap, addr, blockOff uint64, rows int, off uint64) (uint64,
	uint64, uint64, int, error) {
	nd := min(rows, h.directRows) * h.width
	ni := max(rows-h.directRows, 0) * h.width
	n := uint64(5+f.offSize+h.offBytes) + uint64(nd+ni)*uint64(f.offSize) + 4
	b, err := f.read(addr, n, "fractal heap indirect block")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if err := f.checkSignature(b, "FHIB", "fractal heap indirect block", addr); err != nil {
		return 0, 0, 0, 0, err
	}
	if err := f.checkSum(b, "fractal heap indirect block", addr); err != nil {
		return 0, 0, 0, 0, err
	}

	cur := blockOff
	for r := 0; r < rows; r++ {
		s := h.rowSize(r)
		for col := 0; col < h.width; col++ {
			if off >= cur+s {
				cur += s
				continue
			}

			i := r*h.width + col
			at := 5 + f.offSize + h.offBytes
			childRows := 0
			if r >= h.directRows {
				i = nd + (r-h.directRows)*h.width + col
				childRows = log2Floor(s) - log2Floor(h.startBlock*uint64(h.width)) + 1
			}
			child := addrFrom(b[at+i*f.offSize : at+(i+1)*f.offSize])
			if child == undef {
				return 0, 0, 0, 0, f.corruptf("fractal heap offset %d lies in an unallocated "+
					"block", off)
			}
			return child, cur, s, childRows, nil
		}
	}
	return 0, 0, 0, 0, f.corruptf("fractal heap offset %d lies past the heap", off)
}

// heapDirectBlock reads (once) the direct block of size bytes at addr.
func (f *File) heapDirectBlock(h *fheap, addr, size uint64) ([]byte, error) {
	if blk, ok := h.blocks[addr]; ok && uint64(len(blk)) == size {
		return blk, nil
	}
	blk, err := f.read(addr, size, "fractal heap direct block")
	if err != nil {
		return nil, err
	}
	if err := f.checkSignature(blk, "FHDB", "fractal heap direct block", addr); err != nil {
		return nil, err
	}

	if h.checksumDB && f.verify {
		// The checksum covers the whole block with the checksum field taken as zero.
		at := 5 + f.offSize + h.offBytes
		tmp := make([]byte, len(blk))
		copy(tmp, blk)
		want := leUint(tmp[at : at+4])
		clear(tmp[at : at+4])
		if uint64(lookup3(tmp)) != want {
			return nil, f.corruptf("checksum mismatch in fractal heap direct block at 0x%x",
				addr)
		}
	}
	h.blocks[addr] = blk
	return blk, nil
}
