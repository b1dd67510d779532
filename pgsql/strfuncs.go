package pgsql

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// More string functions, with PostgreSQL's types and NULL rules:
// format (%s, %I, %L and %%, with argument positions n$, the - flag and
// widths, * included), string_to_array(text, delimiter [, null string]) (a NULL delimiter
// splits into characters, an empty one gives the whole string), to_hex
// of an integer, quote_ident, quote_literal and quote_nullable, encode
// and decode of bytea in hex, base64 and escape, and num_nulls and
// num_nonnulls.

// strFuncNames are strFunc's functions.
var strFuncNames = map[string]bool{"format": true, "string_to_array": true, "to_hex": true, "quote_ident": true, "quote_literal": true,
	"quote_nullable": true, "encode": true, "decode": true, "num_nulls": true, "num_nonnulls": true}

// strFunc computes one of strFuncNames; ok is false for arguments it does
// not take (42883).
func strFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	n := len(vals)
	switch name {
	case "format":
		if n == 0 || !textArg(types[0]) {
			return nil, typText, false, nil
		}
		if vals[0] == nil {
			return nil, typText, true, nil
		}
		out, err := formatFunc(vals[0].(string), vals[1:], types[1:])
		if err != nil {
			return nil, typText, true, err
		}
		return out, typText, true, nil
	case "num_nulls", "num_nonnulls":
		if n == 0 {
			return nil, typInt4, false, nil
		}
		nulls := int64(0)
		for _, v := range vals {
			if v == nil {
				nulls++
			}
		}
		if name == "num_nulls" {
			return nulls, typInt4, true, nil
		}
		return int64(n) - nulls, typInt4, true, nil
	case "string_to_array":
		textArray := sqlType{kind: kText, array: true}
		if n != 2 && n != 3 {
			return nil, textArray, false, nil
		}
		for i := range vals {
			if !textArg(types[i]) {
				return nil, textArray, false, nil
			}
		}
		if vals[0] == nil {
			return nil, textArray, true, nil
		}
		s := vals[0].(string)
		var parts []string
		switch {
		case s == "":
			parts = nil
		case vals[1] == nil:
			for _, r := range s {
				parts = append(parts, string(r))
			}
		case vals[1].(string) == "":
			parts = []string{s}
		default:
			parts = strings.Split(s, vals[1].(string))
		}
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p
			if n == 3 && vals[2] != nil && p == vals[2].(string) {
				out[i] = nil
			}
		}
		return out, textArray, true, nil
	case "to_hex":
		if n != 1 || !types[0].isInt() && types[0].kind != kUnknown {
			return nil, typText, false, nil
		}
		if vals[0] == nil {
			return nil, typText, true, nil
		}
		x, err := cast(vals[0], types[0], typInt8, false)
		if err != nil {
			return nil, typText, true, err
		}
		u := uint64(x.(int64))
		if types[0].kind != kInt8 && types[0].kind != kUnknown {
			u = uint64(uint32(x.(int64))) // to_hex(integer) is of its 32 bits
		}
		return strconv.FormatUint(u, 16), typText, true, nil
	case "quote_ident", "quote_literal", "quote_nullable":
		if n != 1 || !textArg(types[0]) {
			return nil, typText, false, nil
		}
		if vals[0] == nil {
			if name == "quote_nullable" {
				return "NULL", typText, true, nil
			}
			return nil, typText, true, nil
		}
		s := vals[0].(string)
		if name == "quote_ident" {
			return viewIdent(s), typText, true, nil // as PostgreSQL's quote_identifier quotes
		}
		return quoteLiteral(s), typText, true, nil
	case "encode":
		if n != 2 || types[0].kind != kBytea || !textArg(types[1]) {
			return nil, typText, false, nil
		}
		if vals[0] == nil || vals[1] == nil {
			return nil, typText, true, nil
		}
		b := vals[0].([]byte)
		switch strings.ToLower(vals[1].(string)) {
		case "hex":
			return hex.EncodeToString(b), typText, true, nil
		case "base64":
			return base64Lines(base64.StdEncoding.EncodeToString(b)), typText, true, nil
		case "escape":
			var sb strings.Builder
			for _, c := range b {
				switch {
				case c == 0 || c >= 0x80:
					sb.WriteString("\\" + leftPad(strconv.FormatUint(uint64(c), 8), 3))
				case c == '\\':
					sb.WriteString(`\\`)
				default:
					sb.WriteByte(c)
				}
			}
			return sb.String(), typText, true, nil
		}
		return nil, typText, true, pgerr.New(pgerr.InvalidParameterValue, "unrecognized encoding: \"%s\"", vals[1].(string))
	case "decode":
		bytea := sqlType{kind: kBytea}
		if n != 2 || !textArg(types[0]) || !textArg(types[1]) {
			return nil, bytea, false, nil
		}
		if vals[0] == nil || vals[1] == nil {
			return nil, bytea, true, nil
		}
		s := vals[0].(string)
		switch strings.ToLower(vals[1].(string)) {
		case "hex":
			b, err := decodeHex(s)
			if err != nil {
				return nil, bytea, true, err
			}
			return b, bytea, true, nil
		case "base64":
			s = strings.Map(func(r rune) rune {
				if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
					return -1
				}
				return r
			}, s)
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, bytea, true, pgerr.New(pgerr.InvalidParameterValue, "invalid base64 end sequence")
			}
			return b, bytea, true, nil
		}
		return nil, bytea, true, pgerr.Unsupported("decode of " + vals[1].(string))
	}
	return nil, typUnknown, false, nil
}

