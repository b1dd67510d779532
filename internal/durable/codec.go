package durable

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/relation"
	"github.com/reldb/reldb/txn"
)

// This file is the binary encoding of what the log and the snapshot files
// hold: values, rows and the catalog. Integers are varints (signed ones
// zigzag), strings and byte strings a uvarint length then the bytes.
//
// Row values are not stored in the index key encoding, although keys are:
// a key keeps only a decimal's value (1.00 and 1 have one key) while a row
// keeps its scale, and a row needs no order, so this encoding is shorter
// (an int64 is a varint, not nine bytes).
//
//	nil       0x00
//	false     0x01
//	true      0x02
//	int64     0x03 zigzag varint
//	float64   0x04 8 bytes little-endian IEEE 754
//	string    0x05 uvarint length, UTF-8 bytes
//	[]byte    0x06 uvarint length, bytes
//	time.Time 0x07 zigzag varint Unix seconds, uvarint nanoseconds (< 1e9); UTC
//	decimal   0x08 form byte (apd.Form), sign byte (0 or 1), zigzag varint
//	          exponent, uvarint length, coefficient big-endian
const (
	valNull byte = iota
	valFalse
	valTrue
	valInt
	valFloat
	valText
	valBytes
	valTime
	valDecimal
)

// enc appends to a byte slice.
type enc struct{ b []byte }

func (e *enc) uvarint(u uint64) { e.b = binary.AppendUvarint(e.b, u) }

func (e *enc) varint(i int64) { e.b = binary.AppendVarint(e.b, i) }

func (e *enc) byte(c byte) { e.b = append(e.b, c) }

func (e *enc) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) bytes(p []byte) {
	e.uvarint(uint64(len(p)))
	e.b = append(e.b, p...)
}

func (e *enc) bool(v bool) {
	if v {
		e.byte(1)
	} else {
		e.byte(0)
	}
}

func (e *enc) ints(xs []int) {
	e.uvarint(uint64(len(xs)))
	for _, x := range xs {
		e.uvarint(uint64(x))
	}
}

// value appends one stored value. Stored values have been coerced to the
// types below, so any other type is a programming error.
func (e *enc) value(v any) {
	switch x := v.(type) {
	case nil:
		e.byte(valNull)
	case bool:
		if x {
			e.byte(valTrue)
		} else {
			e.byte(valFalse)
		}
	case int64:
		e.byte(valInt)
		e.varint(x)
	case float64:
		e.byte(valFloat)
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(x))
	case string:
		e.byte(valText)
		e.str(x)
	case []byte:
		e.byte(valBytes)
		e.bytes(x)
	case time.Time:
		e.byte(valTime)
		e.varint(x.Unix())
		e.uvarint(uint64(x.Nanosecond()))
	case *apd.Decimal:
		if x == nil {
			e.byte(valNull)
			return
		}
		e.byte(valDecimal)
		e.byte(byte(x.Form))
		e.bool(x.Negative)
		e.varint(int64(x.Exponent))
		e.bytes(x.Coeff.Bytes())
	default:
		panic(fmt.Sprintf("reldb: encode stored value of type %T", v))
	}
}

// row appends a row: its length, then its values.
func (e *enc) row(vals []any) {
	e.uvarint(uint64(len(vals)))
	for _, v := range vals {
		e.value(v)
	}
}

// dec reads what enc wrote. The first problem is sticky: every later read
// returns a zero value, and err reports it, wrapping ErrCorrupt, with the
// offset. dec never panics and never allocates more than its input
// justifies: every count is checked against the bytes left.
type dec struct {
	b   []byte // what is left
	n   int    // the input's length, for offsets
	err error
	// slab, if set, provides row tuples.
	slab *catalog.RowSlab
}

func newDec(b []byte) *dec { return &dec{b: b, n: len(b)} }

func (d *dec) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: at byte %d: %s", ErrCorrupt, d.n-len(d.b), fmt.Sprintf(format, args...))
	}
	d.b = nil
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	u, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[k:]
	return u
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	i, k := binary.Varint(d.b)
	if k <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[k:]
	return i
}

func (d *dec) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.fail("unexpected end")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *dec) bool() bool {
	switch c := d.byte(); c {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail("bad bool %d", c)
		return false
	}
}

// count reads a count of items that take at least minSize bytes each.
func (d *dec) count(minSize int) int {
	u := d.uvarint()
	if u > uint64(len(d.b)/max(minSize, 1)) {
		d.fail("count %d exceeds the %d bytes left", u, len(d.b))
		return 0
	}
	return int(u)
}

