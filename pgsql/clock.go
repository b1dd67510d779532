package pgsql

import (
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The current time, as PostgreSQL gives it: now(), current_timestamp and
// transaction_timestamp() are the start of the current transaction (the
// same value for every statement in it), statement_timestamp() the start
// of the current statement, clock_timestamp() the time of the call.
// localtimestamp is the transaction's start as a timestamp without time
// zone and current_date its date, both in the session's time zone, UTC.
// Every one reads the database's clock (engine.Options.Clock, DB.Now), so
// a test can fix time, and is cut to microseconds, PostgreSQL's precision.

// clockFuncs are the functions of the current time, by name.
var clockFuncs = map[string]bool{
	"now": true, "transaction_timestamp": true, "statement_timestamp": true, "clock_timestamp": true,
}

// volatile reports whether e reads the current time, draws a random
// value or calls a sequence function: such a DEFAULT is evaluated at each insert, not once at CREATE
// TABLE.
func volatile(e ir.Expr) bool {
	found := false
	ir.Inspect(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.ValueFunc:
			found = found || x.Name == "current_timestamp" || x.Name == "localtimestamp" || x.Name == "current_date" || x.Name == "localtime"
		case *ir.Func:
			found = found || (clockFuncs[x.Name] || x.Name == "gen_random_uuid" || sequenceFuncs[x.Name]) && (x.Schema == "" || x.Schema == "pg_catalog") ||
				extensionFuncs[x.Name] != "" && (x.Schema == "" || x.Schema == "public") // extension.go
		}
		return !found
	})
	return found
}

// clockFunc evaluates a function of the current time with no arguments;
// ok is false for another name.
func (ev *evaluator) clockFunc(name string, nargs int) (v any, t sqlType, ok bool, err error) {
	if !clockFuncs[name] || nargs != 0 {
		return nil, typUnknown, false, nil
	}
	if ev.q == nil {
		return nil, typUnknown, true, pgerr.Unsupported("function " + name + " in this position")
	}
	s := ev.q.s
	at := s.txStart
	switch name {
	case "statement_timestamp":
		at = s.stmtStart
	case "clock_timestamp":
		at = s.db.Now()
	}
	return at.UTC().Truncate(time.Microsecond), typTimestamptz, true, nil
}

// valueFunc evaluates an SQL value function: current_timestamp,
// localtimestamp and current_date, with an optional precision.
func (ev *evaluator) valueFunc(e *ir.ValueFunc) (any, sqlType, error) {
	var t sqlType
	switch e.Name {
	case "current_timestamp":
		t = typTimestamptz
	case "localtimestamp":
		t = sqlType{kind: kTimestamp}
	case "current_date":
		t = sqlType{kind: kDate}
	case "localtime":
		t = typTime
	default:
		if v, t, ok := ev.catalogValueFunc(e.Name); ok {
			return v, t, nil
		}
		return nil, typUnknown, pgerr.Unsupported(exprName(e))
	}
	if ev.q == nil {
		return nil, t, pgerr.Unsupported(exprName(e) + " in this position")
	}
	at := ev.q.s.txStart.UTC()
	switch {
	case t.kind == kDate:
		return time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC), t, nil
	case t.kind == kTime:
		// The time of the transaction's start; localtime(p) rounds as time(p) does.
		p := sqlType{kind: kTime}
		if e.Precision >= 0 {
			p.prec = min(e.Precision, 6) + 1
		}
		return roundTime(timeOfTimestamp(at.Truncate(time.Microsecond)), p), t, nil
	case e.Precision >= 0 && e.Precision < 6:
		// PostgreSQL rounds to the precision asked for, half away from zero.
		unit := time.Duration(1)
		for range 9 - e.Precision {
			unit *= 10
		}
		return at.Truncate(time.Microsecond).Round(unit), t, nil
	}
	return at.Truncate(time.Microsecond), t, nil
}

// typTimestamptz is timestamp with time zone, the type of now().
var typTimestamptz = sqlType{kind: kTimestamptz}

// checkDefault type-checks a column's volatile DEFAULT (see volatile) by
// evaluating it once: CREATE TABLE fails, as PostgreSQL's does, when its
// value cannot be assigned to the column.
func (s *Session) checkDefault(tx *engine.Tx, column string, e ir.Expr, typ sqlType) error {
	if callsSequence(e) {
		return s.checkSequenceDefault(tx, column, e, typ) // sequence.go
	}
	v, t, err := (&evaluator{q: &queryEnv{s: s}}).eval(e)
	if err != nil {
		if pgerr.Code(err) == pgerr.FeatureNotSupported {
			return pgerr.Unsupported("DEFAULT " + e.String())
		}
		return err
	}
	if _, err := cast(v, t, typ, false /* explicit */); err != nil {
		if c := pgerr.Code(err); c == pgerr.DatatypeMismatch || c == "42846" {
			return &Error{Code: pgerr.DatatypeMismatch, Message: `column "` + column + `" is of type ` + typ.String() +
				" but default expression is of type " + t.String(), Hint: "You will need to rewrite or cast the expression."}
		}
		return err
	}
	return nil
}

// fillDefaults gives each row the value of every volatile DEFAULT for a
// column the row does not set; the engine fills the others.
func (ts *tableSchema) fillDefaults(rows []engine.Row, ev *evaluator) error {
	for col, e := range ts.defaults {
		if e == nil {
			continue
		}
		name := ts.def.Columns[col].Name
		for i, row := range rows {
			if _, set := row[name]; set {
				continue
			}
			v, err := ts.defaultValue(col, ev)
			if err != nil {
				return toError(err).AtRow(i+1, 0)
			}
			row[name] = v
		}
	}
	return nil
}

// defaultValue is the value DEFAULT gives column col.
func (ts *tableSchema) defaultValue(col int, ev *evaluator) (any, error) {
	if ts.def.Columns[col].AutoIncrement && ev != nil && ev.q != nil && ev.q.tx != nil {
		// A serial or identity primary key: its sequence is the engine's.
		return ev.q.tx.NextID(ts.def.Name)
	}
	if ts.defaults == nil || ts.defaults[col] == nil {
		return ts.def.Columns[col].Default, nil
	}
	v, t, err := (&evaluator{params: ev.params, q: ev.q}).eval(ts.defaults[col])
	if err != nil {
		return nil, err
	}
	return assign(v, t, ts, col)
}
