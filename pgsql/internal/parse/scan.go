package parse

import (
	"strconv"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// tokKind classifies a token of our own scanner. The scanner only needs
// to know where tokens start and end, which ones are parameters, and where
// top-level statements end; pgparser does the real lexing.
type tokKind int

const (
	tokIdent  tokKind = iota // keyword or unquoted identifier
	tokQIdent                // "quoted identifier" (also U&"...")
	tokString                // any string literal, including dollar-quoted
	tokNumber
	tokParam // $N
	tokOp    // operator characters
	tokPunct // one character: ( ) , ; [ ] . : and the rest
)

// token is one token of the SQL text, [start, end) in bytes.
type token struct {
	kind       tokKind
	start, end int
	param      int // N for tokParam
}

// scanner splits SQL text into tokens the way PostgreSQL's scan.l does, as
// far as token boundaries go. It reports the lexical errors PostgreSQL
// reports (unterminated literals and comments, zero-length identifiers)
// with their positions, which pgparser v0.2.0 swallows.
type scanner struct {
	src  string
	pos  int
	toks []token
}

// scan tokenises src. On a lexical error it returns a 42601 *pgerr.Error
// whose Position points at the start of the offending token.
func scan(src string) ([]token, *pgerr.Error) {
	s := &scanner{src: src}
	for {
		if err := s.skipSpaceAndComments(); err != nil {
			return nil, err
		}
		if s.pos >= len(s.src) {
			return s.toks, nil
		}
		if err := s.next(); err != nil {
			return nil, err
		}
	}
}

// lexError builds PostgreSQL's lexer error: the message, then the text
// from start to the end of the input as the "near" token, since an
// unterminated token runs to the end.
func (s *scanner) lexError(msg string, start int) *pgerr.Error {
	return pgerr.Syntax("%s at or near \"%s\"", msg, s.src[start:]).WithPosition(s.src, start)
}

// maxOperatorLen caps a run of operator characters. PostgreSQL's limit is
// NAMEDATALEN-1 = 63 bytes after it trims trailing + and - from a run, so
// it accepts "1 +++ 1"; pgparser v0.2.0 does that trimming in time cubic
// in the run's length (seconds for a few thousand characters), so a run
// longer than the limit is refused before it reaches pgparser.
const maxOperatorLen = 63

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentCont(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isOpChar(c byte) bool {
	switch c {
	case '~', '!', '@', '#', '^', '&', '|', '`', '?', '+', '-', '*', '/', '%', '<', '>', '=':
		return true
	}
	return false
}

func (s *scanner) peek(off int) byte {
	if s.pos+off < len(s.src) {
		return s.src[s.pos+off]
	}
	return 0
}

func (s *scanner) skipSpaceAndComments() *pgerr.Error {
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case isSpace(c):
			s.pos++
		case c == '-' && s.peek(1) == '-':
			for s.pos < len(s.src) && s.src[s.pos] != '\n' && s.src[s.pos] != '\r' {
				s.pos++
			}
		case c == '/' && s.peek(1) == '*':
			start := s.pos
			depth := 0
			for {
				if s.pos >= len(s.src) {
					return s.lexError("unterminated /* comment", start)
				}
				if s.src[s.pos] == '/' && s.peek(1) == '*' {
					depth++
					s.pos += 2
				} else if s.src[s.pos] == '*' && s.peek(1) == '/' {
					depth--
					s.pos += 2
					if depth == 0 {
						break
					}
				} else {
					s.pos++
				}
			}
		default:
			return nil
		}
	}
	return nil
}

func (s *scanner) emit(kind tokKind, start int) {
	s.toks = append(s.toks, token{kind: kind, start: start, end: s.pos})
}

