package durable

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
