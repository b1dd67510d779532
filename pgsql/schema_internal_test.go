package pgsql

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
)

// TestSharedSchema_GoAPITableCached ensures the schema of a table the Go
// API made, which has no SQL declarations, is built once and then found in
// the session's cache, as an SQL table's is: the cache is keyed by the
// declaration, so it must be the same one at every statement.
func TestSharedSchema_GoAPITableCached(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.CreateTable(engine.Table{Name: "things", PrimaryKey: []string{"id"},
			Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}})
	}))
	s := NewSession(db)
	for i := range 5 {
		_, err := s.Exec(ctx, "INSERT INTO things (id, name) VALUES ($1, 'x')", int64(i))
		require.NoError(t, err)
		_, err = s.Exec(ctx, "SELECT name FROM things WHERE id = $1", int64(i))
		require.NoError(t, err)
	}
	assert.Len(t, s.schemas, 1, "one schema for one table, built once")
}
