package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logBytes is the size of the write-ahead log of the database in dir.
func logBytes(t testing.TB, dir string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, filepath.Walk(filepath.Join(dir, "wal"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	}))
	return n
}

// A schema commit logs the tables it changes, not the whole catalog: the
// 400th CREATE TABLE logs about what the 4th did. The whole schema —
// tables, indexes, relations from both sides, many-to-many junctions,
// columns added and dropped, tables dropped — reads back from the log
// alone (no checkpoint) exactly as it was, and is enforced.
func TestDurable_SchemaCommitsLogWhatChanged(t *testing.T) {
	dir := t.TempDir()
	db, err := engine.Open(engine.Options{Dir: dir, CheckpointBytes: -1})
	require.NoError(t, err)
	create := func(i int) {
		require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
			return tx.CreateTable(engine.Table{Name: fmt.Sprintf("t%03d", i), PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int}, {Name: "parent", Type: engine.Int}, {Name: "note", Type: engine.Text}}})
		}))
	}
	sizeOf := func(i int) int64 {
		before := logBytes(t, dir)
		create(i)
		return logBytes(t, dir) - before
	}
	early := sizeOf(0)
	for i := 1; i < 400; i++ {
		create(i)
	}
	late := sizeOf(400)
	assert.Less(t, late, 2*early+64, "a CREATE TABLE at 400 tables logged %d bytes, at 1 table %d", late, early)

	// Relations to a shared parent, each in its own commit: the parent's
	// definition changes with every one, and the tables that share it do
	// not.
	for i := 1; i <= 5; i++ {
		require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
			return tx.CreateRelation(engine.Relation{Child: fmt.Sprintf("t%03d", i), Columns: []string{"parent"}, Parent: "t000",
				ParentAs: "parent", ChildrenAs: fmt.Sprintf("kids%d", i), OnDelete: engine.Cascade})
		}))
	}
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		return tx.CreateManyToMany(engine.ManyToMany{Left: "t010", Right: "t011", LeftAs: "rights", RightAs: "lefts"})
	}))
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error { return tx.AddColumn("t002", engine.Column{Name: "extra", Type: engine.Int}) }))
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error { return tx.DropColumn("t003", "note") }))
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error { return tx.DropTable("t399") }))
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error {
		if _, err := tx.Insert("t000", engine.Row{"id": 1}); err != nil {
			return err
		}
		_, err := tx.Insert("t001", engine.Row{"id": 1, "parent": 1})
		return err
	}))
	var want string
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		want, err = tx.DDL()
		return err
	}))
	require.NoError(t, db.Close())

	db, err = engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Check())
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		got, err := tx.DDL()
		require.NoError(t, err)
		assert.Equal(t, want, got)
		return nil
	}))
	err = db.Update(trCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("t004", engine.Row{"id": 1, "parent": 99})
		return err
	})
	require.ErrorIs(t, err, engine.ErrForeignKey, "relations are enforced after the reopen")
	require.NoError(t, db.Update(trCtx, func(tx *engine.Tx) error { return tx.Delete("t000", 1) }))
	require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
		n, err := tx.Query("t001").Count()
		assert.Zero(t, n, "the cascade from the shared parent reaches its child")
		return err
	}))
}

// BenchmarkDurable_CreateTable is a CREATE TABLE, committed and logged
// (SyncNone: the log's writes, not the disk's flushes), in a database that
// already has 2,000 tables; log-B/op is what each one adds to the log.
func BenchmarkDurable_CreateTable(b *testing.B) {
	dir := b.TempDir()
	open := func() *engine.DB {
		db, err := engine.Open(engine.Options{Dir: dir, Sync: engine.SyncNone, CheckpointBytes: -1})
		require.NoError(b, err)
		return db
	}
	create := func(db *engine.DB, i int) error {
		return db.Update(trCtx, func(tx *engine.Tx) error {
			return tx.CreateTable(engine.Table{Name: fmt.Sprintf("t%06d", i), PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int}, {Name: "note", Type: engine.Text}}})
		})
	}
	const base = 2000
	db := open()
	for i := range base {
		require.NoError(b, create(db, i))
	}
	require.NoError(b, db.Close())
	before := logBytes(b, dir)
	db = open()
	b.ResetTimer()
	for i := range b.N {
		if err := create(db, base+i); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	require.NoError(b, db.Close())
	b.ReportMetric(float64(logBytes(b, dir)-before)/float64(b.N), "log-B/op")
}
