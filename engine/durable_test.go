package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/wal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var durCtx = context.Background()

// durSchema creates the canonical schema: every relation kind, every
// action, a deferrable relation, a composite key, decimals and times.
func durSchema(tx *engine.Tx) error {
	tables := []engine.Table{
		{Name: "publishers", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text, NotNull: true}}},
		{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true}, {Name: "name", Type: engine.Text},
			{Name: "born", Type: engine.Time}, {Name: "photo", Type: engine.Bytes}}},
		{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int},
			{Name: "publisher_id", Type: engine.Int, Default: int64(0)},
			{Name: "title", Type: engine.Text}, {Name: "price", Type: engine.Decimal, Precision: 10, Scale: 2},
			{Name: "rating", Type: engine.Float}, {Name: "in_print", Type: engine.Bool, Default: true}},
			Indexes: []engine.Index{{Name: "books_title_idx", Columns: []string{"title"}}}},
		{Name: "tags", PrimaryKey: []string{"name"}, Columns: []engine.Column{{Name: "name", Type: engine.Text}}},
		{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "email", Type: engine.Text}},
			Indexes: []engine.Index{{Name: "users_email_key", Columns: []string{"email"}, Unique: true}}},
		{Name: "profiles", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "user_id", Type: engine.Int}, {Name: "bio", Type: engine.Text}}},
		{Name: "orders", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "user_id", Type: engine.Int}, {Name: "total", Type: engine.Decimal}}},
		{Name: "students", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		{Name: "courses", PrimaryKey: []string{"dept", "num"}, Columns: []engine.Column{
			{Name: "dept", Type: engine.Text}, {Name: "num", Type: engine.Int}}},
		{Name: "enrollments", PrimaryKey: []string{"student_id", "dept", "num"}, Columns: []engine.Column{
			{Name: "student_id", Type: engine.Int}, {Name: "dept", Type: engine.Text}, {Name: "num", Type: engine.Int},
			{Name: "grade", Type: engine.Decimal, Precision: 3, Scale: 1}},
			Indexes: []engine.Index{{Name: "enrollments_course_idx", Columns: []string{"dept", "num", "student_id"}}}},
	}
	for _, t := range tables {
		if err := tx.CreateTable(t); err != nil {
			return err
		}
	}
	for _, r := range []engine.Relation{
		{Child: "books", Columns: []string{"author_id"}, Parent: "authors", ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade, OnUpdate: engine.Cascade},
		{Child: "books", Columns: []string{"publisher_id"}, Parent: "publishers", OnDelete: engine.SetDefault},
		{Kind: engine.OneToOne, Child: "profiles", Columns: []string{"user_id"}, Parent: "users", ParentAs: "user", ChildrenAs: "profile", OnDelete: engine.Cascade},
		{Child: "orders", Columns: []string{"user_id"}, Parent: "users", OnDelete: engine.SetNull, Deferrable: true, InitiallyDeferred: true},
		{Name: "enr_student", Child: "enrollments", Columns: []string{"student_id"}, Parent: "students", OnDelete: engine.Cascade},
		{Name: "enr_course", Child: "enrollments", Columns: []string{"dept", "num"}, Parent: "courses", OnDelete: engine.Restrict, Match: engine.MatchFull},
	} {
		if err := tx.CreateRelation(r); err != nil {
			return err
		}
	}
	if err := tx.CreateManyToMany(engine.ManyToMany{Left: "books", Right: "tags", LeftAs: "tags", RightAs: "books"}); err != nil {
		return err
	}
	return tx.CreateManyToMany(engine.ManyToMany{Left: "students", Right: "courses", Through: "enrollments", LeftAs: "courses", RightAs: "students"})
}

func durDec(s string) *apd.Decimal {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		panic(err)
	}
	return d
}

