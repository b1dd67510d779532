package engine_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countRows returns how many rows table has in db's latest state.
func countRows(t *testing.T, db *engine.DB, table string) int {
	t.Helper()
	n := 0
	require.NoError(t, db.View(bg, func(tx *engine.Tx) error {
		rs, err := tx.Query(table).All()
		n = len(rs)
		return err
	}))
	return n
}

// TestDB_Fork_HoldsStateAndRules: a fork has the source's rows, indexes
// and relations, and enforces them: its unique index refuses a duplicate,
// its foreign key refuses an orphan and cascades a delete, and Check
// passes on it afterwards.
func TestDB_Fork_HoldsStateAndRules(t *testing.T) {
	src := libraryDB(t, engine.Options{})
	f, err := src.Fork(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	assert.Equal(t, testutil.Dump(t, src), testutil.Dump(t, f))

	err = f.Update(bg, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 99, "author_id": 42, "title": "Orphan"})
		return err
	})
	assert.ErrorIs(t, err, engine.ErrForeignKey)
	require.NoError(t, f.Update(bg, func(tx *engine.Tx) error { return tx.Delete("authors", 1) }))
	assert.Equal(t, 3, countRows(t, f, "books"), "the delete cascaded in the fork")
	assert.Equal(t, 6, countRows(t, src, "books"), "and not in the source")
	assert.NoError(t, f.Check())
	assert.NoError(t, src.Check())
}

// TestDB_Fork_Independent: after a fork, neither side sees the other's
// commits, including schema changes.
func TestDB_Fork_Independent(t *testing.T) {
	src := testutil.OpenDB(t, engine.Table{Name: "items", PrimaryKey: []string{"id"},
		Columns: []engine.Column{{Name: "id", Type: engine.Int}}})
	insert := func(db *engine.DB, id int) {
		require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
			_, err := tx.Insert("items", engine.Row{"id": id})
			return err
		}))
	}
	insert(src, 1)
	f, err := src.Fork(engine.Options{})
	require.NoError(t, err)
	insert(src, 2)
	insert(f, 3)
	require.NoError(t, f.Update(bg, func(tx *engine.Tx) error {
		return tx.CreateTable(engine.Table{Name: "extra", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}})
	}))
	assert.Equal(t, 2, countRows(t, src, "items"))
	assert.Equal(t, 2, countRows(t, f, "items"))
	require.NoError(t, src.View(bg, func(tx *engine.Tx) error {
		_, err := tx.Table("extra")
		assert.ErrorIs(t, err, engine.ErrNoTable)
		return nil
	}))
}

// TestDB_Fork_Sequences: each fork's sequences start where the source's
// stood at the fork and advance on their own, so every fork of one
// template hands out the same keys.
func TestDB_Fork_Sequences(t *testing.T) {
	src := testutil.OpenDB(t, engine.Table{Name: "items", PrimaryKey: []string{"id"},
		Columns: []engine.Column{{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "name", Type: engine.Text}}})
	next := func(db *engine.DB) int64 {
		var id int64
		require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
			r, err := tx.Insert("items", engine.Row{"name": "x"})
			if err == nil {
				id = r.ID().(int64)
			}
			return err
		}))
		return id
	}
	assert.Equal(t, int64(1), next(src))
	a, err := src.Fork(engine.Options{})
	require.NoError(t, err)
	b, err := src.Fork(engine.Options{})
	require.NoError(t, err)
	assert.Equal(t, int64(2), next(a))
	assert.Equal(t, int64(3), next(a))
	assert.Equal(t, int64(2), next(b))
	assert.Equal(t, int64(2), next(src))
}

// TestDB_Fork_Errors: a fork is in memory, and a closed database cannot
// be forked.
func TestDB_Fork_Errors(t *testing.T) {
	src := testutil.OpenDB(t)
	_, err := src.Fork(engine.Options{Dir: t.TempDir()})
	assert.ErrorIs(t, err, engine.ErrInvalidArgument)
	_, err = src.Fork(engine.Options{Retry: engine.RetryPolicy{MaxAttempts: -1}})
	assert.Error(t, err)
	require.NoError(t, src.Close())
	_, err = src.Fork(engine.Options{})
	assert.ErrorIs(t, err, engine.ErrClosed)
}

