package pgsql

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The json and jsonb types, as PostgreSQL defines them.
//
// A json value is its input text, kept exactly as it came once it is
// checked against PostgreSQL's json grammar (which is RFC 8259's, with
// PostgreSQL's own error details): its Go value is that string, and a
// table stores it as it is.
//
// A jsonb value is normalized: object keys in jsonb's order (shorter keys
// first, then byte-wise), a repeated key keeping its last value, numbers
// as numeric values (printed as numeric prints them: 1e2 is 100, 3.10 stays
// 3.10), strings with their escapes decoded (and \u0000 refused, since
// text cannot hold it), printed with ", " and ": " separators. Its Go
// value is a jsonbText holding that output text, a type of its own so that
// comparisons, DISTINCT and grouping use jsonb's order and equality
// (numbers compare as numerics: 1.0 equals 1) rather than the text's. A
// table stores the text, which reads back to the same value; because the
// engine would compare that text and not the values, a jsonb column
// cannot be in a key or an index (0A000), as an interval column cannot.

var (
	typJSON  = sqlType{kind: kJSON}
	typJSONB = sqlType{kind: kJSONB}
)

// jsonbText is a jsonb value: its normalized output text.
type jsonbText string

// jsonKind is a JSON value's type, in jsonb's sort order between types:
// null < string < number < boolean < array < object.
type jsonKind uint8

const (
	jNull jsonKind = iota
	jString
	jNumber
	jBool
	jArray
	jObject
)

var jsonKindNames = [...]string{"null", "string", "number", "boolean", "array", "object"}

// jsonValue is a parsed JSON value.
type jsonValue struct {
	kind jsonKind
	// str is a string's decoded text, or a number's text as written.
	str string
	// num is a number's value (jsonb only; nil in json mode).
	num *apd.Decimal
	b   bool
	// elems are an array's elements or an object's values, keys the
	// object's keys, parallel to elems.
	elems []*jsonValue
	keys  []string
	// raw is the value's text in the input (json mode only), from its
	// first token to its last.
	raw string
}

// maxJSONDepth bounds nesting, as PostgreSQL's stack depth limit does.
const maxJSONDepth = 6400

// jsonParser reads PostgreSQL's json grammar.
type jsonParser struct {
	s     string
	i     int
	jsonb bool // decode strings (refusing \u0000), read numbers as numerics
	depth int
}

// parseJSON parses s as json (jsonb false: strings and numbers kept as
// written, raw spans recorded) or as jsonb (strings decoded, numbers read,
// objects normalized).
func parseJSON(s string, jsonb bool) (*jsonValue, error) {
	p := &jsonParser{s: s, jsonb: jsonb}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.s) {
		tok, bad := p.token()
		if bad {
			return nil, p.invalidToken(tok)
		}
		return nil, p.syntax("Expected end of input, but found \"%s\".", tok)
	}
	if jsonb {
		normalizeJSON(v)
	}
	return v, nil
}

func (p *jsonParser) syntax(format string, args ...any) *pgerr.Error {
	e := pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type json")
	e.Detail = pgerr.New("", format, args...).Message
	return e
}

func (p *jsonParser) invalidToken(tok string) *pgerr.Error {
	return p.syntax("Token \"%s\" is invalid.", tok)
}

