package engine

import (
	"github.com/reldb/reldb/internal/catalog"
)

// Warning is a schema lint finding: legal, but likely not what was meant.
// Relations []string names the relations involved and Message says what
// is likely wrong; String joins them.
type Warning = catalog.Warning

// Lint reviews the relations of the schema the transaction sees and
// returns warnings for cycles of ON DELETE CASCADE (a delete can come back
// to its own table: fine for a tree, surprising elsewhere) and for tables
// that one delete reaches both by CASCADE and by a relation that sets NULL,
// sets a default or restricts (which action wins depends on the order the
// relations were declared), and for actions that fail whenever they run —
// SET NULL on a NOT NULL column, SET DEFAULT on a NOT NULL column without
// a default — which CreateRelation accepts, as PostgreSQL does, and which
// fail with ErrNotNull (23502) when a delete or update reaches them.
func (tx *Tx) Lint() ([]Warning, error) {
	if err := tx.live(); err != nil {
		return nil, err
	}
	return catalog.Lint(tx.userTables()), nil
}
