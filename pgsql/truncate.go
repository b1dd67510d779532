package pgsql

import (
	"slices"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// truncate is TRUNCATE [TABLE] t, ... [RESTART IDENTITY] [CASCADE]: it
// deletes every row of the tables, children before the parents they
// reference. As in PostgreSQL a table referenced by a foreign key of a
// table not truncated with it is 0A000, unless CASCADE, which truncates
// those tables too, and theirs. RESTART IDENTITY restarts the sequences of
// the tables' serial and identity columns (transactionally, as in
// PostgreSQL).
func (s *Session) truncate(tx *engine.Tx, st *ir.Truncate) (Result, error) {
	res := Result{Tag: "TRUNCATE TABLE"}
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
	for grew := st.Cascade; grew; {
		grew = false
		for _, r := range rels {
			if set[r.Parent] && !set[r.Child] {
				ts, err := s.schemaOf(tx, r.Child)
				if err != nil {
					return res, err
				}
				tables = append(tables, ts)
				set[r.Child], grew = true, true
				res.Warnings = append(res.Warnings, &Error{Severity: "NOTICE", Code: "00000", Message: `truncate cascades to table "` + r.Child + `"`})
			}
		}
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
	if st.RestartIdentity {
		for _, ts := range tables {
			if err := s.restartIdentities(tx, ts); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// restartIdentities restarts the sequences of ts's serial and identity
// columns: the engine's own of a serial primary key, and the sequences
// the other columns own.
func (s *Session) restartIdentities(tx *engine.Tx, ts *tableSchema) error {
	for i, c := range ts.def.Columns {
		if c.AutoIncrement && !ts.isHidden(i) {
			if err := tx.RestartSequence(ts.def.Name); err != nil {
				return err
			}
		}
	}
	for _, name := range s.declaredNames() {
		def := s.decl(name).seq
		if def == nil || def.ownerTable != ts.def.Name {
			continue
		}
		restart := ir.SequenceOptions{Restart: &ir.SequenceBound{None: true}}
		if err := s.defineSequence(tx, name, def, restart, seqStoreOf(s.db).current(def).last); err != nil {
			return err
		}
	}
	return nil
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
