package pgsql

import (
	"strings"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The regular-expression functions of PostgreSQL 15: regexp_replace,
// regexp_match, regexp_matches and regexp_split_to_table (set-returning),
// regexp_split_to_array, regexp_count, regexp_instr, regexp_substr,
// regexp_like and substring(text FROM pattern). Patterns are AREs (see
// regex.go); every function is strict, counts characters, and searches
// repeatedly as PostgreSQL does: after a match at its end, after an empty
// match one character on, an empty match right after another match
// counting too, except to the split functions, which ignore empty matches
// at the start or end of the string or right after a match.

var textArrayType = sqlType{kind: kText, array: true}

// regexFuncArgs is how each function is called: a letter per argument, t
// for text and i for integer, each string one accepted arity.
var regexFuncArgs = map[string][]string{
	"regexp_replace":        {"ttt", "tttt", "ttti", "tttii", "tttiit"},
	"regexp_match":          {"tt", "ttt"},
	"regexp_matches":        {"tt", "ttt"},
	"regexp_split_to_array": {"tt", "ttt"},
	"regexp_split_to_table": {"tt", "ttt"},
	"regexp_count":          {"tt", "tti", "ttit"},
	"regexp_instr":          {"tt", "tti", "ttii", "ttiii", "ttiiit", "ttiiiti"},
	"regexp_substr":         {"tt", "tti", "ttii", "ttiit", "ttiiti"},
	"regexp_like":           {"tt", "ttt"},
	"substring":             {"tt", "ttt"},
}

// regexArgs reads a call's arguments by its signature: strs and ints by
// position; ok is false when no signature fits; null when one is NULL.
func regexArgs(name string, vals []any, types []sqlType) (strs []string, ints []int64, null, ok bool, err error) {
	var sig string
	for _, a := range regexFuncArgs[name] {
		if len(a) != len(vals) {
			continue
		}
		fits := true
		for i, c := range a {
			t := types[i]
			fits = fits && !t.array && (t.kind == kUnknown || c == 't' && t.isText() || c == 'i' && t.isInt() && t.kind != kInt8)
		}
		if fits {
			sig = a
			break
		}
	}
	if sig == "" {
		return nil, nil, false, false, nil
	}
	strs = make([]string, len(vals))
	ints = make([]int64, len(vals))
	for i, c := range sig {
		if vals[i] == nil {
			null = true
			continue
		}
		if c == 'i' {
			x, err := cast(vals[i], types[i], typInt4, false /* explicit */)
			if err != nil {
				return nil, nil, false, true, err
			}
			ints[i] = x.(int64)
			continue
		}
		strs[i] = vals[i].(string)
		if types[i].kind == kBpchar {
			strs[i] = strings.TrimRight(strs[i], " ")
		}
	}
	return strs, ints, null, true, nil
}

// regexFlags reads a flags argument; global reports g, which only the
// functions that allow it (allowGlobal) accept.
func regexFlags(fn, flags string, allowGlobal bool) (opts reOptions, global bool, err error) {
	opts = defaultREOptions()
	for i := 0; i < len(flags); i++ {
		c := flags[i]
		if c == 'g' {
			if !allowGlobal {
				e := pgerr.New("22023", "%s() does not support the \"global\" option", fn)
				if fn == "regexp_match" {
					e.Hint = "Use the regexp_matches function instead."
				}
				return opts, false, e
			}
			global = true
			continue
		}
		ok, err := opts.apply(c)
		if err != nil {
			return opts, false, err
		}
		if !ok {
			_, w := utf8.DecodeRuneInString(flags[i:])
			return opts, false, pgerr.New("22023", "invalid regular expression option: \"%s\"", flags[i:i+w])
		}
	}
	return opts, global, nil
}

// regexMatches is PostgreSQL's search loop over s from byte offset from:
// every match (or the first, unless global), as submatch indexes.
func regexMatches(r *regex, s string, from int, global, ignoreDegenerate bool) [][]int {
	var out [][]int
	prevEnd := from
	for start := from; start <= len(s); {
		m := r.searchFrom(s, start)
		if m == nil {
			break
		}
		if !ignoreDegenerate || m[0] < len(s) && m[1] > prevEnd {
			out = append(out, m)
		}
		prevEnd = m[1]
		if !global {
			break
		}
		start = m[1]
		if m[0] == m[1] {
			if start >= len(s) {
				break
			}
			_, w := utf8.DecodeRuneInString(s[start:])
			start += w
		}
	}
	return out
}

// byteOffset is the byte offset of the 1-based character position pos.
func byteOffset(s string, pos int64) int {
	i := 0
	for n := int64(1); n < pos && i < len(s); n++ {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	if pos > int64(utf8.RuneCountInString(s))+1 {
		return len(s) + 1
	}
	return i
}

// charPos is the 1-based character position of byte offset i.
func charPos(s string, i int) int64 { return int64(utf8.RuneCountInString(s[:i])) + 1 }

// groups is a match's captures as text[] elements: the whole match when
// the pattern has no groups, NULL for a group that took no part.
func groups(s string, m []int) []any {
	if len(m) == 2 {
		return []any{s[m[0]:m[1]]}
	}
	out := make([]any, 0, len(m)/2-1)
	for g := 2; g < len(m); g += 2 {
		if m[g] < 0 {
			out = append(out, nil)
			continue
		}
		out = append(out, s[m[g]:m[g+1]])
	}
	return out
}

func positiveParam(name string, v int64) error {
	if v <= 0 {
		return pgerr.New("22023", "invalid value for parameter \"%s\": %d", name, v)
	}
	return nil
}

func nonNegativeParam(name string, v int64) error {
	if v < 0 {
		return pgerr.New("22023", "invalid value for parameter \"%s\": %d", name, v)
	}
	return nil
}

// regexFunc computes the scalar regular-expression functions; ok is
// false for a name and arguments it does not take.
func regexFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	if v, t, ok, err := similarFunc(name, vals, types); ok { // similar.go
		return v, t, ok, err
	}
	if _, known := regexFuncArgs[name]; !known || name == "regexp_matches" || name == "regexp_split_to_table" {
		return nil, typUnknown, false, nil
	}
	strs, ints, null, ok, err := regexArgs(name, vals, types)
	if !ok || err != nil {
		return nil, typUnknown, ok, err
	}
	switch name {
	case "regexp_match", "regexp_split_to_array":
		t = textArrayType
	case "regexp_count", "regexp_instr":
		t = typInt4
	case "regexp_like":
		t = typBool
	default:
		t = typText
	}
	if null {
		return nil, t, true, nil
	}
	n := len(vals)
	s, pattern := strs[0], strs[1]
	switch name {
	case "substring":
		if n == 3 {
			v, err := similarSubstring(s, pattern, strs[2]) // similar.go
			return v, t, true, err
		}
		r, err := compileARE(pattern, defaultREOptions())
		if err != nil {
			return nil, t, true, err
		}
		m := r.searchFrom(s, 0)
		switch {
		case m == nil:
			return nil, t, true, nil
		case len(m) == 2:
			return s[m[0]:m[1]], t, true, nil
		case m[2] < 0:
			return nil, t, true, nil
		}
		return s[m[2]:m[3]], t, true, nil
	case "regexp_replace":
		return regexpReplace(strs, ints, n, types)
	case "regexp_match", "regexp_split_to_array", "regexp_like":
		flags := ""
		if n == 3 {
			flags = strs[2]
		}
		opts, _, err := regexFlags(name, flags, false)
		if err != nil {
			return nil, t, true, err
		}
		r, err := compileARE(pattern, opts)
		if err != nil {
			return nil, t, true, err
		}
		switch name {
		case "regexp_like":
			return r.searchFrom(s, 0) != nil, t, true, nil
		case "regexp_match":
			m := r.searchFrom(s, 0)
			if m == nil {
				return nil, t, true, nil
			}
			return groups(s, m), t, true, nil
		}
		return regexSplit(r, s), t, true, nil
	}
	// regexp_count, regexp_instr, regexp_substr
	start, nth, endOpt, sub, flags := int64(1), int64(1), int64(0), int64(0), ""
	if n > 2 {
		start = ints[2]
		if err := positiveParam("start", start); err != nil {
			return nil, t, true, err
		}
	}
	switch name {
	case "regexp_count":
		if n > 3 {
			flags = strs[3]
		}
	case "regexp_instr":
		if n > 3 {
			nth = ints[3]
		}
		if n > 4 {
			endOpt = ints[4]
		}
		if n > 5 {
			flags = strs[5]
		}
		if n > 6 {
			sub = ints[6]
		}
	case "regexp_substr":
		if n > 3 {
			nth = ints[3]
		}
		if n > 4 {
			flags = strs[4]
		}
		if n > 5 {
			sub = ints[5]
		}
	}
	if err := positiveParam("n", nth); err != nil {
		return nil, t, true, err
	}
	if err := nonNegativeParam("endoption", endOpt); err != nil {
		return nil, t, true, err
	}
	if err := nonNegativeParam("subexpr", sub); err != nil {
		return nil, t, true, err
	}
	opts, _, err := regexFlags(name, flags, false)
	if err != nil {
		return nil, t, true, err
	}
	r, err := compileARE(pattern, opts)
	if err != nil {
		return nil, t, true, err
	}
	from := byteOffset(s, start)
	if from > len(s) {
		if name == "regexp_count" {
			return int64(0), t, true, nil
		}
		if name == "regexp_instr" {
			return int64(0), t, true, nil
		}
		return nil, t, true, nil
	}
	ms := regexMatches(r, s, from, true /* global */, false /* ignoreDegenerate */)
	if name == "regexp_count" {
		return int64(len(ms)), t, true, nil
	}
	if int64(len(ms)) < nth || sub > int64(r.numGroups()) {
		if name == "regexp_instr" {
			return int64(0), t, true, nil
		}
		return nil, t, true, nil
	}
	m := ms[nth-1]
	lo, hi := m[2*sub], m[2*sub+1]
	if lo < 0 {
		if name == "regexp_instr" {
			return int64(0), t, true, nil
		}
		return nil, t, true, nil
	}
	if name == "regexp_substr" {
		return s[lo:hi], t, true, nil
	}
	if endOpt > 0 {
		return charPos(s, hi), t, true, nil
	}
	return charPos(s, lo), t, true, nil
}

// regexpReplace is regexp_replace(source, pattern, replacement [, start
// [, N]] [, flags]).
func regexpReplace(strs []string, ints []int64, n int, types []sqlType) (any, sqlType, bool, error) {
	s, pattern, repl := strs[0], strs[1], strs[2]
	start, nth, flags := int64(1), int64(0), ""
	switch {
	case n == 4 && (types[3].isText() || types[3].kind == kUnknown):
		flags = strs[3]
	case n >= 4:
		start = ints[3]
		if err := positiveParam("start", start); err != nil {
			return nil, typText, true, err
		}
		if n >= 5 {
			nth = ints[4]
			if err := nonNegativeParam("n", nth); err != nil {
				return nil, typText, true, err
			}
		}
		if n == 6 {
			flags = strs[5]
		}
	}
	opts, global, err := regexFlags("regexp_replace", flags, true)
	if err != nil {
		return nil, typText, true, err
	}
	if n >= 5 {
		global = nth == 0
	}
	r, err := compileARE(pattern, opts)
	if err != nil {
		return nil, typText, true, err
	}
	from := byteOffset(s, start)
	if from > len(s) {
		return s, typText, true, nil
	}
	ms := regexMatches(r, s, from, global || nth > 1, false /* ignoreDegenerate */)
	if nth > 1 {
		if int64(len(ms)) < nth {
			return s, typText, true, nil
		}
		ms = ms[nth-1 : nth]
	}
	var b strings.Builder
	pos := 0
	for _, m := range ms {
		b.WriteString(s[pos:m[0]])
		expandReplacement(&b, repl, s, m)
		pos = m[1]
		if b.Len() > maxTextBytes {
			return nil, typText, true, pgerr.New("54000", "requested length too large")
		}
	}
	b.WriteString(s[pos:])
	return b.String(), typText, true, nil
}

// expandReplacement writes repl with \1..\9 and \& replaced by the
// match's groups and \\ by a backslash; any other backslash is itself.
func expandReplacement(b *strings.Builder, repl, s string, m []int) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		d := repl[i+1]
		switch {
		case d >= '1' && d <= '9':
			if g := int(d - '0'); 2*g+1 < len(m) && m[2*g] >= 0 {
				b.WriteString(s[m[2*g]:m[2*g+1]])
			}
			i++
		case d == '&':
			b.WriteString(s[m[0]:m[1]])
			i++
		case d == '\\':
			b.WriteByte('\\')
			i++
		default:
			b.WriteByte('\\')
		}
	}
}

