package engine_test

import (
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCascade_FitsChildColumnType ensures ON UPDATE CASCADE stores the new key in the child's column type (numeric(5,2) here) or fails, never a value the column cannot hold (PostgreSQL casts on the cascaded UPDATE, then the FK check fails).
func TestCascade_FitsChildColumnType(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "p", Columns: []engine.Column{{Name: "k", Type: engine.Decimal}}, PrimaryKey: []string{"k"}},
		engine.Table{Name: "c", Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "pk", Type: engine.Decimal, Precision: 5, Scale: 2}}, PrimaryKey: []string{"id"}})
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "c", Columns: []string{"pk"}, Parent: "p", OnUpdate: engine.Cascade}); err != nil {
			return err
		}
		if _, err := tx.Insert("p", engine.Row{"k": "1.23"}); err != nil {
			return err
		}
		_, err := tx.Insert("c", engine.Row{"id": 1, "pk": "1.23"})
		return err
	}))
	err := db.Update(bg, func(tx *engine.Tx) error {
		_, err := tx.Update("p", "1.23", engine.Row{"k": "1.239"})
		return err
	})
	if err == nil {
		assert.NoError(t, db.Check(), "the cascaded value must fit numeric(5,2)")
	}
}

// TestTx_SetActionHook_ReportsActionRows ensures the action hook hears of
// every row a foreign key's action changes (not the statement's own), with
// the row before and after, and that its error fails the statement and
// leaves the rows as they were.
func TestTx_SetActionHook_ReportsActionRows(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "p", Columns: []engine.Column{{Name: "id", Type: engine.Int}}, PrimaryKey: []string{"id"}},
		engine.Table{Name: "c", Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "p", Type: engine.Int}}, PrimaryKey: []string{"id"}},
		engine.Table{Name: "n", Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "p", Type: engine.Int}}, PrimaryKey: []string{"id"}})
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "c", Columns: []string{"p"}, Parent: "p", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		if err := tx.CreateRelation(engine.Relation{Child: "n", Columns: []string{"p"}, Parent: "p", OnDelete: engine.SetNull}); err != nil {
			return err
		}
		for _, r := range []struct {
			table string
			row   engine.Row
		}{{"p", engine.Row{"id": 1}}, {"c", engine.Row{"id": 10, "p": 1}}, {"n", engine.Row{"id": 20, "p": 1}}} {
			if _, err := tx.Insert(r.table, r.row); err != nil {
				return err
			}
		}
		return nil
	}))
	var heard []string
	hook := func(table string, old, new []any) error {
		heard = append(heard, fmt.Sprint(table, old, new))
		return nil
	}
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		assert.Nil(t, tx.SetActionHook(hook))
		return tx.Delete("p", 1)
	}))
	sort.Strings(heard)
	assert.Equal(t, []string{"c[10 1] []", "n[20 1] [20 <nil>]"}, heard)

	failed := errors.New("refused")
	err := db.Update(bg, func(tx *engine.Tx) error {
		if _, err := tx.Insert("p", engine.Row{"id": 2}); err != nil {
			return err
		}
		if _, err := tx.Insert("c", engine.Row{"id": 11, "p": 2}); err != nil {
			return err
		}
		tx.SetActionHook(func(string, []any, []any) error { return failed })
		err := tx.Delete("p", 2)
		require.ErrorIs(t, err, failed)
		_, err = tx.Get("c", 11)
		require.NoError(t, err, "the failed statement left the child")
		return nil
	})
	require.NoError(t, err)
}