// durSeed fills the schema: a few rows of every table.
func durSeed(tx *engine.Tx) error {
	ins := func(table string, row engine.Row) error {
		_, err := tx.Insert(table, row)
		return err
	}
	steps := []error{
		ins("publishers", engine.Row{"id": 0, "name": "unknown"}),
		ins("publishers", engine.Row{"id": 1, "name": "Ace"}),
		ins("authors", engine.Row{"name": "Le Guin", "born": time.Date(1929, 10, 21, 0, 0, 0, 0, time.UTC), "photo": []byte{0, 1, 2}}),
		ins("authors", engine.Row{"name": "Butler"}),
		ins("books", engine.Row{"id": 1, "author_id": 1, "publisher_id": 1, "title": "The Dispossessed", "price": durDec("9.50"), "rating": 4.5}),
		ins("books", engine.Row{"id": 2, "author_id": 1, "title": "The Lathe of Heaven", "price": durDec("-0.10")}),
		ins("books", engine.Row{"id": 3, "author_id": 2, "publisher_id": 1, "title": "Kindred", "in_print": false}),
		ins("tags", engine.Row{"name": "sf"}),
		ins("tags", engine.Row{"name": "classic"}),
		ins("books_tags", engine.Row{"books_id": 1, "tags_name": "sf"}),
		ins("books_tags", engine.Row{"books_id": 3, "tags_name": "classic"}),
		ins("users", engine.Row{"id": 1, "email": "a@x"}),
		ins("users", engine.Row{"id": 2, "email": nil}),
		ins("profiles", engine.Row{"id": 1, "user_id": 1, "bio": "hi"}),
		ins("orders", engine.Row{"id": 1, "user_id": 1, "total": durDec("12.3400")}),
		ins("orders", engine.Row{"id": 2, "user_id": 2, "total": durDec("1E+3")}),
		ins("students", engine.Row{"id": 1}),
		ins("courses", engine.Row{"dept": "cs", "num": 101}),
		ins("enrollments", engine.Row{"student_id": 1, "dept": "cs", "num": 101, "grade": durDec("3.7")}),
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	return nil
}

// durState renders everything a reopened database must reproduce: rows,
// schema as DDL, relations and many-to-many relations.
func durState(t *testing.T, db *engine.DB) string {
	t.Helper()
	var b strings.Builder
	err := db.View(durCtx, func(tx *engine.Tx) error {
		ddl, err := tx.DDL()
		if err != nil {
			return err
		}
		b.WriteString(ddl)
		tables, err := tx.Tables()
		if err != nil {
			return err
		}
		for _, tab := range tables {
			rels, err := tx.Relations(tab.Name)
			if err != nil {
				return err
			}
			m2m, err := tx.ManyToManys(tab.Name)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s: %+v %+v %+v\n", tab.Name, tab, rels, m2m)
			rows, err := tx.Query(tab.Name).All()
			if err != nil {
				return err
			}
			for _, r := range rows {
				b.WriteString("  " + r.String() + "\n")
			}
		}
		return nil
	})
	require.NoError(t, err)
	return b.String()
}

func durOpenDir(t *testing.T, dir string) *engine.DB {
	t.Helper()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, db.Check())
	return db
}

