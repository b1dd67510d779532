package pgsql

import (
	"github.com/reldb/reldb/pgsql/internal/ir"
)

// WITH queries are run once, before the query they belong to, and their
// rows are kept as tables that FROM finds by name before the database's
// own. WITH RECURSIVE iterates the recursive term on the rows the last
// iteration added until it adds none, as PostgreSQL's work table does.

// cteEnv is one WITH query in scope, and the ones around it.
type cteEnv struct {
	name   string
	ts     *tableSchema
	rows   [][]any
	parent *cteEnv
}

// cte returns the WITH query a FROM item names, if any.
func (ev *evaluator) cte(ref *ir.TableRef) (*cteEnv, bool) {
	if ev.q == nil || ref.Table.Schema != "" {
		return nil, false
	}
	for c := ev.q.ctes; c != nil; c = c.parent {
		if c.name == ref.Table.Name {
			return c, true
		}
	}
	return nil, false
}
