package engine_test

// Recovery: what Open rebuilds from the snapshot and the log after a
// restart or a crash — sequences, schema and data written in one
// transaction, defaults, decimals, unique indexes — and what it refuses.

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openDurableItems(t *testing.T, dir string) *engine.DB {
	t.Helper()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	return db
}

func createItems(tx *engine.Tx) error {
	return tx.CreateTable(engine.Table{Name: "items", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "name", Type: engine.Text}}})
}

// A generated key is never handed out twice, even across a reopen.
func TestOpen_AutoIncrement_NoReuseAfterReopen(t *testing.T) {
	for _, checkpoint := range []bool{false, true} {
		t.Run(fmt.Sprintf("checkpoint=%v", checkpoint), func(t *testing.T) { checkNoReuse(t, checkpoint) })
	}
}

func checkNoReuse(t *testing.T, checkpoint bool) {
	dir := t.TempDir()
	db := openDurableItems(t, dir)
	require.NoError(t, db.Update(durCtx, createItems))
	var last any
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
		for _, n := range []string{"a", "b", "c"} {
			r, err := tx.Insert("items", engine.Row{"name": n})
			if err != nil {
				return err
			}
			last = r.ID()
		}
		return nil
	}))
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error { return tx.Delete("items", last) }))
	var liveNext any
	// what the live database would hand out next (in a tx we roll back)
	tx, err := db.Begin(durCtx, engine.TxOptions{})
	require.NoError(t, err)
	r, err := tx.Insert("items", engine.Row{"name": "probe"})
	require.NoError(t, err)
	liveNext = r.ID()
	require.NoError(t, tx.Rollback())
	if checkpoint {
		require.NoError(t, db.Checkpoint())
	}
	require.NoError(t, db.Close())

	db = openDurableItems(t, dir)
	defer db.Close()
	var next any
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
		r, err := tx.Insert("items", engine.Row{"name": "d"})
		next = r.ID()
		return err
	}))
	t.Logf("deleted id %v, live next %v, after reopen %v", last, liveNext, next)
	require.NotEqual(t, last, next, "a key used (and deleted) before the reopen is generated again")
}

// A log whose front was truncated by a checkpoint cannot stand alone: if
// the snapshot it relies on is missing, Open must report corruption rather
// than return an empty database.
func TestOpen_Recovery_SnapshotMissing_IsCorrupt(t *testing.T) {
	dir := t.TempDir()
	db := openDurableItems(t, dir)
	require.NoError(t, db.Update(durCtx, createItems))
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("items", engine.Row{"name": "a"})
		return err
	}))
	require.NoError(t, db.Checkpoint())
	require.NoError(t, db.Close())
	snaps, _ := filepath.Glob(filepath.Join(dir, "snapshot-*"))
	require.Len(t, snaps, 1)
	require.NoError(t, os.Remove(snaps[0]))

	db, err := engine.Open(engine.Options{Dir: dir})
	if err == nil {
		var tables []engine.Table
		_ = db.View(durCtx, func(tx *engine.Tx) error { tables, _ = tx.Tables(); return nil })
		t.Logf("opened without error; tables: %v", tables)
		db.Close()
	}
	require.ErrorIs(t, err, engine.ErrCorrupt)
}

// checkReplay runs each step in its own transaction, then checks that a
// reopen from the log alone, and from a checkpoint, reproduce the state.
func checkReplay(t *testing.T, steps ...func(tx *engine.Tx) error) {
	t.Helper()
	dir := t.TempDir()
	db := openDurableItems(t, dir)
	for i, s := range steps {
		require.NoError(t, db.Update(durCtx, s), "step %d", i)
	}
	require.NoError(t, db.Check())
	want := durState(t, db)
	require.NoError(t, db.Close())

	db = openDurableItems(t, dir)
	require.NoError(t, db.Check(), "log replay")
	require.Equal(t, want, durState(t, db), "log replay")
	require.NoError(t, db.Checkpoint())
	require.NoError(t, db.Close())
	db = openDurableItems(t, dir)
	defer db.Close()
	require.NoError(t, db.Check(), "snapshot")
	require.Equal(t, want, durState(t, db), "snapshot")
}