// TestDB_Open_Durable_Reopen checks that a reopened directory holds exactly
// what was committed — rows, schema and schema changes — whether it is
// recovered from the log alone, a snapshot plus log, or a snapshot alone.
func TestDB_Open_Durable_Reopen(t *testing.T) {
	steps := []func(tx *engine.Tx) error{
		durSchema,
		durSeed,
		func(tx *engine.Tx) error { // cascades, SET NULL, SET DEFAULT, key update
			if err := tx.Delete("users", 2); err != nil {
				return err
			}
			if err := tx.Delete("publishers", 1); err != nil {
				return err
			}
			_, err := tx.Update("authors", 2, engine.Row{"id": 7})
			return err
		},
		func(tx *engine.Tx) error { // schema changes on tables with rows
			if err := tx.CreateIndex("books", engine.Index{Name: "books_rating_idx", Columns: []string{"rating", "title"}}); err != nil {
				return err
			}
			if err := tx.DropIndex("books", "books_title_idx"); err != nil {
				return err
			}
			if err := tx.CreateTable(engine.Table{Name: "scratch", PrimaryKey: []string{"k"}, Columns: []engine.Column{{Name: "k", Type: engine.Bytes}}}); err != nil {
				return err
			}
			_, err := tx.Insert("scratch", engine.Row{"k": []byte("x")})
			return err
		},
		func(tx *engine.Tx) error { // a unique value moves between rows
			if _, err := tx.Update("users", 1, engine.Row{"email": "b@x"}); err != nil {
				return err
			}
			_, err := tx.Insert("users", engine.Row{"id": 3, "email": "a@x"})
			return err
		},
		func(tx *engine.Tx) error { return tx.DropTable("scratch") },
		func(tx *engine.Tx) error {
			_, err := tx.Insert("authors", engine.Row{"name": "Jemisin"})
			return err
		},
	}
	tests := []struct {
		name       string
		checkpoint int // checkpoint after this many steps; -1 never
	}{
		{"log only", -1},
		{"snapshot after schema", 1},
		{"snapshot in the middle", 3},
		{"snapshot only", len(steps)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := durOpenDir(t, dir)
			for i, step := range steps {
				require.NoError(t, db.Update(durCtx, step), "step %d", i)
				if i+1 == tc.checkpoint {
					require.NoError(t, db.Checkpoint())
				}
			}
			want := durState(t, db)
			require.NoError(t, db.Check())
			require.NoError(t, db.Close())

			db = durOpenDir(t, dir)
			assert.Equal(t, want, durState(t, db))
			// Sequences and tree IDs continue where they stopped.
			var id any
			require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
				r, err := tx.Insert("authors", engine.Row{"name": "Okorafor"})
				id = r.ID()
				if err != nil {
					return err
				}
				return tx.CreateIndex("tags", engine.Index{Name: "tags_x", Columns: []string{"name"}})
			}))
			assert.Equal(t, int64(9), id)
			want = durState(t, db)
			require.NoError(t, db.Close())
			db = durOpenDir(t, dir)
			assert.Equal(t, want, durState(t, db))
			require.NoError(t, db.Close())
		})
	}
}

// TestDB_Open_Durable_Locked checks that a directory is opened by one DB at
// a time and released by Close.
func TestDB_Open_Durable_Locked(t *testing.T) {
	dir := t.TempDir()
	db := durOpenDir(t, dir)
	_, err := engine.Open(engine.Options{Dir: dir})
	require.ErrorIs(t, err, engine.ErrLocked)
	// Deleting the LOCK file (tidying up) must not let a second DB in.
	require.NoError(t, os.Remove(filepath.Join(dir, "LOCK")))
	_, err = engine.Open(engine.Options{Dir: dir})
	require.ErrorIs(t, err, engine.ErrLocked, "the lock is on the directory, not on a file a user can delete")
	require.NoError(t, db.Close())
	db = durOpenDir(t, dir)
	require.NoError(t, db.Close())
}

// TestDB_Open_Durable_Permissions checks that files are 0600 and
// directories 0700.
func TestDB_Open_Durable_Permissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	db := durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Checkpoint())
	require.NoError(t, db.Update(durCtx, durSeed))
	require.NoError(t, db.Close())
	n := 0
	require.NoError(t, filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		require.NoError(t, err)
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		assert.Equal(t, want, fi.Mode().Perm(), path)
		n++
		return nil
	}))
	assert.GreaterOrEqual(t, n, 5) // dir, LOCK, snapshot, wal dir, a segment
}

// TestDB_Open_Durable_BadOptions checks that invalid durability options are
// refused before anything is created.
func TestDB_Open_Durable_BadOptions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	for _, opts := range []engine.Options{
		{Dir: dir, Sync: engine.SyncMode(9)},
		{Dir: dir, Sync: engine.SyncMode(-1)},
		{Dir: dir, SyncInterval: -time.Second},
	} {
		_, err := engine.Open(opts)
		require.Error(t, err)
		_, statErr := os.Stat(dir)
		require.True(t, os.IsNotExist(statErr), "nothing created for %+v", opts)
	}
	assert.Equal(t, "SyncMode(9)", engine.SyncMode(9).String())
}

