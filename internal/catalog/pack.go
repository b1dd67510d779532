package catalog

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/index"
)

// A row block holds one stored row in one piece of memory: the row's
// primary-tree item and box (a RowEntry), its cells, and the values its
// cells point to. A row is a []any, and an interface holding an int64, a
// string or a decimal points to memory of its own: built the usual way,
// reading a book's four columns after finding it followed five pointers to
// five places (the cells, two boxed integers, a boxed string header, a
// decimal), a cache miss each on a point read of a large table. In a block
// they follow one another, so a read touches two or three adjacent lines.
//
// A block's layout depends on its table's column types (its shape): a
// struct made with reflect, so that the collector knows which words are
// pointers:
//
//	E RowEntry      the item and box
//	X [x]index.Item the row's entries in its table's secondary indexes
//	C [n]any        the row's cells
//	W [w]uint64     an int64, float64 or bool column's value, each
//	S [s]string     a text column's string header (the bytes are shared)
//	D [d]apd.Decimal a decimal column's value
//
// The row's cells are allocated in the block (RowSlab.AllocRow), filled
// with values boxed the usual way, stored (RowSlab.Entry uses the block's
// item, RowSlab.IndexItem its index entries' items) and, once the
// statement that wrote them is over (RowSlab.Pack), re-pointed at copies
// of their values in the block. Until then the row may
// still change (a foreign key's check shares its parent's values); after,
// it never does: stored rows are immutable. A value of another type (NULL,
// a time, bytes, or a value a column holds that is not its usual type)
// keeps its own box, and so does a foreign key's column, which shares its
// parent's value. Packing changes no value, only where it lives.
type blockShape struct {
	typ   reflect.Type
	size  uintptr // typ.Size()
	items uintptr // offsets of X, C, W, S and D
	cells uintptr
	words uintptr
	strs  uintptr
	decs  uintptr
	// slot is, for each column, its kind (slotWord, slotString,
	// slotDecimal or slotNone) and index into its array.
	slot []blockSlot
	nix  int // the length of X
}

type blockSlot struct {
	kind uint8
	at   uint16
}

const (
	slotNone = iota
	slotWord
	slotString
	slotDecimal
)

// maxBlockCols is the widest table whose rows go in blocks; a wider one's
// rows keep the cells of Alloc.
const maxBlockCols = 64

// maxBlockIndexes is how many of a table's secondary indexes a block holds
// the row's entries of; the entries of any others are allocated apart.
const maxBlockIndexes = 8

// shapes caches a shape per string of column kinds: tables with the same
// column types share one.
var shapes sync.Map // string → *blockShape

// shapeFor returns the block shape of table d's rows, nil when its rows
// are not worth a block (no column of a packed type) or too wide.
func shapeFor(d *Table) *blockShape {
	n := len(d.Cols)
	if n == 0 || n > maxBlockCols {
		return nil
	}
	var kinds [maxBlockCols + 1]byte
	// A foreign key's columns hold their parent's values (engine's
	// shareParentValues): a junction row holds its two ids in its
	// parents' blocks, and a block with room for them would cost 16 bytes
	// a link.
	var fk uint64
	for _, f := range d.FKs {
		for _, c := range f.ChildCols {
			fk |= 1 << c
		}
	}
	packed := false
	for i := range d.Cols {
		if fk&(1<<i) != 0 {
			kinds[i] = slotNone
			continue
		}
		switch d.Cols[i].Type {
		case Int, Float, Bool:
			kinds[i] = slotWord
		case Text:
			kinds[i] = slotString
		case Decimal:
			kinds[i] = slotDecimal
		default:
			kinds[i] = slotNone
			continue
		}
		packed = true
	}
	if !packed {
		return nil
	}
	// The shape's key: the column kinds, then how many index entries.
	nix := min(len(d.Indexes), maxBlockIndexes)
	kinds[n] = byte(nix)
	key := kinds[:n+1]
	if s, ok := shapes.Load(string(key)); ok {
		return s.(*blockShape)
	}
	s := newShape(key[:n], nix)
	v, _ := shapes.LoadOrStore(string(key), s)
	return v.(*blockShape)
}

