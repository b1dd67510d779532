package pgsql

import (
	"strings"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// SIMILAR TO. PostgreSQL's grammar turns x [NOT] SIMILAR TO p [ESCAPE e]
// into x ~ similar_to_escape(p [, e]) (or !~), and so does reldb's; the
// function translates SQL's pattern into an ARE exactly as PostgreSQL's
// similar_escape does: anchored at both ends, % as .*, _ as ., ( as a
// non-capturing group, \ . ^ $ quoted, brackets copied, and the escape
// character (\ unless ESCAPE says otherwise, none for ESCAPE '') quoting
// what follows it; two escape-double-quote separators (#" with ESCAPE
// '#') split the pattern into the three parts substring(x SIMILAR p
// ESCAPE e) reads: the first matching as little as it can, the second,
// which it returns, as much as it can.

// similarParts translates a SIMILAR TO pattern: its parts as ARE text,
// split at the escape-double-quote separators (at most two).
func similarParts(pattern string, esc string, hasEsc bool) ([]string, error) {
	if hasEsc && utf8.RuneCountInString(esc) > 1 {
		e := pgerr.New("22025", "invalid escape string")
		e.Hint = "Escape string must be empty or one character."
		return nil, e
	}
	escRune := '\\'
	if hasEsc {
		escRune = -1
		if esc != "" {
			escRune, _ = utf8.DecodeRuneInString(esc)
		}
	}
	var parts []string
	var b strings.Builder
	afterEscape, inClass := false, false
	for _, c := range pattern {
		switch {
		case afterEscape:
			if c == '"' && !inClass {
				if len(parts) == 2 {
					return nil, pgerr.New("2200C", "SQL regular expression may not contain more than two escape-double-quote separators")
				}
				parts = append(parts, b.String())
				b.Reset()
			} else {
				b.WriteByte('\\')
				b.WriteRune(c)
			}
			afterEscape = false
		case c == escRune:
			afterEscape = true
		case inClass:
			if c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
			if c == ']' {
				inClass = false
			}
		case c == '[':
			b.WriteRune(c)
			inClass = true
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteByte('.')
		case c == '(':
			b.WriteString("(?:")
		case c == '\\' || c == '.' || c == '^' || c == '$':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return append(parts, b.String()), nil
}

// similarRegex joins the parts as PostgreSQL's similar_to_escape does.
func similarRegex(parts []string) string {
	var b strings.Builder
	b.WriteString("^(?:")
	for i, p := range parts {
		switch i {
		case 1:
			b.WriteString("){1,1}?(")
		case 2:
			b.WriteString("){1,1}(?:")
		}
		b.WriteString(p)
	}
	b.WriteString(")$")
	return b.String()
}

// similarFunc is similar_to_escape(pattern [, escape]) and its older name
// similar_escape; ok is false for another name or arguments.
func similarFunc(name string, vals []any, types []sqlType) (any, sqlType, bool, error) {
	if name != "similar_to_escape" && name != "similar_escape" || len(vals) < 1 || len(vals) > 2 {
		return nil, typUnknown, false, nil
	}
	for _, t := range types {
		if !t.isText() && t.kind != kUnknown || t.array {
			return nil, typUnknown, false, nil
		}
	}
	if vals[0] == nil || len(vals) == 2 && vals[1] == nil && name == "similar_to_escape" {
		return nil, typText, true, nil
	}
	esc, hasEsc := "", len(vals) == 2 && vals[1] != nil
	if hasEsc {
		esc = vals[1].(string)
	}
	parts, err := similarParts(vals[0].(string), esc, hasEsc)
	if err != nil {
		return nil, typText, true, err
	}
	return similarRegex(parts), typText, true, nil
}

// similarSubstring is substring(s SIMILAR pattern ESCAPE esc): with
// separators the middle part of the match, the first part as short and
// the middle as long as they can be; else all of s if it matches; NULL
// when nothing matches.
func similarSubstring(s, pattern, esc string) (any, error) {
	parts, err := similarParts(pattern, esc, true)
	if err != nil {
		return nil, err
	}
	whole := func(p string) (*regex, error) { return compileARE("^(?:"+p+")$", defaultREOptions()) }
	if len(parts) == 1 {
		r, err := whole(parts[0])
		if err != nil || !r.re.MatchString(s) {
			return nil, err
		}
		return s, nil
	}
	res := make([]*regex, len(parts))
	for i, p := range parts {
		if res[i], err = whole(p); err != nil {
			return nil, err
		}
	}
	if !regexMatch(similarRegex(parts), s) {
		return nil, nil
	}
	// The match exists: find its split, the first part shortest.
	bounds := []int{}
	for i := range s {
		bounds = append(bounds, i)
	}
	bounds = append(bounds, len(s))
	for _, k := range bounds {
		if !res[0].re.MatchString(s[:k]) {
			continue
		}
		if len(parts) == 2 {
			if res[1].re.MatchString(s[k:]) {
				return s[k:], nil
			}
			continue
		}
		for x := len(bounds) - 1; x >= 0 && bounds[x] >= k; x-- {
			j := bounds[x]
			if res[1].re.MatchString(s[k:j]) && res[2].re.MatchString(s[j:]) {
				return s[k:j], nil
			}
		}
	}
	return nil, nil
}

// regexMatch reports whether the ARE pattern, which must compile, matches s.
func regexMatch(pattern, s string) bool {
	r, err := compileARE(pattern, defaultREOptions())
	return err == nil && r.re.MatchString(s)
}
