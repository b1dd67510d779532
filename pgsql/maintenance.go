package pgsql

import (
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// maintenance is VACUUM and ANALYZE. reldb keeps no planner statistics and
// leaves no dead rows behind (a B-tree drops a row when its last snapshot
// does), so there is nothing for either to do; an application or a
// migration that runs them after a bulk load, as PostgreSQL's
// documentation advises, gets PostgreSQL's answer: the tables and columns
// named must exist, and VACUUM refuses to run in a transaction block
// (runIn).
func (s *Session) maintenance(tx *engine.Tx, st *ir.Maintenance) (Result, error) {
	for _, t := range st.Tables {
		name, err := tableName(t.Table)
		if err != nil {
			return Result{}, err
		}
		ts, err := s.schemaOf(tx, name)
		if err != nil {
			return Result{}, err
		}
		for _, c := range t.Columns {
			if _, err := ts.column(c); err != nil {
				return Result{}, err
			}
		}
	}
	if st.Vacuum {
		return Result{Tag: "VACUUM"}, nil
	}
	return Result{Tag: "ANALYZE"}, nil
}

// vacuumInBlock is 25001 for VACUUM inside a transaction block.
func vacuumInBlock() error {
	return &Error{Code: pgerr.ActiveSQLTransaction, Message: "VACUUM cannot run inside a transaction block"}
}
