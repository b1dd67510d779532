package pgsql

import (
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Scalar functions on numbers and strings, with PostgreSQL's argument and
// result types: round, trunc, floor, ceil and ceiling take numeric or
// double precision (an integer is read as double precision, the preferred
// numeric type), and round and trunc to a number of places only numeric
// (an integer is read as numeric there); mod takes two integers or numerics; the string functions
// take text. A NULL argument gives NULL, except to concat and concat_ws,
// which skip it.

// scalarFuncName reports whether name is a scalar function reldb has:
// called with arguments it does not take, it does not exist (42883),
// rather than being unsupported.
func scalarFuncName(name string) bool {
	switch name {
	case "upper", "lower", "length", "char_length", "octet_length", "abs",
		"round", "trunc", "floor", "ceil", "ceiling", "mod", "concat", "concat_ws",
		"substr", "substring", "btrim", "ltrim", "rtrim", "replace":
		return true
	}
	_, ok := textFuncArgs[name]
	_, re := regexFuncArgs[name]
	return ok || re || isMathFunc(name) || strFuncNames[name]
}

// typeList is a function's argument types as a 42883 message lists them.
func typeList(types []sqlType) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.String()
	}
	return strings.Join(names, ", ")
}

// scalarFunc computes the function name over evaluated arguments; ok is
// false for a name and arguments it does not know.
func scalarFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	switch name {
	case "round", "trunc", "floor", "ceil", "ceiling":
		return roundFunc(name, vals, types)
	case "mod":
		if len(vals) != 2 || !(types[0].isInt() || types[0].kind == kNumeric || types[0].kind == kUnknown) || !(types[1].isInt() || types[1].kind == kNumeric || types[1].kind == kUnknown) {
			return nil, typUnknown, false, nil
		}
		v, t, err := arith("%", vals[0], types[0], vals[1], types[1])
		return v, t, true, err
	case "concat", "concat_ws":
		return concatFunc(name, vals, types)
	case "substr", "substring", "btrim", "ltrim", "rtrim", "replace":
	default:
		return nil, typUnknown, false, nil
	}
	strs := make([]string, len(vals))
	null := false
	for i, v := range vals {
		if i > 0 && (name == "substr" || name == "substring") {
			// substr(text, integer [, integer]): a bigint is not cast down.
			if !types[i].isInt() && types[i].kind != kUnknown || types[i].kind == kInt8 {
				return nil, typUnknown, false, nil
			}
			continue
		}
		if !types[i].isText() && types[i].kind != kUnknown {
			return nil, typUnknown, false, nil
		}
		if v == nil {
			null = true
			continue
		}
		strs[i] = v.(string)
		if types[i].kind == kBpchar {
			strs[i] = strings.TrimRight(strs[i], " ")
		}
	}
	switch {
	case name == "substr" || name == "substring":
		if len(vals) != 2 && len(vals) != 3 {
			return nil, typUnknown, false, nil
		}
		n := make([]int64, len(vals))
		for i := 1; i < len(vals); i++ {
			x, err := cast(vals[i], types[i], typInt4, false /* explicit */)
			if err != nil {
				return nil, typText, true, err
			}
			if x == nil {
				null = true
				continue
			}
			n[i] = x.(int64)
		}
		if null {
			return nil, typText, true, nil
		}
		r := []rune(strs[0])
		from, to := n[1], int64(len(r))+1
		if len(vals) == 3 {
			if n[2] < 0 {
				return nil, typText, true, pgerr.New("22011", "negative substring length not allowed")
			}
			to = min(to, from+n[2])
		}
		from = max(from, 1)
		if from >= to || from > int64(len(r)) {
			return "", typText, true, nil
		}
		return string(r[from-1 : to-1]), typText, true, nil
	case name == "replace":
		if len(vals) != 3 {
			return nil, typUnknown, false, nil
		}
		if null {
			return nil, typText, true, nil
		}
		if strs[1] == "" {
			return strs[0], typText, true, nil
		}
		return strings.ReplaceAll(strs[0], strs[1], strs[2]), typText, true, nil
	}
	// btrim, ltrim, rtrim
	if len(vals) != 1 && len(vals) != 2 {
		return nil, typUnknown, false, nil
	}
	if null {
		return nil, typText, true, nil
	}
	chars := " "
	if len(vals) == 2 {
		chars = strs[1]
	}
	s := strs[0]
	if name != "rtrim" {
		s = strings.TrimLeft(s, chars)
	}
	if name != "ltrim" {
		s = strings.TrimRight(s, chars)
	}
	return s, typText, true, nil
}

