package engine

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"
	"unsafe"

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

// TestLockTable_End_Shrinks ensures that the end of a transaction that
// held thousands of row locks (a bulk insert under ReadCommitted) leaves
// the lock table in a map of its own size instead of the one that grew to
// hold them, and that the locks others hold survive the move.
func TestLockTable_End_Shrinks(t *testing.T) {
	ctx := context.Background()
	db, err := Open(Options{})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		if err := tx.CreateTable(Table{Name: "items", PrimaryKey: []string{"id"}, Columns: []Column{{Name: "id", Type: Int}}}); err != nil {
			return err
		}
		_, err := tx.Insert("items", Row{"id": -1})
		return err
	}))
	holder, err := db.Begin(ctx, TxOptions{Isolation: ReadCommitted})
	require.NoError(t, err)
	defer holder.Rollback()
	_, err = holder.LockRow("items", -1)
	require.NoError(t, err)

	bulk, err := db.Begin(ctx, TxOptions{Isolation: ReadCommitted})
	require.NoError(t, err)
	for i := range shrinkLocks {
		_, err := bulk.Insert("items", Row{"id": i})
		require.NoError(t, err)
	}
	// The table's own tree's locks: the bulk transaction took no other.
	d, err := bulk.table("items")
	require.NoError(t, err)
	locksOf := func() (unsafe.Pointer, int) {
		db.locks.mu.Lock()
		defer db.locks.mu.Unlock()
		tl := db.locks.locks[d.Primary]
		return reflect.ValueOf(tl.short).UnsafePointer(), len(tl.short) + len(tl.long)
	}
	grown, held := locksOf()
	require.Equal(t, shrinkLocks+1, held)
	require.NoError(t, bulk.Commit())

	after, left := locksOf()
	assert.NotEqual(t, grown, after, "a new map")
	assert.Equal(t, 1, left, "the holder's lock")

	other, err := db.Begin(ctx, TxOptions{Isolation: ReadCommitted})
	require.NoError(t, err)
	defer other.Rollback()
	_, err = other.TryLockRow("items", -1)
	require.ErrorIs(t, err, ErrLockNotAvailable, "still held")
}