func (p *jsonParser) ended() *pgerr.Error {
	return p.syntax("The input string ended unexpectedly.")
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// wordChar is a character PostgreSQL's lexer reads into a word token.
func wordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// token returns the token at p.i without consuming it, for an error
// message, and whether it is an invalid one.
func (p *jsonParser) token() (string, bool) {
	c := p.s[p.i]
	switch {
	case strings.IndexByte("{}[],:", c) >= 0:
		return string(c), false
	case c == '"':
		return "\"", false // not shown whole; only a string follows "found"
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		_, err := p.number()
		tok := p.s[start:p.i]
		p.i = start
		return tok, err != nil
	}
	j := p.i
	for j < len(p.s) && wordChar(p.s[j]) {
		j++
	}
	if j == p.i {
		_, n := utf8.DecodeRuneInString(p.s[p.i:])
		return p.s[p.i : p.i+n], true
	}
	w := p.s[p.i:j]
	return w, w != "true" && w != "false" && w != "null"
}

// found names the token at p.i for an "Expected ..., but found" message,
// or reports an invalid token or the end of the input.
func (p *jsonParser) found(expected string) *pgerr.Error {
	if p.i >= len(p.s) {
		return p.ended()
	}
	tok, bad := p.token()
	if bad {
		return p.invalidToken(tok)
	}
	if tok == "\"" {
		// A whole string token.
		start := p.i
		if _, err := p.str(); err != nil {
			return err.(*pgerr.Error)
		}
		tok = p.s[start:p.i]
	}
	return p.syntax("Expected %s, but found \"%s\".", expected, tok)
}

func (p *jsonParser) value() (*jsonValue, error) {
	if p.i >= len(p.s) {
		return nil, p.ended()
	}
	start := p.i
	var v *jsonValue
	var err error
	switch c := p.s[p.i]; {
	case c == '{':
		v, err = p.object()
	case c == '[':
		v, err = p.array()
	case c == '"':
		var s string
		s, err = p.str()
		v = &jsonValue{kind: jString, str: s}
	case c == '-' || c >= '0' && c <= '9':
		v, err = p.numberValue()
	default:
		tok, bad := p.token()
		if bad {
			return nil, p.invalidToken(tok)
		}
		switch tok {
		case "true", "false":
			v = &jsonValue{kind: jBool, b: tok == "true"}
		case "null":
			v = &jsonValue{kind: jNull}
		default:
			return nil, p.syntax("Expected JSON value, but found \"%s\".", tok)
		}
		p.i += len(tok)
	}
	if err != nil {
		return nil, err
	}
	if !p.jsonb {
		v.raw = p.s[start:p.i]
	}
	return v, nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		e := pgerr.New("54001", "stack depth limit exceeded")
		e.Hint = "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate."
		return e
	}
	return nil
}

func (p *jsonParser) object() (*jsonValue, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.i++ // {
	v := &jsonValue{kind: jObject}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return v, nil
	}
	for first := true; ; first = false {
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			if first {
				return nil, p.found("string or \"}\"")
			}
			return nil, p.found("string")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.found("\":\"")
		}
		p.i++
		p.skipSpace()
		if p.i < len(p.s) && (p.s[p.i] == '}' || p.s[p.i] == ']' || p.s[p.i] == ',' || p.s[p.i] == ':') {
			return nil, p.found("JSON value")
		}
		e, err := p.value()
		if err != nil {
			return nil, err
		}
		v.keys, v.elems = append(v.keys, k), append(v.elems, e)
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return v, nil
		}
		return nil, p.found("\",\" or \"}\"")
	}
}

func (p *jsonParser) array() (*jsonValue, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.i++ // [
	v := &jsonValue{kind: jArray}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return v, nil
	}
	for first := true; ; first = false {
		p.skipSpace()
		if p.i < len(p.s) && (p.s[p.i] == '}' || p.s[p.i] == ']' || p.s[p.i] == ',' || p.s[p.i] == ':') {
			if first {
				return nil, p.found("array element or \"]\"")
			}
			return nil, p.found("JSON value")
		}
		e, err := p.value()
		if err != nil {
			return nil, err
		}
		v.elems = append(v.elems, e)
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return v, nil
		}
		return nil, p.found("\",\" or \"]\"")
	}
}

// number scans a number token, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?,
// with any word characters that follow it (which make it invalid).
func (p *jsonParser) number() (string, error) {
	start := p.i
	s := p.s
	i := p.i
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	ok := true
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		ok = false
	}
	if ok && i < len(s) && s[i] == '.' {
		i++
		ok = digits() > 0
	}
	if ok && i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ok = digits() > 0
	}
	for i < len(s) && wordChar(s[i]) {
		i++
		ok = false
	}
	if i == start+1 && s[start] == '-' && ok {
		ok = false
	}
	p.i = i
	if !ok {
		return "", p.invalidToken(s[start:i]) // 1., 1e, -, 01, 1x
	}
	return s[start:i], nil
}

