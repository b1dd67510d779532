package pgsql

import (
	"slices"

	"github.com/cockroachdb/apd/v3"

	"strings"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Array columns. A table column of a one-dimensional array type (text[],
// int8[], ...; T ARRAY is the same type) is stored by the engine as an
// engine.Text column holding the array's PostgreSQL text form, as
// formatArray writes it ({a,"b c",NULL}): the form that psql shows and
// that parseArrayText, then the element type's input function, read back
// to the same elements. A column read gives the evaluator the []any of
// elements, as an ARRAY[...] expression does, so comparison, ordering,
// DISTINCT, GROUP BY and the array operators and functions see arrays, not
// their text. The engine orders and compares that text byte-wise, not as
// arrays, so an array column in a PRIMARY KEY, UNIQUE constraint or index
// is 0A000.
//
// Element types are those arrayElemKinds lists; an array of any other
// type (bytea[], json[], interval[], ...) and an array of more than one
// dimension are 0A000.

// arrayElemKinds are the element kinds an array column may have.
var arrayElemKinds = []kind{kInt2, kInt4, kInt8, kNumeric, kFloat4, kFloat8, kText, kVarchar, kBool, kUUID, kDate, kTimestamp, kTimestamptz, kTime}

// arrayTypeOf is typeOf for an array type name: a one-dimensional array of
// one of this slice's scalar types.
func arrayTypeOf(tn ir.TypeName) (sqlType, error) {
	if tn.ArrayDims != 1 {
		return sqlType{}, pgerr.Unsupported("array type " + tn.String())
	}
	scalar := tn
	scalar.ArrayDims = 0
	t, err := typeOf(scalar)
	if err != nil {
		return t, err
	}
	t.array = true
	return t, nil
}

// arrayColumnType checks that t, an array type, may be a column's.
func arrayColumnType(t sqlType, tn ir.TypeName) error {
	if !slices.Contains(arrayElemKinds, t.kind) {
		return pgerr.Unsupported("array type " + tn.String())
	}
	return nil
}

// enginePrec is the precision of the engine column that stores t: none
// for an array, whose text the engine holds.
func (t sqlType) enginePrec() int {
	if t.array || t.kind != kNumeric {
		return 0 // a time(p)'s precision is pgsql's (timeofday.go)
	}
	return t.prec
}

// engineScale is enginePrec's scale.
func (t sqlType) engineScale() int {
	if t.array || t.kind != kNumeric {
		return 0
	}
	return t.scale
}

// elemType is the element type of array type t.
func elemType(t sqlType) sqlType {
	t.array, t.vector = false, false
	return t
}

// storedArray is the text an array column stores for elems, a value of
// array type t.
func storedArray(t sqlType, elems []any) string {
	return Column{typ: t}.formatArray(elems)
}

// loadArray reads an array column's stored text back into its elements
// of t's element type; v that is already a []any (a derived table's
// row) is returned as it is.
func loadArray(t sqlType, v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		return v, nil
	}
	elems, err := parseArrayText(s)
	if err != nil {
		return nil, err
	}
	et := elemType(t)
	for i, x := range elems {
		if x == nil {
			continue
		}
		if elems[i], err = parseText(et, x.(string)); err != nil {
			return nil, err
		}
	}
	return elems, nil
}

// castArray is cast for an array on either side: an array's elements
// cast one by one to the element type, an untyped literal read as an
// array literal, and an array cast to text as its text form.
func castArray(v any, from, to sqlType, explicit bool) (any, error) {
	switch {
	case to.array && from.array:
		fe, te := elemType(from), elemType(to)
		src := v.([]any)
		out := make([]any, len(src))
		for i, x := range src {
			var err error
			if out[i], err = cast(x, typeOfValue(x, fe), te, explicit); err != nil {
				return nil, err
			}
			if d, ok := out[i].(*apd.Decimal); ok && te.prec > 0 {
				// The engine rounds a numeric column's values; an
				// element's scale is the array's to keep.
				if out[i], err = fitNumeric(d, te); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	case to.array && (from.kind == kUnknown || explicit && from.isText()):
		elems, err := parseArrayText(v.(string))
		if err != nil {
			return nil, err
		}
		return castArray(elems, sqlType{kind: kUnknown, array: true}, to, explicit)
	case from.array && to.isText() && explicit:
		return fit(to, Column{typ: from}.formatArray(v.([]any)))
	case !explicit:
		return nil, assignMismatch(from, to)
	}
	return nil, castError(from, to)
}

// compareArrays orders two non-NULL arrays as PostgreSQL does: element by
// element (a NULL element after any other), then the shorter first.
func compareArrays(a, b []any) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		switch {
		case a[i] == nil && b[i] == nil:
		case a[i] == nil:
			return 1
		case b[i] == nil:
			return -1
		default:
			if c := compareValues(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// arrayKey is valueKey for an array: equal arrays give equal keys.
func arrayKey(elems []any) string {
	var b strings.Builder
	b.WriteString("a")
	for _, x := range elems {
		b.WriteString(valueKey(x))
	}
	return b.String()
}