// regexSplit is the pieces of s between the pattern's matches.
func regexSplit(r *regex, s string) []any {
	var out []any
	pos := 0
	for _, m := range regexMatches(r, s, 0, true /* global */, true /* ignoreDegenerate */) {
		out = append(out, s[pos:m[0]])
		pos = m[1]
	}
	return append(out, s[pos:])
}

// regexSetFunc computes regexp_matches and regexp_split_to_table in FROM.
func regexSetFunc(name string, args []any, types []sqlType) ([]any, sqlType, error) {
	t := typText
	if name == "regexp_matches" {
		t = textArrayType
	}
	strs, _, null, ok, err := regexArgs(name, args, types)
	if !ok {
		return nil, t, pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, typeList(types))
	}
	if err != nil || null {
		return nil, t, err
	}
	flags := ""
	if len(strs) == 3 {
		flags = strs[2]
	}
	opts, global, err := regexFlags(name, flags, name == "regexp_matches")
	if err != nil {
		return nil, t, err
	}
	r, err := compileARE(strs[1], opts)
	if err != nil {
		return nil, t, err
	}
	s := strs[0]
	if name == "regexp_split_to_table" {
		return regexSplit(r, s), t, nil
	}
	var out []any
	for _, m := range regexMatches(r, s, 0, global, false /* ignoreDegenerate */) {
		out = append(out, groups(s, m))
	}
	return out, t, nil
}
