package pgsql

import (
	"maps"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// COMMENT ON TABLE / COLUMN keeps its text with the table's SQL
// declarations (transactional, carried by forks, as they are), where
// pg_description, obj_description() and col_description() read it: GORM
// writes a model's comment tags so and compares them on its next
// migration. A column's comment follows RENAME COLUMN. Comments on other
// objects are 0A000.

func (s *Session) commentOn(tx *engine.Tx, st *ir.CommentOn) (Result, error) {
	res := Result{Tag: "COMMENT"}
	if st.Kind != ir.ObjectTable && st.Kind != ir.ObjectColumn {
		return res, pgerr.Unsupported("COMMENT ON " + st.Kind.String())
	}
	table, err := tableName(st.Object)
	if err != nil {
		return res, err
	}
	ts, err := s.schemaOf(tx, table)
	if err != nil {
		return res, err
	}
	key := ""
	if st.Kind == ir.ObjectColumn {
		if _, err := ts.column(st.Column); err != nil {
			return res, err
		}
		key = st.Column
	}
	td := *s.decl(table)
	td.comments = maps.Clone(td.comments)
	if st.Null || st.Comment == "" {
		delete(td.comments, key)
	} else {
		if td.comments == nil {
			td.comments = map[string]string{}
		}
		td.comments[key] = st.Comment
	}
	s.setDecl(table, &td)
	return res, nil
}
