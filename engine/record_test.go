package engine_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Records of rows read or written one at a time share chunked results:
// every record keeps its own row across chunk boundaries and table
// switches, and such rows are never loaded as peers of one another.
func TestRecord_LooseRows(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	const n, base = 3000, 1000 // several chunks per table; ids above the library's
	var written []engine.Record
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		for i := range n {
			a, err := tx.Insert("authors", engine.Row{"id": base + i, "name": fmt.Sprint("a", i)})
			require.NoError(t, err)
			b, err := tx.Insert("books", engine.Row{"id": base + i, "author_id": base + i, "title": fmt.Sprint("b", i)})
			require.NoError(t, err)
			written = append(written, a, b)
		}
		// An update's record shows the new row; the insert's keeps the old.
		u, err := tx.Update("books", base, engine.Row{"title": "changed"})
		require.NoError(t, err)
		assert.Equal(t, "changed", u.Get("title"))
		return nil
	}))
	for i := range n {
		assert.Equal(t, fmt.Sprint("a", i), written[2*i].Get("name"))
		assert.Equal(t, "authors", written[2*i].Table())
		assert.Equal(t, fmt.Sprint("b", i), written[2*i+1].Get("title"))
		assert.Equal(t, int64(base+i), written[2*i+1].Get("author_id"))
	}
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		tx.SetFetchMode(engine.FetchPeers)
		var got []engine.Record
		for i := range n {
			r, err := tx.Get("authors", base+i)
			require.NoError(t, err)
			got = append(got, r)
		}
		for i, r := range got {
			require.Equal(t, int64(base+i), r.ID())
		}
		books, err := got[7].Related("books")
		require.NoError(t, err)
		require.Len(t, books, 1)
		assert.Equal(t, int64(base+7), books[0].ID())
		s := tx.Stats().Relations["authors.books"]
		assert.Equal(t, 1, s.Single, "a loose row loads alone")
		assert.Zero(t, s.Batched, "loose rows are no peers")
		return nil
	}))
}

// TestRecord_LooseRecordsHandedOff: records of rows read one at a time
// are handed to another goroutine while the transaction reads on. A
// record reads its row through its result's row list, which later point
// reads appended to: a data race (go test -race) where a record used to
// hold its row itself.
func TestRecord_LooseRecordsHandedOff(t *testing.T) {
	db := libraryDB(t, engine.Options{})
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		ch := make(chan engine.Record)
		done := make(chan []any)
		go func() {
			var got []any
			for r := range ch {
				got = append(got, r.ID(), r.Get("name"))
			}
			done <- got
		}()
		var want []any
		for i := range 40 {
			id := i%4 + 1
			table := "authors"
			if i%3 == 0 {
				table = "users"
				id = i%2 + 1
			}
			r, err := tx.Get(table, id)
			require.NoError(t, err)
			want = append(want, r.ID(), r.Get("name"))
			ch <- r
		}
		close(ch)
		assert.Equal(t, want, <-done)
		return nil
	}))
}

// scanTable has a column of every type, each nullable but the key.
var scanTable = engine.Table{Name: "vals", PrimaryKey: []string{"id"}, Columns: []engine.Column{
	{Name: "id", Type: engine.Int}, {Name: "n", Type: engine.Int}, {Name: "f", Type: engine.Float},
	{Name: "s", Type: engine.Text}, {Name: "b", Type: engine.Bool}, {Name: "raw", Type: engine.Bytes},
	{Name: "at", Type: engine.Time}, {Name: "d", Type: engine.Decimal, Precision: 10, Scale: 2},
}}

