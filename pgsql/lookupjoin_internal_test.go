package pgsql

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure a lookup memo returns what was put for a key, stops remembering
// when its keys seldom repeat, keeps on when they do, and stops adding
// past its bound.
func TestLookupMemo_GetPut(t *testing.T) {
	m := lookupMemo{width: 2}
	_, _, ok := m.get(int64(1))
	assert.False(t, ok)
	m.put(int64(1), []any{int64(1), "a", int64(1), "b"}, 2)
	m.put("k", nil, 0) // a key with no rows is remembered too
	vals, n, ok := m.get(int64(1))
	assert.True(t, ok)
	assert.Equal(t, 2, n)
	assert.Equal(t, []any{int64(1), "a", int64(1), "b"}, vals)
	_, n, ok = m.get("k")
	assert.True(t, ok)
	assert.Zero(t, n)
	_, _, ok = m.get([]byte("k")) // not a key a memo takes
	assert.False(t, ok)

	distinct := lookupMemo{width: 1}
	for i := range memoTrial {
		_, _, ok := distinct.get(int64(i))
		assert.False(t, ok)
		distinct.put(int64(i), []any{int64(i)}, 1)
	}
	assert.True(t, distinct.off, "keys that never repeat turn the memo off")
	_, _, ok = distinct.get(int64(0))
	assert.False(t, ok)

	repeated := lookupMemo{width: 1}
	for i := range 2 * memoTrial {
		if _, _, ok := repeated.get(int64(i % 3)); !ok {
			repeated.put(int64(i%3), []any{int64(i % 3)}, 1)
		}
	}
	assert.False(t, repeated.off)
	assert.Equal(t, 2*memoTrial-3, repeated.hits)

	full := lookupMemo{width: 1, values: memoMaxValues}
	full.put(int64(1), []any{int64(1)}, 1)
	_, _, ok = full.get(int64(1))
	assert.False(t, ok, "past its bound a memo adds nothing")
}