func (p *jsonParser) numberValue() (*jsonValue, error) {
	tok, err := p.number()
	if err != nil {
		return nil, err
	}
	v := &jsonValue{kind: jNumber, str: tok}
	if p.jsonb {
		if v.num, err = jsonNumeric(tok); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// jsonNumeric reads a number token as numeric does: 22003 past numeric's
// range (131072 digits before the point, 16383 after it).
func jsonNumeric(tok string) (*apd.Decimal, error) {
	d, _, err := apd.NewFromString(tok)
	if err != nil {
		return nil, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type numeric: %q", tok)
	}
	if d.IsZero() {
		// 0e10 is 0 and 0e-3 is 0.000: numeric keeps the scale only.
		if d.Exponent > 0 {
			d.Exponent = 0
		}
		d.Negative = false
	}
	if !d.IsZero() && int64(d.NumDigits())+int64(d.Exponent) > 131072 || d.Exponent < -16383 {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return d, nil
}

// str reads a string token and returns its decoded text. json mode
// checks only the escapes' form, as json's input does: \u0000 and a lone
// surrogate pass (decoded as U+0000 and U+FFFD).
func (p *jsonParser) str() (string, error) {
	s := p.s
	i := p.i + 1
	var b strings.Builder
	plain := i
	for {
		if i >= len(s) {
			p.i = i
			return "", p.ended()
		}
		c := s[i]
		switch {
		case c == '"':
			b.WriteString(s[plain:i])
			p.i = i + 1
			return b.String(), nil
		case c < 0x20:
			p.i = i
			return "", p.syntax("Character with value 0x%02x must be escaped.", c)
		case c != '\\':
			i++
			continue
		}
		// An escape.
		b.WriteString(s[plain:i])
		if i+1 >= len(s) {
			p.i = i + 1
			return "", p.ended()
		}
		e := s[i+1]
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n, err := p.unicodeEscape(i)
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
			i += n
			plain = i
			continue
		default:
			_, n := utf8.DecodeRuneInString(s[i+1:])
			p.i = i
			return "", p.syntax("Escape sequence \"\\%s\" is invalid.", s[i+1:i+1+n])
		}
		i += 2
		plain = i
	}
}

// hex4 reads four hex digits at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		d, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// unicodeEscape reads \uXXXX at s[i:] (and the low surrogate after a high
// one): the rune and the bytes read. json mode checks only the digits.
func (p *jsonParser) unicodeEscape(i int) (rune, int, error) {
	s := p.s
	r, ok := hex4(s, i+2)
	if !ok {
		p.i = i
		return 0, 0, p.syntax("\"\\u\" must be followed by four hexadecimal digits.")
	}
	switch {
	case !p.jsonb:
		if utf16.IsSurrogate(r) && r < 0xdc00 && i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			if lo, ok := hex4(s, i+8); ok && lo >= 0xdc00 && lo <= 0xdfff {
				return utf16.DecodeRune(r, lo), 12, nil
			}
		}
		return r, 6, nil
	case r == 0:
		e := pgerr.New("22P05", "unsupported Unicode escape sequence")
		e.Detail = `\u0000 cannot be converted to text.`
		return 0, 0, e
	case utf16.IsSurrogate(r) && r < 0xdc00:
		if i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			lo, ok := hex4(s, i+8)
			if !ok {
				return 0, 0, p.syntax("\"\\u\" must be followed by four hexadecimal digits.")
			}
			if lo >= 0xdc00 && lo <= 0xdfff {
				return utf16.DecodeRune(r, lo), 12, nil
			}
			if lo >= 0xd800 && lo < 0xdc00 {
				return 0, 0, p.syntax("Unicode high surrogate must not follow a high surrogate.")
			}
		}
		return 0, 0, p.syntax("Unicode low surrogate must follow a high surrogate.")
	case utf16.IsSurrogate(r):
		return 0, 0, p.syntax("Unicode low surrogate must follow a high surrogate.")
	}
	return r, 6, nil
}

// normalizeJSON puts v's objects in jsonb's form: keys ordered shorter
// first, then byte-wise, each key once with its last value.
func normalizeJSON(v *jsonValue) {
	for _, e := range v.elems {
		normalizeJSON(e)
	}
	if v.kind != jObject || len(v.keys) == 0 {
		return
	}
	idx := make([]int, len(v.keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return compareJSONKeys(v.keys[a], v.keys[b]) })
	keys := make([]string, 0, len(idx))
	elems := make([]*jsonValue, 0, len(idx))
	for n, i := range idx {
		if n+1 < len(idx) && v.keys[idx[n+1]] == v.keys[i] {
			continue // a later duplicate wins
		}
		keys, elems = append(keys, v.keys[i]), append(elems, v.elems[i])
	}
	v.keys, v.elems = keys, elems
}

