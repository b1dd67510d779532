package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/index"
)

// TestKeyDerive: the trees of a table of keys alone make their rows from
// their keys, whichever order an index holds the columns in; a tree whose
// keys lack a column, or a table with a column outside its key, has none.
func TestKeyDerive(t *testing.T) {
	next := treeIDs()
	j, err := NewTable("book_tags", []Column{{Name: "book_id", Type: Int}, {Name: "tag_id", Type: Int}}, []string{"book_id", "tag_id"}, next)
	require.NoError(t, err)
	rev, err := j.AddIndex("rev", []string{"tag_id", "book_id"}, false, next)
	require.NoError(t, err)
	byTag, err := j.AddIndex("by_tag", []string{"tag_id"}, false, next) // its tail is book_id
	require.NoError(t, err)
	oneTag, err := j.AddIndex("one_tag", []string{"tag_id"}, true, next) // keys of tag_id alone
	require.NoError(t, err)
	require.True(t, j.KeysOnly())

	row := func(derive index.Derive, vals ...int64) []any {
		key := index.AppendInt(index.AppendInt(nil, vals[0]), vals[1])
		k, ok := index.InlineKeyOf(key)
		require.True(t, ok)
		got, stored := derive(k)
		assert.Equal(t, key, stored)
		return *got
	}
	assert.Equal(t, []any{int64(7), int64(300)}, row(j.KeyDerive(j.Primary), 7, 300))
	assert.Equal(t, []any{int64(7), int64(300)}, row(j.KeyDerive(rev.Tree), 300, 7))
	assert.Equal(t, []any{int64(7), int64(300)}, row(j.KeyDerive(byTag.Tree), 300, 7))
	assert.Nil(t, j.KeyDerive(oneTag.Tree), "a unique index's keys lack book_id")

	assert.True(t, j.KeyHolds(j.Primary, []int{0}, []int{1}))
	assert.False(t, j.KeyHolds(j.Primary, []int{1}, []int{0}))
	assert.True(t, j.KeyHolds(rev.Tree, []int{1}, []int{0}))
	assert.True(t, j.KeyHolds(byTag.Tree, []int{1}, []int{0}))
	assert.False(t, j.KeyHolds(oneTag.Tree, []int{1}, []int{0}))

	p, err := NewTable("enrolments", []Column{{Name: "a", Type: Int}, {Name: "b", Type: Int}, {Name: "grade", Type: Text}}, []string{"a", "b"}, next)
	require.NoError(t, err)
	assert.False(t, p.KeysOnly(), "a payload column")
	assert.Nil(t, p.KeyDerive(p.Primary))
	d, err := NewTable("moments", []Column{{Name: "at", Type: Float}}, []string{"at"}, next)
	require.NoError(t, err)
	assert.False(t, d.KeysOnly(), "a float's key does not give -0 back")
}
