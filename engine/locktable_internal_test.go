package engine

import (
	"context"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
