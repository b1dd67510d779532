package pgsql

import (
	"slices"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// truncate is TRUNCATE [TABLE] t, ...: it deletes every row of the
// tables, children before the parents they reference. As in PostgreSQL a
// table referenced by a foreign key of a table not truncated with it is
// 0A000. CASCADE and RESTART IDENTITY are 0A000 here: the engine cannot
// restart a serial column's sequence.
func (s *Session) truncate(tx *engine.Tx, st *ir.Truncate) (Result, error) {
	res := Result{Tag: "TRUNCATE TABLE"}
	switch {
	case st.Cascade:
		return res, pgerr.Unsupported("TRUNCATE ... CASCADE")
	case st.RestartIdentity:
		return res, pgerr.Unsupported("TRUNCATE ... RESTART IDENTITY")
	}
	var tables []*tableSchema
	set := map[string]bool{}
	for _, q := range st.Tables {
		name, err := tableName(q)
		if err != nil {
			return res, err
		}
		ts, err := s.schemaOf(tx, name)
		if err != nil {
			return res, err
		}
		if !set[name] {
			tables = append(tables, ts)
			set[name] = true
		}
	}
	rels, err := tx.Relations("")
	if err != nil {
		return res, err
	}
	refs := map[string][]string{} // parent -> children
	for _, r := range rels {
		if !set[r.Parent] || r.Child == r.Parent {
			continue
		}
		if !set[r.Child] {
			e := pgerr.New(pgerr.FeatureNotSupported, "cannot truncate a table referenced in a foreign key constraint")
			e.Detail = "Table \"" + r.Child + "\" references \"" + r.Parent + "\"."
			e.Hint = "Truncate table \"" + r.Child + "\" at the same time, or use TRUNCATE ... CASCADE."
			return res, e
		}
		refs[r.Parent] = append(refs[r.Parent], r.Child)
	}
	// Children first: a table goes once every table referencing it went.
	done := map[string]bool{}
	for len(done) < len(tables) {
		progress := false
		for _, ts := range tables {
			name := ts.def.Name
			if done[name] || slices.ContainsFunc(refs[name], func(c string) bool { return !done[c] && c != name }) {
				continue
			}
			if err := truncateTable(tx, ts); err != nil {
				return res, err
			}
			done[name], progress = true, true
		}
		if !progress { // a cycle of foreign keys: the engine sorts it out
			for _, ts := range tables {
				if !done[ts.def.Name] {
					if err := truncateTable(tx, ts); err != nil {
						return res, err
					}
					done[ts.def.Name] = true
				}
			}
		}
	}
	return res, nil
}

func truncateTable(tx *engine.Tx, ts *tableSchema) error {
	recs, err := tx.Query(ts.def.Name).All()
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := tx.Delete(ts.def.Name, ts.key(r.Values())); err != nil {
			if errorIs(err, engine.ErrNotFound) {
				continue // deleted by a cascade from an earlier row
			}
			return err
		}
	}
	return nil
}
