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
// migration. A column's comment follows RENAME COLUMN. COMMENT ON VIEW and
// on a view's column keep theirs with the view's declaration. Comments on
// other objects are 0A000.

func (s *Session) commentOn(tx *engine.Tx, st *ir.CommentOn) (Result, error) {
	res := Result{Tag: "COMMENT"}
	if st.Kind != ir.ObjectTable && st.Kind != ir.ObjectColumn && st.Kind != ir.ObjectView {
		return res, pgerr.Unsupported("COMMENT ON " + st.Kind.String())
	}
	table, err := tableName(st.Object)
	if err != nil {
		return res, err
	}
	var column func(string) error
	if v, _, ok := s.viewNamed(tx, st.Object); ok && st.Kind != ir.ObjectTable {
		column = func(name string) error {
			for _, c := range v.columns {
				if c.Name == name {
					return nil
				}
			}
			return &Error{Code: pgerr.UndefinedColumn, Message: `column "` + name + `" of relation "` + table + `" does not exist`}
		}
	} else {
		if st.Kind == ir.ObjectView && exists(tx, table) {
			return res, &Error{Code: "42809", Message: `"` + table + `" is not a view`}
		}
		ts, err := s.schemaOf(tx, table)
		if err != nil {
			return res, err
		}
		column = func(name string) error { _, err := ts.column(name); return err }
	}
	key := ""
	if st.Kind == ir.ObjectColumn {
		if err := column(st.Column); err != nil {
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
