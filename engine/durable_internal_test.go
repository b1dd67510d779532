package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDurable_LogFailure_Sticky checks that once the log has failed, every
// later commit is refused with that error and publishes nothing, and that
// readers still work.
func TestDurable_LogFailure_Sticky(t *testing.T) {
	ctx := context.Background()
	db, err := Open(Options{Dir: t.TempDir()})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		return tx.CreateTable(Table{Name: "t", PrimaryKey: []string{"k"}, Columns: []Column{{Name: "k", Type: Int}}})
	}))
	version := db.oracle.Latest().Version()

	boom := errors.New("disk on fire")
	db.dur.mu.Lock()
	db.dur.mu.err = boom
	db.dur.mu.Unlock()

	for range 2 {
		err = db.Update(ctx, func(tx *Tx) error {
			_, err := tx.Insert("t", Row{"k": 1})
			return err
		})
		require.ErrorIs(t, err, boom)
	}
	assert.Equal(t, version, db.oracle.Latest().Version(), "nothing published")
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		_, err := tx.Get("t", 1)
		assert.ErrorIs(t, err, ErrNotFound)
		return nil
	}))
	require.ErrorIs(t, db.Checkpoint(), boom)
}

// TestIsSnapshotName checks which files recovery takes for snapshots.
func TestIsSnapshotName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{snapshotName(0), true},
		{snapshotName(1<<64 - 1), true},
		{"snapshot-00000000000000000001.reldb", true},
		{"snapshot-00000000000000000001.reldb.tmp", false},
		{"snapshot-foo.reldb", false},
		{"snapshot-0000000000000000001.reldb", false},
		{"xsnapshot-00000000000000000001.reldb", false},
		{"snapshot-0000000000000000000x.reldb", false},
		{"LOCK", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, isSnapshotName(tc.name), tc.name)
	}
}

// TestDecodeCommit_Format1: records written before sequences were logged
// (the v1-* fuzz seeds, real records) still decode, with no sequence.
func TestDecodeCommit_Format1(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecodeCommit", "v1-record-*"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		lit := strings.TrimSuffix(strings.TrimPrefix(lines[len(lines)-1], "[]byte("), ")")
		raw, err := strconv.Unquote(lit)
		require.NoError(t, err, p)
		require.Equal(t, byte(1), raw[0], "%s is a format-1 record", p)
		r, err := decodeCommit([]byte(raw))
		require.NoError(t, err, p)
		for _, tc := range r.tables {
			require.Zero(t, tc.seq, p)
		}
	}
}
