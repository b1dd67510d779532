package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// writeCTE translates a data-modifying statement in a WITH clause, w.
// As in PostgreSQL, only the WITH of a top-level SELECT (also SELECT
// INTO and CREATE TABLE AS), INSERT, UPDATE or DELETE may hold one (0A000
// elsewhere: in a subquery, in another WITH query, in a set operation's
// arm); CREATE VIEW and the other statements that take a query do not
// support one.
func (t *translator) writeCTE(w *nodes.WithClause, n nodes.Node) (ir.Statement, error) {
	switch n.(type) {
	case *nodes.InsertStmt, *nodes.UpdateStmt, *nodes.DeleteStmt:
	default:
		return nil, unsupportedf("%s in WITH", nodeName(n))
	}
	if !t.topLevel {
		return nil, unsupported("data-modifying statement in WITH")
	}
	if w != t.topWith {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "WITH clause containing a data-modifying statement must be at the top level")
	}
	switch n := n.(type) {
	case *nodes.InsertStmt:
		return t.insert(n)
	case *nodes.UpdateStmt:
		return t.update(n)
	default:
		return t.delete(n.(*nodes.DeleteStmt))
	}
}
