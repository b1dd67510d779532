package pgsql

import (
	"errors"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// DO blocks, as PostgreSQL runs them: DO [LANGUAGE plpgsql] 'body' parses
// the body when it runs (42601 for a syntax error, pointing into the
// statement; 0A000 for a construct reldb does not run) and runs it once
// in the session's transaction, which outside a transaction block is the
// statement's own, as for any statement. The body is a trigger
// function's PL/pgSQL (plpgsql.go) without NEW, OLD and TG_*, and its
// other SQL statements (CREATE, ALTER, DROP, ...) run as the client's
// would. An error the body does not catch fails the statement with that
// error, and its effects go with the statement's.

// inlineFunction is the name PostgreSQL gives a DO block's function.
const inlineFunction = "inline_code_block"

func (s *Session) do(tx *engine.Tx, st *ir.Do) (Result, error) {
	res := Result{Tag: "DO"}
	switch {
	case st.Bodies > 1 || st.Languages > 1:
		return res, pgerr.Syntax("conflicting or redundant options")
	case st.Bodies == 0:
		return res, pgerr.Syntax("no inline code specified")
	}
	switch st.Language {
	case "plpgsql":
	case "sql", "c", "internal":
		return res, pgerr.New(pgerr.FeatureNotSupported, "language \"%s\" does not support inline code execution", st.Language)
	default:
		return res, pgerr.New(pgerr.UndefinedObject, "language \"%s\" does not exist", st.Language)
	}
	pl, err := parse.PLpgSQLDo(st.Body)
	if err != nil {
		return res, bodyError(err, st.BodyPosition)
	}
	r := &plRun{s: s, tx: tx, fn: &funcDef{name: inlineFunction, body: st.Body, pl: pl},
		vars: map[string]*plVar{"found": {v: false, t: typBool}}}
	if _, err := r.run(); err != nil {
		// An error of a statement of the body has its position in that
		// statement, which PostgreSQL does not send as the DO's.
		if pe := toError(err); pe.Position > 0 {
			c := *pe
			c.Position = 0
			return res, &c
		}
		return res, err
	}
	return res, nil
}

// bodyError positions an error parsing a body in the statement that
// gives the body at position at (0: unknown, and then no position).
func bodyError(err error, at int) error {
	var pe *Error
	if !errors.As(err, &pe) || pe.Position == 0 {
		return err
	}
	c := *pe
	c.Position = 0
	if at > 0 {
		c.Position = at + pe.Position - 1
	}
	return &c
}