// roundFunc is round, trunc, floor, ceil and ceiling.
func roundFunc(name string, vals []any, types []sqlType) (any, sqlType, bool, error) {
	places := len(vals) == 2
	if len(vals) != 1 && !places || places && name != "round" && name != "trunc" {
		return nil, typUnknown, false, nil
	}
	t := types[0]
	switch {
	case t.kind == kNumeric:
		t = typNumeric // of the argument's scale or the places asked, not numeric(p,s)
	case places && (t.isInt() || t.kind == kUnknown):
		t = typNumeric
	case places:
		return nil, typUnknown, false, nil // no round(double precision, integer)
	case t.isInt() || t.kind == kUnknown || t.kind == kFloat4 || t.kind == kFloat8:
		t = typFloat8
	default:
		return nil, typUnknown, false, nil
	}
	var scale int64
	if places {
		if !types[1].isInt() && types[1].kind != kUnknown || types[1].kind == kInt8 {
			return nil, typUnknown, false, nil
		}
		n, err := cast(vals[1], types[1], typInt4, false /* explicit */)
		if err != nil || n == nil {
			return nil, t, true, err
		}
		scale = n.(int64)
	}
	v, err := cast(vals[0], types[0], t, false /* explicit */)
	if err != nil || v == nil {
		return nil, t, true, err
	}
	if t.kind == kFloat8 {
		x := v.(float64)
		switch name {
		case "round":
			return math.RoundToEven(x), t, true, nil
		case "trunc":
			return math.Trunc(x), t, true, nil
		case "floor":
			return math.Floor(x), t, true, nil
		}
		return math.Ceil(x), t, true, nil
	}
	ctx := *decimalCtx
	if name != "round" && name != "trunc" {
		// Quantize would round 0.01 toward the floor to 0: it drops the
		// digits it rounds away when none is left. Floor and Ceil don't.
		f := ctx.Floor
		if name != "floor" {
			f = ctx.Ceil
		}
		out := new(apd.Decimal)
		if _, err := f(out, v.(*apd.Decimal)); err != nil {
			return nil, t, true, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
		}
		if out.IsZero() {
			out.Negative = false // -0.5 rounds up to 0, not -0
		}
		return out, t, true, nil
	}
	switch name {
	case "round":
		ctx.Rounding = apd.RoundHalfUp
	case "trunc":
		ctx.Rounding = apd.RoundDown
	case "floor":
		ctx.Rounding = apd.RoundFloor
	default:
		ctx.Rounding = apd.RoundCeiling
	}
	out := new(apd.Decimal)
	if _, err := ctx.Quantize(out, v.(*apd.Decimal), int32(-scale)); err != nil {
		return nil, t, true, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	if scale < 0 {
		if _, err := ctx.Quantize(out, out, 0); err != nil {
			return nil, t, true, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
		}
	}
	return out, t, true, nil
}

// concatFunc is concat(args...) and concat_ws(sep, args...): each
// non-NULL argument in its text output form.
func concatFunc(name string, vals []any, types []sqlType) (any, sqlType, bool, error) {
	sep := ""
	if len(vals) == 0 {
		return nil, typUnknown, false, nil // concat() does not exist
	}
	if name == "concat_ws" {
		if len(vals) < 1 {
			return nil, typUnknown, false, nil
		}
		if vals[0] == nil {
			return nil, typText, true, nil
		}
		sep, vals, types = textOut(vals[0], types[0]), vals[1:], types[1:]
	}
	var parts []string
	for i, v := range vals {
		if v != nil {
			parts = append(parts, textOut(v, types[i]))
		}
	}
	return strings.Join(parts, sep), typText, true, nil
}

// textOut is a value's text output form.
func textOut(v any, t sqlType) string {
	if t.kind == kUnknown {
		return v.(string)
	}
	s, _ := Column{typ: t}.Format(v)
	return s
}
