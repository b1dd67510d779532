package pgsql

import (
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Arrays are one-dimensional. They are the right side of ANY and ALL:
// x = ANY(ARRAY[1, 2]), x = ANY($1) with a Go slice or an array literal's
// text such as lib/pq's pq.Array sends, and x = ANY($1::bigint[]) as sqlc
// writes it; values in expressions (below); the catalog's array
// columns; and table columns (arraycol.go).

// quantifiedArray is x op ANY / ALL (array).
func (ev *evaluator) quantifiedArray(e *ir.Quantified) (any, sqlType, error) {
	l, lt, err := ev.eval(e.Left)
	if err != nil {
		return nil, typBool, err
	}
	if set := ev.anySet(e); set != nil {
		if r, ok := set.test(l, lt); ok {
			return r, typBool, nil
		}
	}
	elems, et, null, err := ev.arrayOperand(e.Array)
	if err != nil || null {
		return nil, typBool, err
	}
	return quantify(e, l, lt, slices.Values(elems), et)
}

// quantify is l op ANY / ALL (vals), values of type et: true, false or
// NULL as the comparisons combine under SQL's three-valued logic. It
// serves both the array and the subquery forms.
func quantify(e *ir.Quantified, l any, lt sqlType, vals iter.Seq[any], et sqlType) (any, sqlType, error) {
	all := e.Quant == ir.All
	sawNull := false
	for v := range vals {
		r, _, err := binary(e.Op, l, lt, v, et)
		if err != nil {
			return nil, typBool, err
		}
		b, ok := r.(bool)
		switch {
		case r == nil:
			sawNull = true
		case !ok:
			return nil, typBool, pgerr.New(pgerr.DatatypeMismatch, "op ANY/ALL (array) requires operator to yield boolean")
		case b != all:
			return b, typBool, nil
		}
	}
	if sawNull {
		return nil, typBool, nil
	}
	return all, typBool, nil
}

// anySet is the values of the array of x = ANY ($n), made once per
// statement: a query that tests every row against a parameter array of a
// thousand ids compared each row with each id, one interpreted comparison
// at a time.
type anySet struct {
	et      sqlType
	ints    map[int64]struct{}
	strs    map[string]struct{}
	sawNull bool // the array has a NULL element
}

// anySet returns e's value set, or nil when e is not = ANY over a
// parameter array of integers or text.
func (ev *evaluator) anySet(e *ir.Quantified) *anySet {
	if e.Op != "=" || e.Quant != ir.Any || ev.q == nil {
		return nil
	}
	if _, ok := e.Array.(*ir.Param); !ok {
		return nil
	}
	if set, ok := ev.q.anySets[e]; ok {
		return set
	}
	var set *anySet
	elems, et, null, err := ev.arrayOperand(e.Array)
	if err == nil && !null && (et.isInt() || et.isText()) {
		set = &anySet{et: et}
		if et.isInt() {
			set.ints = make(map[int64]struct{}, len(elems))
		} else {
			set.strs = make(map[string]struct{}, len(elems))
		}
		for _, v := range elems {
			switch v := v.(type) {
			case nil:
				set.sawNull = true
			case int64:
				if set.ints == nil {
					set = nil
				} else {
					set.ints[v] = struct{}{}
				}
			case string:
				if set.strs == nil {
					set = nil
				} else {
					set.strs[v] = struct{}{}
				}
			default:
				set = nil
			}
			if set == nil {
				break
			}
		}
	}
	if ev.q.anySets == nil {
		ev.q.anySets = map[*ir.Quantified]*anySet{}
	}
	ev.q.anySets[e] = set
	return set
}

// test gives l = ANY (the set) with SQL's NULL rules, or false for ok
// when l is of a type the set cannot answer for (binary then decides).
func (set *anySet) test(l any, lt sqlType) (r any, ok bool) {
	if l == nil {
		return nil, true
	}
	found := false
	switch v := l.(type) {
	case int64:
		if set.ints == nil || !lt.isInt() {
			return nil, false
		}
		_, found = set.ints[v]
	case string:
		if set.strs == nil || !lt.isText() {
			return nil, false
		}
		_, found = set.strs[v]
	default:
		return nil, false
	}
	switch {
	case found:
		return true, true
	case set.sawNull:
		return nil, true
	}
	return false, true
}

// arrayOperand evaluates the array of ANY / ALL: its elements and their
// type, or null for a NULL array.
func (ev *evaluator) arrayOperand(x ir.Expr) (elems []any, et sqlType, null bool, err error) {
	switch x := x.(type) {
	case *ir.Array:
		for _, el := range x.Elems {
			v, t, err := ev.eval(el)
			if err != nil {
				return nil, et, false, err
			}
			if et, err = commonType(et, t, "ARRAY"); err != nil {
				return nil, et, false, err
			}
			elems = append(elems, v)
		}
		for i, v := range elems {
			if elems[i], err = cast(v, typeOfValue(v, et), et, false); err != nil {
				return nil, et, false, err
			}
		}
		return elems, et, false, nil
	case *ir.Cast:
		if x.Type.ArrayDims != 1 {
			break
		}
		scalar := x.Type
		scalar.ArrayDims = 0
		to, err := typeOf(scalar)
		if err != nil {
			return nil, to, false, err
		}
		elems, et, null, err := ev.arrayOperand(x.Arg)
		if err != nil || null {
			return nil, to, null, err
		}
		for i, v := range elems {
			if elems[i], err = cast(v, et, to, true); err != nil {
				return nil, to, false, err
			}
		}
		return elems, to, false, nil
	case *ir.Param:
		if x.Number > len(ev.params) {
			break // ev.eval reports it
		}
		arg := ev.params[x.Number-1]
		if ta, ok := arg.(typedArg); ok {
			arg = ta.v
		}
		switch v := arg.(type) {
		case nil:
			return nil, typUnknown, true, nil
		case string:
			elems, err := parseArrayText(v)
			return elems, typUnknown, false, err
		case []any:
			return arrayParam(v)
		}
		return nil, typUnknown, false, pgerr.New(pgerr.DatatypeMismatch, "ANY/ALL of parameter $%d of type %T: want a slice or an array literal", x.Number, arg)
	case *ir.Const:
		if x.Kind == ir.ConstNull {
			return nil, typUnknown, true, nil
		}
		if x.Kind == ir.ConstString {
			elems, err := parseArrayText(x.Value)
			return elems, typUnknown, false, err
		}
	}
	v, t, err := ev.eval(x)
	if err != nil {
		return nil, t, false, err
	}
	if v == nil {
		return nil, t, true, nil
	}
	if elems, ok := v.([]any); ok && t.array {
		t.array = false
		return elems, t, false, nil
	}
	return nil, t, false, pgerr.New(pgerr.DatatypeMismatch, "op ANY/ALL (array) requires array on right side")
}

// typeOfValue returns t for a value of t's family, and the unknown type
// for an untyped string (as from a literal), for cast.
func typeOfValue(v any, t sqlType) sqlType {
	if _, ok := v.(string); ok && !t.isText() {
		return typUnknown
	}
	return t
}

// arrayParam types a slice parameter's elements by their Go type; a NULL
// element is allowed, mixed types are not.
func arrayParam(v []any) ([]any, sqlType, bool, error) {
	et := typUnknown
	for _, x := range v {
		var t sqlType
		switch x.(type) {
		case nil:
			continue
		case int64:
			t = typInt8
		case float64:
			t = typFloat8
		case string:
			t = typUnknown
		case bool:
			t = typBool
		case []byte:
			t = sqlType{kind: kBytea}
		case time.Time:
			t = typTimestamptz
		case *apd.Decimal:
			t = typNumeric
		default:
			return nil, et, false, pgerr.New(pgerr.DatatypeMismatch, "unsupported array element type %T", x)
		}
		if et.kind != kUnknown && t.kind != et.kind {
			return nil, et, false, pgerr.New(pgerr.DatatypeMismatch, "array elements of types %s and %s", et, t)
		}
		et = t
	}
	return v, et, false, nil
}

// parseArrayText reads a one-dimensional array literal, '{1,2,"a b",NULL}',
// into its elements as untyped strings (nil for NULL), which comparison
// then reads as the other side's type. It follows PostgreSQL's array
// input: elements are double-quoted or bare, a backslash escapes the next
// byte in both, blanks around a bare element are dropped, and a bare NULL
// (in any case) is the null element. A malformed literal is 22P02 with
// PostgreSQL's message; dimension decorations ([1:2]={...}) and nested
// braces (more than one dimension) are 0A000.
func parseArrayText(s string) ([]any, error) {
	bad := func(why string) error {
		e := pgerr.New(pgerr.InvalidTextRepresentation, "malformed array literal: \"%s\"", s)
		e.Detail = why
		return e
	}
	unexpected := func(c byte) error { return bad(fmt.Sprintf("Unexpected \"%c\" character.", c)) }
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
	i := 0
	skip := func() {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
	}
	skip()
	if i < len(s) && s[i] == '[' {
		return nil, pgerr.Unsupported("array dimension decoration")
	}
	if i >= len(s) || s[i] != '{' {
		return nil, bad(`Array value must start with "{" or dimension information.`)
	}
	i++
	out := []any{}
	skip()
	if i < len(s) && s[i] == '{' {
		return nil, pgerr.Unsupported("multidimensional array literal")
	}
	if i < len(s) && s[i] == '}' {
		i++
	} else {
		for {
			skip()
			if i >= len(s) {
				return nil, bad("Unexpected end of input.")
			}
			var b strings.Builder
			quoted, null := false, false
			switch c := s[i]; c {
			case '"':
				quoted = true
				i++
				for {
					if i >= len(s) {
						return nil, bad("Unexpected end of input.")
					}
					if s[i] == '"' {
						i++
						break
					}
					if s[i] == '\\' {
						i++
						if i >= len(s) {
							return nil, bad("Unexpected end of input.")
						}
					}
					b.WriteByte(s[i])
					i++
				}
			case ',', '}':
				return nil, unexpected(c)
			case '{':
				return nil, pgerr.Unsupported("multidimensional array literal")
			default:
				trail := 0 // bytes of b after its last escaped or non-blank byte
				for i < len(s) && s[i] != ',' && s[i] != '}' {
					switch c := s[i]; {
					case c == '"' || c == '{':
						return nil, unexpected(c)
					case c == '\\':
						i++
						if i >= len(s) {
							return nil, bad("Unexpected end of input.")
						}
						b.WriteByte(s[i])
						trail = 0
						quoted = true // an escaped byte: not the word NULL
					case isSpace(c):
						b.WriteByte(c)
						trail++
					default:
						b.WriteByte(c)
						trail = 0
					}
					i++
				}
				text := b.String()[:b.Len()-trail]
				b.Reset()
				b.WriteString(text)
				null = !quoted && strings.EqualFold(text, "NULL")
			}
			if null {
				out = append(out, nil)
			} else {
				out = append(out, b.String())
			}
			skip()
			if i >= len(s) {
				return nil, bad("Unexpected end of input.")
			}
			if s[i] == '}' {
				i++
				break
			}
			if s[i] != ',' {
				return nil, unexpected(s[i])
			}
			i++
		}
	}
	skip()
	if i < len(s) {
		return nil, bad("Junk after closing right brace.")
	}
	return out, nil
}

// sliceArg converts a Go slice argument to the []any of driver values
// Session.Exec binds for ANY($n); ok is false for anything else.
func sliceArg(v any) ([]any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false // []byte is bytea
	}
	out := make([]any, rv.Len())
	for i := range out {
		e := rv.Index(i)
		switch e.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			out[i] = e.Int()
		case reflect.Uint8, reflect.Uint16, reflect.Uint32:
			out[i] = int64(e.Uint())
		case reflect.Float32, reflect.Float64:
			out[i] = e.Float()
		case reflect.String:
			out[i] = e.String()
		case reflect.Bool:
			out[i] = e.Bool()
		default:
			switch x := e.Interface().(type) {
			case time.Time, []byte, *apd.Decimal, nil:
				out[i] = x
			default:
				return nil, false
			}
		}
	}
	return out, true
}