// base64Lines breaks base64 text into lines of 76 characters, as
// PostgreSQL's encode does.
func base64Lines(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// quoteLiteral is quote_literal: single quotes doubled; a backslash
// doubled too, and the string then written E'...'.
func quoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}

// decodeHex is decode(s, 'hex'): pairs of hexadecimal digits, with
// whitespace allowed between pairs only, as PostgreSQL reads them.
func decodeHex(s string) ([]byte, error) {
	var out []byte
	digit := func(c byte) (byte, error) {
		switch {
		case c >= '0' && c <= '9':
			return c - '0', nil
		case c >= 'a' && c <= 'f':
			return c - 'a' + 10, nil
		case c >= 'A' && c <= 'F':
			return c - 'A' + 10, nil
		}
		return 0, pgerr.New(pgerr.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", string(rune(c)))
	}
	for i := 0; i < len(s); {
		if c := s[i]; c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			i++
			continue
		}
		hi, err := digit(s[i])
		if err != nil {
			return nil, err
		}
		if i+1 >= len(s) {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
		}
		lo, err := digit(s[i+1])
		if err != nil {
			return nil, err
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return out, nil
}

// formatFunc is format(f, args...): each %[n$][-][width]type takes the
// next argument (or the n-th) as its text: s as it is (NULL as nothing),
// I quoted as an identifier (NULL is 22004), L quoted as a literal (NULL
// as NULL); a width pads it, on the right with -. A width of * takes the
// next argument (or *n$ the n-th) as the width, negative meaning -.
func formatFunc(f string, args []any, types []sqlType) (string, error) {
	bad := func(format string, a ...any) *pgerr.Error {
		return pgerr.New(pgerr.InvalidParameterValue, format, a...)
	}
	var b strings.Builder
	next := 0 // the next argument, from 0
	arg := func(pos int) (any, sqlType, error) {
		if pos >= len(args) {
			return nil, typUnknown, bad("too few arguments for format()")
		}
		return args[pos], types[pos], nil
	}
	// number reads digits at f[i:], and whether there were any.
	number := func(i int) (int, int, bool, error) {
		v, j := 0, i
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			v = v*10 + int(f[j]-'0')
			if v > 1<<30 {
				return 0, j, true, bad("number is out of range")
			}
			j++
		}
		return v, j, j > i, nil
	}
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		i++
		if i >= len(f) {
			return "", bad("unterminated format() type specifier")
		}
		if f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		// An argument position n$.
		pos := -1
		if v, j, ok, err := number(i); err != nil {
			return "", err
		} else if ok && j < len(f) && f[j] == '$' {
			if v == 0 {
				return "", bad("format specifies argument 0, but arguments are numbered from 1")
			}
			pos, i = v-1, j+1
		}
		left := false
		for i < len(f) && f[i] == '-' {
			left, i = true, i+1
		}
		width := 0
		if i < len(f) && f[i] == '*' {
			i++
			wpos := next
			if v, j, ok, err := number(i); err != nil {
				return "", err
			} else if ok && j < len(f) && f[j] == '$' {
				if v == 0 {
					return "", bad("format specifies argument 0, but arguments are numbered from 1")
				}
				wpos, i = v-1, j+1
			} else {
				next++
			}
			wv, wt, err := arg(wpos)
			if err != nil {
				return "", err
			}
			if wv != nil {
				x, err := cast(wv, wt, typInt4, false)
				if err != nil {
					return "", err
				}
				width = int(x.(int64))
				if width < 0 {
					left, width = true, -width
				}
			}
			if pos < 0 {
				pos = next
			}
		} else if v, j, ok, err := number(i); err != nil {
			return "", err
		} else if ok {
			width, i = v, j
		}
		if i >= len(f) {
			return "", bad("unterminated format() type specifier")
		}
		typ := f[i]
		if typ != 's' && typ != 'I' && typ != 'L' {
			e := bad("unrecognized format() type specifier \"%c\"", typ)
			e.Hint = `For a single "%" use "%%".`
			return "", e
		}
		if pos < 0 {
			pos = next
		}
		next = pos + 1
		v, t, err := arg(pos)
		if err != nil {
			return "", err
		}
		// The argument's output text, as PostgreSQL's output function
		// writes it (a boolean is t or f).
		text, null := Column{typ: t}.Format(v)
		switch typ {
		case 'I':
			if null {
				return "", pgerr.New("22004", "null values cannot be formatted as an SQL identifier")
			}
			text = viewIdent(text)
		case 'L':
			if null {
				text = "NULL"
			} else {
				text = quoteLiteral(text)
			}
		}
		if width > maxTextBytes {
			return "", pgerr.New("54000", "requested length too large")
		}
		if pad := width - utf8.RuneCountInString(text); pad > 0 {
			if left {
				text += strings.Repeat(" ", pad)
			} else {
				text = strings.Repeat(" ", pad) + text
			}
		}
		b.WriteString(text)
	}
	return b.String(), nil
}