// TestDB_Checkpoint_Automatic checks that the log is checkpointed and
// truncated by itself once it passes CheckpointBytes, under every sync mode.
func TestDB_Checkpoint_Automatic(t *testing.T) {
	for _, mode := range []engine.SyncMode{engine.SyncEveryCommit, engine.SyncInterval, engine.SyncNone} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			opts := engine.Options{Dir: dir, Sync: mode, SyncInterval: time.Millisecond, CheckpointBytes: 4 << 10}
			db, err := engine.Open(opts)
			require.NoError(t, err)
			require.NoError(t, db.Update(durCtx, durSchema))
			require.NoError(t, db.Update(durCtx, durSeed))
			for i := range 200 {
				require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
					_, err := tx.Insert("tags", engine.Row{"name": fmt.Sprintf("tag %03d with a longer name", i)})
					return err
				}))
			}
			want := durState(t, db)
			require.NoError(t, db.Close())
			snaps, err := filepath.Glob(filepath.Join(dir, "snapshot-*.reldb"))
			require.NoError(t, err)
			assert.Len(t, snaps, 1)
			var logBytes int64
			segs, err := filepath.Glob(filepath.Join(dir, "wal", "*"))
			require.NoError(t, err)
			for _, s := range segs {
				fi, err := os.Stat(s)
				require.NoError(t, err)
				logBytes += fi.Size()
			}
			assert.Less(t, logBytes, int64(16<<10), "log truncated by checkpoints")
			db, err = engine.Open(opts)
			require.NoError(t, err)
			assert.Equal(t, want, durState(t, db))
			require.NoError(t, db.Check())
			require.NoError(t, db.Close())
		})
	}
}

