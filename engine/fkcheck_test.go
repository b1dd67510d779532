package engine_test

import (
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deferrableDB opens authors(1) with books 1 and 2 by author 1, related by
// books.author_id (NO ACTION) with the given deferrability.
func deferrableDB(t *testing.T, deferrable, initiallyDeferred bool) *engine.DB {
	t.Helper()
	db := testutil.OpenDB(t, relAuthors(), relBooks())
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
			Deferrable: deferrable, InitiallyDeferred: initiallyDeferred}); err != nil {
			return err
		}
		if _, err := tx.Insert("authors", engine.Row{"id": 1, "name": "Le Guin"}); err != nil {
			return err
		}
		for id := 1; id <= 2; id++ {
			if _, err := tx.Insert("books", engine.Row{"id": id, "author_id": 1}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// TestCreateRelation_InitiallyDeferredChecksExistingRows ensures CreateRelation refuses existing orphans even for an initially deferred relation (PostgreSQL validates existing rows at ALTER TABLE ADD CONSTRAINT whatever the deferral).
func TestCreateRelation_InitiallyDeferredChecksExistingRows(t *testing.T) {
	db := testutil.OpenDB(t, relAuthors(), relBooks())
	require.NoError(t, db.Update(bg, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 1, "author_id": 7})
		return err
	}))
	tx := semBegin(t, db)
	err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
		Deferrable: true, InitiallyDeferred: true})
	require.ErrorIs(t, err, engine.ErrForeignKey, "CreateRelation itself must name the orphan")
}

// TestSetConstraints_FailedStatementKeepsMode ensures a SetConstraints(Immediate) that fails leaves the transaction's constraint modes as they were (statement atomicity).
func TestSetConstraints_FailedStatementKeepsMode(t *testing.T) {
	db := deferrableDB(t, true, true)
	tx := semBegin(t, db)
	_, err := tx.Insert("books", engine.Row{"id": 3, "author_id": 9}) // deferred: pending
	require.NoError(t, err)
	require.ErrorIs(t, tx.SetConstraints(engine.Immediate), engine.ErrForeignKey)
	// Still deferred: deleting a referenced author waits for commit.
	assert.NoError(t, tx.Delete("authors", 1), "the failed SetConstraints must not have made the relation immediate")
}

// TestRollbackTo_RestoresSetConstraints ensures ROLLBACK TO SAVEPOINT undoes a SetConstraints made after the savepoint, as PostgreSQL restores SET CONSTRAINTS on subtransaction abort.
func TestRollbackTo_RestoresSetConstraints(t *testing.T) {
	db := deferrableDB(t, true, false)
	tx := semBegin(t, db)
	sp, err := tx.Savepoint()
	require.NoError(t, err)
	require.NoError(t, tx.SetConstraints(engine.Deferred))
	require.NoError(t, tx.RollbackTo(sp))
	// Immediate again: deleting a referenced author fails at once.
	assert.ErrorIs(t, tx.Delete("authors", 1), engine.ErrForeignKey)
}

// TestSetConstraints_UnknownMode ensures a mode other than Immediate and
// Deferred is refused with ErrInvalidArgument and changes nothing.
func TestSetConstraints_UnknownMode(t *testing.T) {
	db := deferrableDB(t, true, false)
	tx := semBegin(t, db)
	require.ErrorIs(t, tx.SetConstraints(engine.ConstraintMode(7)), engine.ErrInvalidArgument)
	assert.Equal(t, "ConstraintMode(7)", engine.ConstraintMode(7).String())
	assert.Equal(t, "DEFERRED", engine.Deferred.String())
	// Still immediate: deleting a referenced author fails at once.
	require.ErrorIs(t, tx.Delete("authors", 1), engine.ErrForeignKey)
}
