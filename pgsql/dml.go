package pgsql

import (
	"errors"
	"strconv"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// UPDATE and DELETE go through the engine one row at a time (Tx.Update,
// Delete), as does INSERT … ON CONFLICT (upsert.go), so foreign keys are
// checked after each row rather than at the end of the statement: a
// multi-row statement that is valid only as a whole (a DELETE of a parent
// and its NO ACTION child together) fails where PostgreSQL succeeds. A
// plain INSERT writes its rows as one engine statement (Tx.InsertRows),
// which checks them at its end. An error anywhere fails the statement; the transaction it ran
// in is then rolled back (autocommit) or aborted (inside BEGIN), so its
// partial effect is never seen.

// target resolves the table an INSERT, UPDATE or DELETE writes: its name,
// its schema and the name its rows go by in the statement (alias, or the
// table's own name when alias is empty).
func (s *Session) target(tx *engine.Tx, q ir.QualName, alias string) (string, *tableSchema, string, error) {
	table, err := tableName(q)
	if err != nil {
		return "", nil, "", err
	}
	// INSERT, UPDATE and DELETE change nothing in the schema: the shared
	// one will do, without a copy per statement.
	ts, err := s.sharedSchema(tx, table)
	if err != nil {
		return "", nil, "", err
	}
	if alias == "" {
		alias = table
	}
	return table, ts, alias, nil
}

// errNotWrite is write's error for a statement that is not INSERT,
// UPDATE or DELETE; its callers name the place that refused it.
var errNotWrite = errors.New("pgsql: not a data-modifying statement")

// write runs an INSERT, UPDATE or DELETE.
func (s *Session) write(tx *engine.Tx, st ir.Statement, ev *evaluator) (Result, error) {
	switch st := st.(type) {
	case *ir.Insert:
		return s.insert(tx, st, ev)
	case *ir.Update:
		return s.update(tx, st, ev)
	case *ir.Delete:
		return s.delete(tx, st, ev)
	}
	return Result{}, errNotWrite
}

// writeTarget is target for a statement (verb) writing rows: a view is
// 0A000, PostgreSQL's automatically updatable views being unsupported.
func (s *Session) writeTarget(tx *engine.Tx, verb string, q ir.QualName, alias string) (string, *tableSchema, string, error) {
	if _, name, ok := s.viewNamed(tx, q); ok {
		return "", nil, "", viewWriteError(verb, name)
	}
	return s.target(tx, q, alias)
}

// setColumns resolves the columns a SET list (UPDATE, ON CONFLICT DO
// UPDATE) assigns, in its order.
func (ts *tableSchema) setColumns(set []ir.SetClause) ([]int, error) {
	cols := make([]int, len(set))
	for i, sc := range set {
		if systemColumns[sc.Column] {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot assign to system column %q", sc.Column)
		}
		c, err := ts.column(sc.Column)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	return cols, nil
}

// setRow evaluates a SET list against the row ev is positioned on; cols
// are its columns, from setColumns.
func (ts *tableSchema) setRow(ev *evaluator, set []ir.SetClause, cols []int) (engine.Row, error) {
	row := engine.Row{}
	for i, clause := range set {
		col := cols[i]
		name := ts.def.Columns[col].Name
		if _, ok := clause.Value.(*ir.Default); ok {
			v, err := ts.defaultValue(col, ev)
			if err != nil {
				return nil, err
			}
			row[name] = v
			continue
		}
		v, t, err := ev.eval(clause.Value)
		if err != nil {
			return nil, err
		}
		if row[name], err = assign(v, t, ts, col); err != nil {
			return nil, err
		}
	}
	return row, nil
}

func (s *Session) insert(tx *engine.Tx, st *ir.Insert, ev *evaluator) (Result, error) {
	if st.With != nil {
		return s.withWrite(tx, st.With, st, ev, func(wev *evaluator) (Result, error) { // cte_writes.go
			body := *st
			body.With = nil
			return s.insert(tx, &body, wev)
		})
	}
	table, ts, alias, err := s.writeTarget(tx, "INSERT", st.Table, st.Alias)
	if err != nil {
		return Result{}, err
	}
	var cols []int
	if len(st.Columns) == 0 {
		cols = ts.visibleColumns()
	} else {
		seen := map[int]bool{}
		for _, c := range st.Columns {
			i, err := ts.column(c)
			if err != nil {
				return Result{}, err
			}
			if seen[i] {
				return Result{}, &Error{Code: pgerr.DuplicateColumn, Message: `column "` + c + `" specified more than once`}
			}
			seen[i] = true
			cols = append(cols, i)
		}
	}
	res := Result{}
	ret, err := newReturning(ts, alias, st.Returning)
	if err != nil {
		return res, err
	}
	ignore, err := ts.insertIdentity(st, cols)
	if err != nil {
		return res, err
	}
	if err := ts.checkGeneratedInsert(st, cols); err != nil { // generated.go
		return res, err
	}
	var one [1]engine.Row // a VALUES list of one row, the common case, is built here
	built, err := s.insertSource(tx, st, ts, cols, ignore, ev, one[:0])
	if err != nil {
		return res, err
	}
	if err := ts.fillDefaults(built, ev); err != nil {
		return res, err
	}
	rt := s.triggersOn(tx, ts, nil) // trigger.go
	if !rt.has(true, ir.TriggerInsert) {
		// Generated columns and the hidden columns of expression and
		// partial indexes (exprindex.go); with BEFORE INSERT triggers they
		// are computed from the rows the triggers return (completeInsert).
		if err := ts.generateInsert(built, ev); err != nil {
			return res, err
		}
		for i, row := range built {
			if err := ts.deriveInsert(row, ev); err != nil {
				return res, toError(err).AtRow(i+1, 0)
			}
		}
	}
	if st.OnConflict != nil {
		// One engine statement, foreign keys checked at its end.
		err := tx.Statement(func() error { return s.upsert(tx, st, ts, alias, built, ret, ev, &res) })
		if err != nil {
			return res, err
		}
	} else {
		// Every row is inserted as one engine statement, so foreign keys
		// are checked at the end of the statement, as PostgreSQL checks
		// them: a row may reference one listed after it. One row is
		// checked as Insert checks it, which finds the same (see
		// engine.Tx.InsertRows), and needs no slice for its record.
		var recs []engine.Record
		var rec [1]engine.Record
		switch {
		case rt.has(true, ir.TriggerInsert):
			// Row by row, each row's BEFORE triggers seeing the rows
			// inserted before it (trigger.go).
			if recs, err = rt.insertEach(built); err != nil {
				return res, err
			}
		case len(built) == 1:
			rec[0], err = tx.Insert(table, built[0])
			recs = rec[:]
		case len(built) > 1:
			recs, err = tx.InsertRows(table, built...)
		}
		if err != nil {
			var re *engine.RowError
			if errors.As(err, &re) {
				return res, toError(err).AtRow(re.Index+1, 0)
			}
			if len(built) == 1 && !errors.Is(err, engine.ErrForeignKey) {
				// Insert's error is its one row's; a foreign key is
				// checked as at the statement's end, naming no row.
				return res, toError(err).AtRow(1, 0)
			}
			return res, err
		}
		if len(built) > 0 {
			s.giveBackRow(built[0]) // the engine keeps nothing of it
		}
		for i, rec := range recs {
			if len(ts.checks) > 0 || ts.domains != nil || ret != nil {
				vals := rec.Values()
				if err := s.checkRow(ts, vals, ev); err != nil {
					return res, toError(err).AtRow(i+1, 0)
				}
				if err := ret.add(ev, vals); err != nil {
					return res, err
				}
			}
			if err := rt.queueAfterRecord(ir.TriggerInsert, nil, rec); err != nil {
				return res, err
			}
			res.RowsAffected++
		}
		if err := rt.fireAfter(); err != nil {
			return res, err
		}
	}
	res.Tag = commandTag(tagInsert, res.RowsAffected)
	ret.finish(&res)
	return res, nil
}

// tagVerb is the verb of a command tag that counts rows.
type tagVerb uint8

const (
	tagSelect tagVerb = iota
	tagInsert
	tagUpdate
	tagDelete
)

// tagPrefix is each verb's tag before its count (an INSERT's has the OID
// PostgreSQL always sends as 0).
var tagPrefix = [...]string{tagSelect: "SELECT ", tagInsert: "INSERT 0 ", tagUpdate: "UPDATE ", tagDelete: "DELETE "}

// smallTags holds the tags of counts below its length, made once: most
// statements touch a few rows, and a tag made per statement is an
// allocation per statement.
var smallTags = func() (t [len(tagPrefix)][16]string) {
	for v, p := range tagPrefix {
		for n := range t[v] {
			t[v][n] = p + strconv.Itoa(n)
		}
	}
	return t
}()

// commandTag returns the command tag of verb over n rows: "SELECT 3",
// "INSERT 0 1", "UPDATE 0".
func commandTag(verb tagVerb, n int64) string {
	if n >= 0 && n < int64(len(smallTags[verb])) {
		return smallTags[verb][n]
	}
	return tagPrefix[verb] + strconv.FormatInt(n, 10)
}

// insertSource returns the rows an INSERT proposes, each value cast to
// its column's type: its VALUES lists, its query's rows or one row of
// defaults. VALUES rows are appended to dst when it has room for them.
// givesValue reports whether an INSERT gives its j'th target column a
// value other than DEFAULT: a query always does.
func givesValue(st *ir.Insert, j int) bool {
	if st.Query != nil {
		return true
	}
	for _, exprs := range st.Values {
		if j < len(exprs) {
			if _, ok := exprs[j].(*ir.Default); !ok {
				return true
			}
		}
	}
	return false
}

// insertSource builds an INSERT's rows, leaving out DEFAULT and the
// target columns ignore marks (an identity column under OVERRIDING USER
// VALUE): the defaults fill them.
func (s *Session) insertSource(tx *engine.Tx, st *ir.Insert, ts *tableSchema, cols []int, ignore []bool, ev *evaluator, dst []engine.Row) ([]engine.Row, error) {
	if st.DefaultValues {
		return []engine.Row{{}}, nil
	}
	if st.Query != nil {
		res, err := s.query(tx, st.Query, ev)
		if err != nil {
			return nil, err
		}
		if err := insertArity(len(res.Columns), len(cols), len(st.Columns) > 0); err != nil {
			return nil, err
		}
		built := make([]engine.Row, 0, len(res.Rows))
		for _, vals := range res.Rows {
			row := engine.Row{}
			for j, v := range vals {
				if ignore != nil && ignore[j] {
					continue
				}
				col := cols[j]
				if row[ts.def.Columns[col].Name], err = assign(v, res.Columns[j].typ, ts, col); err != nil {
					return nil, err
				}
			}
			built = append(built, row)
		}
		return built, nil
	}
	built := dst[:0]
	if cap(built) < len(st.Values) {
		built = make([]engine.Row, 0, len(st.Values))
	}
	for i, exprs := range st.Values {
		if err := insertArity(len(exprs), len(cols), len(st.Columns) > 0); err != nil {
			return nil, err
		}
		row := s.takeRow()
		for j, e := range exprs {
			if _, ok := e.(*ir.Default); ok || ignore != nil && ignore[j] {
				continue
			}
			col := cols[j]
			v, t, err := ev.eval(e)
			if err != nil {
				return nil, err
			}
			if v, err = assign(v, t, ts, col); err != nil {
				return nil, toError(err).AtRow(i+1, j+1)
			}
			row[ts.def.Columns[col].Name] = v
		}
		built = append(built, row)
	}
	return built, nil
}

// takeRow returns an empty row to build an INSERT's row in: the
// session's spare one if it has it, else a new one.
func (s *Session) takeRow() engine.Row {
	if row := s.spareRow; row != nil {
		s.spareRow = nil
		return row
	}
	return engine.Row{}
}

// giveBackRow keeps row, which nothing refers to any more, as the
// session's spare one, emptied: a prepared INSERT run many times builds
// each of its rows in one map.
func (s *Session) giveBackRow(row engine.Row) {
	if s.spareRow == nil && len(row) <= maxSpareRow {
		clear(row)
		s.spareRow = row
	}
}

// maxSpareRow is the most columns a row kept as the spare one may have
// had: clearing a map costs as much as the most entries it ever held.
const maxSpareRow = 64

// insertArity is 42601 when a row has more values than there are target
// columns, or fewer than an explicit column list names.
func insertArity(values, cols int, listed bool) error {
	if values > cols {
		return pgerr.Syntax("INSERT has more expressions than target columns")
	}
	if values < cols && listed {
		return pgerr.Syntax("INSERT has more target columns than expressions")
	}
	return nil
}

// assign converts a value for storage in column col: an assignment cast
// to the column's SQL type (range, length and precision checks), in the
// form the engine stores (storedValue).
func assign(v any, t sqlType, ts *tableSchema, col int) (any, error) {
	out, err := cast(v, t, ts.types[col], false /* explicit */)
	if err != nil {
		var pe *Error
		// A type with no assignment cast to the column's (42846 for an
		// explicit cast) is 42804 in an assignment, as PostgreSQL words it.
		if errors.As(err, &pe) && (pe.Code == pgerr.DatatypeMismatch || pe.Code == "42846") {
			c := *pe
			c.Code = pgerr.DatatypeMismatch
			c.Message = `column "` + ts.def.Columns[col].Name + `" is of type ` + ts.types[col].String() + " but expression is of type " + t.String()
			c.Column = ts.def.Columns[col].Name
			return nil, &c
		}
		return nil, err
	}
	return storedValue(ts.types[col], out), nil
}

// returning evaluates a RETURNING list over the rows a statement wrote.
type returning struct {
	targets []target
	sc      *scope
	rows    [][]any
}

func newReturning(ts *tableSchema, alias string, list []ir.Target) (*returning, error) {
	if len(list) == 0 {
		return nil, nil
	}
	return returningOver(newScope(ts, alias), list)
}

// returningOver is newReturning over the rows of sc: the target table's
// joined with an UPDATE's FROM or a DELETE's USING.
func returningOver(sc *scope, list []ir.Target) (*returning, error) {
	if len(list) == 0 {
		return nil, nil
	}
	targets, err := expandTargets(sc, list)
	if err != nil {
		return nil, err
	}
	return &returning{targets: targets, sc: sc}, nil
}

func (r *returning) add(ev *evaluator, row []any) error {
	if r == nil {
		return nil
	}
	r.sc.row = row
	out := make([]any, len(r.targets))
	rowEv := ev.with(r.sc)
	for i, t := range r.targets {
		v, typ, err := rowEv.eval(t.expr)
		if err != nil {
			return err
		}
		out[i] = v
		if r.targets[i].typ.kind == kUnknown {
			r.targets[i].typ = typ
		}
	}
	r.rows = append(r.rows, out)
	return nil
}

func (r *returning) finish(res *Result) {
	if r == nil {
		return
	}
	res.Columns = columnsOf(r.targets)
	res.Rows = r.rows
	if res.Rows == nil {
		res.Rows = [][]any{}
	}
}

// targetRows returns the rows of an UPDATE's or DELETE's target table
// that satisfy where, each joined with the first row of the other tables
// (UPDATE's FROM, DELETE's USING) it matches, as PostgreSQL uses one of
// them; the target's columns lead each row of the scope returned.
func (s *Session) targetRows(tx *engine.Tx, ts *tableSchema, alias string, others []ir.FromItem, where ir.Expr, ev *evaluator) (*scope, [][]any, error) {
	if len(others) == 0 {
		rows, err := scan(tx, ts, alias, where, ev)
		return newScope(ts, alias), rows, err
	}
	target := &ir.TableRef{Table: ir.QualName{Name: ts.def.Name}, Alias: &ir.Alias{Name: alias}}
	sc, joined, err := s.from(tx, append([]ir.FromItem{target}, others...), where, ev)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	var rows [][]any
	for _, r := range joined {
		id := ts.rowID(r[:len(ts.types)])
		if !seen[id] {
			seen[id] = true
			rows = append(rows, r)
		}
	}
	return sc, rows, nil
}

// recheck locks a target row of UPDATE or DELETE in mode, waiting for a
// holder, and re-checks it (see relock): under READ COMMITTED a row
// changed meanwhile is re-read, under REPEATABLE READ it is 40001;
// SERIALIZABLE gets the row as found.
func (s *Session) recheck(tx *engine.Tx, table string, ts *tableSchema, sc *scope, joined []any, where ir.Expr, ev *evaluator, mode engine.LockStrength) ([]any, bool, error) {
	if tx.Isolation() == engine.Serializable || tx.ReadOnly() {
		return joined, true, nil
	}
	return s.relock(tx, table, ts, sc, joined, where, ev, mode, true)
}

func (s *Session) update(tx *engine.Tx, st *ir.Update, ev *evaluator) (Result, error) {
	if st.With != nil {
		return s.withWrite(tx, st.With, st, ev, func(wev *evaluator) (Result, error) { // cte_writes.go
			body := *st
			body.With = nil
			return s.update(tx, &body, wev)
		})
	}
	table, ts, alias, err := s.writeTarget(tx, "UPDATE", st.Table, st.Alias)
	if err != nil {
		return Result{}, err
	}
	cols, err := ts.setColumns(st.Set)
	if err != nil {
		return Result{}, err
	}
	if err := ts.checkIdentityUpdate(st.Set, cols); err != nil {
		return Result{}, err
	}
	if err := ts.checkGeneratedUpdate(st.Set, cols); err != nil {
		return Result{}, err
	}
	sc, rows, err := s.targetRows(tx, ts, alias, st.From, st.Where, ev)
	if err != nil {
		return Result{}, err
	}
	ret, err := returningOver(sc, st.Returning)
	if err != nil {
		return Result{}, err
	}
	res := Result{}
	rowEv := ev.with(sc)
	rt := s.triggersOn(tx, ts, cols) // trigger.go
	watch := s.watchActions(tx)
	// One engine statement: foreign keys are checked at its end, as
	// PostgreSQL checks NO ACTION, so a statement may rekey a referenced
	// row along with the rows referencing it.
	err = tx.Statement(func() error {
		for _, joined := range rows {
			joined, ok, err := s.recheck(tx, table, ts, sc, joined, st.Where, ev, engine.ForNoKeyUpdate)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			sc.row = joined
			old := joined[:len(ts.types)]
			set, err := ts.setRow(rowEv, st.Set, cols)
			if err != nil {
				return err
			}
			if set, ok, err = rt.beforeUpdate(old, set); err != nil {
				return err
			}
			if !ok {
				continue // a BEFORE trigger skipped the row
			}
			// Generated columns and expression indexes' hidden columns
			// follow the row as the triggers left it.
			if err := ts.generateUpdate(old, set, ev); err != nil {
				return err
			}
			if err := ts.deriveUpdate(old, set, ev); err != nil { // exprindex.go
				return err
			}
			rec, err := tx.Update(table, ts.key(old), set)
			if errors.Is(err, engine.ErrNotFound) {
				// A cascade earlier in the statement removed the row.
				continue
			}
			if err != nil {
				return err
			}
			vals := rec.Values()
			if err := s.checkRow(ts, vals, ev); err != nil {
				return err
			}
			if ret != nil {
				if err := ret.add(ev, append(vals, joined[len(ts.types):]...)); err != nil {
					return err
				}
			}
			if err := rt.queueAfter(ir.TriggerUpdate, old, vals); err != nil {
				return err
			}
			res.RowsAffected++
		}
		return nil
	})
	actions := s.endActions(tx, watch)
	if err == nil {
		err = fireAfter(rt, actions)
	}
	if err != nil {
		return Result{}, err
	}
	res.Tag = commandTag(tagUpdate, res.RowsAffected)
	ret.finish(&res)
	return res, nil
}

func (s *Session) delete(tx *engine.Tx, st *ir.Delete, ev *evaluator) (Result, error) {
	if st.With != nil {
		return s.withWrite(tx, st.With, st, ev, func(wev *evaluator) (Result, error) { // cte_writes.go
			body := *st
			body.With = nil
			return s.delete(tx, &body, wev)
		})
	}
	table, ts, alias, err := s.writeTarget(tx, "DELETE", st.Table, st.Alias)
	if err != nil {
		return Result{}, err
	}
	sc, rows, err := s.targetRows(tx, ts, alias, st.Using, st.Where, ev)
	if err != nil {
		return Result{}, err
	}
	ret, err := returningOver(sc, st.Returning)
	if err != nil {
		return Result{}, err
	}
	res := Result{}
	rt := s.triggersOn(tx, ts, nil) // trigger.go
	watch := s.watchActions(tx)
	// One engine statement: foreign keys are checked at its end, as
	// PostgreSQL checks NO ACTION, so DELETE FROM a self-referencing table
	// may remove a referenced row before the rows referencing it.
	err = tx.Statement(func() error {
		for _, old := range rows {
			old, ok, err := s.recheck(tx, table, ts, sc, old, st.Where, ev, engine.ForUpdate)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if _, ok, err = rt.before(ir.TriggerDelete, old[:len(ts.types)], nil); err != nil {
				return err
			}
			if !ok {
				continue
			}
			err = tx.Delete(table, ts.key(old[:len(ts.types)]))
			if err != nil && !errors.Is(err, engine.ErrNotFound) {
				return err
			}
			if err := rt.queueAfter(ir.TriggerDelete, old[:len(ts.types)], nil); err != nil {
				return err
			}
			// A row a cascade earlier in the statement removed still
			// counts: PostgreSQL deletes it in the statement's own scan,
			// before the cascades run.
			if err := ret.add(ev, old); err != nil {
				return err
			}
			res.RowsAffected++
		}
		return nil
	})
	actions := s.endActions(tx, watch)
	if err == nil {
		err = fireAfter(rt, actions)
	}
	if err != nil {
		return Result{}, err
	}
	res.Tag = commandTag(tagDelete, res.RowsAffected)
	ret.finish(&res)
	return res, nil
}