func TestRecord_Scan(t *testing.T) {
	db := testutil.OpenDB(t, scanTable)
	when := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var full, nulls, wide engine.Record
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		var err error
		full, err = tx.Insert("vals", engine.Row{"id": 1, "n": 300, "f": 1.5, "s": "x", "b": true,
			"raw": []byte{1, 2}, "at": when, "d": "12.34"})
		require.NoError(t, err)
		wide, err = tx.Insert("vals", engine.Row{"id": 3, "n": -70000})
		require.NoError(t, err)
		nulls, err = tx.Insert("vals", engine.Row{"id": 2})
		return err
	}))

	t.Run("every column into its own type", func(t *testing.T) {
		var (
			id, n int64
			f     float64
			s     string
			b     bool
			raw   = make([]byte, 0, 8)
			at    time.Time
			d     apd.Decimal
		)
		require.NoError(t, full.Scan(&id, &n, &f, &s, &b, &raw, &at, &d))
		assert.Equal(t, []any{int64(1), int64(300), 1.5, "x", true, []byte{1, 2}, when, "12.34"},
			[]any{id, n, f, s, b, raw, at, d.String()})
		raw[0] = 9
		assert.Equal(t, []byte{1, 2}, full.Get("raw"), "the bytes are a copy")
	})
	t.Run("other integer kinds, pointers, any and skips", func(t *testing.T) {
		var (
			n   int16
			f   float32
			s   *string
			d   *apd.Decimal
			raw any
		)
		require.NoError(t, full.Scan(nil, &n, &f, &s, nil, &raw, nil, &d))
		assert.Equal(t, int16(300), n)

		// Named types of the columns' kinds, and an unsigned integer.
		type blob []byte
		var (
			u  uint16
			ok bool
			bl blob
			pn *int32
		)
		require.NoError(t, full.Scan(&pn, &u, nil, nil, &ok, &bl, nil, nil))
		assert.Equal(t, uint16(300), u)
		assert.True(t, ok)
		assert.Equal(t, blob{1, 2}, bl)
		require.NotNil(t, pn)
		assert.Equal(t, int32(1), *pn)

		// Every width is written whole: a value wider than 16 bits, and
		// a negative one, into 32 bits.
		type count int32
		var n32 count
		require.NoError(t, wide.Scan(nil, &n32, nil, nil, nil, nil, nil, nil))
		assert.Equal(t, count(-70000), n32)
		var u32 uint32
		err := wide.Scan(nil, &u32, nil, nil, nil, nil, nil, nil)
		require.ErrorIs(t, err, engine.ErrType)
		assert.Contains(t, err.Error(), "-70000 overflows uint32")
		assert.Equal(t, float32(1.5), f)
		require.NotNil(t, s)
		assert.Equal(t, "x", *s)
		assert.Equal(t, "12.34", d.String())
		assert.Equal(t, []byte{1, 2}, raw)
	})
	t.Run("NULL into pointers, bytes and any", func(t *testing.T) {
		s, d, raw, at := new(string), new(apd.Decimal), []byte{1}, any(1)
		require.NoError(t, nulls.Scan(nil, nil, nil, &s, nil, &raw, &at, &d))
		assert.Nil(t, s)
		assert.Nil(t, d)
		assert.Nil(t, raw)
		assert.Nil(t, at)
	})

	for _, c := range []struct {
		name string
		r    *engine.Record
		dest func() []any
		msg  string
	}{
		{"too few", &full, func() []any { return []any{new(int64)} }, "1 destinations for 8 columns"},
		{"NULL into a value", &nulls, func() []any { return []any{nil, new(int64), nil, nil, nil, nil, nil, nil} }, `column "n"`},
		{"wrong type", &full, func() []any { return []any{nil, new(string), nil, nil, nil, nil, nil, nil} }, `column "n": reldb: type mismatch: int64 into string`},
		{"overflow", &full, func() []any { return []any{nil, new(int8), nil, nil, nil, nil, nil, nil} }, "300 overflows int8"},
		{"unsigned overflow", &full, func() []any { return []any{nil, new(uint8), nil, nil, nil, nil, nil, nil} }, "300 overflows uint8"},
		{"nil pointer", &full, func() []any { return []any{nil, (*int16)(nil), nil, nil, nil, nil, nil, nil} }, "*int16 is not a non-nil pointer"},
		{"not a pointer", &full, func() []any { return []any{int64(0), nil, nil, nil, nil, nil, nil, nil} }, "not a non-nil pointer"},
		{"decimal into float", &full, func() []any { return []any{nil, nil, nil, nil, nil, nil, nil, new(float64)} }, `column "d"`},
		{"zero record", &engine.Record{}, func() []any { return nil }, "zero Record"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.r.Scan(c.dest()...)
			require.ErrorIs(t, err, engine.ErrType)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
}

// Scanning numbers, text and a small decimal allocates nothing.
func TestRecord_ScanAllocs(t *testing.T) {
	db := testutil.OpenDB(t, scanTable)
	var r engine.Record
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		var err error
		r, err = tx.Insert("vals", engine.Row{"id": 1, "n": 300, "s": "x", "d": "12.34"})
		return err
	}))
	var id, n int64
	var s string
	var d apd.Decimal
	allocs := testing.AllocsPerRun(100, func() {
		if err := r.Scan(&id, &n, nil, &s, nil, nil, nil, &d); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)

	// Scan keeps no destination: variables declared where they are
	// scanned into stay on the stack, those of named and smaller types
	// (which Scan stores by their kind) as well.
	type (
		key   int64
		label string
	)
	var sum int64
	allocs = testing.AllocsPerRun(100, func() {
		var row struct {
			id key
			n  int16
			s  label
			d  apd.Decimal
		}
		if err := r.Scan(&row.id, &row.n, nil, &row.s, nil, nil, nil, &row.d); err != nil {
			t.Fatal(err)
		}
		sum += int64(row.id) + int64(row.n) + int64(len(row.s)) + row.d.Coeff.Int64()
	})
	assert.Zero(t, allocs, "a scanned struct escaped to the heap")
	assert.Equal(t, int64(1+300+1+1234)*101, sum)
}
