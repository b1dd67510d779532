package engine

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLockTable_Keys ensures the lock table tells keys apart whether it
// holds them inline or as strings: keys around the inline limit, and
// keys that differ only by trailing zero bytes, each get their own lock,
// found again by an equal key and gone once released.
func TestLockTable_Keys(t *testing.T) {
	db, err := Open(Options{})
	require.NoError(t, err)
	defer db.Close()
	lt := &db.locks
	var keys [][]byte
	for _, n := range []int{0, 1, 2, 22, 23, 24, 25, 40} {
		keys = append(keys, bytes.Repeat([]byte{'k'}, n))
		keys = append(keys, append(bytes.Repeat([]byte{'k'}, n), 0)) // one byte longer, zero
	}
	tx := &Tx{writeState: &writeState{}}
	for i, k := range keys {
		already, _, err := lt.acquire(tx, 1, bytes.Clone(k), ForUpdate, false /* wait */)
		require.NoError(t, err)
		require.False(t, already, "key %d (%q) found another's lock", i, k)
	}
	require.Equal(t, int64(len(keys)), lt.n.Load())
	for i, k := range keys {
		l := lt.locks[1].get(k)
		require.NotNil(t, l, "key %d", i)
		assert.Equal(t, ForUpdate, l.modeOf(tx), "key %d", i)
		assert.Nil(t, lt.locks[2].get(k), "key %d in another tree", i)
		already, _, err := lt.acquire(tx, 1, k, ForKeyShare, false /* wait */)
		require.NoError(t, err)
		assert.True(t, already, fmt.Sprintf("key %d", i))
	}
	lt.releaseAll(tx)
	assert.Zero(t, lt.n.Load())
	for i, k := range keys {
		assert.Nil(t, lt.locks[1].get(k), "key %d", i)
	}
}