func insertRows(tx *engine.Tx, table string, rows ...engine.Row) error {
	for _, r := range rows {
		if _, err := tx.Insert(table, r); err != nil {
			return err
		}
	}
	return nil
}

func TestOpen_Replay_SchemaAndDataInOneTx(t *testing.T) {
	users := engine.Table{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "email", Type: engine.Text}, {Name: "bal", Type: engine.Decimal, Precision: 8, Scale: 3}}}
	t.Run("create table, data, unique index, data", func(t *testing.T) {
		checkReplay(t, func(tx *engine.Tx) error {
			if err := tx.CreateTable(users); err != nil {
				return err
			}
			if err := insertRows(tx, "users", engine.Row{"id": 1, "email": "a", "bal": durDec("1.5")}); err != nil {
				return err
			}
			if err := tx.CreateIndex("users", engine.Index{Name: "users_email_key", Columns: []string{"email"}, Unique: true}); err != nil {
				return err
			}
			return insertRows(tx, "users", engine.Row{"id": 2, "email": "b", "bal": durDec("-0.0005")})
		})
	})
	t.Run("unique value moves between rows", func(t *testing.T) {
		checkReplay(t, func(tx *engine.Tx) error {
			if err := tx.CreateTable(users); err != nil {
				return err
			}
			if err := tx.CreateIndex("users", engine.Index{Name: "users_email_key", Columns: []string{"email"}, Unique: true}); err != nil {
				return err
			}
			return insertRows(tx, "users", engine.Row{"id": 1, "email": "a"}, engine.Row{"id": 2, "email": "b"})
		}, func(tx *engine.Tx) error {
			if _, err := tx.Update("users", 1, engine.Row{"email": "tmp"}); err != nil {
				return err
			}
			if _, err := tx.Update("users", 2, engine.Row{"email": "a"}); err != nil {
				return err
			}
			_, err := tx.Update("users", 1, engine.Row{"email": "b"})
			return err
		}, func(tx *engine.Tx) error {
			// key change: row 1 becomes 3 and 2 takes email "b" from it
			if _, err := tx.Update("users", 1, engine.Row{"id": 3, "email": "c"}); err != nil {
				return err
			}
			_, err := tx.Update("users", 2, engine.Row{"email": "b"})
			return err
		})
	})
	t.Run("drop and create table of one name in one tx", func(t *testing.T) {
		checkReplay(t, func(tx *engine.Tx) error {
			if err := tx.CreateTable(users); err != nil {
				return err
			}
			return insertRows(tx, "users", engine.Row{"id": 1, "email": "a"})
		}, func(tx *engine.Tx) error {
			if err := insertRows(tx, "users", engine.Row{"id": 2, "email": "x"}); err != nil {
				return err
			}
			if err := tx.DropTable("users"); err != nil {
				return err
			}
			u2 := users
			u2.Columns = append([]engine.Column{}, users.Columns...)
			u2.Columns = append(u2.Columns, engine.Column{Name: "extra", Type: engine.Int})
			if err := tx.CreateTable(u2); err != nil {
				return err
			}
			return insertRows(tx, "users", engine.Row{"id": 7, "email": "z", "extra": 1})
		})
	})
	t.Run("relation and many-to-many created and dropped with data", func(t *testing.T) {
		checkReplay(t, func(tx *engine.Tx) error {
			return durSchema(tx)
		}, durSeed, func(tx *engine.Tx) error {
			if err := tx.DropRelation("enr_course"); err != nil {
				return err
			}
			if err := insertRows(tx, "enrollments", engine.Row{"student_id": 1, "dept": "ma", "num": 1}); err != nil {
				return err
			}
			if err := tx.CreateIndex("books", engine.Index{Name: "books_rating_idx", Columns: []string{"rating"}}); err != nil {
				return err
			}
			if err := tx.DropIndex("books", "books_title_idx"); err != nil {
				return err
			}
			return insertRows(tx, "books", engine.Row{"id": 9, "author_id": 1, "title": "X", "rating": 1.0, "price": durDec("3.456")})
		}, func(tx *engine.Tx) error {
			if err := tx.DropTable("books_tags"); err != nil {
				return err
			}
			if err := tx.CreateManyToMany(engine.ManyToMany{Name: "bt2", Left: "books", Right: "tags", Through: "bt2j", LeftAs: "tags", RightAs: "books"}); err != nil {
				return err
			}
			return insertRows(tx, "bt2j", engine.Row{"books_id": 9, "tags_name": "sf"})
		})
	})
}

