package parse

import (
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Parse parses sql, which may hold several statements separated by
// semicolons, and translates each into the IR. Empty statements and
// comments are dropped, so an empty or comment-only text yields no
// statements and no error.
//
// Every error is a *pgerr.Error:
//   - 42601 for a syntax error, with Position set to the offending token
//     when it can be found (see the package doc for the limits);
//   - 22021 for text that is not valid UTF-8 or holds a NUL byte;
//   - 0A000 for a construct reldb does not support, naming it.
//
// Parse does not resolve names or types; the statements are only as valid
// as the grammar and the checks PostgreSQL's grammar makes.
func Parse(sql string) ([]ir.Statement, error) {
	stmts, err := parse(sql)
	if err != nil {
		return nil, err
	}
	return stmts, nil
}

// parse is Parse with a concrete error type, so a nil error stays nil.
func parse(sql string) ([]ir.Statement, *pgerr.Error) {
	src, perr := prepare(sql)
	if perr != nil {
		return nil, perr
	}
	raw, err := rawParse(src.text + endMark)
	if err != nil {
		return nil, src.syntaxError(err)
	}
	if off := src.arraySubscript(); off >= 0 {
		return nil, pgerr.Syntax(`syntax error at or near "["`).WithPosition(sql, off)
	}
	if off := src.limitComma(); off >= 0 {
		// PostgreSQL's grammar refuses it as a syntax error, not as a
		// feature it lacks.
		e := pgerr.Syntax("LIMIT #,# syntax is not supported").WithPosition(sql, off)
		e.Hint = "Use separate LIMIT and OFFSET clauses."
		return nil, e
	}
	t := newTranslator(src)
	stmts := make([]ir.Statement, 0, len(raw))
	for i, n := range raw {
		t.stmt = i
		s, err := t.statement(n)
		if err != nil {
			return nil, src.locate(asPgError(err), i, len(raw))
		}
		stmts = append(stmts, s)
	}
	for i, used := range t.used {
		if !used {
			return nil, src.unusedParam(i)
		}
	}
	return stmts, nil
}

// asPgError returns err as a *pgerr.Error; every error the translator
// makes is one, anything else is an internal error.
func asPgError(err error) *pgerr.Error {
	if pe, ok := err.(*pgerr.Error); ok {
		return pe
	}
	return pgerr.New(pgerr.InternalError, "%s", err.Error())
}