// compareJSONKeys is jsonb's key order: length, then bytes.
func compareJSONKeys(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// appendJSONString appends s quoted and escaped as PostgreSQL's
// escape_json writes it.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// numericText prints a numeric as numeric's output does.
func numericText(d *apd.Decimal) string {
	if d.IsZero() && d.Negative {
		d = new(apd.Decimal).Neg(d)
	}
	return d.Text('f')
}

// appendJSONB appends v's jsonb output text.
func appendJSONB(b []byte, v *jsonValue) []byte {
	switch v.kind {
	case jNull:
		return append(b, "null"...)
	case jBool:
		return strconv.AppendBool(b, v.b)
	case jNumber:
		if v.num == nil {
			return append(b, v.str...)
		}
		return append(b, numericText(v.num)...)
	case jString:
		return appendJSONString(b, v.str)
	case jArray:
		b = append(b, '[')
		for i, e := range v.elems {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSONB(b, e)
		}
		return append(b, ']')
	}
	b = append(b, '{')
	for i, e := range v.elems {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendJSONString(b, v.keys[i])
		b = append(b, ": "...)
		b = appendJSONB(b, e)
	}
	return append(b, '}')
}

// jsonbOf returns v's jsonb text.
func jsonbOf(v *jsonValue) jsonbText { return jsonbText(appendJSONB(nil, v)) }

// parseJSONText reads s as a value of json (the string, checked) or jsonb
// (a jsonbText).
func parseJSONText(t sqlType, s string) (any, error) {
	if t.kind == kJSON {
		if _, err := parseJSON(s, false); err != nil {
			return nil, err
		}
		return s, nil
	}
	v, err := parseJSON(s, true)
	if err != nil {
		return nil, err
	}
	return jsonbOf(v), nil
}

// asJSONB parses a jsonb value, as evaluated (jsonbText) or as a table
// stores it (its text).
func asJSONB(v any) (*jsonValue, error) {
	switch x := v.(type) {
	case jsonbText:
		return parseJSON(string(x), true)
	case string:
		return parseJSON(x, true)
	}
	return nil, pgerr.New(pgerr.InternalError, "jsonb value of Go type %T", v)
}

// mustJSONB parses a jsonb value known to be valid: its own output.
func mustJSONB(v any) *jsonValue {
	j, err := asJSONB(v)
	if err != nil {
		panic("pgsql: a stored jsonb value does not parse: " + err.Error())
	}
	return j
}

// compareJSONB is jsonb's btree order (PostgreSQL's
// compareJsonbContainers): values of different types by type; arrays by
// length, a top-level scalar before an array of the same length (so an
// empty array sorts before a scalar), then element by element; objects
// by their number of pairs, then key, value, key, value in key order;
// numbers as numerics, strings byte-wise, false before true.
func compareJSONB(a, b *jsonValue, top bool) int {
	// A top-level scalar is, in jsonb, a one-element "raw scalar" array,
	// which sorts before a plain array of as many elements.
	if top && a.kind < jArray && b.kind == jArray {
		if len(b.elems) == 0 {
			return 1
		}
		return -1
	}
	if top && b.kind < jArray && a.kind == jArray {
		if len(a.elems) == 0 {
			return -1
		}
		return 1
	}
	if a.kind != b.kind {
		if a.kind < b.kind {
			return -1
		}
		return 1
	}
	switch a.kind {
	case jNull:
		return 0
	case jString:
		return strings.Compare(a.str, b.str)
	case jNumber:
		return a.num.Cmp(b.num)
	case jBool:
		switch {
		case a.b == b.b:
			return 0
		case !a.b:
			return -1
		}
		return 1
	case jArray:
		if len(a.elems) != len(b.elems) {
			return sign(len(a.elems) - len(b.elems))
		}
		for i := range a.elems {
			if c := compareJSONB(a.elems[i], b.elems[i], false); c != 0 {
				return c
			}
		}
		return 0
	}
	if len(a.elems) != len(b.elems) {
		return sign(len(a.elems) - len(b.elems))
	}
	for i := range a.elems {
		if c := strings.Compare(a.keys[i], b.keys[i]); c != 0 {
			return c
		}
		if c := compareJSONB(a.elems[i], b.elems[i], false); c != 0 {
			return c
		}
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// compareJSONBValues orders two jsonb values as evaluated or stored.
func compareJSONBValues(a, b any) int {
	return compareJSONB(mustJSONB(a), mustJSONB(b), true)
}

// jsonbKey is a jsonb value's identity for grouping and DISTINCT: equal
// values (1 and 1.0 among them) give equal keys.
func jsonbKey(v any) string {
	return string(appendJSONBKey(nil, mustJSONB(v)))
}

func appendJSONBKey(b []byte, v *jsonValue) []byte {
	switch v.kind {
	case jNumber:
		r := new(apd.Decimal)
		r.Reduce(v.num)
		return append(append(append(b, 'n'), r.Text('E')...), ';')
	case jArray, jObject:
		b = append(b, "ao"[v.kind-jArray], '(')
		b = strconv.AppendInt(b, int64(len(v.elems)), 10)
		for i, e := range v.elems {
			if v.kind == jObject {
				b = appendJSONString(b, v.keys[i])
			}
			b = appendJSONBKey(b, e)
		}
		return append(b, ')')
	}
	return appendJSONB(b, v)
}
