package parse

import (
	"strings"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// constructKeywords names, for a construct whose 0A000 message does not
// start with its keyword, the keyword to point at.
var constructKeywords = map[string]string{
	"column definition list in FROM":              "",
	"array slice":                                 "[",
	"field selection":                             "",
	"array subscript and field selection":         "[",
	"assignment to an array element or field":     "[",
	"named function argument":                     "=>",
	"data-modifying statement in WITH":            "with",
	"ON CONFLICT on an expression":                "conflict",
	"multiple-column UPDATE from a subquery":      "select",
	"generated column (GENERATED ALWAYS AS)":      "generated",
	"DEFERRABLE on a CHECK constraint":            "deferrable",
	"TEMPORARY table":                             "",
	"UNLOGGED table":                              "unlogged",
	"partial index (WHERE)":                       "where",
	"index COLLATE or operator class":             "",
	"cross-database reference":                    "",
	"row comparison with a subquery":              "",
	"index storage parameters (WITH)":             "with",
	"storage parameters (WITH)":                   "with",
	"view options (WITH)":                         "with",
	"ON CONFLICT with an index predicate (WHERE)": "where",
}

// locate gives an error raised while translating statement i of n a
// best-effort Position, since pgparser records no locations: the first
// token of the statement that is the construct's keyword (its first word,
// or the one constructKeywords names), else the statement's first token.
// Only 0A000 errors and 42601 errors that name a keyword are located; an
// error that already has a position, or a text whose statements cannot be
// matched to spans, is returned unchanged.
func (s *source) locate(e *pgerr.Error, i, n int) *pgerr.Error {
	if e.Position != 0 {
		return e
	}
	spans := s.spans()
	if len(spans) != n || i < 0 || i >= n {
		return e
	}
	keyword, ok := "", false
	switch e.Code {
	case pgerr.FeatureNotSupported:
		construct := strings.TrimSuffix(e.Message, " is not supported")
		if keyword, ok = constructKeywords[construct]; !ok {
			keyword = strings.Fields(construct + " x")[0]
		}
		ok = true
	case pgerr.SyntaxError:
		keyword, ok = syntaxKeyword(e.Message)
	}
	if !ok {
		return e
	}
	sp := spans[i]
	if keyword != "" {
		for _, t := range s.toks {
			if t.start >= sp.Start && t.end <= sp.End && strings.EqualFold(s.sql[t.start:t.end], keyword) {
				return e.WithPosition(s.sql, t.start)
			}
		}
	}
	return e.WithPosition(s.sql, sp.Start)
}

// syntaxKeyword returns the keyword to point at for the translator's own
// syntax errors that have one.
func syntaxKeyword(msg string) (string, bool) {
	switch {
	case strings.HasPrefix(msg, "DEFAULT is not allowed"):
		return "default", true
	case strings.HasPrefix(msg, "VALUES lists"):
		return "values", true
	case strings.HasPrefix(msg, "misplaced "):
		return strings.Fields(strings.TrimPrefix(msg, "misplaced "))[0], true
	case strings.HasPrefix(msg, "ON CONFLICT DO UPDATE requires"):
		return "conflict", true
	}
	return "", false
}