// TestDB_Checkpoint_ConcurrentWriters checks that checkpoints taken while
// writers commit lose nothing: every acknowledged commit is there after
// reopening.
func TestDB_Checkpoint_ConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	db := durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	const writers, each = 4, 30
	errs := make(chan error, writers+1)
	stop := make(chan struct{})
	for w := range writers {
		go func() {
			for i := range each {
				errs <- db.Update(durCtx, func(tx *engine.Tx) error {
					_, err := tx.Insert("students", engine.Row{"id": w*1000 + i})
					return err
				})
			}
		}()
	}
	go func() {
		for {
			select {
			case <-stop:
				errs <- nil
				return
			default:
				if err := db.Checkpoint(); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	for range writers * each {
		require.NoError(t, <-errs)
	}
	close(stop)
	require.NoError(t, <-errs)
	// One record per commit: the schema, then each insert.
	batches, records := engine.LogBatches(db)
	assert.Equal(t, int64(writers*each+1), records)
	assert.LessOrEqual(t, batches, records)
	want := durState(t, db)
	require.NoError(t, db.Close())
	db = durOpenDir(t, dir)
	assert.Equal(t, want, durState(t, db))
	var n int
	require.NoError(t, db.View(durCtx, func(tx *engine.Tx) error {
		rows, err := tx.Query("students").All()
		n = len(rows)
		return err
	}))
	assert.Equal(t, writers*each, n)
	require.NoError(t, db.Close())
}

// TestDB_Close_Durable checks that a closed durable DB refuses work and that
// Close and Checkpoint after Close are safe.
func TestDB_Close_Durable(t *testing.T) {
	db := durOpenDir(t, t.TempDir())
	tx, err := db.Begin(durCtx, engine.TxOptions{})
	require.NoError(t, err)
	require.NoError(t, tx.CreateTable(engine.Table{Name: "t", PrimaryKey: []string{"k"}, Columns: []engine.Column{{Name: "k", Type: engine.Int}}}))
	require.NoError(t, db.Close())
	require.ErrorIs(t, tx.Commit(), engine.ErrClosed)
	require.NoError(t, db.Close())
	require.ErrorIs(t, db.Checkpoint(), engine.ErrClosed)
	_, err = db.Begin(durCtx, engine.TxOptions{})
	require.ErrorIs(t, err, engine.ErrClosed)
}

// TestDB_Close_Durable_SequenceOfRollback checks that a sequence value
// taken by a transaction that rolled back is not handed out again after
// Close and Open, as PostgreSQL never hands out a sequence value twice,
// and that a Close with no such value adds nothing to the log.
func TestDB_Close_Durable_SequenceOfRollback(t *testing.T) {
	for _, checkpoint := range []bool{false, true} {
		t.Run(fmt.Sprintf("checkpoint=%v", checkpoint), func(t *testing.T) {
			dir := t.TempDir()
			db := durOpenDir(t, dir)
			require.NoError(t, db.Update(durCtx, durSchema))
			insert := func(db *engine.DB) (id any, err error) {
				err = db.Update(durCtx, func(tx *engine.Tx) error {
					r, err := tx.Insert("authors", engine.Row{"name": "x"})
					if err == nil {
						id = r.ID()
					}
					return err
				})
				return id, err
			}
			id, err := insert(db)
			require.NoError(t, err)
			assert.Equal(t, int64(1), id)
			if checkpoint {
				require.NoError(t, db.Checkpoint())
			}
			tx, err := db.Begin(durCtx, engine.TxOptions{})
			require.NoError(t, err)
			for range 2 {
				_, err = tx.Insert("authors", engine.Row{"name": "rolled back"})
				require.NoError(t, err)
			}
			require.NoError(t, tx.Rollback())
			require.NoError(t, db.Close())

			db = durOpenDir(t, dir)
			size := durLogSize(t, dir)
			require.NoError(t, db.Close())
			db = durOpenDir(t, dir)
			assert.Equal(t, size, durLogSize(t, dir), "a Close with no sequence to log writes nothing")
			id, err = insert(db)
			require.NoError(t, err)
			assert.Equal(t, int64(4), id, "values 2 and 3 were taken by the rolled-back transaction")
			require.NoError(t, db.Close())
		})
	}
}

// durLogSize returns the total size of the log's segment files.
func durLogSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	for _, seg := range durSegments(t, dir) {
		fi, err := os.Stat(seg)
		require.NoError(t, err)
		n += fi.Size()
	}
	return n
}

// durSegments returns the log's segment files in order.
func durSegments(t *testing.T, dir string) []string {
	t.Helper()
	segs, err := filepath.Glob(filepath.Join(dir, "wal", "0*"))
	require.NoError(t, err)
	sort.Strings(segs)
	return segs
}

// durCopyDir copies a database directory (files and the wal directory).
func durCopyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	require.NoError(t, filepath.Walk(src, func(path string, fi os.FileInfo, err error) error {
		require.NoError(t, err)
		rel, err := filepath.Rel(src, path)
		require.NoError(t, err)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	}))
	return dst
}

// TestDB_Open_Durable_TornTail checks that a last record cut at any byte
// opens as the state before it, and whole as the state after it.
func TestDB_Open_Durable_TornTail(t *testing.T) {
	dir := t.TempDir()
	db := durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Update(durCtx, durSeed))
	before := durState(t, db)
	require.NoError(t, db.Close())
	segs := durSegments(t, dir)
	require.Len(t, segs, 1)
	fi, err := os.Stat(segs[0])
	require.NoError(t, err)
	cutFrom := fi.Size()

	db = durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error { // a cascade: one record, many rows
		return tx.Delete("authors", 1)
	}))
	after := durState(t, db)
	require.NotEqual(t, before, after)
	require.NoError(t, db.Close())
	fi, err = os.Stat(segs[0])
	require.NoError(t, err)
	cutTo := fi.Size()
	require.Greater(t, cutTo, cutFrom)

	for off := cutFrom; off <= cutTo; off++ {
		d := durCopyDir(t, dir)
		require.NoError(t, os.Truncate(filepath.Join(d, "wal", filepath.Base(segs[0])), off))
		db, err := engine.Open(engine.Options{Dir: d})
		require.NoError(t, err, "cut at %d", off)
		want := before
		if off == cutTo {
			want = after
		}
		require.Equal(t, want, durState(t, db), "cut at %d", off)
		require.NoError(t, db.Check())
		// The repaired log takes new commits.
		require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
			_, err := tx.Insert("tags", engine.Row{"name": "new"})
			return err
		}))
		require.NoError(t, db.Close())
	}
}

