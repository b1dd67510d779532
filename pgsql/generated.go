package pgsql

import (
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// A generated column (GENERATED ALWAYS AS (expr) STORED) lives in the
// SQL declarations beside the column types (tableDecl.generated), as a
// CHECK constraint does: SQL writes compute it, the Go API does not. An
// INSERT computes it from the row it is about to store (the values given,
// the volatile defaults filled, the engine's constant defaults for the
// rest), before the row's keys and constraints are checked, so a generated
// column may be NOT NULL, UNIQUE or in a key; an UPDATE, an ON CONFLICT DO
// UPDATE among them, computes it from the row as the SET list leaves it.
// Giving it a value other than DEFAULT is PostgreSQL's 428C9. The
// expression reads only the row's other, non-generated columns and is
// immutable (42P17 otherwise), checked when the column is made. It may
// not read a column the engine numbers itself (a serial primary key,
// whose value exists only once the row is stored): 0A000.

// generatedAt returns column i's generation expression, nil if it has
// none.
func (ts *tableSchema) generatedAt(i int) ir.Expr {
	if ts.generated == nil {
		return nil
	}
	return ts.generated[i]
}

// generatedError is 428C9 for a value an INSERT gives generated column.
func generatedError(column string) *Error {
	return &Error{Code: "428C9", Message: `cannot insert a non-DEFAULT value into column "` + column + `"`,
		Detail: `Column "` + column + `" is a generated column.`, Column: column}
}

// generatedUpdateError is 428C9 for an UPDATE that sets a generated column
// to anything but DEFAULT.
func generatedUpdateError(column string) *Error {
	return &Error{Code: "428C9", Message: `column "` + column + `" can only be updated to DEFAULT`,
		Detail: `Column "` + column + `" is a generated column.`, Column: column}
}

// checkGeneratedInsert is the 428C9 of an INSERT that gives one of its
// target columns cols, a generated one, a value.
func (ts *tableSchema) checkGeneratedInsert(st *ir.Insert, cols []int) error {
	if ts.generated == nil {
		return nil
	}
	for j, col := range cols {
		if ts.generatedAt(col) != nil && givesValue(st, j) {
			return generatedError(ts.def.Columns[col].Name)
		}
	}
	return nil
}

// checkGeneratedUpdate is the 428C9 of a SET list (its columns cols) that
// gives a generated column a value other than DEFAULT.
func (ts *tableSchema) checkGeneratedUpdate(set []ir.SetClause, cols []int) error {
	if ts.generated == nil {
		return nil
	}
	for i, clause := range set {
		if ts.generatedAt(cols[i]) == nil {
			continue
		}
		if _, ok := clause.Value.(*ir.Default); !ok {
			return generatedUpdateError(clause.Column)
		}
	}
	return nil
}

// generateInsert sets the generated columns of each row an INSERT is
// about to store.
func (ts *tableSchema) generateInsert(rows []engine.Row, ev *evaluator) error {
	if ts.generated == nil {
		return nil
	}
	for _, row := range rows {
		vals := ts.proposed(row) // upsert.go
		if err := ts.generate(vals, ev); err != nil {
			return err
		}
		for i, e := range ts.generated {
			if e != nil {
				row[ts.def.Columns[i].Name] = vals[i]
			}
		}
	}
	return nil
}

// generateUpdate adds to set, the changes an UPDATE makes to the stored
// row old, the generated columns of the row it leaves.
func (ts *tableSchema) generateUpdate(old []any, set engine.Row, ev *evaluator) error {
	if ts.generated == nil {
		return nil
	}
	vals := make([]any, len(ts.def.Columns))
	for i, c := range ts.def.Columns {
		if v, ok := set[c.Name]; ok {
			vals[i] = v
		} else {
			vals[i] = old[i]
		}
	}
	if err := ts.generate(vals, ev); err != nil {
		return err
	}
	for i, e := range ts.generated {
		if e != nil {
			set[ts.def.Columns[i].Name] = vals[i]
		}
	}
	return nil
}

// generate computes the generated columns of vals, a row as stored, in
// place, each cast to its column's type as an assignment.
func (ts *tableSchema) generate(vals []any, ev *evaluator) error {
	sc := newScope(ts, ts.def.Name)
	sc.row = vals
	rowEv := ev.with(sc)
	for i, e := range ts.generated {
		if e == nil {
			continue
		}
		v, t, err := rowEv.eval(e)
		if err != nil {
			return err
		}
		out, err := assign(v, t, ts, i) // dml.go
		if err != nil {
			return err
		}
		vals[i] = out
	}
	return nil
}

// checkGeneration checks the generation expression e of column col of ts
// as PostgreSQL does when the column is made.
func (s *Session) checkGeneration(ts *tableSchema, col int, e ir.Expr) error {
	var err error
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.Subquery, *ir.Exists, *ir.Quantified:
			err = &Error{Code: pgerr.FeatureNotSupported, Message: "cannot use subquery in column generation expression"}
		case *ir.Func:
			switch {
			case x.Over != nil:
				err = pgerr.New("42P20", "window functions are not allowed in column generation expressions")
			case isAggregateCall(x):
				err = pgerr.New(pgerr.GroupingError, "aggregate functions are not allowed in column generation expressions")
			}
		case *ir.ColumnRef:
			if x.Star {
				break
			}
			i, ok := ts.index[x.Column]
			switch {
			case !ok:
				err = pgerr.UndefinedColumnError(x.Column)
			case ts.generatedAt(i) != nil:
				err = &Error{Code: "42P17", Message: `cannot use generated column "` + x.Column + `" in column generation expression`,
					Detail: "A generated column cannot reference another generated column."}
			case ts.def.Columns[i].AutoIncrement:
				err = pgerr.Unsupported("generated column over the serial primary key " + x.Column)
			}
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if volatile(e) { // clock.go
		return pgerr.New("42P17", "generation expression is not immutable")
	}
	sc := newScope(ts, ts.def.Name)
	sc.row = make([]any, len(ts.types))
	_, t, err := (&evaluator{types: s}).with(sc).eval(e)
	if err != nil {
		if pgerr.Code(err) == pgerr.FeatureNotSupported {
			return err
		}
		return nil // a failure over NULLs is left to the rows
	}
	if !assignable(t, ts.types[col]) {
		name := ts.def.Columns[col].Name
		return &Error{Code: pgerr.DatatypeMismatch, Message: `column "` + name + `" is of type ` + formatTypeName(ts.types[col], false) +
			" but default expression is of type " + formatTypeName(t, false), Hint: "You will need to rewrite or cast the expression."}
	}
	return nil
}

// generationConflict is PostgreSQL's 42601 for a generated column of
// table that also has a DEFAULT or is an identity or serial column.
func generationConflict(cd ir.ColumnDef, table string) error {
	what := ""
	switch {
	case cd.Default != nil || cd.Identity != nil && cd.Identity.Kind == ir.IdentitySerial:
		what = "default"
	case cd.Identity != nil:
		what = "identity"
	default:
		return nil
	}
	return pgerr.Syntax("both %s and generation expression specified for column \"%s\" of table \"%s\"", what, cd.Name, table)
}

// completeInsert is the row to store for vals, a row a BEFORE INSERT
// trigger returned: its generated columns, which PostgreSQL computes
// after BEFORE triggers, and its expression indexes' hidden columns
// (exprindex.go), computed from the row as the trigger left it. vals
// gets the generated values too.
func (ts *tableSchema) completeInsert(vals []any, ev *evaluator) (engine.Row, error) {
	if err := ts.generate(vals, ev); err != nil {
		return nil, err
	}
	row := ts.rowOf(vals) // trigger.go
	if err := ts.deriveInsert(row, ev); err != nil {
		return nil, err
	}
	return row, nil
}
