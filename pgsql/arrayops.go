package pgsql

import (
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The containment operators and the array functions that build or search
// arrays, over array values of any origin (columns, ARRAY[...], literals,
// parameters); see array.go for the others.

// isContainOp reports whether op is one of the array containment
// operators @>, <@ and && with an array on one side.
func isContainOp(op string, lt, rt sqlType) bool {
	return (op == "@>" || op == "<@" || op == "&&") && (lt.array || rt.array)
}

// containOp is a @> b (every non-NULL element of b is in a), a <@ b and a
// && b (an element in common). A NULL element is equal to nothing, as in
// PostgreSQL; a NULL array gives NULL. An untyped side is an array literal
// of the other side's type; arrays of different element types, or an
// array beside a scalar, are 42883.
func containOp(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	noOp := func() error {
		return pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", formatTypeName(lt, false), op, formatTypeName(rt, false))
	}
	switch {
	case lt.kind == kUnknown && !lt.array:
		lt = sqlType{kind: rt.kind, array: true}
		if l != nil {
			v, err := castArray(l, typUnknown, lt, false)
			if err != nil {
				return nil, typBool, err
			}
			l = v
		}
	case rt.kind == kUnknown && !rt.array:
		rt = sqlType{kind: lt.kind, array: true}
		if r != nil {
			v, err := castArray(r, typUnknown, rt, false)
			if err != nil {
				return nil, typBool, err
			}
			r = v
		}
	}
	if !lt.array || !rt.array {
		return nil, typBool, noOp()
	}
	le, re := elemType(lt), elemType(rt)
	if le.kind != re.kind && !(le.isText() && re.isText()) && le.kind != kUnknown && re.kind != kUnknown {
		return nil, typBool, noOp()
	}
	if l == nil || r == nil {
		return nil, typBool, nil
	}
	a, b := l.([]any), r.([]any)
	if le.kind == kUnknown || re.kind == kUnknown {
		et := le
		if et.kind == kUnknown {
			et = re
		}
		var err error
		if a, err = elemsAs(a, le, et); err != nil {
			return nil, typBool, err
		}
		if b, err = elemsAs(b, re, et); err != nil {
			return nil, typBool, err
		}
	}
	switch op {
	case "<@":
		return containsAll(b, a), typBool, nil
	case "&&":
		for _, x := range a {
			if x != nil && indexOf(b, x, 0) >= 0 {
				return true, typBool, nil
			}
		}
		return false, typBool, nil
	}
	return containsAll(a, b), typBool, nil
}

// elemsAs converts elements of type from to type to.
func elemsAs(elems []any, from, to sqlType) ([]any, error) {
	if from.kind == to.kind {
		return elems, nil
	}
	out := make([]any, len(elems))
	for i, x := range elems {
		var err error
		if out[i], err = cast(x, typeOfValue(x, from), to, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// containsAll reports whether every element of b is in a; a NULL element
// of b is in no array.
func containsAll(a, b []any) bool {
	for _, x := range b {
		if x == nil || indexOf(a, x, 0) < 0 {
			return false
		}
	}
	return true
}

// indexOf is the position (from 0) of the first element of elems from
// start on that is not distinct from x (NULL finds NULL), or -1.
func indexOf(elems []any, x any, start int) int {
	for i := max(start, 0); i < len(elems); i++ {
		switch {
		case elems[i] == nil || x == nil:
			if elems[i] == nil && x == nil {
				return i
			}
		case compareValues(elems[i], x) == 0:
			return i
		}
	}
	return -1
}

// arrayBuildFunc computes array_append, array_prepend, array_cat,
// array_remove, array_position and array_positions; ok is false for
// another name or arguments of other types.
func arrayBuildFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	n := len(vals)
	isArr := func(i int) bool { return types[i].array || types[i].kind == kUnknown && vals[i] == nil }
	switch {
	case name == "array_append" && n == 2 && types[0].array && !types[1].array:
		x, err := elemOperand(vals[1], types[1], elemType(types[0]))
		if err != nil {
			return nil, types[0], true, err
		}
		v, t, err = arrayConcat(vals[0], types[0], x, elemType(types[0]))
		return v, t, true, err
	case name == "array_prepend" && n == 2 && types[1].array && !types[0].array:
		x, err := elemOperand(vals[0], types[0], elemType(types[1]))
		if err != nil {
			return nil, types[1], true, err
		}
		v, t, err = arrayConcat(x, elemType(types[1]), vals[1], types[1])
		return v, t, true, err
	case name == "array_cat" && n == 2 && (types[0].array || types[1].array) && isArrOrUnknown(types[0]) && isArrOrUnknown(types[1]):
		v, t, err = arrayConcat(vals[0], types[0], vals[1], types[1])
		return v, t, true, err
	case name == "array_remove" && n == 2 && types[0].array && !types[1].array:
		t = types[0]
		if vals[0] == nil {
			return nil, t, true, nil
		}
		x, err := elemOperand(vals[1], types[1], elemType(t))
		if err != nil {
			return nil, t, true, err
		}
		out := []any{}
		for _, e := range vals[0].([]any) {
			if indexOf([]any{e}, x, 0) < 0 {
				out = append(out, e)
			}
		}
		return out, t, true, nil
	case (name == "array_position" && (n == 2 || n == 3) || name == "array_positions" && n == 2) && isArr(0) && !types[1].array:
		t = typInt4
		if name == "array_positions" {
			t.array = true
		}
		if vals[0] == nil {
			return nil, t, true, nil
		}
		x, err := elemOperand(vals[1], types[1], elemType(types[0]))
		if err != nil {
			return nil, t, true, err
		}
		elems := vals[0].([]any)
		if name == "array_positions" {
			out := []any{}
			for i := indexOf(elems, x, 0); i >= 0; i = indexOf(elems, x, i+1) {
				out = append(out, int64(i+1))
			}
			return out, t, true, nil
		}
		start := 0
		if n == 3 {
			if vals[2] == nil {
				return nil, t, true, pgerr.New("22004", "initial position must not be null")
			}
			s, err := asInt(vals[2], types[2])
			if err != nil {
				return nil, t, true, err
			}
			start = int(s) - 1
		}
		if i := indexOf(elems, x, start); i >= 0 {
			return int64(i + 1), t, true, nil
		}
		return nil, t, true, nil
	}
	return nil, typUnknown, false, nil
}

func isArrOrUnknown(t sqlType) bool { return t.array || t.kind == kUnknown }

// elemOperand converts x, of type xt, to an array's element type et for
// comparison with its elements; types that do not compare are 42883.
func elemOperand(x any, xt, et sqlType) (any, error) {
	if x == nil || xt.kind == et.kind {
		return x, nil
	}
	if xt.kind != kUnknown {
		if _, err := commonType(xt, et, ""); err != nil {
			return nil, pgerr.New(pgerr.UndefinedFunction, "function arguments of types %s[] and %s do not match", formatTypeName(et, false), formatTypeName(xt, false))
		}
	}
	return cast(x, typeOfValue(x, xt), et, false)
}