// next scans one token starting at s.pos, which is not space.
func (s *scanner) next() *pgerr.Error {
	start := s.pos
	c := s.src[s.pos]
	c1 := s.peek(1)
	switch {
	case (c == 'e' || c == 'E') && c1 == '\'':
		s.pos++
		return s.quoted(start, '\'', true, "unterminated quoted string")
	case (c == 'b' || c == 'B') && c1 == '\'':
		s.pos++
		return s.quoted(start, '\'', false, "unterminated bit string literal")
	case (c == 'x' || c == 'X') && c1 == '\'':
		s.pos++
		return s.quoted(start, '\'', false, "unterminated hexadecimal string literal")
	case (c == 'n' || c == 'N') && c1 == '\'':
		s.pos++
		return s.quoted(start, '\'', false, "unterminated quoted string")
	case (c == 'u' || c == 'U') && c1 == '&' && s.peek(2) == '\'':
		s.pos += 2
		return s.quoted(start, '\'', false, "unterminated quoted string")
	case (c == 'u' || c == 'U') && c1 == '&' && s.peek(2) == '"':
		s.pos += 2
		return s.quotedIdent(start)
	case c == '\'':
		return s.quoted(start, '\'', false, "unterminated quoted string")
	case c == '"':
		return s.quotedIdent(start)
	case c == '$':
		return s.dollar(start)
	case isIdentStart(c):
		for s.pos < len(s.src) && isIdentCont(s.src[s.pos]) {
			s.pos++
		}
		s.emit(tokIdent, start)
	case isDigit(c) || c == '.' && isDigit(c1):
		s.number()
		if err := s.underscores(start); err != nil {
			return err
		}
		s.emit(tokNumber, start)
	case isOpChar(c):
		for s.pos < len(s.src) && isOpChar(s.src[s.pos]) {
			if s.pos > start && (s.src[s.pos] == '-' && s.peek(1) == '-' || s.src[s.pos] == '/' && s.peek(1) == '*') {
				break
			}
			s.pos++
		}
		if s.pos-start > maxOperatorLen {
			return pgerr.Syntax("operator too long at or near \"%s\"", s.src[start:s.pos]).WithPosition(s.src, start)
		}
		s.emit(tokOp, start)
	case c == ':' && (c1 == ':' || c1 == '='):
		s.pos += 2
		s.emit(tokOp, start)
	default:
		s.pos++
		s.emit(tokPunct, start)
	}
	return nil
}

// quoted scans a '...' literal whose opening quote is at s.pos; a doubled
// quote stands for one, and with backslashes set a backslash escapes the
// next byte (E'...'). A literal followed by whitespace containing a
// newline and another quote continues it, as in PostgreSQL.
func (s *scanner) quoted(start int, q byte, backslashes bool, unterminated string) *pgerr.Error {
	s.pos++ // opening quote
	for {
		if s.pos >= len(s.src) {
			return s.lexError(unterminated, start)
		}
		c := s.src[s.pos]
		switch {
		case backslashes && c == '\\':
			s.pos += 2
		case c == q && s.peek(1) == q:
			s.pos += 2
		case c == q:
			s.pos++
			if !s.continuation() {
				s.emit(tokString, start)
				return nil
			}
		default:
			s.pos++
		}
	}
}

// continuation reports whether the literal just closed continues: only
// whitespace with at least one newline, then a quote. It consumes the
// whitespace and the quote when it does.
func (s *scanner) continuation() bool {
	p, newline := s.pos, false
	for p < len(s.src) && isSpace(s.src[p]) {
		newline = newline || s.src[p] == '\n' || s.src[p] == '\r'
		p++
	}
	if newline && p < len(s.src) && s.src[p] == '\'' {
		s.pos = p + 1
		return true
	}
	return false
}

func (s *scanner) quotedIdent(start int) *pgerr.Error {
	s.pos++ // opening quote
	bodyStart := s.pos
	for {
		if s.pos >= len(s.src) {
			return s.lexError("unterminated quoted identifier", start)
		}
		if s.src[s.pos] == '"' {
			if s.peek(1) == '"' {
				s.pos += 2
				continue
			}
			if s.pos == bodyStart {
				return pgerr.Syntax("zero-length delimited identifier at or near \"\"\"\"").WithPosition(s.src, start)
			}
			s.pos++
			s.emit(tokQIdent, start)
			return nil
		}
		s.pos++
	}
}

