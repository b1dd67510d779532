package durable

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
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

// TestRecovered_Apply_ValidatesContent ensures a record whose checksum is
// fine but whose content no write could have made — NUL in text, a decimal
// off its column's scale, NULL in a NOT NULL column, a row of the wrong
// width — is ErrCorrupt at recovery instead of opening into a state only
// DB.Check rejects.
func TestRecovered_Apply_ValidatesContent(t *testing.T) {
	next := treeCounter()
	tbl, err := catalog.NewTable("t", []catalog.Column{
		{Name: "id", Type: catalog.Int}, {Name: "s", Type: catalog.Text},
		{Name: "d", Type: catalog.Decimal, Precision: 5, Scale: 2}, {Name: "n", Type: catalog.Int, NotNull: true}},
		[]string{"id"}, next)
	require.NoError(t, err)
	good := []any{int64(1), "ok", apd.New(125, -2), int64(7)}
	tests := []struct {
		name string
		row  []any
		ok   bool
	}{
		{"a row a write makes", good, true},
		{"NUL in text", []any{int64(1), "a\x00b", nil, int64(7)}, false},
		{"invalid UTF-8", []any{int64(1), "\xff", nil, int64(7)}, false},
		{"decimal off its scale", []any{int64(1), nil, apd.New(1255, -3), int64(7)}, false},
		{"decimal not at its scale", []any{int64(1), nil, apd.New(12, -1), int64(7)}, false},
		{"NULL in a NOT NULL column", []any{int64(1), nil, nil, nil}, false},
		{"row too short", []any{int64(1), nil, nil}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore()
			require.NoError(t, s.apply(&commitRecord{version: 1, schema: true, catalog: []*catalog.Table{tbl}}))
			err := s.apply(&commitRecord{version: 2, tables: []tableChanges{{primary: tbl.Primary, puts: [][]any{tc.row}}}})
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrCorrupt)
		})
	}
}

// TestDecodeCommit_Format3LegacyKeys: a format-3 record names the rows it
// deletes by primary keys whose integers are in the old fixed 8-byte
// form; decoding gives the current keys, which the trees hold, and a key
// that is neither form is ErrCorrupt.
func TestDecodeCommit_Format3LegacyKeys(t *testing.T) {
	legacy := []byte{0x20, 0x80, 0, 0, 0, 0, 0, 0, 0x2a} // 42
	record := func(key []byte) []byte {
		e := &enc{}
		e.byte(3)
		e.uvarint(7) // version
		e.byte(noSchema)
		e.uvarint(1) // one table
		e.uvarint(5) // its primary tree
		e.uvarint(0) // sequence
		e.uvarint(1) // one change
		e.byte(0)
		e.bytes(key)
		return e.b
	}
	r, err := decodeCommit(record(legacy))
	require.NoError(t, err)
	require.Len(t, r.tables, 1)
	want, err := index.AppendKey(nil, int64(42))
	require.NoError(t, err)
	assert.Equal(t, [][]byte{want}, r.tables[0].deletes)

	_, err = decodeCommit(record([]byte{0x20, 0x80}))
	assert.ErrorIs(t, err, ErrCorrupt)

	// A format-4 record keeps its keys as they are.
	cur := record(want)
	cur[0] = 4
	r, err = decodeCommit(cur)
	require.NoError(t, err)
	assert.Equal(t, [][]byte{want}, r.tables[0].deletes)
}
