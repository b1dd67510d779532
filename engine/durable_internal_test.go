package engine

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDurable_LogFailure_Sticky checks that once the log has failed, every
// later commit is refused with that error and publishes nothing, and that
// readers still work.
func TestDurable_LogFailure_Sticky(t *testing.T) {
	ctx := context.Background()
	db, err := Open(Options{Dir: t.TempDir()})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(ctx, func(tx *Tx) error {
		return tx.CreateTable(Table{Name: "t", PrimaryKey: []string{"k"}, Columns: []Column{{Name: "k", Type: Int}}})
	}))
	version := db.oracle.Latest().Version()

	boom := errors.New("disk on fire")
	db.dur.BreakLog(boom)

	for range 2 {
		err = db.Update(ctx, func(tx *Tx) error {
			_, err := tx.Insert("t", Row{"k": 1})
			return err
		})
		require.ErrorIs(t, err, boom)
	}
	assert.Equal(t, version, db.oracle.Latest().Version(), "nothing published")
	require.NoError(t, db.View(ctx, func(tx *Tx) error {
		_, err := tx.Get("t", 1)
		assert.ErrorIs(t, err, ErrNotFound)
		return nil
	}))
	require.ErrorIs(t, db.Checkpoint(), boom)
}
