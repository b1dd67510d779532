package parse

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pgplex/pgparser/parser"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// source is one SQL text prepared for pgparser.
//
// pgparser v0.2.0 does not carry a parameter's number into its ParamRef
// node (the lexer never sets the semantic value for PARAM tokens, so the
// number is whatever integer was lexed last). prepare therefore rewrites
// every $N into a marker, a quoted identifier "<prefix><i>" naming the
// i-th parameter occurrence, and the translator turns a column reference
// to a marker back into an ir.Param with the number and location of that
// occurrence. A marker that ends up anywhere but as a lone column
// reference means the $N stood where PostgreSQL's grammar allows no
// parameter, so Parse reports a syntax error there (see unusedParam).
type source struct {
	sql    string  // the text as given
	toks   []token // our scanner's tokens of sql
	text   string  // sql with parameters replaced by markers
	prefix string  // marker prefix, chosen not to occur in any quoted identifier of sql
	params []paramOcc
	edits  []edit

	trim *[2]bool // trimForms' result, computed on first use
}

// paramOcc is one occurrence of $N in the source.
type paramOcc struct {
	number int
	offset int // byte offset of '$' in sql
	end    int // byte offset just past the last digit
}

// edit records that sql[origStart:origEnd] became text[newStart:newEnd].
type edit struct {
	origStart, origEnd, newStart, newEnd int
}

// prepare validates and scans sql and builds the text handed to pgparser.
func prepare(sql string) (*source, *pgerr.Error) {
	if i := strings.IndexByte(sql, 0); i >= 0 {
		return nil, pgerr.New(pgerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": 0x00")
	}
	if !utf8.ValidString(sql) {
		for i := 0; i < len(sql); {
			r, n := utf8.DecodeRuneInString(sql[i:])
			if r == utf8.RuneError && n == 1 {
				return nil, pgerr.New(pgerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": 0x%02x", sql[i])
			}
			i += n
		}
	}
	toks, err := scan(sql)
	if err != nil {
		return nil, err
	}
	if err := pgLexCheck(sql); err != nil {
		return nil, err
	}
	src := &source{sql: sql, toks: toks, prefix: "$p"}
	for _, t := range toks {
		for t.kind == tokQIdent && strings.Contains(sql[t.start:t.end], src.prefix) {
			src.prefix += "p"
		}
	}
	var b strings.Builder
	last := 0
	for _, t := range toks {
		if t.kind != tokParam {
			continue
		}
		b.WriteString(sql[last:t.start])
		newStart := b.Len()
		b.WriteString(`"` + src.prefix + strconv.Itoa(len(src.params)) + `"`)
		src.edits = append(src.edits, edit{t.start, t.end, newStart, b.Len()})
		src.params = append(src.params, paramOcc{number: t.param, offset: t.start, end: t.end})
		last = t.end
	}
	if len(src.params) == 0 {
		src.text = sql
		return src, nil
	}
	b.WriteString(sql[last:])
	src.text = b.String()
	return src, nil
}

// marker reports whether name is a parameter marker of this source and
// which occurrence it stands for.
func (s *source) marker(name string) (int, bool) {
	if len(s.params) == 0 || !strings.HasPrefix(name, s.prefix) {
		return 0, false
	}
	i, err := strconv.Atoi(name[len(s.prefix):])
	if err != nil || i < 0 || i >= len(s.params) || strconv.Itoa(i) != name[len(s.prefix):] {
		return 0, false
	}
	return i, true
}

// toOrig maps a byte offset in text back to one in sql; an offset inside
// a marker maps to the start of its parameter.
func (s *source) toOrig(p int) int {
	delta := 0
	for _, e := range s.edits {
		if p < e.newStart {
			break
		}
		if p < e.newEnd {
			return e.origStart
		}
		delta = e.newEnd - e.origEnd
	}
	return p - delta
}

// endMark is appended to the text handed to pgparser so that syntaxError
// can tell a failure at the last token from one at end of input: reading
// end of input moves the lexer past the comment, while reading the last
// token leaves it at most one byte (the space, which the lexer's look for a
// string continuation may consume) past the text.
const endMark = " /**/"

// syntaxError turns pgparser's error into PostgreSQL's 42601 with a
// best-effort position. pgparser reports the lexer's offset when the
// grammar failed, which is the end of the token that could not be
// shifted (or, after NOT, WITH, NULLS, WITHOUT and FORMAT, which make the
// lexer look one token ahead, of the token after it). See endMark for how
// end of input is recognised.
func (s *source) syntaxError(err error) *pgerr.Error {
	msg, pos := err.Error(), -1
	if pe, ok := err.(*parser.ParseError); ok {
		pos = pe.Position
	}
	if msg == "" || strings.HasPrefix(msg, "syntax error") {
		msg = "syntax error"
	}
	if pos < 0 {
		return pgerr.Syntax("%s", msg)
	}
	if pos > len(s.text)+1 {
		return pgerr.Syntax("%s at end of input", msg).WithPosition(s.sql, len(s.sql))
	}
	orig := s.toOrig(min(pos, len(s.text)))
	tok := -1
	for i, t := range s.toks {
		if t.end <= orig {
			tok = i
		}
	}
	if tok < 0 {
		return pgerr.Syntax("%s", msg).WithPosition(s.sql, 0)
	}
	t := s.toks[tok]
	return pgerr.Syntax("%s at or near \"%s\"", msg, s.sql[t.start:t.end]).WithPosition(s.sql, t.start)
}

// unusedParam is the syntax error for a parameter occurrence that did not
// become an ir.Param.
func (s *source) unusedParam(i int) *pgerr.Error {
	p := s.params[i]
	return pgerr.Syntax("syntax error at or near \"%s\"", s.sql[p.offset:p.end]).WithPosition(s.sql, p.offset)
}

// hasKeyword reports whether the text holds the keyword kw (lower case)
// outside literals, comments and quoted identifiers.
func (s *source) hasKeyword(kw string) bool {
	for _, tk := range s.toks {
		if tk.kind == tokIdent && strings.EqualFold(s.sql[tk.start:tk.end], kw) {
			return true
		}
	}
	return false
}
