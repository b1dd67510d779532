package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// TestDB_Transactions: the open write transactions are counted with the
// oldest's age; readers are not; ended ones leave the count.
func TestDB_Transactions(t *testing.T) {
	db := testutil.OpenDB(t, isoAccounts())
	assert.Equal(t, engine.TransactionStats{}, db.Transactions())
	a, err := db.Begin(context.Background(), engine.TxOptions{})
	require.NoError(t, err)
	r, err := db.Begin(context.Background(), engine.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	b, err := db.Begin(context.Background(), engine.TxOptions{Isolation: engine.ReadCommitted})
	require.NoError(t, err)
	s := db.Transactions()
	assert.Equal(t, 2, s.OpenWrites)
	assert.GreaterOrEqual(t, s.Oldest, 5*time.Millisecond)
	require.NoError(t, a.Commit())
	require.NoError(t, b.Rollback())
	require.NoError(t, r.Rollback())
	assert.Equal(t, engine.TransactionStats{}, db.Transactions())
}

// TestOptions_MaxWriteTxAge: a write transaction past the limit fails its
// next statement or its commit with ErrTxTooOld (25P04) and is rolled
// back; one within the limit is untouched.
func TestOptions_MaxWriteTxAge(t *testing.T) {
	db := testutil.OpenDBWith(t, engine.Options{MaxWriteTxAge: 20 * time.Millisecond}, isoAccounts())
	ctx := context.Background()
	young, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	_, err = young.Insert("accounts", engine.Row{"id": 1, "owner": "a", "balance": 1})
	require.NoError(t, err)

	old, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	_, err = old.Insert("accounts", engine.Row{"id": 2, "owner": "b", "balance": 2})
	require.NoError(t, err)
	require.NoError(t, young.Commit())
	time.Sleep(30 * time.Millisecond)
	_, err = old.Insert("accounts", engine.Row{"id": 3, "owner": "c", "balance": 3})
	require.ErrorIs(t, err, engine.ErrTxTooOld)
	assert.Equal(t, "25P04", engine.SQLState(err))
	assert.ErrorIs(t, old.Commit(), engine.ErrTxDone, "it was rolled back")
	assert.Equal(t, 0, db.Transactions().OpenWrites)

	late, err := db.Begin(ctx, engine.TxOptions{})
	require.NoError(t, err)
	time.Sleep(30 * time.Millisecond)
	assert.ErrorIs(t, late.Commit(), engine.ErrTxTooOld)
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		n, err := tx.Query("accounts").Count()
		assert.Equal(t, 1, n, "only the young transaction's row")
		return err
	}))
	_, err = engine.Open(engine.Options{MaxWriteTxAge: -1})
	assert.ErrorIs(t, err, engine.ErrInvalidArgument)
}
