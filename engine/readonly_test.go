package engine_test

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
)

// treeState is every path under dir with its mode, size and content hash.
func treeState(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d", fi.Mode(), fi.Size())
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x", sha256.Sum256(b))
		}
		out[p] = desc
		return nil
	}))
	return out
}

// durableWithHistory makes a closed durable database whose state is in a
// snapshot and in the log after it, and returns its directory and state.
func durableWithHistory(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	db := durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Update(durCtx, durSeed))
	require.NoError(t, db.Checkpoint())
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error { return tx.Delete("authors", 1) }))
	state := durState(t, db)
	require.NoError(t, db.Close())
	return dir, state
}

// TestDB_Open_ReadOnly: a read-only open reads the committed state,
// refuses every write with ErrReadOnly, and leaves every file as it was.
func TestDB_Open_ReadOnly(t *testing.T) {
	dir, state := durableWithHistory(t)
	// Leftovers a read-write open would clean up stay too.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "snapshot-00000000000000000099.reldb.tmp"), []byte("partial"), 0o600))
	before := treeState(t, dir)

	db, err := engine.Open(engine.Options{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	assert.Equal(t, state, durState(t, db))
	assert.NoError(t, db.Check())
	_, err = db.Begin(durCtx, engine.TxOptions{})
	assert.ErrorIs(t, err, engine.ErrReadOnly)
	assert.Equal(t, engine.StateReadOnly, engine.SQLState(err))
	err = db.Update(durCtx, func(tx *engine.Tx) error { return nil })
	assert.ErrorIs(t, err, engine.ErrReadOnly)
	assert.ErrorIs(t, db.Checkpoint(), engine.ErrReadOnly)
	// A fork is an ordinary in-memory database: writable.
	f, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	assert.NoError(t, f.Update(durCtx, func(tx *engine.Tx) error { return tx.Delete("authors", 2) }))
	require.NoError(t, db.Close())
	assert.Equal(t, before, treeState(t, dir))
}

// TestDB_Open_ReadOnly_Locking: read-only opens share the directory with
// each other, never with a writer.
func TestDB_Open_ReadOnly_Locking(t *testing.T) {
	dir, _ := durableWithHistory(t)
	a, err := engine.Open(engine.Options{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	b, err := engine.Open(engine.Options{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	_, err = engine.Open(engine.Options{Dir: dir})
	assert.ErrorIs(t, err, engine.ErrLocked)
	require.NoError(t, a.Close())
	require.NoError(t, b.Close())

	w := durOpenDir(t, dir)
	_, err = engine.Open(engine.Options{Dir: dir, ReadOnly: true})
	assert.ErrorIs(t, err, engine.ErrLocked)
	require.NoError(t, w.Close())
}

// TestDB_Open_ReadOnly_Refused: a read-only open needs an existing
// database directory and creates nothing; it needs a directory at all.
func TestDB_Open_ReadOnly_Refused(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	_, err := engine.Open(engine.Options{Dir: missing, ReadOnly: true})
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.NoDirExists(t, missing)

	empty := t.TempDir()
	_, err = engine.Open(engine.Options{Dir: empty, ReadOnly: true})
	assert.ErrorIs(t, err, engine.ErrNotDatabase)
	entries, err := os.ReadDir(empty)
	require.NoError(t, err)
	assert.Empty(t, entries)

	_, err = engine.Open(engine.Options{ReadOnly: true})
	assert.ErrorIs(t, err, engine.ErrInvalidArgument)
}

// TestDB_Open_ReadOnly_TornTail: a torn final record is skipped, not cut;
// with NoRepair it is reported, as before.
func TestDB_Open_ReadOnly_TornTail(t *testing.T) {
	dir := t.TempDir()
	db := durOpenDir(t, dir)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Update(durCtx, durSeed))
	state := durState(t, db)
	require.NoError(t, db.Update(durCtx, func(tx *engine.Tx) error { return tx.Delete("authors", 1) }))
	require.NoError(t, db.Close())
	segs := durSegments(t, dir)
	fi, err := os.Stat(segs[len(segs)-1])
	require.NoError(t, err)
	require.NoError(t, os.Truncate(segs[len(segs)-1], fi.Size()-3))
	before := treeState(t, dir)

	ro, err := engine.Open(engine.Options{Dir: dir, ReadOnly: true})
	require.NoError(t, err)
	assert.Equal(t, state, durState(t, ro))
	require.NoError(t, ro.Close())
	_, err = engine.Open(engine.Options{Dir: dir, ReadOnly: true, NoRepair: true})
	assert.ErrorIs(t, err, engine.ErrTornTail)
	assert.Equal(t, before, treeState(t, dir))
}
