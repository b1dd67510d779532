package pgsql

import (
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// INSERT … ON CONFLICT runs row by row, as PostgreSQL does: each proposed
// row is looked up through its arbiters (the unique constraints the
// conflict target names, or all of them for a bare DO NOTHING) among the
// rows stored so far, this statement's included. A row with no conflict
// is inserted; a conflicting one is skipped (DO NOTHING) or updates the
// row it conflicts with (DO UPDATE, when its WHERE holds), with EXCLUDED
// naming the proposed row. A row inserted or updated earlier in the same
// statement may not be updated again (21000). Because rows are written
// one at a time, foreign keys are checked after each row here.

// arbiter is a unique constraint an ON CONFLICT clause checks: its name
// and its engine columns, with their positions in the row (an expression
// or partial index's hidden columns among them, exprindex.go).
type arbiter struct {
	name string
	cols []string
	pos  []int
}

// arbiters returns the unique constraints oc names: 42P10 when its
// inference matches none, 42704 for an unknown constraint name. An
// inference matches a unique index whose key is the same set of columns
// and expressions; a partial index only when the inference's WHERE
// implies its predicate (it holds it among the conditions it ANDs).
func arbiters(ts *tableSchema, oc *ir.OnConflict) ([]arbiter, error) {
	var all []arbiter
	position := func(cols []string) []int {
		out := make([]int, len(cols))
		for i, c := range cols {
			out[i] = slices.IndexFunc(ts.def.Columns, func(col engine.Column) bool { return col.Name == c })
		}
		return out
	}
	if ts.hasKey() {
		all = append(all, arbiter{name: pkName(ts.def), cols: ts.def.PrimaryKey, pos: position(ts.def.PrimaryKey)})
	}
	defs := map[string]*indexDecl{}
	for _, ix := range ts.def.Indexes {
		if ix.Unique {
			all = append(all, arbiter{name: ix.Name, cols: ix.Columns, pos: position(ix.Columns)})
			if def := ts.indexDefs[ix.Name]; def != nil && def.describes(ix) {
				defs[ix.Name] = def
			}
		}
	}
	switch {
	case oc.Constraint != "":
		for _, a := range all {
			// ON CONSTRAINT names a constraint: a unique index CREATE
			// INDEX made is none, in PostgreSQL's eyes.
			if a.name == oc.Constraint && (ts.indexOrigins == nil || ts.indexOrigins[a.name] != byCreateIndex && ts.indexOrigins[a.name] != byAdoption) {
				return []arbiter{a}, nil
			}
		}
		return nil, &Error{Code: pgerr.UndefinedObject, Message: `constraint "` + oc.Constraint + `" for table "` + ts.def.Name + `" does not exist`}
	case len(oc.Columns) > 0 || len(oc.Exprs) > 0:
		want := slices.Clone(oc.Columns)
		for _, c := range want {
			if _, err := ts.column(c); err != nil {
				return nil, pgerr.UndefinedColumnError(c)
			}
		}
		for _, e := range oc.Exprs {
			want = append(want, "("+e.String()+")")
		}
		slices.Sort(want)
		want = slices.Compact(want)
		var conds []string
		if oc.IndexWhere != nil {
			conds = condTexts(oc.IndexWhere)
		}
		var out []arbiter
		for _, a := range all {
			have := slices.Clone(a.cols)
			if def := defs[a.name]; def != nil && def.derived() {
				have = have[:0]
				for _, e := range def.elems {
					if e.expr == nil {
						have = append(have, e.column)
					} else {
						have = append(have, "("+e.expr.String()+")")
					}
				}
				if def.pred != nil && !implied(conds, condTexts(def.pred)) {
					continue
				}
			}
			slices.Sort(have)
			have = slices.Compact(have)
			if slices.Equal(have, want) {
				out = append(out, a)
			}
		}
		if len(out) == 0 {
			return nil, &Error{Code: "42P10", Message: "there is no unique or exclusion constraint matching the ON CONFLICT specification"}
		}
		return out, nil
	}
	return all, nil
}

// condTexts returns the canonical texts of the conditions e ANDs.
func condTexts(e ir.Expr) []string {
	if l, ok := e.(*ir.Logic); ok && l.Op == ir.And {
		var out []string
		for _, a := range l.Args {
			out = append(out, condTexts(a)...)
		}
		return out
	}
	return []string{e.String()}
}

// implied reports whether the conditions have, ANDed, imply those of
// want, ANDed: each of want is among them. (PostgreSQL proves more
// implications; one this misses is 42P10, never a different arbiter.)
func implied(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// conflicting returns the stored row that row conflicts with on one of
// the arbiters. A NULL in an arbiter's columns conflicts with nothing.
func conflicting(tx *engine.Tx, ts *tableSchema, arbs []arbiter, row []any) ([]any, bool, error) {
	for _, a := range arbs {
		conds := make([]engine.Cond, 0, len(a.cols))
		for i, c := range a.cols {
			v := row[a.pos[i]]
			if v == nil {
				conds = nil
				break
			}
			conds = append(conds, engine.Eq(c, v))
		}
		if conds == nil {
			continue
		}
		recs, err := tx.Query(ts.def.Name).Where(conds...).Limit(1).All()
		if err != nil {
			return nil, false, err
		}
		if len(recs) > 0 {
			return recs[0].Values(), true, nil
		}
	}
	return nil, false, nil
}

// rowID identifies a stored row by its primary key, for the set of rows a
// statement has written.
func (ts *tableSchema) rowID(vals []any) string {
	var b strings.Builder
	for _, i := range ts.pk {
		text, _ := Column{typ: ts.types[i]}.Format(vals[i])
		b.WriteString(text)
		b.WriteByte(0)
	}
	return b.String()
}

// proposed returns row with every column it omits set to its default: the
// row EXCLUDED names.
func (ts *tableSchema) proposed(row engine.Row) []any {
	vals := make([]any, len(ts.def.Columns))
	for i, c := range ts.def.Columns {
		v, ok := row[c.Name]
		if !ok {
			v = c.Default
		}
		vals[i] = v
	}
	return vals
}

// upsert inserts built under st's ON CONFLICT clause, adding the rows it
// writes to res and ret.
func (s *Session) upsert(tx *engine.Tx, st *ir.Insert, ts *tableSchema, alias string, built []engine.Row, ret *returning, ev *evaluator, res *Result) error {
	oc := st.OnConflict
	arbs, err := arbiters(ts, oc)
	if err != nil {
		return err
	}
	cols, err := ts.setColumns(oc.Set)
	if err != nil {
		return err
	}
	if err := ts.checkIdentityUpdate(oc.Set, cols); err != nil {
		return err
	}
	if err := ts.checkGeneratedUpdate(oc.Set, cols); err != nil {
		return err
	}
	sc := &scope{rels: []binding{{ts: ts, alias: alias}, {ts: ts, alias: "excluded", off: len(ts.types), qualified: true}}}
	rowEv := ev.with(sc)
	written := map[string]bool{}
	rt := s.triggersOn(tx, ts, cols) // trigger.go
	watch := s.watchActions(tx)
	err = s.upsertRows(tx, oc, ts, arbs, cols, built, sc, rowEv, written, rt, ret, ev, res)
	actions := s.endActions(tx, watch)
	if err != nil {
		return err
	}
	return fireAfter(rt, actions)
}

// upsertRows writes an upsert's rows.
func (s *Session) upsertRows(tx *engine.Tx, oc *ir.OnConflict, ts *tableSchema, arbs []arbiter, cols []int, built []engine.Row,
	sc *scope, rowEv *evaluator, written map[string]bool, rt *rowTriggers, ret *returning, ev *evaluator, res *Result) error {
	for _, row := range built {
		prop := ts.proposed(row)
		if rt.has(true, ir.TriggerInsert) {
			// BEFORE INSERT triggers see every proposed row, before its
			// conflict is looked for; EXCLUDED is what they return.
			vals, err := ts.proposedWithIDs(tx, row)
			if err != nil {
				return err
			}
			out, keep, err := rt.before(ir.TriggerInsert, nil, vals)
			if err != nil {
				return err
			}
			if !keep {
				continue
			}
			if row, err = ts.completeInsert(out, ev); err != nil {
				return err
			}
			prop = ts.proposed(row)
		}
		old, found, err := conflicting(tx, ts, arbs, prop)
		if err != nil {
			return err
		}
		if !found {
			rec, err := tx.Insert(ts.def.Name, row)
			if err != nil {
				return err
			}
			if err := s.wrote(ts, rec.Values(), written, ret, ev, res); err != nil {
				return err
			}
			if err := rt.queueAfterRecord(ir.TriggerInsert, nil, rec); err != nil {
				return err
			}
			continue
		}
		if !oc.DoUpdate {
			continue
		}
		if written[ts.rowID(old)] {
			return &Error{Code: "21000", Message: "ON CONFLICT DO UPDATE command cannot affect row a second time",
				Hint: "Ensure that no rows proposed for insertion within the same command have duplicate constrained values."}
		}
		sc.row = append(slices.Clone(old), prop...)
		if oc.Where != nil {
			ok, err := rowEv.boolean(oc.Where, "WHERE")
			if err != nil {
				return err
			}
			if ok != true {
				continue
			}
		}
		set, err := ts.setRow(rowEv, oc.Set, cols)
		if err != nil {
			return err
		}
		set, keep, err := rt.beforeUpdate(old, set)
		if err != nil {
			return err
		}
		if !keep {
			continue
		}
		if err := ts.generateUpdate(old, set, ev); err != nil {
			return err
		}
		if err := ts.deriveUpdate(old, set, ev); err != nil { // exprindex.go
			return err
		}
		rec, err := tx.Update(ts.def.Name, ts.key(old), set)
		if err != nil {
			return err
		}
		if err := s.wrote(ts, rec.Values(), written, ret, ev, res); err != nil {
			return err
		}
		if err := rt.queueAfterRecord(ir.TriggerUpdate, old, rec); err != nil {
			return err
		}
	}
	return nil
}

// wrote records a row an upsert inserted or updated: it checks the
// table's CHECK constraints, remembers the row and returns it.
func (s *Session) wrote(ts *tableSchema, vals []any, written map[string]bool, ret *returning, ev *evaluator, res *Result) error {
	if err := s.checkRow(ts, vals, ev); err != nil {
		return err
	}
	written[ts.rowID(vals)] = true
	res.RowsAffected++
	return ret.add(ev, vals)
}
