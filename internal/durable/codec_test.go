package durable

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/relation"
	"github.com/reldb/reldb/txn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEnc_Value_RoundTrip checks that every stored value decodes as it was
// stored, decimal scale and all.
func TestEnc_Value_RoundTrip(t *testing.T) {
	big, _, err := apd.NewFromString("-123456789012345678901234567890.000100")
	require.NoError(t, err)
	tests := []struct {
		name string
		v    any
	}{
		{"null", nil},
		{"false", false},
		{"true", true},
		{"zero", int64(0)},
		{"min int", int64(math.MinInt64)},
		{"max int", int64(math.MaxInt64)},
		{"float", -1.5},
		{"inf", math.Inf(-1)},
		{"text", "héllo\x01"},
		{"empty text", ""},
		{"bytes", []byte{0, 0xff, 0}},
		{"empty bytes", []byte{}},
		{"time", time.Date(1929, 10, 21, 1, 2, 3, 4000, time.UTC)},
		{"old time", time.Date(-200, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"decimal scale", apd.New(100, -2)},
		{"big decimal", big},
		{"infinite decimal", &apd.Decimal{Form: apd.Infinite, Negative: true}},
		{"nan decimal", &apd.Decimal{Form: apd.NaN}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e enc
			e.value(tc.v)
			d := newDec(e.b)
			got := d.value()
			require.NoError(t, d.err)
			assert.Empty(t, d.b)
			if want, ok := tc.v.(*apd.Decimal); ok {
				g := got.(*apd.Decimal)
				assert.Equal(t, want.String(), g.String())
				assert.Equal(t, want.Exponent, g.Exponent)
				return
			}
			assert.Equal(t, tc.v, got)
		})
	}
}

// TestDec_Truncated checks that every cut of a valid record is refused
// with ErrCorrupt, never a panic.
func TestDec_Truncated(t *testing.T) {
	for _, seed := range commitSeeds() {
		_, err := decodeCommit(seed)
		require.NoError(t, err)
		for n := range len(seed) {
			_, err := decodeCommit(seed[:n])
			require.ErrorIs(t, err, ErrCorrupt, "cut at %d", n)
		}
	}
}

// commitSeeds returns hand-made records: empty, rows, and a catalog.
func commitSeeds() [][]byte {
	var out [][]byte
	add := func(r *commitRecord) {
		var e enc
		r.appendTo(&e)
		out = append(out, e.b)
	}
	add(&commitRecord{version: 1})
	add(&commitRecord{version: 8, tables: []tableChanges{{primary: 4, seq: 2, restart: true}}})
	add(&commitRecord{version: 7, tables: []tableChanges{{primary: 3, deletes: [][]byte{{0x12, 1}},
		puts: [][]any{{int64(1), "a", nil, apd.New(5, -1), time.Unix(5, 0).UTC(), []byte("x"), true, 2.5}}}}})
	next := treeCounter()
	cat, err := catalog.NewTable("t", []catalog.Column{
		{Name: "id", Type: catalog.Int, AutoInc: true}, {Name: "p", Type: catalog.Int, Default: int64(3)}}, []string{"id"}, next)
	if err != nil {
		panic(err)
	}
	if _, err := cat.AddIndex("t_p", []string{"p"}, true, next); err != nil {
		panic(err)
	}
	fk := &catalog.FK{Seq: 9, Kind: catalog.OneToOne, ChildTree: 2, ParentTree: 1}
	fk.FK = &relation.FK{Name: "t_p_fkey", Child: "t", Parent: "t", ChildCols: []int{1}, ParentCols: []int{0},
		OnDelete: relation.Cascade, SetCols: []int{}, Deferrable: true}
	cat.FKs, cat.Refs = []*catalog.FK{fk}, []*catalog.FK{fk}
	cat.M2M = []*catalog.ManyToMany{{Name: "m", Left: "t", Right: "t", Through: "t", ToLeft: fk, ToRight: fk}}
	add(&commitRecord{version: 2, schema: true, catalog: []*catalog.Table{cat}, tables: []tableChanges{{primary: cat.Primary, puts: [][]any{{int64(1), int64(1)}}}}})
	return out
}

func treeCounter() func() txn.TreeID {
	n := txn.TreeID(0)
	return func() txn.TreeID { n++; return n }
}

// FuzzDecodeCommit checks that the log record decoder never panics, refuses
// bad input with ErrCorrupt, and that what it accepts encodes to a fixed
// point; a decoded record is also replayed onto an empty state, which must
// not panic either.
func FuzzDecodeCommit(f *testing.F) {
	for _, s := range commitSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeCommit(b)
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
			return
		}
		var e1 enc
		r.appendTo(&e1)
		r2, err := decodeCommit(e1.b)
		require.NoError(t, err)
		var e2 enc
		r2.appendTo(&e2)
		require.Equal(t, e1.b, e2.b)
		s := newStore()
		if err := s.apply(r); err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
		}
	})
}

// TestAppendCatalog_CoversEveryField fails when a catalog struct gains or
// loses a field: appendCatalog and decodeCatalog must then be taught it
// (and commitFormat and snapshotFormat bumped if old files cannot be read
// the same way), or a reopened database would silently lose it.
func TestAppendCatalog_CoversEveryField(t *testing.T) {
	tests := []struct {
		typ    reflect.Type
		fields int
	}{
		{reflect.TypeFor[catalog.Table](), 12},
		{reflect.TypeFor[catalog.Column](), 8},
		{reflect.TypeFor[catalog.Index](), 6}, // KeyCols and Tail are derived (Table.LayOut)
		{reflect.TypeFor[catalog.FK](), 8},
		{reflect.TypeFor[relation.FK](), 11},
		{reflect.TypeFor[catalog.ManyToMany](), 9},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.fields, tc.typ.NumField(), "%v changed: update appendCatalog and decodeCatalog", tc.typ)
	}
}
