package engine

import (
	"github.com/reldb/reldb/internal/catalog"
)

// DDL returns the schema the transaction sees as PostgreSQL DDL: a CREATE
// TABLE per table (in name order), a CREATE INDEX per secondary index, and
// an ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY per relation, in the
// order the relations were declared (so PostgreSQL fires their actions in
// reldb's order). Foreign keys come last so that cycles and
// self-references need no ordering of tables. The same schema can then be
// created on PostgreSQL or CockroachDB.
func (tx *Tx) DDL() (string, error) {
	if err := tx.live(); err != nil {
		return "", err
	}
	return catalog.DDL(tx.userTables()), nil
}
