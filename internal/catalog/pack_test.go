package catalog

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/relation"
)

// dataWord returns where an interface's value lives.
func dataWord(v any) uintptr { return uintptr((*eface)(unsafe.Pointer(&v)).data) }

// heldIn reports whether the value of row[i] lies in the block whose cells
// are row.
func heldIn(row []any, i int, sh *blockShape) bool {
	base := uintptr(unsafe.Pointer(&row[0])) - sh.cells
	p := dataWord(row[i])
	return p >= base+sh.words && p < base+sh.size
}

func packTable(types ...Type) *Table {
	d := &Table{Name: "t"}
	for i, typ := range types {
		d.Cols = append(d.Cols, Column{Name: fmt.Sprintf("c%d", i), Table: "t", Type: typ})
	}
	return d
}

func dec(s string) *apd.Decimal {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestRowSlab_Pack_MovesValuesIntoBlock checks that a packed row keeps
// every value, equal and of the same type, with the values of packed types
// in its block, and leaves NULL and values of other types as they were.
func TestRowSlab_Pack_MovesValuesIntoBlock(t *testing.T) {
	d := packTable(Int, Text, Decimal, Float, Bool, Time, Bytes, Int, Text)
	var s RowSlab
	price := dec("12.50")
	when := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	want := []any{int64(-7), "title", price, 2.5, true, when, []byte("xy"), nil, int64(3) /* an Int in a text column */}
	row := s.AllocRow(d)
	copy(row, want)
	it := s.Entry([]byte("k"), row)
	s.Pack()

	got := RowOf(it.Val())
	require.Len(t, got, len(want))
	assert.Same(t, &row[0], &got[0], "the item's box is the row's cells")
	for i := range want {
		assert.Equal(t, want[i], got[i], "column %d", i)
		assert.IsType(t, want[i], got[i], "column %d", i)
	}
	sh := shapeFor(d)
	for _, i := range []int{0, 1, 2, 3, 4} {
		assert.True(t, heldIn(got, i, sh), "column %d is held in the block", i)
	}
	assert.True(t, reflect.DeepEqual(want[:5], got[:5]))
	assert.NotSame(t, price, got[2], "the block holds a copy of the decimal")
	price.SetInt64(99) // the caller's decimal is its own
	assert.Equal(t, "12.50", got[2].(*apd.Decimal).String())
	assert.Equal(t, dataWord(want[5]), dataWord(got[5]), "a time keeps its box")
	assert.Nil(t, got[7])
	assert.Equal(t, dataWord(want[8]), dataWord(got[8]), "a value not of its column's packed type keeps its box")
	// Packed values behave as boxed ones do: equality, map keys, fmt,
	// reflect.
	assert.True(t, got[0] == any(int64(-7)) && got[1] == any("title") && got[3] == any(2.5) && got[4] == any(true))
	m := map[any]int{int64(-7): 1, "title": 2}
	assert.Equal(t, 1, m[got[0]])
	assert.Equal(t, 2, m[got[1]])
	assert.Equal(t, "-7 title 12.50 2.5 true", fmt.Sprint(got[0], " ", got[1], " ", got[2], " ", got[3], " ", got[4]))
	assert.Equal(t, int64(-7), reflect.ValueOf(got[0]).Int())
}

// TestRowSlab_AllocRow_Fallbacks checks the rows that get no block: a
// table with no column of a packed type, a row whose cells AllocRow did
// not give, and a table too wide.
func TestRowSlab_AllocRow_Fallbacks(t *testing.T) {
	var s RowSlab
	times := packTable(Time, Bytes)
	assert.Nil(t, shapeFor(times))
	row := s.AllocRow(times)
	assert.Len(t, row, 2)
	assert.Empty(t, s.pending, "no block for a table of times and bytes")

	d := packTable(Int, Text)
	other := []any{int64(1), "a"}
	it := s.Entry([]byte("k"), other)
	s.Pack()
	assert.Same(t, &other[0], &RowOf(it.Val())[0])
	assert.Equal(t, []any{int64(1), "a"}, RowOf(it.Val()))

	wide := packTable(make([]Type, maxBlockCols+1)...)
	for i := range wide.Cols {
		wide.Cols[i].Type = Int
	}
	assert.Nil(t, shapeFor(wide))
	assert.Len(t, s.AllocRow(wide), maxBlockCols+1)
	assert.NotNil(t, shapeFor(d))
}

// TestRowSlab_Pack_SurvivesCollection packs rows of several shapes across
// many chunks, drops most of them, collects, and checks the ones kept:
// the collector must see the pointers in blocks (strings, decimals,
// boxed values) and keep a chunk while any of its rows is alive.
func TestRowSlab_Pack_SurvivesCollection(t *testing.T) {
	shapes := []*Table{packTable(Int, Text, Decimal), packTable(Text, Int), packTable(Bool, Float, Time, Text)}
	rng := rand.New(rand.NewPCG(1, 2))
	type kept struct {
		it   []any
		want []any
	}
	var keep []kept
	var s RowSlab
	for i := range 20000 {
		d := shapes[rng.IntN(len(shapes))]
		row := s.AllocRow(d)
		want := make([]any, len(row))
		for c := range row {
			switch d.Cols[c].Type {
			case Int:
				want[c] = rng.Int64()
			case Text:
				want[c] = fmt.Sprintf("s%d-%d", i, c) // bytes only the row holds
			case Decimal:
				want[c] = dec(fmt.Sprintf("%d.%02d", rng.IntN(1e6), rng.IntN(100)))
			case Float:
				want[c] = rng.Float64()
			case Bool:
				want[c] = rng.IntN(2) == 0
			case Time:
				want[c] = time.Unix(rng.Int64N(1e9), 0).UTC()
			}
			if rng.IntN(10) == 0 {
				want[c] = nil
			}
		}
		copy(row, want)
		it := s.Entry([]byte{byte(i)}, row)
		if i%3 == 0 {
			s.Pack()
		}
		if i%97 == 0 {
			keep = append(keep, kept{RowOf(it.Val()), want})
		}
	}
	s.Pack()
	s = RowSlab{} // the slab no longer holds the last chunks
	runtime.GC()
	runtime.GC()
	garbage := make([][]byte, 0, 1000)
	for range 1000 {
		garbage = append(garbage, make([]byte, 256)) // reuse freed memory
	}
	runtime.KeepAlive(garbage)
	for _, k := range keep {
		for c := range k.want {
			if d, ok := k.want[c].(*apd.Decimal); ok {
				assert.Equal(t, d.String(), k.it[c].(*apd.Decimal).String())
				continue
			}
			assert.Equal(t, k.want[c], k.it[c])
		}
	}
}

// TestRowSlab_Pack_Property packs rows of random shapes and values and
// checks each against its values.
func TestRowSlab_Pack_Property(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	types := []Type{Int, Float, Text, Bool, Bytes, Time, Decimal}
	var s RowSlab
	for range 2000 {
		n := 1 + rng.IntN(12)
		cols := make([]Type, n)
		for i := range cols {
			cols[i] = types[rng.IntN(len(types))]
		}
		d := packTable(cols...)
		row := s.AllocRow(d)
		want := make([]any, n)
		for i, typ := range cols {
			switch typ {
			case Int:
				want[i] = rng.Int64()
			case Float:
				want[i] = rng.NormFloat64()
			case Text:
				want[i] = fmt.Sprint(rng.Uint64())
			case Bool:
				want[i] = rng.IntN(2) == 1
			case Bytes:
				want[i] = []byte{byte(rng.Uint32())}
			case Time:
				want[i] = time.Unix(0, rng.Int64()).UTC()
			case Decimal:
				want[i] = dec(fmt.Sprintf("-%d.%d", rng.Uint32(), rng.Uint32()))
			}
			if rng.IntN(8) == 0 {
				want[i] = nil
			}
		}
		copy(row, want)
		it := s.Entry(nil, row)
		s.Pack()
		got := RowOf(it.Val())
		for i := range want {
			if d, ok := want[i].(*apd.Decimal); ok {
				require.Zero(t, d.Cmp(got[i].(*apd.Decimal)), "column %d of %v", i, cols)
				continue
			}
			require.Equal(t, want[i], got[i], "column %d of %v", i, cols)
		}
	}
}

// TestShapeFor_ForeignKeyColumnsShareTheirParents checks that a foreign
// key's columns get no room in the block: they hold their parent's
// values. A junction table, all foreign key, gets no block at all.
func TestShapeFor_ForeignKeyColumnsShareTheirParents(t *testing.T) {
	books := packTable(Int, Int, Text)
	books.FKs = []*FK{{FK: &relation.FK{ChildCols: []int{1}}}}
	sh := shapeFor(books)
	require.NotNil(t, sh)
	assert.Equal(t, []blockSlot{{kind: slotWord}, {kind: slotNone}, {kind: slotString}}, sh.slot)

	links := packTable(Int, Int)
	links.FKs = []*FK{{FK: &relation.FK{ChildCols: []int{0}}}, {FK: &relation.FK{ChildCols: []int{1}}}}
	assert.Nil(t, shapeFor(links))
}

// TestRowSlab_IndexItem_InBlock checks that a stored row's index entries
// get items in its block, holding their keys and the row's box (the
// primary item's), one per index up to maxBlockIndexes; that an item is
// handed out once; and that a row without a block, or not stored with
// Entry, gets none (the caller allocates the item).
func TestRowSlab_IndexItem_InBlock(t *testing.T) {
	d := packTable(Int, Text)
	for range maxBlockIndexes + 1 {
		d.Indexes = append(d.Indexes, &Index{})
	}
	var s RowSlab
	row := s.AllocRow(d)
	require.Nil(t, s.IndexItem(row, 0, []byte("ix")), "not stored yet")
	row[0], row[1] = int64(1), "a"
	pe := s.Entry([]byte("pk"), row)
	sh := shapeFor(d)
	require.Equal(t, maxBlockIndexes, sh.nix)
	base := uintptr(unsafe.Pointer(pe)) // the block starts with its item
	for i := range maxBlockIndexes {
		key := []byte{'i', byte(i)}
		it := s.IndexItem(row, i, key)
		require.NotNil(t, it, "index %d", i)
		at := uintptr(unsafe.Pointer(it))
		assert.True(t, at >= base+sh.items && at < base+sh.cells, "index %d: item not in the block", i)
		assert.Equal(t, key, it.Key())
		assert.Same(t, pe.Val(), it.Val(), "index %d: the row's box", i)
		assert.Nil(t, s.IndexItem(row, i, key), "index %d: handed out twice", i)
	}
	assert.Nil(t, s.IndexItem(row, maxBlockIndexes, []byte("x")), "beyond the block's indexes")
	s.Pack()
	assert.Equal(t, []any{int64(1), "a"}, RowOf(pe.Val()))

	loose := s.Alloc(2) // no block
	s.Entry([]byte("pk2"), loose)
	assert.Nil(t, s.IndexItem(loose, 0, []byte("ix")))
}
