package parse

import (
	"regexp"
	"strings"

	"github.com/pgplex/pgparser/nodes"
	"github.com/pgplex/pgparser/parser"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// This file holds what depends on pgparser v0.2.0's behaviour beyond its
// tree: the one call into its grammar, the check of its lexer, and the
// source-text checks for constructs it builds wrongly (see the package doc).

// collateDefault matches COLLATE schema.default, capturing what precedes
// the keyword.
var collateDefault = regexp.MustCompile(`(?i)(\bCOLLATE\s+[a-z_][a-z0-9_]*\s*\.\s*)default\b`)

// rawParse runs pgparser over text and returns its statement nodes. It is
// the only place that calls the grammar.
func rawParse(text string) ([]nodes.Node, error) {
	list, err := parser.Parse(text)
	if err != nil {
		// pgparser reads COLLATE pg_catalog.default, which psql sends,
		// as a syntax error: its grammar wants the keyword quoted.
		fixed := collateDefault.ReplaceAllString(text, `${1}"default"`)
		if fixed == text {
			return nil, err
		}
		if list, err = parser.Parse(fixed); err != nil {
			_, err = parser.Parse(text)
			return nil, err
		}
	}
	if list == nil {
		return nil, nil
	}
	return list.Items, nil
}

// pgLexCheck runs pgparser's own lexer over sql and reports the first
// lexical error it finds. pgparser's parser ignores its lexer's errors
// and treats the failing point as end of input, so without this check
// "SELECT 'abc" would parse as "SELECT".
func pgLexCheck(sql string) *pgerr.Error {
	lx := parser.NewLexer(sql)
	for i := 0; i <= len(sql)+1; i++ {
		tok := lx.NextToken()
		if lx.Err != nil {
			loc := tok.Loc
			if loc < 0 || loc > len(sql) {
				loc = len(sql)
			}
			return pgerr.Syntax("%s at or near \"%s\"", lx.Err.Error(), sql[loc:]).WithPosition(sql, loc)
		}
		if tok.Type == 0 {
			return nil
		}
	}
	return nil
}

// trimForms reports whether the text holds a TRIM(...) call using FROM
// with something before it, and one with several comma-separated
// arguments and no FROM.
func (s *source) trimForms() (withFrom, withComma bool) {
	if s.trim == nil {
		from, comma := s.scanTrimForms()
		s.trim = &[2]bool{from, comma}
	}
	return s.trim[0], s.trim[1]
}

func (s *source) scanTrimForms() (withFrom, withComma bool) {
	for i := 0; i+1 < len(s.toks); i++ {
		if s.toks[i].kind != tokIdent || !strings.EqualFold(s.sql[s.toks[i].start:s.toks[i].end], "trim") ||
			s.sql[s.toks[i+1].start:s.toks[i+1].end] != "(" {
			continue
		}
		depth, from, comma, before := 0, false, false, false
		for j := i + 1; j < len(s.toks); j++ {
			text := s.sql[s.toks[j].start:s.toks[j].end]
			if s.toks[j].kind == tokPunct {
				switch text {
				case "(":
					depth++
					continue
				case ")":
					depth--
				case ",":
					comma = comma || depth == 1
				}
			}
			if depth == 0 {
				break
			}
			if depth == 1 && s.toks[j].kind == tokIdent && strings.EqualFold(text, "from") {
				from = true
			} else if depth >= 1 && !from && !(s.toks[j].kind == tokIdent && isTrimWhere(text)) {
				before = true
			}
		}
		withFrom = withFrom || from && before
		withComma = withComma || comma && !from
	}
	return withFrom, withComma
}

// isTrimWhere reports whether text is one of TRIM's BOTH, LEADING or
// TRAILING keywords.
func isTrimWhere(text string) bool {
	return strings.EqualFold(text, "both") || strings.EqualFold(text, "leading") || strings.EqualFold(text, "trailing")
}

// limitStops are the keywords that may follow a LIMIT expression at the
// same nesting level; a comma before any of them is LIMIT #,#.
var limitStops = map[string]bool{
	"offset": true, "for": true, "fetch": true, "returning": true, "on": true,
	"union": true, "intersect": true, "except": true, "order": true, "window": true,
}

// limitComma returns the offset of a LIMIT written LIMIT #,# (MySQL's
// LIMIT offset, count), which PostgreSQL rejects and pgparser v0.2.0
// silently turns into LIMIT count OFFSET offset; -1 when there is none.
// arraySubscript returns the byte offset of a subscript written straight
// after an ARRAY constructor, ARRAY[1, 2][1] or ARRAY(SELECT 1)[1], which
// PostgreSQL's grammar refuses (the constructor must be parenthesized to
// be subscripted) and pgparser accepts; or -1.
func (s *source) arraySubscript() int {
	for i, t := range s.toks {
		if t.kind != tokIdent || !strings.EqualFold(s.sql[t.start:t.end], "array") || i+1 >= len(s.toks) {
			continue
		}
		open := s.toks[i+1]
		if open.kind != tokPunct || (s.sql[open.start:open.end] != "[" && s.sql[open.start:open.end] != "(") {
			continue
		}
		depth := 0
		for j := i + 1; j < len(s.toks); j++ {
			u := s.toks[j]
			if u.kind != tokPunct {
				continue
			}
			switch s.sql[u.start:u.end] {
			case "[", "(":
				depth++
			case "]", ")":
				depth--
			}
			if depth == 0 {
				if j+1 < len(s.toks) && s.toks[j+1].kind == tokPunct && s.sql[s.toks[j+1].start:s.toks[j+1].end] == "[" {
					return s.toks[j+1].start
				}
				break
			}
		}
	}
	return -1
}

func (s *source) limitComma() int {
	for i, t := range s.toks {
		if t.kind != tokIdent || !strings.EqualFold(s.sql[t.start:t.end], "limit") {
			continue
		}
		if i > 0 && strings.EqualFold(s.sql[s.toks[i-1].start:s.toks[i-1].end], "connection") {
			continue // CREATE ROLE's CONNECTION LIMIT n, … IN ROLE a, b
		}
		depth := 0
		for _, u := range s.toks[i+1:] {
			text := s.sql[u.start:u.end]
			if u.kind == tokIdent && depth == 0 && limitStops[strings.ToLower(text)] {
				break
			}
			if u.kind != tokPunct {
				continue
			}
			if text == "(" {
				depth++
			} else if text == ")" {
				depth--
			}
			if depth < 0 || text == ";" && depth == 0 {
				break
			}
			if text == "," && depth == 0 {
				return t.start
			}
		}
	}
	return -1
}