// formatArray is the text output of a one-dimensional array value of
// column c's (array) type: {1,2}, {a,"b c",NULL}.
func (c Column) formatArray(elems []any) string {
	elem := Column{Name: c.Name, typ: c.typ}
	elem.typ.array = false
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		text, null := elem.Format(v)
		switch {
		case null:
			b.WriteString("NULL")
		case text == "" || strings.EqualFold(text, "NULL") || strings.ContainsAny(text, "{},\"\\ \t\n\r\v\f"):
			b.WriteByte('"')
			b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(text))
			b.WriteByte('"')
		default:
			b.WriteString(text)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// Array values beyond ANY and ALL: ARRAY(subquery), a[i], the catalog's
// array columns, array || array (or element), comparison of arrays, casts
// of arrays to array types, unnest in FROM (srf.go), and array_to_string,
// array_lower, array_upper, array_length and cardinality. An array value
// is a []any of its elements, one-dimensional; its sqlType has array set
// and the element's kind. An array of arrays is 0A000.

// arrayValue is ARRAY[...]: the elements in their common type (text for
// untyped literals).
func (ev *evaluator) arrayValue(e *ir.Array) (any, sqlType, error) {
	for _, el := range e.Elems {
		if _, ok := el.(*ir.Array); ok {
			return nil, typUnknown, pgerr.Unsupported("multidimensional ARRAY")
		}
	}
	elems, et, _, err := ev.arrayOperand(e)
	if err != nil {
		return nil, et, err
	}
	if et.array {
		return nil, et, pgerr.Unsupported("array of arrays")
	}
	if et.kind == kUnknown {
		et = typText
		for i, x := range elems {
			if elems[i], err = cast(x, typUnknown, et, false); err != nil {
				return nil, et, err
			}
		}
	}
	if elems == nil {
		elems = []any{}
	}
	et.array = true
	return elems, et, nil
}

// arraySubquery is ARRAY(subquery): the single column's values, in the
// order of the rows, as an array; an empty array for no rows.
func (ev *evaluator) arraySubquery(e *ir.Subquery) (any, sqlType, error) {
	res, err := ev.subquery(e.Query)
	if err != nil {
		return nil, typUnknown, err
	}
	if len(res.Columns) != 1 {
		return nil, typUnknown, pgerr.New(pgerr.SyntaxError, "subquery must return only one column")
	}
	t := res.Columns[0].typ
	if t.array {
		return nil, t, pgerr.Unsupported("ARRAY(subquery) of arrays")
	}
	if t.kind == kUnknown {
		t = typText
	}
	out := make([]any, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = r[0]
	}
	t.array, t.vector = true, false
	return out, t, nil
}

// subscript is a[i]: the element at i (from 1, or from 0 for the
// catalog's vector types), NULL when i is out of range or either side is
// NULL.
func (ev *evaluator) subscript(e *ir.Subscript) (any, sqlType, error) {
	a, at, err := ev.eval(e.Arg)
	if err != nil {
		return nil, at, err
	}
	if !at.array {
		return nil, at, pgerr.New(pgerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", formatTypeName(at, false))
	}
	et := at
	et.array, et.vector = false, false
	i, it, err := ev.eval(e.Index)
	if err != nil {
		return nil, et, err
	}
	if i == nil || a == nil {
		return nil, et, nil
	}
	switch {
	case it.kind == kUnknown:
		if i, err = parseText(typInt4, i.(string)); err != nil {
			return nil, et, err
		}
	case !it.isInt() || it.array:
		return nil, et, pgerr.New(pgerr.DatatypeMismatch, "array subscript must have type integer")
	}
	n := i.(int64)
	if !at.vector {
		n--
	}
	elems := a.([]any)
	if n < 0 || n >= int64(len(elems)) {
		return nil, et, nil
	}
	return elems[n], et, nil
}

// arrayConcat is ||: array || array (of one element type), array ||
// element and element || array. A NULL array is an empty one.
func arrayConcat(l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	elem := func(t sqlType) sqlType { t.array, t.vector = false, false; return t }
	var et sqlType
	switch {
	case lt.array && rt.array:
		et = elem(lt)
		if elem(rt).kind != et.kind {
			var err error
			if et, err = commonType(et, elem(rt), "||"); err != nil {
				return nil, et, err
			}
		}
	case lt.array:
		et = elem(lt)
	default:
		et = elem(rt)
	}
	part := func(v any, t sqlType) ([]any, error) {
		if t.kind == kUnknown && v != nil {
			if t.array {
				return v.([]any), nil
			}
			// An untyped literal beside an array is an array literal.
			elems, err := parseArrayText(v.(string))
			if err != nil {
				return nil, err
			}
			for i, x := range elems {
				if elems[i], err = cast(x, typeOfValue(x, et), et, false); err != nil {
					return nil, err
				}
			}
			return elems, nil
		}
		if !t.array {
			x, err := cast(v, t, et, false)
			return []any{x}, err
		}
		if v == nil {
			return nil, nil
		}
		out := make([]any, 0, len(v.([]any)))
		for _, x := range v.([]any) {
			y, err := cast(x, elem(t), et, false)
			if err != nil {
				return nil, err
			}
			out = append(out, y)
		}
		return out, nil
	}
	a, err := part(l, lt)
	if err != nil {
		return nil, et, err
	}
	b, err := part(r, rt)
	if err != nil {
		return nil, et, err
	}
	at := et
	at.array = true
	if l == nil && r == nil && lt.array && rt.array {
		return nil, at, nil
	}
	return append(append([]any{}, a...), b...), at, nil
}

// arrayCompare compares two arrays element by element, then by length, as
// PostgreSQL orders arrays (a NULL element after any other); an untyped
// side is read as an array literal of the other's element type.
func arrayCompare(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	if l == nil || r == nil {
		return nil, typBool, nil
	}
	et := lt
	if !lt.array {
		et = rt
	}
	et.array, et.vector = false, false
	read := func(v any, t sqlType) ([]any, error) {
		if t.array {
			return v.([]any), nil
		}
		if t.kind != kUnknown {
			return nil, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt)
		}
		elems, err := parseArrayText(v.(string))
		if err != nil {
			return nil, err
		}
		for i, x := range elems {
			if elems[i], err = cast(x, typeOfValue(x, et), et, false); err != nil {
				return nil, err
			}
		}
		return elems, nil
	}
	a, err := read(l, lt)
	if err != nil {
		return nil, typBool, err
	}
	b, err := read(r, rt)
	if err != nil {
		return nil, typBool, err
	}
	c := 0
	for i := 0; i < len(a) && i < len(b) && c == 0; i++ {
		switch {
		case a[i] == nil && b[i] == nil:
		case a[i] == nil:
			c = 1
		case b[i] == nil:
			c = -1
		default:
			c = compareValues(a[i], b[i])
		}
	}
	if c == 0 {
		c = len(a) - len(b)
	}
	switch op {
	case "=":
		return c == 0, typBool, nil
	case "<>", "!=":
		return c != 0, typBool, nil
	case "<":
		return c < 0, typBool, nil
	case "<=":
		return c <= 0, typBool, nil
	case ">":
		return c > 0, typBool, nil
	}
	return c >= 0, typBool, nil
}

// arrayCast is CAST(x AS t[]): an array's elements, or an untyped array
// literal's, each cast to t.
func arrayCast(v any, from sqlType, to ir.TypeName) (any, sqlType, error) {
	if to.ArrayDims != 1 {
		return nil, typUnknown, pgerr.Unsupported("array type " + to.String())
	}
	scalar := to
	scalar.ArrayDims = 0
	var et sqlType
	switch scalar.Name {
	case "oid", "regclass", "regtype", "regnamespace", "regrole", "regproc", "xid":
		et = typInt8
	default:
		var err error
		if et, err = typeOf(scalar); err != nil {
			return nil, et, err
		}
	}
	at := et
	at.array = true
	if v == nil {
		return nil, at, nil
	}
	var elems []any
	from2 := from
	switch {
	case from.array:
		elems = v.([]any)
		from2.array, from2.vector = false, false
	case from.kind == kUnknown || from.isText():
		var err error
		if elems, err = parseArrayText(v.(string)); err != nil {
			return nil, at, err
		}
		from2 = typUnknown
	default:
		return nil, at, pgerr.New("42846", "cannot cast type %s to %s", formatTypeName(from, false), to.String())
	}
	out := make([]any, len(elems))
	for i, x := range elems {
		var err error
		if out[i], err = cast(x, typeOfValue(x, from2), et, true /* explicit */); err != nil {
			return nil, at, err
		}
	}
	return out, at, nil
}

// arrayFunc computes the array functions; ok is false for a name and
// arguments it does not know.
func arrayFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	if v, t, ok, err := arrayBuildFunc(name, vals, types); ok { // arrayops.go
		return v, t, ok, err
	}
	n := len(vals)
	switch {
	case name == "array_to_string" && (n == 2 || n == 3) && types[0].array:
		if vals[0] == nil || vals[1] == nil {
			return nil, typText, true, nil
		}
		elem := Column{typ: types[0]}
		elem.typ.array, elem.typ.vector = false, false
		var parts []string
		for _, x := range vals[0].([]any) {
			if x == nil {
				if n == 3 && vals[2] != nil {
					parts = append(parts, textOf(vals[2], types[2]))
				}
				continue
			}
			text, _ := elem.Format(x)
			parts = append(parts, text)
		}
		return strings.Join(parts, textOf(vals[1], types[1])), typText, true, nil
	case (name == "array_lower" || name == "array_upper" || name == "array_length") && n == 2 && types[0].array:
		if vals[0] == nil || vals[1] == nil {
			return nil, typInt4, true, nil
		}
		dim, err := asInt(vals[1], types[1])
		if err != nil {
			return nil, typInt4, true, err
		}
		elems := vals[0].([]any)
		if dim != 1 || len(elems) == 0 {
			return nil, typInt4, true, nil
		}
		lower := int64(1)
		if types[0].vector {
			lower = 0
		}
		switch name {
		case "array_lower":
			return lower, typInt4, true, nil
		case "array_upper":
			return lower + int64(len(elems)) - 1, typInt4, true, nil
		}
		return int64(len(elems)), typInt4, true, nil
	case name == "cardinality" && n == 1 && types[0].array:
		if vals[0] == nil {
			return nil, typInt4, true, nil
		}
		return int64(len(vals[0].([]any))), typInt4, true, nil
	}
	return nil, typUnknown, false, nil
}
