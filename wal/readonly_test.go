package wal

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dirState is every file of dir with its size, mode and content hash: what
// a read-only open must leave exactly as it found it.
func dirState(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%v %d", info.Mode(), info.Size())
		if info.Mode().IsRegular() {
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

// Ensure a read-only log reads every record, across segments and after
// TruncateFront, refuses writes with ErrReadOnly and changes no file.
func TestLog_ReadOnly_Reads(t *testing.T) {
	dir := writeLog(t, 20, Options{SegmentSize: 64})
	l := openLog(t, dir, Options{SegmentSize: 64})
	require.NoError(t, l.TruncateFront(4))
	require.NoError(t, l.Close())
	require.Greater(t, len(segmentPaths(t, dir)), 2)

	before := dirState(t, dir)
	ro := openLog(t, dir, Options{ReadOnly: true})
	requireRecords(t, ro, 4, 20)
	_, err := ro.Read(3)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = ro.Read(21)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = ro.Append(payload(21))
	assert.ErrorIs(t, err, ErrReadOnly)
	assert.ErrorIs(t, ro.TruncateFront(10), ErrReadOnly)
	assert.ErrorIs(t, ro.Sync(), ErrReadOnly)
	_, ok := ro.Recovery()
	assert.False(t, ok)
	require.NoError(t, ro.Close())
	_, err = ro.Read(5)
	assert.ErrorIs(t, err, ErrClosed)
	assert.Equal(t, before, dirState(t, dir))
}

// Ensure a read-only open of a missing directory is an empty log and
// creates nothing, and that sync options are refused.
func TestLog_ReadOnly_Missing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nothing")
	ro := openLog(t, dir, Options{ReadOnly: true})
	requireRecords(t, ro, 1, 0)
	assert.NoDirExists(t, dir)
	_, err := Open(dir, Options{ReadOnly: true, SyncMode: SyncNone})
	assert.Error(t, err)
}

// Ensure a read-only open skips a torn final record without cutting it,
// and that with NoRepair or RefuseDamagedTail it fails as a read-write
// open would, changing nothing either way.
func TestLog_ReadOnly_Tail(t *testing.T) {
	const n = 4
	dir := writeLog(t, n, Options{})
	seg := segmentPaths(t, dir)[0]
	bounds := entryBounds(t, seg)

	torn := copyDir(t, dir)
	require.NoError(t, os.Truncate(filepath.Join(torn, filepath.Base(seg)), int64(bounds[n-1][1]-2)))
	before := dirState(t, torn)
	ro := openLog(t, torn, Options{ReadOnly: true, RefuseDamagedTail: true})
	requireRecords(t, ro, 1, n-1)
	rec, ok := ro.Recovery()
	require.True(t, ok)
	assert.Equal(t, uint64(n), rec.Index)
	assert.False(t, rec.Damaged)
	_, err := Open(torn, Options{ReadOnly: true, NoRepair: true})
	assert.ErrorIs(t, err, ErrTornTail)
	assert.Equal(t, before, dirState(t, torn))

	damaged, path := flipCopy(t, dir, filepath.Base(seg), bounds[n-1][1]-1, 0)
	before = dirState(t, damaged)
	_, err = Open(damaged, Options{ReadOnly: true, RefuseDamagedTail: true})
	assert.ErrorIs(t, err, ErrCorrupt)
	assert.Contains(t, err.Error(), path)
	ro = openLog(t, damaged, Options{ReadOnly: true})
	requireRecords(t, ro, 1, n-1)
	rec, ok = ro.Recovery()
	assert.True(t, ok && rec.Damaged)
	assert.Equal(t, before, dirState(t, damaged))
}