func TestOpen_Replay_DefaultsAndDecimals(t *testing.T) {
	checkReplay(t, func(tx *engine.Tx) error {
		return tx.CreateTable(engine.Table{Name: "d", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Decimal},
			{Name: "p", Type: engine.Decimal, Precision: 10, Scale: 2, Default: "1.5"},
			{Name: "q", Type: engine.Decimal, Default: durDec("2.500")},
			{Name: "ts", Type: engine.Time, Default: time.Date(2020, 1, 2, 3, 4, 5, 6789, time.FixedZone("x", 3600))},
			{Name: "b", Type: engine.Bytes, Default: []byte{1, 2}},
			{Name: "f", Type: engine.Float, Default: 1},
		}})
	}, func(tx *engine.Tx) error {
		return insertRows(tx, "d", engine.Row{"id": durDec("1.00")}, engine.Row{"id": durDec("2"), "p": durDec("-3.14159"), "q": durDec("NaN")},
			engine.Row{"id": durDec("3E+2"), "q": durDec("-0.000")})
	}, func(tx *engine.Tx) error {
		_, err := tx.Update("d", durDec("1"), engine.Row{"id": durDec("1.0000"), "q": durDec("Infinity")})
		return err
	})
}

func copyTree(t *testing.T, src, dst string) {
	require.NoError(t, os.RemoveAll(dst))
	require.NoError(t, filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	}))
}

// Crash after the snapshot's rename, before the log's truncation: the log
// still holds records the snapshot has.
func TestCheckpoint_CrashBetweenRenameAndTruncate(t *testing.T) {
	dir := t.TempDir()
	db := openDurableItems(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Update(durCtx, durSeed))
	require.NoError(t, db.Close())
	db = openDurableItems(t, dir)
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error { return tx.Delete("users", 1) }))
	saved := filepath.Join(t.TempDir(), "wal")
	copyTree(t, filepath.Join(dir, "wal"), saved)
	require.NoError(t, db.Checkpoint())
	want := durState(t, db)
	require.NoError(t, db.Close())
	copyTree(t, saved, filepath.Join(dir, "wal")) // truncation undone
	for i := 0; i < 3; i++ {
		db = openDurableItems(t, dir)
		require.NoError(t, db.Check())
		require.Equal(t, want, durState(t, db), "reopen %d", i)
		require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
			_, err := tx.Insert("tags", engine.Row{"name": fmt.Sprint("t", i)})
			return err
		}))
		want = durState(t, db)
		if i == 1 {
			require.NoError(t, db.Checkpoint())
		}
		require.NoError(t, db.Close())
	}
}

// A transaction frees a duplicate value, then creates a unique index on
// the column. Replay builds the index from the rows *before* the
// transaction (which still hold the duplicate), then applies the
// transaction's row changes.
func TestOpen_Replay_UniqueIndexAfterFreeingDuplicate(t *testing.T) {
	users := engine.Table{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "email", Type: engine.Text}}}
	seed := func(tx *engine.Tx) error {
		if err := tx.CreateTable(users); err != nil {
			return err
		}
		return insertRows(tx, "users", engine.Row{"id": 1, "email": "a"}, engine.Row{"id": 2, "email": "a"})
	}
	mkIndex := func(tx *engine.Tx) error {
		return tx.CreateIndex("users", engine.Index{Name: "users_email_key", Columns: []string{"email"}, Unique: true})
	}
	t.Run("delete the duplicate", func(t *testing.T) {
		checkReplay(t, seed, func(tx *engine.Tx) error {
			if err := tx.Delete("users", 2); err != nil {
				return err
			}
			return mkIndex(tx)
		})
	})
	t.Run("update the duplicate", func(t *testing.T) {
		checkReplay(t, seed, func(tx *engine.Tx) error {
			if _, err := tx.Update("users", 2, engine.Row{"email": "b"}); err != nil {
				return err
			}
			return mkIndex(tx)
		})
	})
}

