package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// createTableAs translates CREATE TABLE ... AS and CREATE MATERIALIZED
// VIEW (0A000).
func (t *translator) createTableAs(s *nodes.CreateTableAsStmt) (ir.Statement, error) {
	if s.Objtype == nodes.OBJECT_MATVIEW {
		return nil, unsupported("CREATE MATERIALIZED VIEW")
	}
	q, ok := s.Query.(*nodes.SelectStmt)
	if !ok {
		return nil, unsupportedf("CREATE TABLE AS %s", nodeName(s.Query))
	}
	return t.into(s.Into, q, s.IfNotExists)
}

// selectInto translates SELECT ... INTO name, which makes a table as
// CREATE TABLE name AS SELECT does.
func (t *translator) selectInto(s *nodes.SelectStmt) (ir.Statement, error) {
	body := *s
	body.IntoClause = nil
	return t.into(s.IntoClause, &body, false /* if not exists */)
}

// into makes the CREATE TABLE AS of the query q into the table in.
func (t *translator) into(in *nodes.IntoClause, q *nodes.SelectStmt, ifNotExists bool) (ir.Statement, error) {
	switch {
	case in == nil || in.Rel == nil:
		return nil, pgerr.New(pgerr.InternalError, "CREATE TABLE AS without a table")
	case items(in.Options) != nil:
		return nil, unsupported("storage parameters (WITH)")
	case in.OnCommit != nodes.ONCOMMIT_NOOP:
		return nil, unsupported("ON COMMIT")
	case in.TableSpaceName != "":
		return nil, unsupported("TABLESPACE")
	case in.AccessMethod != "":
		return nil, unsupported("table access method (USING)")
	}
	name, err := rangeVar(in.Rel)
	if err != nil {
		return nil, err
	}
	cols, err := strs(in.ColNames)
	if err != nil {
		return nil, err
	}
	query, err := t.query(q)
	if err != nil {
		return nil, err
	}
	return &ir.CreateTableAs{Table: name, IfNotExists: ifNotExists, Columns: cols, Query: query, NoData: in.SkipData}, nil
}
