package relation

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFK_ChildKey_Match ensures MATCH SIMPLE skips a key with any NULL, and
// MATCH FULL skips an all-NULL key and refuses a partly NULL one.
func TestFK_ChildKey_Match(t *testing.T) {
	// The referencing columns are declared out of table order: (owner_id, tenant_id).
	composite := func(m Match) *FK {
		return &FK{Name: "docs_owner_fkey", Child: "docs", Parent: "users", ChildCols: []int{2, 1}, ParentCols: []int{1, 0}, Match: m}
	}
	single := func(m Match) *FK {
		return &FK{Name: "books_author_fkey", Child: "books", Parent: "authors", ChildCols: []int{1}, ParentCols: []int{0}, Match: m}
	}
	tests := []struct {
		name      string
		fk        *FK
		row       []any
		wantKey   []any
		wantCheck bool
		wantErr   bool // a *MatchError
	}{
		{"simple none null", composite(MatchSimple), []any{int64(100), int64(1), int64(5)}, []any{int64(5), int64(1)}, true, false},
		{"simple partly null", composite(MatchSimple), []any{int64(100), int64(1), nil}, []any{nil, int64(1)}, false, false},
		{"simple all null", composite(MatchSimple), []any{int64(100), nil, nil}, []any{nil, nil}, false, false},
		{"full none null", composite(MatchFull), []any{int64(100), int64(1), int64(5)}, []any{int64(5), int64(1)}, true, false},
		{"full partly null", composite(MatchFull), []any{int64(100), int64(1), nil}, []any{nil, int64(1)}, false, true},
		{"full partly null other column", composite(MatchFull), []any{int64(100), nil, int64(5)}, []any{int64(5), nil}, false, true},
		{"full all null", composite(MatchFull), []any{int64(100), nil, nil}, []any{nil, nil}, false, false},
		{"single simple null", single(MatchSimple), []any{int64(10), nil}, []any{nil}, false, false},
		{"single full null", single(MatchFull), []any{int64(10), nil}, []any{nil}, false, false},
		{"single full value", single(MatchFull), []any{int64(10), int64(1)}, []any{int64(1)}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, check, err := tc.fk.ChildKey(tc.row)
			assert.Equal(t, tc.wantKey, key)
			assert.Equal(t, tc.wantCheck, check)
			if !tc.wantErr {
				require.NoError(t, err)
				return
			}
			var me *MatchError
			require.ErrorAs(t, err, &me)
			assert.Same(t, tc.fk, me.FK)
			assert.Equal(t, tc.wantKey, me.Key)
		})
	}
}

// TestFK_ChildKey_DoesNotAlias ensures the key ChildKey returns is a copy:
// changing it leaves the row alone.
func TestFK_ChildKey_DoesNotAlias(t *testing.T) {
	fk := &FK{Name: "books_author_fkey", ChildCols: []int{1}, ParentCols: []int{0}}
	row := []any{int64(10), int64(1)}
	key, _, err := fk.ChildKey(row)
	require.NoError(t, err)
	key[0] = int64(99)
	assert.Equal(t, []any{int64(10), int64(1)}, row)
}

// TestFK_ParentKey ensures ParentKey picks the referenced columns in the
// foreign key's order, NULLs included.
func TestFK_ParentKey(t *testing.T) {
	tests := []struct {
		name       string
		parentCols []int
		row        []any
		want       []any
	}{
		{"primary key", []int{0}, []any{int64(1), "Le Guin"}, []any{int64(1)}},
		{"composite in table order", []int{0, 1}, []any{int64(1), int64(5), "ann"}, []any{int64(1), int64(5)}},
		{"composite out of table order", []int{1, 0}, []any{int64(1), int64(5), "ann"}, []any{int64(5), int64(1)}},
		{"null kept", []int{2}, []any{int64(1), int64(5), nil}, []any{nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fk := &FK{Name: "fk", ParentCols: tc.parentCols, ChildCols: tc.parentCols}
			assert.Equal(t, tc.want, fk.ParentKey(tc.row))
		})
	}
}

// TestMatchError_Error ensures the message names the foreign key, says
// MATCH FULL, and shows the key.
func TestMatchError_Error(t *testing.T) {
	fk := &FK{Name: "docs_owner_fkey", Child: "docs", Parent: "users", ChildCols: []int{1, 2}, ParentCols: []int{0, 1}, Match: MatchFull}
	_, _, err := fk.ChildKey([]any{int64(100), int64(1), nil})
	var me *MatchError
	require.ErrorAs(t, err, &me)
	msg := err.Error()
	assert.Contains(t, msg, `"docs_owner_fkey"`)
	assert.Contains(t, msg, "MATCH FULL")
	assert.Contains(t, msg, "[1 <nil>]")
}
