package engine_test

import (
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