func newShape(kinds []byte, nix int) *blockShape {
	s := &blockShape{slot: make([]blockSlot, len(kinds)), nix: nix}
	var count [4]int
	for i, k := range kinds {
		s.slot[i] = blockSlot{kind: k, at: uint16(count[k])}
		count[k]++
	}
	s.typ = reflect.StructOf([]reflect.StructField{
		{Name: "E", Type: reflect.TypeFor[RowEntry]()},
		{Name: "X", Type: reflect.ArrayOf(nix, reflect.TypeFor[index.Item]())},
		{Name: "C", Type: reflect.ArrayOf(len(kinds), reflect.TypeFor[any]())},
		{Name: "W", Type: reflect.ArrayOf(count[slotWord], reflect.TypeFor[uint64]())},
		{Name: "S", Type: reflect.ArrayOf(count[slotString], reflect.TypeFor[string]())},
		{Name: "D", Type: reflect.ArrayOf(count[slotDecimal], reflect.TypeFor[apd.Decimal]())},
	})
	s.size = s.typ.Size()
	s.items, s.cells, s.words, s.strs, s.decs = s.typ.Field(1).Offset, s.typ.Field(2).Offset, s.typ.Field(3).Offset, s.typ.Field(4).Offset, s.typ.Field(5).Offset
	return s
}

// blockChunk is a run of blocks of one shape, allocated together.
type blockChunk struct {
	shape *blockShape
	base  unsafe.Pointer // the chunk's array of blocks
	used  int
	n     int
	given int // blocks of this shape given before this chunk's
}

// block is one block: its shape and where it starts.
type block struct {
	shape *blockShape
	base  unsafe.Pointer
}

func (b block) entry() *RowEntry { return (*RowEntry)(b.base) }

// indexItem returns the block's item for the row's entry in index i.
func (b block) indexItem(i int) *index.Item {
	return (*index.Item)(unsafe.Add(b.base, b.shape.items+uintptr(i)*unsafe.Sizeof(index.Item{})))
}

func (b block) cells() []any {
	return unsafe.Slice((*any)(unsafe.Add(b.base, b.shape.cells)), len(b.shape.slot))
}

// A transaction's first blockAlone blocks of a shape are allocated one by
// one, so that a transaction writing a few rows of a table, as most of an
// application's do, keeps its rows alive and nothing else (chunks doubling
// from one block left a third of a ten-row transaction's blocks empty);
// chunks then double from blockAlone blocks to about 40 KiB (as RowSlab's
// entries), so that a bulk load allocates once per many rows.
const (
	blockAlone      = 32
	blockChunkBytes = 40 << 10
)

// AllocRow returns a zeroed row of table d's width. Where d's rows go in
// blocks, the row's cells are a new block's, which Entry and Pack then
// complete; otherwise it is Alloc's.
func (s *RowSlab) AllocRow(d *Table) []any {
	if s.lastDef != d {
		s.lastDef, s.lastShape = d, shapeFor(d)
	}
	sh := s.lastShape
	if sh == nil {
		return s.Alloc(len(d.Cols))
	}
	var c *blockChunk
	for i := range s.chunks {
		if s.chunks[i].shape == sh {
			c = &s.chunks[i]
			break
		}
	}
	if c == nil {
		s.chunks = append(s.chunks, blockChunk{shape: sh})
		c = &s.chunks[len(s.chunks)-1]
	}
	if c.used == c.n {
		c.given += c.used
		n := 1
		if c.given >= blockAlone {
			n = min(max(2*c.n, blockAlone), max(blockChunkBytes/int(sh.size), 1))
		}
		c.base, c.used, c.n = reflect.New(reflect.ArrayOf(n, sh.typ)).UnsafePointer(), 0, n
	}
	b := block{shape: sh, base: unsafe.Add(c.base, uintptr(c.used)*sh.size)}
	c.used++
	s.pending = append(s.pending, b)
	return b.cells()
}

// blockLookback is how many of the newest pending blocks blockOf looks at.
const blockLookback = 4

