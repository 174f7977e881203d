package hdf5

// Limits on tree walks, well above anything a writer produces.
const (
	maxTreeDepth = 64
	maxTreeNodes = 1 << 22
)

// Node types of version 1 B-trees.
const (
	btree1Group = 0
	btree1Chunk = 1
)

// walkBTree1 visits every child of the leaves of the version 1 B-tree at addr. A key has
// keySize bytes; fn receives the key that precedes each child and the child's address.
// Every node is visited at most once, so a corrupt tree cannot loop.
func (f *File) walkBTree1(addr uint64, typ, keySize int,
	fn func(key []byte, child uint64) error) error {
	type item struct {
		addr  uint64
		level int // expected level, -1 for the root
	}
	seen := map[uint64]bool{}
	stack := []item{{addr, -1}}
	head := 8 + 2*f.offSize

	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[it.addr] || len(seen) >= maxTreeNodes {
			return f.corruptf("B-tree node at 0x%x is reached twice (the tree loops)", it.addr)
		}
		seen[it.addr] = true

		hb, err := f.read(it.addr, uint64(head), "B-tree node")
		if err != nil {
			return err
		}
		if err := f.checkSignature(hb, "TREE", "B-tree node", it.addr); err != nil {
			return err
		}
		if int(hb[4]) != typ {
			return f.corruptf("B-tree node at 0x%x has type %d, want %d", it.addr, hb[4], typ)
		}
		level := int(hb[5])
		if it.level >= 0 && level != it.level || level > maxTreeDepth {
			return f.corruptf("B-tree node at 0x%x has level %d, want %d", it.addr, level,
				it.level)
		}
		n := int(hb[6]) | int(hb[7])<<8

		body := uint64(n)*uint64(keySize+f.offSize) + uint64(keySize)
		b, err := f.read(it.addr+uint64(head), body, "B-tree node")
		if err != nil {
			return err
		}
		c := f.newCursor(b)
		for i := 0; i < n; i++ {
			key := c.take(keySize)
			child := c.addr()
			if level > 0 {
				stack = append(stack, item{child, level - 1})
				continue
			}
			if err := fn(key, child); err != nil {
				return err
			}
		}
	}
	return nil
}

// btree2 is the header of a version 2 B-tree.
type btree2 struct {
	addr     uint64
	typ      int
	nodeSize int
	recSize  int
	depth    int
	root     uint64
	rootN    int

	maxN    []int // records per node at each depth
	cumSize []int // bytes of the "total records below" field for children at each depth
	nrecLen int   // bytes of the "records in child" field
}

// openBTree2 reads the header of the version 2 B-tree at addr.
func (f *File) openBTree2(addr uint64) (*btree2, error) {
	n := uint64(4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + f.offSize + 2 + f.lenSize + 4)
	b, err := f.read(addr, n, "v2 B-tree header")
	if err != nil {
		return nil, err
	}
	if err := f.checkSignature(b, "BTHD", "v2 B-tree header", addr); err != nil {
		return nil, err
	}
	if err := f.checkSum(b, "v2 B-tree header", addr); err != nil {
		return nil, err
	}

	c := f.newCursor(b)
	c.skip(4)
	if v := c.u8(); v != 0 {
		return nil, f.unsupportedf("v2 B-tree version %d at 0x%x", v, addr)
	}
	t := &btree2{addr: addr}
	t.typ = int(c.u8())
	t.nodeSize = int(c.u32())
	t.recSize = int(c.u16())
	t.depth = int(c.u16())
	c.skip(2)
	t.root = c.addr()
	t.rootN = int(c.u16())
	if t.nodeSize < 32 || t.nodeSize > 1<<24 || t.recSize == 0 || t.recSize > t.nodeSize ||
		t.depth > maxTreeDepth {
		return nil, f.corruptf("v2 B-tree at 0x%x has node size %d, record size %d, depth %d",
			addr, t.nodeSize, t.recSize, t.depth)
	}

	// Each node holds as many records (and, inside, child pointers) as fit; the sizes of
	// the count fields follow from those capacities.
	const prefix = 10 // signature, version, type, checksum
	t.maxN = make([]int, t.depth+1)
	t.cumSize = make([]int, t.depth+1)
	cum := make([]uint64, t.depth+1)
	t.maxN[0] = (t.nodeSize - prefix) / t.recSize
	cum[0] = uint64(t.maxN[0])
	t.nrecLen = bytesFor(uint64(t.maxN[0]))
	for d := 1; d <= t.depth; d++ {
		ptr := f.offSize + t.nrecLen
		if d > 1 {
			ptr += t.cumSize[d-1]
		}
		t.maxN[d] = (t.nodeSize - (prefix + ptr)) / (t.recSize + ptr)
		if t.maxN[d] < 1 {
			return nil, f.corruptf("v2 B-tree at 0x%x: nodes too small for depth %d", addr,
				t.depth)
		}
		cum[d] = satAdd(satMul(uint64(t.maxN[d])+1, cum[d-1]), uint64(t.maxN[d]))
		t.cumSize[d] = bytesFor(cum[d])
	}
	return t, nil
}

// satMul and satAdd saturate at 2^62 so that capacities of deep trees cannot overflow.
func satMul(a, b uint64) uint64 {
	const lim = 1 << 62
	if a != 0 && b > lim/a {
		return lim
	}
	return min(a*b, lim)
}

func satAdd(a, b uint64) uint64 {
	return min(a+b, 1<<62)
}

// walk visits every record of the tree once, in no particular order.
func (f *File) walkBTree2(t *btree2, fn func(rec []byte) error) error {
	type item struct {
		addr  uint64
		n     int
		depth int
	}
	if t.root == undef || t.rootN == 0 {
		return nil
	}
	seen := map[uint64]bool{}
	stack := []item{{t.root, t.rootN, t.depth}}

	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[it.addr] || len(seen) >= maxTreeNodes {
			return f.corruptf("v2 B-tree node at 0x%x is reached twice (the tree loops)",
				it.addr)
		}
		seen[it.addr] = true
		if it.n > t.maxN[it.depth] {
			return f.corruptf("v2 B-tree node at 0x%x claims %d records (at most %d fit)",
				it.addr, it.n, t.maxN[it.depth])
		}

		b, err := f.read(it.addr, uint64(t.nodeSize), "v2 B-tree node")
		if err != nil {
			return err
		}
		sig := "BTLF"
		if it.depth > 0 {
			sig = "BTIN"
		}
		if err := f.checkSignature(b, sig, "v2 B-tree node", it.addr); err != nil {
			return err
		}
		if int(b[5]) != t.typ {
			return f.corruptf("v2 B-tree node at 0x%x has type %d, want %d", it.addr, b[5],
				t.typ)
		}

		c := f.newCursor(b)
		c.skip(6)
		for i := 0; i < it.n; i++ {
			if err := fn(c.take(t.recSize)); err != nil {
				return err
			}
		}
		if it.depth > 0 {
			for i := 0; i <= it.n; i++ {
				a := c.addr()
				n := int(c.uvar(t.nrecLen))
				if it.depth > 1 {
					c.skip(t.cumSize[it.depth-1])
				}
				stack = append(stack, item{a, n, it.depth - 1})
			}
		}
		end := c.pos
		c.skip(4)
		if c.bad {
			return f.corruptf("v2 B-tree node at 0x%x overruns its %d bytes", it.addr,
				t.nodeSize)
		}
		if err := f.checkSum(b[:end+4], "v2 B-tree node", it.addr); err != nil {
			return err
		}
	}
	return nil
}