// Consequence: after the reopen the unique constraint no longer holds.
func TestOpen_Replay_UniqueIndexAfterFreeingDuplicate_AllowsDuplicate(t *testing.T) {
	dir := t.TempDir()
	db := openDurableItems(t, dir)
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(engine.Table{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "email", Type: engine.Text}}}); err != nil {
			return err
		}
		return insertRows(tx, "users", engine.Row{"id": 1, "email": "a"}, engine.Row{"id": 2, "email": "a"})
	}))
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
		if err := tx.Delete("users", 2); err != nil {
			return err
		}
		return tx.CreateIndex("users", engine.Index{Name: "users_email_key", Columns: []string{"email"}, Unique: true})
	}))
	require.NoError(t, db.Close())
	db = openDurableItems(t, dir)
	defer db.Close()
	err := db.Update(durCtx, func(tx *engine.Tx) error {
		return insertRows(tx, "users", engine.Row{"id": 3, "email": "a"})
	})
	require.ErrorIs(t, err, engine.ErrUnique, "a second 'a' must violate users_email_key")
}

// Open refuses a directory that holds files but no database, writing
// nothing into it; a missing or empty directory becomes a database.
func TestOpen_Recovery_ForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600))
	_, err := engine.Open(engine.Options{Dir: dir})
	require.ErrorIs(t, err, engine.ErrNotDatabase)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing written")

	empty := t.TempDir()
	db, err := engine.Open(engine.Options{Dir: empty})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.NoError(t, engine.ProbeDir(empty))
	db, err = engine.Open(engine.Options{Dir: empty})
	require.NoError(t, err, "a database reopens")
	require.NoError(t, db.Close())
}

// TestOpen_Recovery_DamagedFinalRecord ensures a final log record that is
// complete but fails its checksum — a bit flip, not a crash — makes Open
// fail with ErrCorrupt and change nothing, since its commit was
// acknowledged; RepairDamagedTail cuts it and Storage says what was cut.
func TestOpen_Recovery_DamagedFinalRecord(t *testing.T) {
	dir := t.TempDir()
	db := openDurableItems(t, dir)
	require.NoError(t, db.Update(bg, createItems))
	for _, name := range []string{"first", "last"} {
		require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
			_, err := tx.Insert("items", engine.Row{"name": name})
			return err
		}))
	}
	require.NoError(t, db.Close())
	segs, err := filepath.Glob(filepath.Join(dir, "wal", "0*"))
	require.NoError(t, err)
	last := segs[len(segs)-1]
	b, err := os.ReadFile(last)
	require.NoError(t, err)
	b[len(b)-2] ^= 0x40 // inside the payload of the last commit
	require.NoError(t, os.WriteFile(last, b, 0o600))

	_, err = engine.Open(engine.Options{Dir: dir})
	require.ErrorIs(t, err, engine.ErrCorrupt)
	after, err := os.ReadFile(last)
	require.NoError(t, err)
	assert.Equal(t, b, after, "a refused Open changes nothing")

	db, err = engine.Open(engine.Options{Dir: dir, RepairDamagedTail: true})
	require.NoError(t, err)
	defer db.Close()
	st, err := db.Storage()
	require.NoError(t, err)
	assert.Contains(t, st.Repaired, "damage")
	require.NoError(t, db.View(bg, func(tx *engine.Tx) error {
		n, err := tx.Query("items").Count()
		assert.Equal(t, 1, n, "the damaged commit is gone, the one before it stays")
		return err
	}))
}