// TestDB_Open_Durable_Corrupt checks that damage anywhere but a torn tail
// is ErrCorrupt naming where it is, and that Open then changes nothing.
func TestDB_Open_Durable_Corrupt(t *testing.T) {
	dir := t.TempDir()
	db := durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Update(durCtx, durSeed))
	require.NoError(t, db.Checkpoint())
	for i := range 3 {
		require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
			_, err := tx.Insert("students", engine.Row{"id": 100 + i})
			return err
		}))
	}
	require.NoError(t, db.Close())
	segs := durSegments(t, dir)
	require.Len(t, segs, 1)
	snaps, err := filepath.Glob(filepath.Join(dir, "snapshot-*.reldb"))
	require.NoError(t, err)
	require.Len(t, snaps, 1)

	tests := []struct {
		name    string
		file    string
		at      func(size int64) int64
		wantMsg []string
	}{
		{"first record of the log", segs[0], func(int64) int64 { return 20 }, []string{filepath.Base(segs[0]), "record"}},
		{"snapshot body", snaps[0], func(n int64) int64 { return n / 2 }, []string{filepath.Base(snaps[0]), "checksum"}},
		{"snapshot checksum", snaps[0], func(n int64) int64 { return n - 1 }, []string{filepath.Base(snaps[0])}},
		{"snapshot magic", snaps[0], func(int64) int64 { return 0 }, []string{filepath.Base(snaps[0])}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := durCopyDir(t, dir)
			path := filepath.Join(d, strings.TrimPrefix(tc.file, dir))
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			b[tc.at(int64(len(b)))] ^= 0x40
			require.NoError(t, os.WriteFile(path, b, 0o600))
			_, err = engine.Open(engine.Options{Dir: d})
			require.ErrorIs(t, err, engine.ErrCorrupt)
			require.ErrorIs(t, err, wal.ErrCorrupt) // one error, two names
			for _, m := range tc.wantMsg {
				assert.Contains(t, err.Error(), m)
			}
			t.Log(err)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, b, after, "open changes nothing")
			// The lock was released: a second try fails the same way.
			_, err = engine.Open(engine.Options{Dir: d})
			require.ErrorIs(t, err, engine.ErrCorrupt)
		})
	}
}

// TestWriteFuzzCorpus regenerates the committed seed corpus of
// FuzzDecodeCommit from real log records (the canonical schema, its rows,
// a cascade, schema changes): RELDB_WRITE_CORPUS=1 go test ./engine -run TestWriteFuzzCorpus
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("RELDB_WRITE_CORPUS") == "" {
		t.Skip("set RELDB_WRITE_CORPUS=1 to rewrite testdata/fuzz/FuzzDecodeCommit")
	}
	dir := t.TempDir()
	db := durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Update(durCtx, durSeed))
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error { return tx.Delete("authors", 1) }))
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error {
		_, err := tx.Update("authors", 2, engine.Row{"id": 5, "name": "Octavia"})
		return err
	}))
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error { return tx.DropTable("orders") }))
	require.NoError(t, db.Close())
	l, err := wal.Open(filepath.Join(dir, "wal"), wal.Options{})
	require.NoError(t, err)
	defer l.Close()
	first, err := l.First()
	require.NoError(t, err)
	last, err := l.Last()
	require.NoError(t, err)
	out := filepath.Join("testdata", "fuzz", "FuzzDecodeCommit")
	require.NoError(t, os.MkdirAll(out, 0o755))
	for i := first; i <= last; i++ {
		p, err := l.Read(i)
		require.NoError(t, err)
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", p)
		require.NoError(t, os.WriteFile(filepath.Join(out, fmt.Sprintf("record-%d", i)), []byte(body), 0o644))
	}
}

