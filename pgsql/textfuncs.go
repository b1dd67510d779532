package pgsql

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The string functions below follow PostgreSQL 15's: every one is strict
// (a NULL argument gives NULL), counts characters rather than bytes, and
// takes text (varchar and char convert to it, char without its padding)
// and integer, not bigint, counts, as PostgreSQL resolves them.

// textFuncArgs is how each function here is called: a letter per
// argument, t for text and i for integer, each string one accepted arity.
var textFuncArgs = map[string][]string{
	"repeat":      {"ti"},
	"lpad":        {"ti", "tit"},
	"rpad":        {"ti", "tit"},
	"left":        {"ti"},
	"right":       {"ti"},
	"reverse":     {"t"},
	"strpos":      {"tt"},
	"position":    {"tt"},
	"split_part":  {"tti"},
	"initcap":     {"t"},
	"starts_with": {"tt"},
	"md5":         {"t"},
	"ascii":       {"t"},
	"chr":         {"i"},
	"translate":   {"ttt"},
}

// maxTextBytes is the longest text PostgreSQL builds (its largest
// allocation, 1 GB less one byte).
const maxTextBytes = 1<<30 - 1

// textFunc computes one of textFuncArgs' functions; ok is false for
// another name or arguments it does not take.
func textFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	arities, known := textFuncArgs[name]
	if !known {
		return nil, typUnknown, false, nil
	}
	var sig string
	for _, a := range arities {
		if len(a) == len(vals) {
			sig = a
		}
	}
	if sig == "" {
		return nil, typUnknown, false, nil
	}
	strs := make([]string, len(vals))
	ints := make([]int64, len(vals))
	null := false
	for i, c := range sig {
		switch {
		case types[i].kind == kUnknown:
		case c == 't' && types[i].isText():
		case c == 'i' && types[i].isInt() && types[i].kind != kInt8:
		default:
			return nil, typUnknown, false, nil
		}
		if vals[i] == nil {
			null = true
			continue
		}
		if c == 'i' {
			x, err := cast(vals[i], types[i], typInt4, false)
			if err != nil {
				return nil, typUnknown, true, err
			}
			ints[i] = x.(int64)
			continue
		}
		x, err := cast(vals[i], types[i], typText, false)
		if err != nil {
			return nil, typUnknown, true, err
		}
		strs[i] = x.(string)
		if types[i].kind == kBpchar {
			strs[i] = strings.TrimRight(strs[i], " ")
		}
	}
	rt := typText
	switch name {
	case "strpos", "position", "ascii":
		rt = typInt4
	case "starts_with":
		rt = typBool
	}
	if null {
		return nil, rt, true, nil
	}
	v, err = textFuncValue(name, strs, ints)
	return v, rt, true, err
}

func textFuncValue(name string, s []string, n []int64) (any, error) {
	switch name {
	case "repeat":
		if n[1] <= 0 || s[0] == "" {
			return "", nil
		}
		if int64(len(s[0]))*n[1]+4 > maxTextBytes { // with the 4-byte length header
			return nil, pgerr.New("54000", "requested length too large")
		}
		return strings.Repeat(s[0], int(n[1])), nil
	case "lpad", "rpad":
		fill := " "
		if len(s) == 3 {
			fill = s[2]
		}
		return pad(s[0], n[1], fill, name == "lpad")
	case "left", "right":
		r := []rune(s[0])
		k := int64(len(r))
		if n[1] >= 0 {
			k = min(n[1], k)
		} else {
			k = max(k+n[1], 0)
		}
		if name == "left" {
			return string(r[:k]), nil
		}
		return string(r[int64(len(r))-k:]), nil
	case "reverse":
		r := []rune(s[0])
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), nil
	case "strpos", "position":
		i := strings.Index(s[0], s[1])
		if i < 0 {
			return int64(0), nil
		}
		return int64(utf8.RuneCountInString(s[0][:i]) + 1), nil
	case "split_part":
		return splitPart(s[0], s[1], n[2])
	case "initcap":
		return initcap(s[0]), nil
	case "starts_with":
		return strings.HasPrefix(s[0], s[1]), nil
	case "md5":
		sum := md5.Sum([]byte(s[0]))
		return hex.EncodeToString(sum[:]), nil
	case "ascii":
		r, _ := utf8.DecodeRuneInString(s[0])
		if s[0] == "" {
			r = 0
		}
		return int64(r), nil
	case "chr":
		switch {
		case n[0] == 0:
			return nil, pgerr.New("54000", "null character not permitted")
		case n[0] < 0:
			return nil, pgerr.New("22023", "character number must be positive")
		case n[0] > unicode.MaxRune:
			return nil, pgerr.New("54000", "requested character too large for encoding: %d", n[0])
		case n[0] >= 0xD800 && n[0] <= 0xDFFF:
			return nil, pgerr.New("54000", "requested character not valid for encoding: %d", n[0])
		}
		return string(rune(n[0])), nil
	case "translate":
		return translate(s[0], s[1], s[2]), nil
	}
	return nil, pgerr.Unsupported("function " + name)
}

// pad is lpad (left) and rpad: s cut or filled with fill, repeated, to n
// characters; an empty fill cannot fill, so s is only cut.
func pad(s string, n int64, fill string, left bool) (any, error) {
	if n <= 0 {
		return "", nil
	}
	r := []rune(s)
	if int64(len(r)) >= n || fill == "" {
		return string(r[:min(int64(len(r)), n)]), nil
	}
	if n*utf8.UTFMax+4 > maxTextBytes {
		return nil, pgerr.New("54000", "requested length too large")
	}
	f := []rune(fill)
	out := make([]rune, 0, n)
	if !left {
		out = append(out, r...)
	}
	for i := range n - int64(len(r)) {
		out = append(out, f[i%int64(len(f))])
	}
	if left {
		out = append(out, r...)
	}
	return string(out), nil
}

// splitPart returns field n of s split at delim, counting from 1, or
// from the end when n is negative; "" past the last field.
func splitPart(s, delim string, n int64) (any, error) {
	if n == 0 {
		return nil, pgerr.New("22023", "field position must not be zero")
	}
	var fields []string
	switch {
	case s == "":
		return "", nil
	case delim == "":
		fields = []string{s}
	default:
		fields = strings.Split(s, delim)
	}
	if n < 0 {
		n += int64(len(fields)) + 1
		if n <= 0 {
			return "", nil
		}
	}
	if n > int64(len(fields)) {
		return "", nil
	}
	return fields[n-1], nil
}

// initcap makes the first letter of each word upper case and the rest
// lower case; a word is a run of letters and digits.
func initcap(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inWord := false
	for _, r := range s {
		if inWord {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
		inWord = unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return b.String()
}

// translate replaces each character of s found in from by the character
// at the same place in to, or drops it when to is shorter; the first
// occurrence in from counts.
func translate(s, from, to string) string {
	f, t := []rune(from), []rune(to)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		i := -1
		for j, c := range f {
			if c == r {
				i = j
				break
			}
		}
		switch {
		case i < 0:
			b.WriteRune(r)
		case i < len(t):
			b.WriteRune(t[i])
		}
	}
	return b.String()
}