// TestOpen_Recovery_LogRemovedBeforeCheckpoint ensures a log removed or
// emptied before any checkpoint — ten commits, then wal/ deleted or its
// segments removed — fails Open with ErrCorrupt instead of opening an
// empty database, while a database that never committed opens empty.
func TestOpen_Recovery_LogRemovedBeforeCheckpoint(t *testing.T) {
	for _, how := range []string{"directory", "segments"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			db := openDurableItems(t, dir)
			require.NoError(t, db.Update(bg, createItems))
			for i := range 10 {
				require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
					_, err := tx.Insert("items", engine.Row{"name": fmt.Sprint(i)})
					return err
				}))
			}
			require.NoError(t, db.Close())
			if how == "directory" {
				require.NoError(t, os.RemoveAll(filepath.Join(dir, "wal")))
			} else {
				segs, err := filepath.Glob(filepath.Join(dir, "wal", "0*"))
				require.NoError(t, err)
				require.NotEmpty(t, segs)
				for _, s := range segs {
					require.NoError(t, os.Remove(s))
				}
			}
			for _, ro := range []bool{false, true} {
				_, err := engine.Open(engine.Options{Dir: dir, ReadOnly: ro})
				require.ErrorIs(t, err, engine.ErrCorrupt, "read-only %v", ro)
				assert.ErrorContains(t, err, "the log was removed")
			}
		})
	}
	// Never committed: new, not damaged, however often reopened.
	dir := t.TempDir()
	for range 2 {
		db := openDurableItems(t, dir)
		require.NoError(t, db.Close())
	}
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "wal")))
	db := openDurableItems(t, dir)
	require.NoError(t, db.Close())
}

// TestOpen_Recovery_LogRemovedAfterCheckpoint ensures a log removed after
// a checkpoint — commit, checkpoint, commit ten more, delete wal/ — makes
// Open fail with ErrCorrupt instead of opening the older state silently.
func TestOpen_Recovery_LogRemovedAfterCheckpoint(t *testing.T) {
	for _, after := range []int{0, 10} {
		t.Run(fmt.Sprintf("commits after the checkpoint=%d", after), func(t *testing.T) {
			dir := t.TempDir()
			db := openDurableItems(t, dir)
			require.NoError(t, db.Update(bg, createItems))
			require.NoError(t, db.Checkpoint())
			for i := range after {
				require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
					_, err := tx.Insert("items", engine.Row{"name": fmt.Sprint(i)})
					return err
				}))
			}
			require.NoError(t, db.Close())
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "wal")))
			_, err := engine.Open(engine.Options{Dir: dir})
			require.ErrorIs(t, err, engine.ErrCorrupt)
			assert.ErrorContains(t, err, "the log was removed or cut short")
		})
	}
	// A checkpoint with the log intact reopens, however often.
	dir := t.TempDir()
	db := openDurableItems(t, dir)
	require.NoError(t, db.Update(bg, createItems))
	require.NoError(t, db.Checkpoint())
	require.NoError(t, db.Close())
	for range 2 {
		db = openDurableItems(t, dir)
		require.NoError(t, db.Checkpoint())
		require.NoError(t, db.Close())
	}
}

// A sequence restarted by RestartSequence numbers from 1 again after a
// reopen: after a clean close, after a checkpoint, and after a crash (the
// directory copied while the database is open); a restart rolled back
// leaves the old numbering.
func TestOpen_RestartSequence_Survives(t *testing.T) {
	for _, how := range []string{"close", "checkpoint", "crash"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			db := openDurableItems(t, dir)
			require.NoError(t, db.Update(durCtx, createItems))
			insert := func(db *engine.DB) any {
				var id any
				require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
					r, err := tx.Insert("items", engine.Row{"name": "x"})
					id = r.ID()
					return err
				}))
				return id
			}
			for range 3 {
				insert(db)
			}
			require.Error(t, db.Update(durCtx, func(tx *engine.Tx) error {
				if err := tx.RestartSequence("items"); err != nil {
					return err
				}
				return fmt.Errorf("roll back")
			}))
			require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
				for id := int64(1); id <= 3; id++ {
					if err := tx.Delete("items", id); err != nil {
						return err
					}
				}
				return tx.RestartSequence("items")
			}))
			assert.Equal(t, int64(1), insert(db))
			reopenDir := dir
			switch how {
			case "close":
				require.NoError(t, db.Close())
			case "checkpoint":
				require.NoError(t, db.Checkpoint())
				require.NoError(t, db.Close())
			case "crash":
				reopenDir = durCopyDir(t, dir)
				defer db.Close()
			}
			db2 := openDurableItems(t, reopenDir)
			defer db2.Close()
			assert.Equal(t, int64(2), insert(db2), "numbering goes on from the restarted sequence")
		})
	}
}