// dollar scans what starts with '$': a parameter $N, a dollar-quoted
// string $tag$...$tag$, or a lone '$'.
func (s *scanner) dollar(start int) *pgerr.Error {
	if isDigit(s.peek(1)) {
		s.pos++
		for s.pos < len(s.src) && isDigit(s.src[s.pos]) {
			s.pos++
		}
		n, err := strconv.Atoi(s.src[start+1 : s.pos])
		if err != nil || n > 1<<16 {
			return pgerr.Syntax("parameter number too large at or near \"%s\"", s.src[start:s.pos]).WithPosition(s.src, start)
		}
		s.toks = append(s.toks, token{kind: tokParam, start: start, end: s.pos, param: n})
		return nil
	}
	p := start + 1
	if p < len(s.src) && isIdentStart(s.src[p]) {
		for p < len(s.src) && isIdentCont(s.src[p]) && s.src[p] != '$' {
			p++
		}
	}
	if p >= len(s.src) || s.src[p] != '$' {
		s.pos++
		s.emit(tokPunct, start)
		return nil
	}
	delim := s.src[start : p+1]
	s.pos = p + 1
	for {
		if s.pos >= len(s.src) {
			return s.lexError("unterminated dollar-quoted string", start)
		}
		if s.src[s.pos] == '$' && len(s.src)-s.pos >= len(delim) && s.src[s.pos:s.pos+len(delim)] == delim {
			s.pos += len(delim)
			s.emit(tokString, start)
			return nil
		}
		s.pos++
	}
}

// underscores checks the underscores of the number just scanned from
// start: PostgreSQL allows one only between two digits (or after a radix
// prefix, as in 0x_1F), and reads any other as the start of an identifier
// run into the number. pgparser accepts them anywhere ("0_", "1__2").
func (s *scanner) underscores(start int) *pgerr.Error {
	num := s.src[start:s.pos]
	digit := isDigit
	if len(num) > 2 && num[0] == '0' && num[1]|0x20 >= 'b' && num[1]|0x20 <= 'x' && !isDigit(num[1]) {
		digit = func(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }
	}
	for i := 0; i < len(num); i++ {
		if num[i] != '_' {
			continue
		}
		before := i > 0 && (digit(num[i-1]) || i == 2 && !isDigit(num[1]))
		if !before || i+1 >= len(num) || !digit(num[i+1]) {
			end := start + i
			for end < len(s.src) && isIdentCont(s.src[end]) {
				end++
			}
			return pgerr.Syntax("trailing junk after numeric literal at or near \"%s\"", s.src[start:end]).WithPosition(s.src, start)
		}
	}
	return nil
}

// number scans a numeric literal loosely: digits, underscores, radix
// prefixes, one decimal point and an exponent. Malformed numbers are
// pgparser's lexer's to reject.
func (s *scanner) number() {
	if s.src[s.pos] == '0' && (s.peek(1)|0x20 == 'x' || s.peek(1)|0x20 == 'o' || s.peek(1)|0x20 == 'b') {
		s.pos += 2
		for s.pos < len(s.src) && (isDigit(s.src[s.pos]) || s.src[s.pos] == '_' || s.src[s.pos]|0x20 >= 'a' && s.src[s.pos]|0x20 <= 'f') {
			s.pos++
		}
		return
	}
	for s.pos < len(s.src) && (isDigit(s.src[s.pos]) || s.src[s.pos] == '_') {
		s.pos++
	}
	if s.pos < len(s.src) && s.src[s.pos] == '.' && s.peek(1) != '.' {
		s.pos++
		for s.pos < len(s.src) && (isDigit(s.src[s.pos]) || s.src[s.pos] == '_') {
			s.pos++
		}
	}
	if s.pos < len(s.src) && (s.src[s.pos] == 'e' || s.src[s.pos] == 'E') {
		p := s.pos + 1
		if p < len(s.src) && (s.src[p] == '+' || s.src[p] == '-') {
			p++
		}
		if p < len(s.src) && isDigit(s.src[p]) {
			s.pos = p
			for s.pos < len(s.src) && isDigit(s.src[s.pos]) {
				s.pos++
			}
		}
	}
}
