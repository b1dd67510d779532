package pgsql

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// CHECK constraints live in pgsql's declarations beside the column types
// (schema.go), not in the engine: SQL INSERT and UPDATE check them, the
// Go API (Tx.Insert, Update, Upsert) does not. A row is checked as
// stored, after the engine wrote it; a failure fails the statement, whose
// writes the transaction then discards. Rows a foreign key's ON DELETE /
// ON UPDATE action changes are not checked, where PostgreSQL checks them.

// check is one CHECK constraint of a table.
type check struct {
	name string
	expr ir.Expr
}

// checkName names an unnamed CHECK as PostgreSQL does: <table>_<col>_check
// when the expression mentions exactly one column once, <table>_check
// otherwise, with a number appended while the name is taken.
func checkName(table string, e ir.Expr, taken func(string) bool) string {
	var refs []string
	ir.Inspect(e, func(x ir.Expr) bool {
		if c, ok := x.(*ir.ColumnRef); ok && !c.Star {
			refs = append(refs, c.Column)
		}
		return true
	})
	base := table + "_check"
	if len(refs) == 1 {
		base = table + "_" + refs[0] + "_check"
	}
	name := base
	for i := 1; taken(name); i++ {
		name = base + strconv.Itoa(i)
	}
	return name
}

// tableChecks collects the CHECK constraints of a CREATE TABLE, naming the
// unnamed ones; other names already used by the table are in taken.
func tableChecks(table string, cons []ir.Constraint, taken []string) ([]check, error) {
	var out []check
	for _, k := range cons {
		if k.Kind != ir.Check {
			continue
		}
		var bad string
		ir.Inspect(k.Check, func(x ir.Expr) bool {
			switch x.(type) {
			case *ir.Subquery, *ir.Exists, *ir.Quantified:
				bad = "cannot use subquery in check constraint"
			}
			return bad == ""
		})
		if bad != "" {
			return nil, &Error{Code: pgerr.FeatureNotSupported, Message: bad}
		}
		name := k.Name
		if name == "" {
			name = checkName(table, k.Check, func(n string) bool { return slices.Contains(taken, n) })
		} else if slices.Contains(taken, name) {
			return nil, &Error{Code: "42710", Message: `constraint "` + name + `" for relation "` + table + `" already exists`}
		}
		taken = append(taken, name)
		out = append(out, check{name: name, expr: k.Check})
	}
	slices.SortFunc(out, func(a, b check) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// validateChecks type-checks a new table's CHECK expressions against a row
// of NULLs: an unknown column or a non-boolean expression fails CREATE
// TABLE, as in PostgreSQL; data errors wait for real rows.
func validateChecks(s *Session, ts *tableSchema, checks []check) error {
	sc := newScope(ts, ts.def.Name)
	sc.row = make([]any, len(ts.types))
	ev := (&evaluator{types: s}).with(sc) // the session resolves enum types (enum.go)
	for _, c := range checks {
		if _, err := ev.boolean(c.expr, "CHECK"); err != nil && !strings.HasPrefix(pgerr.Code(err), "22") {
			return err
		}
	}
	return nil
}

// checkRow checks a stored row against its table's CHECK constraints:
// 23514 when one is false (NULL passes).
func (s *Session) checkRow(ts *tableSchema, vals []any, ev *evaluator) error {
	if ts.domains != nil {
		if err := s.checkDomains(ts, vals, ev); err != nil { // domain.go
			return err
		}
	}
	if len(ts.checks) == 0 {
		return nil
	}
	sc := newScope(ts, ts.def.Name)
	sc.row = vals
	rowEv := ev.with(sc)
	for _, c := range ts.checks {
		ok, err := rowEv.boolean(c.expr, "CHECK")
		if err != nil {
			return err
		}
		if ok == false {
			return &Error{Code: pgerr.CheckViolation, Message: `new row for relation "` + ts.def.Name + `" violates check constraint "` + c.name + `"`,
				Detail: failingRow(ts, vals), Table: ts.def.Name, Constraint: c.name}
		}
	}
	return nil
}

// failingRow is PostgreSQL's DETAIL "Failing row contains (...)." for a
// row of ts: the columns SQL sees, each in its type's text form cut to 64 bytes (at
// a character boundary) and "..." when longer, NULL as null.
func failingRow(ts *tableSchema, vals []any) string {
	parts := make([]string, 0, len(vals))
	for i, v := range vals {
		if i >= len(ts.types) || ts.isHidden(i) {
			continue
		}
		text, null := Column{typ: ts.types[i]}.Format(v)
		if null {
			text = "null"
		}
		parts = append(parts, clipField(text))
	}
	return "Failing row contains (" + strings.Join(parts, ", ") + ")."
}

// maxFieldLen is how many bytes of a value PostgreSQL's error details
// show before cutting it short.
const maxFieldLen = 64

// clipField cuts text to at most maxFieldLen bytes, not inside a
// character, and marks the cut with "...".
func clipField(text string) string {
	if len(text) <= maxFieldLen {
		return text
	}
	n := maxFieldLen
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n] + "..."
}

// failingRowDetail gives a NOT NULL violation of a statement in tx its
// DETAIL, "Failing row contains (...).", rendered with the column types
// of the table the engine named; err is returned unchanged when it is
// not one or the table cannot be read.
func (s *Session) failingRowDetail(tx *engine.Tx, err error) error {
	var ce *engine.ConstraintError
	var pe *Error
	if errors.As(err, &pe) && pe.FailingRow() == nil {
		return err
	}
	if pe == nil {
		if !errors.As(err, &ce) || ce.Row == nil {
			return err
		}
		pe = toError(err)
	}
	ts, serr := s.sharedSchema(tx, pe.Table)
	if serr != nil {
		return err
	}
	c := pe.WithFailingRow(nil)
	c.Detail = failingRow(ts, pe.FailingRow())
	return c
}
