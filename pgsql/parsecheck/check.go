package parsecheck

import (
	"errors"
	"strings"
	"unicode/utf8"

	pgquery "github.com/pganalyze/pg_query_go/v6"
	"github.com/reldb/reldb/pgsql/internal/parse"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Verdict is what each parser decided about one text.
type Verdict struct {
	PostgreSQL error // nil: PostgreSQL's grammar accepts the text
	Reldb      error // nil or a later-stage error: reldb accepts it
}

// Agree reports whether both parsers accept the text or both reject it.
// reldb's 0A000 (a construct it does not support) agrees with either: it
// refuses the text without claiming it is wrong. So does a rejection
// PostgreSQL makes after its grammar with the same SQLSTATE (Known).
func (v Verdict) Agree() bool {
	code := pgerr.Code(v.Reldb)
	switch {
	case code == pgerr.FeatureNotSupported:
		return true
	case v.PostgreSQL == nil && rejects(v.Reldb):
		return known(v.Reldb) != ""
	}
	return (v.PostgreSQL == nil) == !rejects(v.Reldb)
}

// Check parses sql with both parsers.
func Check(sql string) Verdict {
	_, pgErr := pgquery.Parse(sql)
	_, err := parse.Parse(sql)
	return Verdict{PostgreSQL: pgErr, Reldb: err}
}

// rejects reports whether err is a rejection by the grammar or the lexer:
// a syntax error, a data exception, a windowing error (42P20), which
// PostgreSQL's grammar raises for impossible window frames, or a reserved
// name (42939), which it raises for a role named none or public.
func rejects(err error) bool {
	if err == nil {
		return false
	}
	var e *pgerr.Error
	if !errors.As(err, &e) {
		return true
	}
	return e.Code == pgerr.SyntaxError || e.Code == "42P20" || e.Code == "42939" || strings.HasPrefix(e.Code, "22")
}

// Known lists the syntax errors reldb reports while parsing that
// PostgreSQL reports after its grammar accepted the text — in parse
// analysis, with the same SQLSTATE, so a client sees no difference — or
// that the PostgreSQL server reports while libpg_query, a different
// version of its parser, does not. Each is keyed by the start of reldb's
// message, with the reason.
var Known = map[string]string{
	"ON CONFLICT DO UPDATE requires inference specification": "PostgreSQL's parse analysis (transformOnConflictClause), 42601",
	"VALUES lists must all be the same length":               "PostgreSQL's parse analysis (transformValuesClause), 42601",
	"DEFAULT is not allowed in this context":                 "PostgreSQL's parse analysis (transformExprRecurse), 42601",
	"non-integer constant in ORDER BY":                       "PostgreSQL's parse analysis (findTargetlistEntrySQL92), 42601",
	"conflicting NULL/NOT NULL declarations":                 "PostgreSQL's parse analysis (transformColumnDefinition), 42601",
	"conflicting NULL/NOT NULL constraints":                  "PostgreSQL's CREATE DOMAIN (DefineDomain), 42601",
	"multiple default values specified":                      "PostgreSQL's parse analysis (transformColumnDefinition), 42601",
	"argument name":                                          "PostgreSQL's parse analysis (ParseFuncOrColumn: argument name used more than once), 42601",
	"positional argument cannot follow named argument":       "PostgreSQL's parse analysis (ParseFuncOrColumn), 42601",
	"trailing junk after parameter":                          "PostgreSQL 15's lexer, which the corpus server runs; libpg_query 17 reads $1abc as $1 and an alias",
}

// known returns why err, a rejection PostgreSQL's grammar does not make,
// is expected, or "".
func known(err error) string {
	var e *pgerr.Error
	if !errors.As(err, &e) {
		return ""
	}
	for prefix, why := range Known {
		if strings.HasPrefix(e.Message, prefix) {
			return why
		}
	}
	return ""
}

// Comparable reports whether a text is one both parsers can be asked
// about: PostgreSQL's server refuses text that is not valid UTF-8 or holds
// a NUL byte before its parser sees it (22021), and so does reldb, while
// libpg_query, called directly, reads C strings and no encoding.
func Comparable(sql string) bool {
	return utf8.ValidString(sql) && !strings.ContainsRune(sql, 0)
}

// pgerrMessage returns the message of a *pgerr.Error, or err's text.
func pgerrMessage(err error) string {
	var e *pgerr.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