// TestDB_Open_Durable_LeftoverFiles checks that Open removes the temporary
// file of an interrupted checkpoint and leaves files it does not own alone.
func TestDB_Open_Durable_LeftoverFiles(t *testing.T) {
	dir := t.TempDir()
	db := durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Checkpoint())
	want := durState(t, db)
	require.NoError(t, db.Close())
	tmp := filepath.Join(dir, "snapshot-00000000000000000099.reldb.tmp")
	stray := filepath.Join(dir, "snapshot-notes.reldb")
	require.NoError(t, os.WriteFile(tmp, []byte("half a snapshot"), 0o600))
	require.NoError(t, os.WriteFile(stray, []byte("mine"), 0o600))
	db = durOpenDir(t, dir)
	assert.Equal(t, want, durState(t, db))
	require.NoError(t, db.Close())
	_, err := os.Stat(tmp)
	assert.True(t, os.IsNotExist(err), "temporary file removed")
	_, err = os.Stat(stray)
	assert.NoError(t, err, "other files kept")
}

// A concurrent insert and CREATE INDEX: the live state must hold the index
// entry for the row (or one of them must fail), and match replay.
func TestDurable_Commit_ConcurrentInsertAndCreateIndex(t *testing.T) {
	for _, order := range []string{"index first", "insert first"} {
		t.Run(order, func(t *testing.T) {
			dir := t.TempDir()
			db := openDurableItems(t, dir)
			require.NoError(t, db.Update(durCtx, createItems))
			a, err := db.Begin(durCtx, engine.TxOptions{})
			require.NoError(t, err)
			b, err := db.Begin(durCtx, engine.TxOptions{})
			require.NoError(t, err)
			_, err = b.Insert("items", engine.Row{"id": 5, "name": "x"})
			require.NoError(t, err)
			require.NoError(t, a.CreateIndex("items", engine.Index{Name: "items_name", Columns: []string{"name"}}))
			var ea, eb error
			if order == "index first" {
				ea, eb = a.Commit(), b.Commit()
			} else {
				eb, ea = b.Commit(), a.Commit()
			}
			t.Logf("create index: %v; insert: %v", ea, eb)
			require.NoError(t, db.Check(), "live")
			want := durState(t, db)
			require.NoError(t, db.Close())
			db = openDurableItems(t, dir)
			defer db.Close()
			require.NoError(t, db.Check())
			require.Equal(t, want, durState(t, db))
		})
	}
}

// Every commit acknowledged before or during Close survives the reopen.
func TestDurable_Close_RacingCommitters(t *testing.T) {
	for round := 0; round < 20; round++ {
		dir := t.TempDir()
		db, err := engine.Open(engine.Options{Dir: dir, CheckpointBytes: 2 << 10})
		require.NoError(t, err)
		require.NoError(t, db.Update(durCtx, createItems))
		var mu sync.Mutex
		var acked []int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := 0; ; i++ {
					id := int64(g*100000 + i + 1)
					err := db.Update(durCtx, func(tx *engine.Tx) error {
						_, err := tx.Insert("items", engine.Row{"id": id, "name": "x"})
						return err
					})
					if err != nil {
						return
					}
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}()
		}
		close(start)
		time.Sleep(time.Duration(round) * time.Millisecond)
		_ = db.Close()
		wg.Wait()
		db = openDurableItems(t, dir)
		require.NoError(t, db.View(durCtx, func(tx *engine.Tx) error {
			for _, id := range acked {
				if _, err := tx.Get("items", id); err != nil {
					t.Errorf("round %d: acknowledged id %d lost: %v", round, id, err)
				}
			}
			return nil
		}))
		require.NoError(t, db.Close())
	}
}
