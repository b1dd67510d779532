package engine_test

import (
	"context"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/require"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	err = db.Update(ctx, func(tx *engine.Tx) error {
		if err := tx.CreateTable(engine.Table{Name: "authors", Columns: []engine.Column{
			{Name: "id", Type: engine.Int, AutoIncrement: true},
			{Name: "name", Type: engine.Text, NotNull: true},
		}, PrimaryKey: []string{"id"}, Indexes: []engine.Index{{Name: "authors_name", Columns: []string{"name"}, Unique: true}}}); err != nil {
			return err
		}
		for _, n := range []string{"Le Guin", "Butler", "Delany"} {
			if _, err := tx.Insert("authors", engine.Row{"name": n}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	err = db.View(ctx, func(tx *engine.Tx) error {
		rs, err := tx.Query("authors").OrderBy("name", engine.Asc).All()
		require.NoError(t, err)
		require.Len(t, rs, 3)
		require.Equal(t, "Butler", rs[0].Get("name"))
		ex, _ := tx.Query("authors").OrderBy("name", engine.Asc).Explain()
		t.Log(ex)
		r, err := tx.Query("authors").Where(engine.Eq("name", "Delany")).First()
		require.NoError(t, err)
		require.Equal(t, int64(3), r.ID())
		return nil
	})
	require.NoError(t, err)
	err = db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("authors", engine.Row{"name": "Butler"})
		return err
	})
	require.ErrorIs(t, err, engine.ErrUnique)
	t.Log(err)
	require.NoError(t, db.Check())
}