// TestDB_Fork_Durable: a durable database forks into memory; the fork's
// writes never reach the directory.
func TestDB_Fork_Durable(t *testing.T) {
	dir := t.TempDir()
	src := openDurableItems(t, dir)
	require.NoError(t, src.Update(bg, func(tx *engine.Tx) error {
		if err := createItems(tx); err != nil {
			return err
		}
		_, err := tx.Insert("items", engine.Row{"name": "kept"})
		return err
	}))
	f, err := src.Fork(engine.Options{})
	require.NoError(t, err)
	require.NoError(t, f.Update(bg, func(tx *engine.Tx) error {
		_, err := tx.Insert("items", engine.Row{"name": "forked"})
		return err
	}))
	require.NoError(t, f.Close())
	require.NoError(t, src.Close())
	re := openDurableItems(t, dir)
	defer re.Close()
	assert.Equal(t, 1, countRows(t, re, "items"))
}

// TestDB_Fork_Concurrent: forks taken while writers commit to the source
// each hold one committed state, and forks written at once by their own
// goroutines stay apart (run with -race).
func TestDB_Fork_Concurrent(t *testing.T) {
	src := testutil.OpenDB(t, engine.Table{Name: "items", PrimaryKey: []string{"id"},
		Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "n", Type: engine.Int}}})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			// Two rows per commit: a fork must never hold one without the other.
			if !assert.NoError(t, src.Update(bg, func(tx *engine.Tx) error {
				if _, err := tx.Insert("items", engine.Row{"id": 2 * i, "n": i}); err != nil {
					return err
				}
				_, err := tx.Insert("items", engine.Row{"id": 2*i + 1, "n": i})
				return err
			})) {
				return
			}
		}
	})
	for g := range 4 {
		wg.Go(func() {
			for range 20 {
				f, err := src.Fork(engine.Options{})
				if !assert.NoError(t, err) {
					return
				}
				n := countRows(t, f, "items")
				assert.Zero(t, n%2, "a fork holds a whole commit")
				for i := range 10 {
					assert.NoError(t, f.Update(bg, func(tx *engine.Tx) error {
						_, err := tx.Insert("items", engine.Row{"id": -1 - i, "n": g})
						return err
					}))
				}
				assert.Equal(t, n+10, countRows(t, f, "items"))
				assert.NoError(t, f.Check())
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	require.NoError(t, src.View(bg, func(tx *engine.Tx) error {
		n, err := tx.Query("items").Where(engine.Lt("id", 0)).Count()
		assert.Zero(t, n, "no fork's write reached the source")
		return err
	}))
}

// TestDB_Now_Clock: Options.Clock is the database's clock, and a fork
// takes its own.
func TestDB_Now_Clock(t *testing.T) {
	fixed := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	db := testutil.OpenDBWith(t, engine.Options{Clock: func() time.Time { return fixed }})
	assert.Equal(t, fixed, db.Now())
	f, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), f.Now(), time.Minute)
	assert.WithinDuration(t, time.Now(), testutil.OpenDB(t).Now(), time.Minute)
}

// BenchmarkDB_Fork forks a database of 20 tables holding 1,000 rows in
// all: the cost a test pays for a fresh copy of a loaded template.
func BenchmarkDB_Fork(b *testing.B) {
	var tables []engine.Table
	for i := range 20 {
		tables = append(tables, engine.Table{Name: fmt.Sprintf("t%02d", i), PrimaryKey: []string{"id"},
			Columns: []engine.Column{{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "v", Type: engine.Text}}})
	}
	src := testutil.OpenDB(b, tables...)
	require.NoError(b, src.Update(bg, func(tx *engine.Tx) error {
		for i := range 1000 {
			if _, err := tx.Insert(tables[i%20].Name, engine.Row{"v": "row"}); err != nil {
				return err
			}
		}
		return nil
	}))
	b.ReportAllocs()
	for b.Loop() {
		f, err := src.Fork(engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

type extKey struct{}

type forkingState struct{ n int }

func (s *forkingState) Fork() any { return &forkingState{n: s.n + 1} }

// TestDB_Extension_Fork: an extension's state is made once per database,
// and carried into a fork by its Fork method; state without one is not.
func TestDB_Extension_Fork(t *testing.T) {
	db := testutil.OpenDB(t)
	calls := 0
	mk := func() any { calls++; return &forkingState{} }
	a := db.Extension(extKey{}, mk)
	assert.Same(t, a, db.Extension(extKey{}, mk))
	assert.Equal(t, 1, calls)
	db.Extension("plain", func() any { return 7 })

	f, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	assert.Equal(t, &forkingState{n: 1}, f.Extension(extKey{}, mk))
	assert.Equal(t, 1, calls, "the fork's state came from Fork, not init")
	assert.Equal(t, 8, f.Extension("plain", func() any { return 8 }), "a state without Fork is not carried")
}
