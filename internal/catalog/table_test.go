package catalog

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/txn"
)

func treeIDs() func() txn.TreeID {
	var n txn.TreeID
	return func() txn.TreeID { n++; return n }
}

// TestNewTable_Invalid ensures every invalid definition is ErrSchema and a
// valid one compiles with NOT NULL primary key columns and a coerced default.
func TestNewTable_Invalid(t *testing.T) {
	id := Column{Name: "id", Type: Int, AutoInc: true}
	tests := []struct {
		name string
		cols []Column
		pk   []string
	}{
		{"no columns", nil, []string{"id"}},
		{"unnamed column", []Column{{Type: Int}}, []string{"id"}},
		{"column twice", []Column{id, id}, []string{"id"}},
		{"invalid type", []Column{{Name: "id"}}, []string{"id"}},
		{"scale above precision", []Column{id, {Name: "p", Type: Decimal, Precision: 2, Scale: 3}}, []string{"id"}},
		{"precision on int", []Column{id, {Name: "p", Type: Int, Precision: 2}}, []string{"id"}},
		{"default of the wrong type", []Column{id, {Name: "n", Type: Int, Default: "x"}}, []string{"id"}},
		{"no primary key", []Column{id}, nil},
		{"unknown key column", []Column{id}, []string{"nope"}},
		{"auto-increment outside the key", []Column{{Name: "k", Type: Text}, id}, []string{"k"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewTable("books", tc.cols, tc.pk, treeIDs())
			require.ErrorIs(t, err, ErrSchema)
		})
	}
	d, err := NewTable("books", []Column{{Name: "isbn", Type: Text}, {Name: "copies", Type: Int, Default: 1}}, []string{"isbn"}, treeIDs())
	require.NoError(t, err)
	assert.True(t, d.Cols[0].NotNull, "primary key columns are NOT NULL")
	assert.Equal(t, int64(1), d.Cols[1].Default)
	assert.Equal(t, "books", d.Cols[1].Table)
	assert.Equal(t, "books_pkey", d.PKName)
}

// TestTable_AddIndex ensures a unique index is seekable on its columns
// alone, a plain one on its columns then the primary key, and a taken name
// is ErrExists.
func TestTable_AddIndex(t *testing.T) {
	next := treeIDs()
	d, err := NewTable("books", []Column{{Name: "id", Type: Int}, {Name: "title", Type: Text}}, []string{"id"}, next)
	require.NoError(t, err)
	u, err := d.AddIndex("books_title_key", []string{"title"}, true, next)
	require.NoError(t, err)
	assert.Equal(t, []int{1}, u.KeyCols)
	p, err := d.AddIndex("books_title_idx", []string{"title"}, false, next)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 0}, p.KeyCols)
	_, err = d.AddIndex("books_pkey", []string{"title"}, false, next)
	require.ErrorIs(t, err, ErrExists)
	_, err = d.AddIndex("books_x", []string{"nope"}, false, next)
	require.ErrorIs(t, err, ErrSchema)
	require.ErrorIs(t, err, ErrNoColumn)
}

