package pgsql

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Arrays exist in this slice only as the right side of ANY and ALL:
// x = ANY(ARRAY[1, 2]), x = ANY($1) with a Go slice or an array literal's
// text such as lib/pq's pq.Array sends, and x = ANY($1::bigint[]) as sqlc
// writes it. An array column, or an array anywhere else, is 0A000.

// quantifiedArray is x op ANY / ALL (array).
func (ev *evaluator) quantifiedArray(e *ir.Quantified) (any, sqlType, error) {
	l, lt, err := ev.eval(e.Left)
	if err != nil {
		return nil, typBool, err
	}
	elems, et, null, err := ev.arrayOperand(e.Array)
	if err != nil || null {
		return nil, typBool, err
	}
	all := e.Quant == ir.All
	sawNull := false
	for _, v := range elems {
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
// then reads as the other side's type.
func parseArrayText(s string) ([]any, error) {
	bad := func(why string) error {
		e := pgerr.New(pgerr.InvalidTextRepresentation, "malformed array literal: %q", s)
		e.Detail = why
		return e
	}
	in := strings.TrimSpace(s)
	if len(in) < 2 || in[0] != '{' || in[len(in)-1] != '}' {
		return nil, bad(`Array value must start with "{" or dimension information.`)
	}
	body := in[1 : len(in)-1]
	var out []any
	if strings.TrimSpace(body) == "" {
		return out, nil
	}
	for i := 0; ; {
		for i < len(body) && body[i] == ' ' {
			i++
		}
		var el any
		if i < len(body) && body[i] == '"' {
			var b strings.Builder
			i++
			for ; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				b.WriteByte(body[i])
			}
			if i >= len(body) {
				return nil, bad("Unexpected end of input.")
			}
			i++
			el = b.String()
		} else {
			start := i
			for i < len(body) && body[i] != ',' {
				if body[i] == '{' || body[i] == '}' || body[i] == '"' {
					return nil, bad(fmt.Sprintf("Unexpected %q character.", body[i]))
				}
				i++
			}
			word := strings.TrimSpace(body[start:i])
			if word == "" {
				return nil, bad("Unexpected \",\" character.")
			}
			if strings.EqualFold(word, "NULL") {
				el = nil
			} else {
				el = word
			}
		}
		out = append(out, el)
		for i < len(body) && body[i] == ' ' {
			i++
		}
		if i == len(body) {
			return out, nil
		}
		if body[i] != ',' {
			return nil, bad(fmt.Sprintf("Unexpected %q character.", body[i]))
		}
		i++
	}
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
		case text == "" || strings.EqualFold(text, "NULL") || strings.ContainsAny(text, "{},\"\\ \t\n"):
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