func (d *dec) raw() []byte {
	n := d.count(1)
	if d.err != nil {
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *dec) str() string { return string(d.raw()) }

// ints reads positions, each below limit.
func (d *dec) ints(limit int) []int {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	xs := make([]int, n)
	for i := range xs {
		u := d.uvarint()
		if u >= uint64(limit) {
			d.fail("position %d out of range [0, %d)", u, limit)
			return nil
		}
		xs[i] = int(u)
	}
	return xs
}

func (d *dec) value() any {
	switch tag := d.byte(); tag {
	case valNull:
		return nil
	case valFalse:
		return false
	case valTrue:
		return true
	case valInt:
		return d.varint()
	case valFloat:
		if len(d.b) < 8 {
			d.fail("short float")
			return nil
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
		d.b = d.b[8:]
		return f
	case valText:
		return d.str()
	case valBytes:
		return append([]byte{}, d.raw()...)
	case valTime:
		sec, nsec := d.varint(), d.uvarint()
		if nsec >= 1e9 {
			d.fail("nanoseconds %d out of range", nsec)
			return nil
		}
		return time.Unix(sec, int64(nsec)).UTC()
	case valDecimal:
		x := new(apd.Decimal)
		form := d.byte()
		if form > byte(apd.NaN) {
			d.fail("bad decimal form %d", form)
			return nil
		}
		x.Form = apd.Form(form)
		x.Negative = d.bool()
		exp := d.varint()
		if exp < math.MinInt32 || exp > math.MaxInt32 {
			d.fail("decimal exponent %d out of range", exp)
			return nil
		}
		x.Exponent = int32(exp)
		x.Coeff.SetBytes(d.raw())
		return x
	default:
		d.fail("bad value tag %d", tag)
		return nil
	}
}

// row reads a row (each value takes a byte at least).
func (d *dec) row() []any {
	n := d.count(1)
	if d.err != nil {
		return nil
	}
	var vals []any
	if d.slab != nil {
		vals = d.slab.Alloc(n)
	} else {
		vals = make([]any, n)
	}
	for i := range vals {
		vals[i] = d.value()
	}
	return vals
}

// appendCatalog appends the catalog: the tables in the order given (the
// catalog tree's), with the relations and many-to-many relations they
// share. Shared definitions are written once and referred to by number, so
// decoding gives the tables one shared *catalog.FK per relation again.
func appendCatalog(e *enc, defs []*catalog.Table) {
	var fks []*catalog.FK
	fkNum := map[*catalog.FK]int{}
	var m2ms []*catalog.ManyToMany
	m2mNum := map[*catalog.ManyToMany]int{}
	for _, d := range defs {
		for _, list := range [][]*catalog.FK{d.FKs, d.Refs} {
			for _, fk := range list {
				if _, ok := fkNum[fk]; !ok {
					fkNum[fk] = len(fks)
					fks = append(fks, fk)
				}
			}
		}
		for _, m := range d.M2M {
			for _, fk := range []*catalog.FK{m.ToLeft, m.ToRight} {
				if _, ok := fkNum[fk]; !ok {
					fkNum[fk] = len(fks)
					fks = append(fks, fk)
				}
			}
			if _, ok := m2mNum[m]; !ok {
				m2mNum[m] = len(m2ms)
				m2ms = append(m2ms, m)
			}
		}
	}
	e.uvarint(uint64(len(fks)))
	for _, fk := range fks {
		e.uvarint(fk.Seq)
		e.str(fk.Name)
		e.str(fk.Child)
		e.str(fk.Parent)
		e.ints(fk.ChildCols)
		e.ints(fk.ParentCols)
		e.byte(byte(fk.OnDelete))
		e.byte(byte(fk.OnUpdate))
		e.bool(fk.SetCols != nil)
		e.ints(fk.SetCols)
		e.byte(byte(fk.Match))
		e.bool(fk.Deferrable)
		e.bool(fk.InitiallyDeferred)
		e.byte(byte(fk.Kind))
		e.str(fk.ParentAs)
		e.str(fk.ChildrenAs)
		e.uvarint(uint64(fk.ChildTree))
		e.uvarint(uint64(fk.ParentTree))
		e.varint(int64(fk.PKAt))
	}
	e.uvarint(uint64(len(m2ms)))
	for _, m := range m2ms {
		e.str(m.Name)
		e.str(m.Left)
		e.str(m.Right)
		e.str(m.LeftAs)
		e.str(m.RightAs)
		e.str(m.Through)
		e.uvarint(uint64(fkNum[m.ToLeft]))
		e.uvarint(uint64(fkNum[m.ToRight]))
		e.bool(m.Generated)
	}
	e.uvarint(uint64(len(defs)))
	for _, d := range defs {
		e.str(d.Name)
		e.str(d.PKName)
		e.uvarint(uint64(d.Primary))
		e.uvarint(uint64(len(d.Cols)))
		for _, c := range d.Cols {
			e.str(c.Name)
			e.byte(byte(c.Type))
			e.bool(c.NotNull)
			e.bool(c.AutoInc)
			e.uvarint(uint64(c.Precision))
			e.uvarint(uint64(c.Scale))
			e.value(c.Default)
		}
		e.ints(d.PK)
		e.uvarint(uint64(len(d.Indexes)))
		for _, ix := range d.Indexes {
			e.str(ix.Name)
			e.bool(ix.Unique)
			e.uvarint(uint64(ix.Tree))
			e.ints(ix.Cols)
		}
		for _, list := range [][]*catalog.FK{d.FKs, d.Refs} {
			e.uvarint(uint64(len(list)))
			for _, fk := range list {
				e.uvarint(uint64(fkNum[fk]))
			}
		}
		e.uvarint(uint64(len(d.M2M)))
		for _, m := range d.M2M {
			e.uvarint(uint64(m2mNum[m]))
		}
	}
}

// decodeCatalog reads what appendCatalog wrote and checks what the engine
// relies on: positions within their tables, known types and actions, tree
// IDs used once. The tables come back in the order written, with fresh
// sequences (the caller carries sequences over). A partial catalog (the
// tables one commit changed) may have relations to tables it does not
// hold: those are not checked.
func decodeCatalog(d *dec, partial bool) []*catalog.Table {
	nfk := d.count(16)
	fks := make([]*catalog.FK, nfk)
	for i := range fks {
		fk := &catalog.FK{FK: &relation.FK{}}
		fk.Seq = d.uvarint()
		fk.Name, fk.Child, fk.Parent = d.str(), d.str(), d.str()
		// Positions are checked against the tables below.
		fk.ChildCols = d.ints(math.MaxInt32)
		fk.ParentCols = d.ints(math.MaxInt32)
		fk.OnDelete, fk.OnUpdate = relation.Action(d.byte()), relation.Action(d.byte())
		hasSet := d.bool()
		fk.SetCols = d.ints(math.MaxInt32)
		if hasSet && fk.SetCols == nil {
			fk.SetCols = []int{}
		}
		fk.Match = relation.Match(d.byte())
		fk.Deferrable, fk.InitiallyDeferred = d.bool(), d.bool()
		fk.Kind = catalog.RelationKind(d.byte())
		fk.ParentAs, fk.ChildrenAs = d.str(), d.str()
		fk.ChildTree, fk.ParentTree = txn.TreeID(d.uvarint()), txn.TreeID(d.uvarint())
		pkAt := d.varint()
		if pkAt < -1 || pkAt > math.MaxInt32 {
			d.fail("relation %q: bad key offset %d", fk.Name, pkAt)
		}
		fk.PKAt = int(pkAt)
		if !fk.OnDelete.Valid() || !fk.OnUpdate.Valid() || (fk.Match != relation.MatchSimple && fk.Match != relation.MatchFull) ||
			(fk.Kind != catalog.OneToMany && fk.Kind != catalog.OneToOne) || len(fk.ChildCols) != len(fk.ParentCols) || len(fk.ChildCols) == 0 {
			d.fail("relation %q: bad definition", fk.Name)
		}
		fks[i] = fk
	}
	fkAt := func() *catalog.FK {
		i := d.uvarint()
		if d.err == nil && i >= uint64(len(fks)) {
			d.fail("relation number %d out of range", i)
		}
		if d.err != nil {
			return nil
		}
		return fks[i]
	}
	nm := d.count(9)
	m2ms := make([]*catalog.ManyToMany, nm)
	for i := range m2ms {
		m := &catalog.ManyToMany{Name: d.str(), Left: d.str(), Right: d.str(), LeftAs: d.str(), RightAs: d.str(), Through: d.str()}
		m.ToLeft, m.ToRight = fkAt(), fkAt()
		m.Generated = d.bool()
		m2ms[i] = m
	}
	ntab := d.count(8)
	if d.err != nil {
		return nil
	}
	defs := make([]*catalog.Table, 0, ntab)
	trees := map[txn.TreeID]bool{catalog.CatalogTree: true}
	useTree := func(id txn.TreeID) {
		if trees[id] {
			d.fail("tree %d used twice", id)
		}
		trees[id] = true
	}
	names := map[string]bool{}
	for range ntab {
		t := &catalog.Table{Name: d.str(), PKName: d.str(), AutoInc: -1, Seq: new(atomic.Int64)}
		if names[t.Name] {
			d.fail("table %q twice", t.Name)
		}
		names[t.Name] = true
		t.Primary = txn.TreeID(d.uvarint())
		useTree(t.Primary)
		ncols := d.count(8)
		t.ColIdx = make(map[string]int, ncols)
		for i := range ncols {
			c := catalog.Column{Table: t.Name, Name: d.str(), Type: catalog.Type(d.byte()), NotNull: d.bool(), AutoInc: d.bool()}
			p, s := d.uvarint(), d.uvarint()
			if p > math.MaxInt32 || s > p || !c.Type.Valid() {
				d.fail("table %q column %q: bad type", t.Name, c.Name)
			}
			c.Precision, c.Scale = int(p), int(s)
			c.Default = d.value()
			if c.Default != nil && !valueFits(c.Type, c.Default) {
				d.fail("table %q column %q: default of type %T", t.Name, c.Name, c.Default)
			}
			if _, dup := t.ColIdx[c.Name]; dup {
				d.fail("table %q: column %q twice", t.Name, c.Name)
			}
			if c.AutoInc {
				t.AutoInc = i
			}
			t.ColIdx[c.Name] = i
			t.Cols = append(t.Cols, c)
		}
		if t.PK = d.ints(ncols); len(t.PK) == 0 {
			d.fail("table %q: no primary key", t.Name)
		}
		nix := d.count(4)
		for range nix {
			ix := &catalog.Index{Name: d.str(), Unique: d.bool(), Tree: txn.TreeID(d.uvarint())}
			useTree(ix.Tree)
			if ix.Cols = d.ints(ncols); len(ix.Cols) == 0 && d.err == nil {
				d.fail("table %q index %q: no columns", t.Name, ix.Name)
			}
			t.LayOut(ix)
			t.Indexes = append(t.Indexes, ix)
		}
		for _, list := range []*[]*catalog.FK{&t.FKs, &t.Refs} {
			n := d.count(1)
			for range n {
				*list = append(*list, fkAt())
			}
		}
		// The offset of the primary key in the child's keys follows from
		// the index's layout, which recovery rebuilds; a snapshot written
		// before index keys stopped repeating primary key columns holds
		// the old layout's offset.
		for _, fk := range t.FKs {
			if fk != nil {
				fk.PKAt = t.PKAt(fk.ChildTree)
			}
		}
		n := d.count(1)
		for range n {
			i := d.uvarint()
			if d.err == nil && i >= uint64(len(m2ms)) {
				d.fail("many-to-many number %d out of range", i)
			}
			if d.err != nil {
				return nil
			}
			t.M2M = append(t.M2M, m2ms[i])
		}
		if d.err != nil {
			return nil
		}
		defs = append(defs, t)
	}
	if partial {
		return defs // the caller checks relations against the whole catalog
	}
	byName := make(map[string]*catalog.Table, len(defs))
	for _, t := range defs {
		byName[t.Name] = t
	}
	if err := checkRelations(fks, byName, trees); err != "" {
		d.fail("%s", err)
	}
	if d.err != nil {
		return nil
	}
	return defs
}

// checkRelations checks that relations fit the tables they join, found
// by name in byName: both exist, the relation's columns are theirs and
// its trees are among trees. It returns what is wrong, or "".
func checkRelations(fks []*catalog.FK, byName map[string]*catalog.Table, trees map[txn.TreeID]bool) string {
	for _, fk := range fks {
		c, p := byName[fk.Child], byName[fk.Parent]
		if c == nil || p == nil {
			return fmt.Sprintf("relation %q joins unknown tables", fk.Name)
		}
		for _, x := range fk.ChildCols {
			if x >= len(c.Cols) {
				return fmt.Sprintf("relation %q: column %d out of range", fk.Name, x)
			}
		}
		for _, x := range fk.SetCols {
			if x >= len(c.Cols) {
				return fmt.Sprintf("relation %q: column %d out of range", fk.Name, x)
			}
		}
		for _, x := range fk.ParentCols {
			if x >= len(p.Cols) {
				return fmt.Sprintf("relation %q: column %d out of range", fk.Name, x)
			}
		}
		if !trees[fk.ChildTree] || !trees[fk.ParentTree] {
			return fmt.Sprintf("relation %q: unknown tree", fk.Name)
		}
	}
	return ""
}

// valueFits reports whether a decoded value has the Go type that columns of
// type t store.
func valueFits(t catalog.Type, v any) bool {
	switch v.(type) {
	case nil:
		return true
	case int64:
		return t == catalog.Int
	case float64:
		return t == catalog.Float
	case string:
		return t == catalog.Text
	case bool:
		return t == catalog.Bool
	case []byte:
		return t == catalog.Bytes
	case time.Time:
		return t == catalog.Time
	case *apd.Decimal:
		return t == catalog.Decimal
	}
	return false
}