// TestTable_LayOut_PrimaryKeyColumnsOnce ensures an index key holds each
// primary key column once: a junction's reverse index (right, left) has
// keys of its two values, with no primary key after them, and a row's
// primary key is not a suffix of them (PKAt -1); an index over other
// columns ends with the whole primary key (PKAt its column count).
func TestTable_LayOut_PrimaryKeyColumnsOnce(t *testing.T) {
	next := treeIDs()
	d, err := NewTable("books_tags", []Column{{Name: "books_id", Type: Int}, {Name: "tags_id", Type: Int}, {Name: "note", Type: Text}},
		[]string{"books_id", "tags_id"}, next)
	require.NoError(t, err)
	rev, err := d.AddIndex("books_tags_tags_id_books_id_idx", []string{"tags_id", "books_id"}, false, next)
	require.NoError(t, err)
	byTag, err := d.AddIndex("books_tags_tags_id_idx", []string{"tags_id"}, false, next)
	require.NoError(t, err)
	byNote, err := d.AddIndex("books_tags_note_idx", []string{"note"}, false, next)
	require.NoError(t, err)

	row := []any{int64(7), int64(3), "n"}
	pk := d.PKKey(row)
	want := func(vals ...any) []byte {
		k, err := index.AppendKey(nil, vals...)
		require.NoError(t, err)
		return k
	}
	assert.Equal(t, want(int64(3), int64(7)), d.AppendIndexKey(nil, rev, row, pk))
	assert.Equal(t, []int{1, 0}, rev.KeyCols)
	assert.Equal(t, -1, d.PKAt(rev.Tree))
	assert.Equal(t, want(int64(3), int64(7)), d.AppendIndexKey(nil, byTag, row, pk), "tags_id once, then books_id")
	assert.Equal(t, []int{1, 0}, byTag.KeyCols)
	assert.Equal(t, -1, d.PKAt(byTag.Tree))
	assert.Equal(t, want("n", int64(7), int64(3)), d.AppendIndexKey(nil, byNote, row, pk))
	assert.Equal(t, []int{2, 0, 1}, byNote.KeyCols)
	assert.Equal(t, 1, d.PKAt(byNote.Tree))
	assert.Equal(t, 0, d.PKAt(d.Primary))
}

// TestTable_AppendRowKeys ensures the bytes AppendRowKeys shares hold the
// primary key and the shared index's key exactly as PKKey and
// AppendIndexKey encode them: a suffix for an index over other columns, a
// rotation for a reverse junction index, none for a unique index.
func TestTable_AppendRowKeys(t *testing.T) {
	cols := []Column{{Name: "a", Type: Int}, {Name: "b", Type: Int}, {Name: "c", Type: Text}, {Name: "d", Type: Int}}
	vals := []any{int64(70000), int64(3), "x\x00y", int64(-5)}
	tests := []struct {
		name    string
		pk      []string
		indexes [][]string
		unique  bool
		shared  string // the index sharing, or ""
	}{
		{"no index", []string{"a"}, nil, false, ""},
		{"foreign key index", []string{"a"}, [][]string{{"b"}}, false, "ix0"},
		{"unique index", []string{"a"}, [][]string{{"b"}}, true, ""},
		{"over part of the key", []string{"a", "b"}, [][]string{{"b"}}, false, ""},
		{"over the key's columns", []string{"a", "b"}, [][]string{{"a", "b"}}, false, ""},
		{"reverse junction index", []string{"a", "b"}, [][]string{{"b", "a"}}, false, "ix0"},
		{"unique reverse", []string{"a", "b"}, [][]string{{"b", "a"}}, true, "ix0"},
		{"rotated by one of three", []string{"a", "b", "d"}, [][]string{{"b", "d", "a"}}, false, "ix0"},
		{"rotated by two of three", []string{"a", "b", "d"}, [][]string{{"d", "a", "b"}}, false, "ix0"},
		{"not a rotation", []string{"a", "b", "d"}, [][]string{{"b", "a", "d"}}, false, ""},
		{"the first that shares", []string{"a", "b"}, [][]string{{"a", "b"}, {"c"}, {"b", "a"}}, false, "ix1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := treeIDs()
			d, err := NewTable("t", cols, tc.pk, next)
			require.NoError(t, err)
			for i, ic := range tc.indexes {
				_, err := d.AddIndex(fmt.Sprintf("ix%d", i), ic, tc.unique, next)
				require.NoError(t, err)
			}
			pre := []byte("pre")
			b, ix, pkAt, ixLen := d.AppendRowKeys(pre, vals)
			require.Equal(t, pre, b[:len(pre)], "dst kept")
			b = b[len(pre):]
			pk := d.PKKey(vals)
			assert.Equal(t, pk, b[pkAt:], "primary key")
			if tc.shared == "" {
				assert.Nil(t, ix)
				assert.Equal(t, pk, b)
				return
			}
			require.NotNil(t, ix)
			assert.Equal(t, tc.shared, ix.Name)
			assert.Equal(t, d.AppendIndexKey(nil, ix, vals, pk), b[:ixLen], "index key")
			assert.Less(t, len(b), len(pk)+ixLen, "shares bytes")
		})
	}
}