// blockOf returns the block of vals, cells AllocRow gave since the last
// Pack (one of the last few), and whether there is one.
func (s *RowSlab) blockOf(vals []any) (block, bool) {
	if len(vals) == 0 {
		return block{}, false
	}
	p := unsafe.Pointer(&vals[0])
	// The newest few: Entry follows AllocRow, and a scan of every pending
	// block would make a long statement's rows that have none quadratic.
	for i := len(s.pending) - 1; i >= max(len(s.pending)-blockLookback, 0); i-- {
		b := s.pending[i]
		if unsafe.Add(b.base, b.shape.cells) == p && len(vals) == len(b.shape.slot) {
			return b, true
		}
	}
	return block{}, false
}

// Pack moves the values of the rows AllocRow gave since the last Pack into
// their blocks (see blockShape). The caller calls it when the statement
// that wrote them is over: from then on the rows do not change, and no one
// else has read them yet.
func (s *RowSlab) Pack() {
	for i, b := range s.pending {
		b.pack()
		s.pending[i] = block{}
	}
	s.pending = s.pending[:0]
}

// eface is the layout of an interface value: a type word and a pointer
// to the value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

func typeWord(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	int64Word   = typeWord(int64(0))
	float64Word = typeWord(float64(0))
	boolWord    = typeWord(false)
	stringWord  = typeWord("")
)

// boxAt returns an interface holding the value at p, of the type whose type
// word is typ: the interface the compiler would make, with the value's
// memory in a block instead of a box of its own. The value must not change
// afterwards, as a boxed value never does.
func boxAt(typ, p unsafe.Pointer) (v any) {
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, p
	return v
}

func (b block) pack() {
	sh := b.shape
	cells := b.cells()
	for i, slot := range sh.slot {
		switch slot.kind {
		case slotWord:
			p := unsafe.Add(b.base, sh.words+8*uintptr(slot.at))
			switch x := cells[i].(type) {
			case int64:
				*(*int64)(p) = x
				cells[i] = boxAt(int64Word, p)
			case float64:
				*(*float64)(p) = x
				cells[i] = boxAt(float64Word, p)
			case bool:
				*(*bool)(p) = x
				cells[i] = boxAt(boolWord, p)
			}
		case slotString:
			if x, ok := cells[i].(string); ok {
				p := (*string)(unsafe.Add(b.base, sh.strs+unsafe.Sizeof("")*uintptr(slot.at)))
				*p = x
				cells[i] = boxAt(stringWord, unsafe.Pointer(p))
			}
		case slotDecimal:
			if x, ok := cells[i].(*apd.Decimal); ok && x != nil {
				p := (*apd.Decimal)(unsafe.Add(b.base, sh.decs+unsafe.Sizeof(apd.Decimal{})*uintptr(slot.at)))
				p.Set(x)
				cells[i] = p
			}
		}
	}
}

// IndexItem returns an item holding key and the box of vals, a row
// AllocRow gave and Entry stored, for the row's entry in its table's
// index i (Table.Indexes[i]): the one in its block, so that a scan of the
// index finds the row in the lines it read the entry from. It returns nil
// when vals has no block or the block no item for index i; the caller
// then allocates the item.
func (s *RowSlab) IndexItem(vals []any, i int, key []byte) *index.Item {
	b, ok := s.blockOf(vals)
	if !ok || i >= b.shape.nix {
		return nil
	}
	re := b.entry()
	if re.box == nil {
		return nil // not stored with Entry
	}
	it := b.indexItem(i)
	if it.Val() != nil {
		return nil // taken: vals stored twice
	}
	it.Set(key, &re.box)
	return it
}

// entryIn returns the primary-tree item of vals, a row AllocRow gave, in
// its block: nil when vals has no block.
func (s *RowSlab) entryIn(key []byte, vals []any) *index.Item {
	b, ok := s.blockOf(vals)
	if !ok {
		return nil
	}
	re := b.entry()
	re.box = vals[:len(vals):len(vals)]
	re.it.Set(key, &re.box)
	return &re.it
}
