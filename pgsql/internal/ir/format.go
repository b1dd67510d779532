package ir

import (
	"strconv"
	"strings"
)

// enumString names an enum value from its table, or prints the type and
// number for a value outside it.
func enumString(typ string, names []string, v int) string {
	if v >= 0 && v < len(names) {
		return names[v]
	}
	return typ + "(" + strconv.Itoa(v) + ")"
}

// Ident renders an identifier for the canonical form: bare when it is a
// plain lower-case name that is not a reserved word, double-quoted (with
// quotes doubled) otherwise, so the canonical form of a query reads back
// as the same query.
func Ident(s string) string {
	if s != "" && plainIdent(s) && !reservedWords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func plainIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// idents renders a comma-separated identifier list.
func idents(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = Ident(n)
	}
	return strings.Join(parts, ", ")
}

// quoteString renders a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// reservedWords are PostgreSQL's keywords that cannot stand bare as a
// column name: the reserved ones and those reserved except as type or
// function names.
var reservedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		all analyse analyze and any array as asc asymmetric both case cast check
		collate column constraint create current_catalog current_date current_role
		current_time current_timestamp current_user default deferrable desc distinct
		do else end except false fetch for foreign from grant group having in
		initially intersect into lateral leading limit localtime localtimestamp not
		null offset on only or order placing primary references returning select
		session_user some symmetric system_user table then to trailing true union
		unique user using variadic when where window with
		authorization binary collation concurrently cross current_schema freeze full
		ilike inner is isnull join left like natural notnull outer overlaps right
		similar tablesample verbose`) {
		m[w] = true
	}
	return m
}()

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// exprs renders a comma-separated expression list.
func exprs(list []Expr) string {
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = exprString(e)
	}
	return strings.Join(parts, ", ")
}

// exprString renders e, or "<nil>" for a missing expression.
func exprString(e Expr) string {
	if e == nil {
		return "<nil>"
	}
	return e.String()
}
