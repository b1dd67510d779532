package pgsql

import (
	"math"
	"math/rand/v2"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The double precision math functions: pi, random, sqrt, exp, ln,
// log and log10 (base 10), power and pow,
// degrees, radians, the trigonometric functions and sign, with
// PostgreSQL's errors. An integer argument is read as double precision,
// the preferred numeric type, as PostgreSQL resolves it; a numeric one
// takes PostgreSQL's numeric variant: sqrt, exp, ln, log, log10, power
// and log(b, x), numeric only, in numericmath.go; sign, whose numeric
// result is exact; div, numeric only; the others (degrees, sin, ...)
// have no numeric variant and read a numeric as double precision. cbrt is left out:
// glibc's, which PostgreSQL calls, and Go's differ in the last digit.

// mathFloatFuncs are the functions of double precision arguments, by
// name, with their argument count.
var mathFloatFuncs = map[string]int{
	"sqrt": 1, "exp": 1, "ln": 1, "log10": 1, "degrees": 1, "radians": 1,
	"sin": 1, "cos": 1, "tan": 1, "asin": 1, "acos": 1, "atan": 1, "cot": 1, "atan2": 2,
	"power": 2, "pow": 2,
}

// isMathFunc reports whether name is one of mathFunc's.
func isMathFunc(name string) bool {
	_, ok := mathFloatFuncs[name]
	return ok || name == "pi" || name == "random" || name == "log" || name == "sign" || name == "div"
}

// mathFunc computes a math function over evaluated arguments; ok is false
// for arguments it does not take (42883 then).
func mathFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	switch name {
	case "sqrt", "exp", "ln", "log10", "log", "power", "pow":
		n, known := mathFloatFuncs[name]
		if name == "log" {
			n, known = len(vals), len(vals) == 1 || len(vals) == 2
		}
		if !known || len(vals) != n {
			return nil, typFloat8, false, nil
		}
		for _, t := range types {
			if !isNumber(t) && t.kind != kUnknown || t.array {
				return nil, typFloat8, false, nil
			}
		}
		if v, ok, err := numericMathFunc(name, vals, types); ok { // numericmath.go
			return v, typNumeric, true, err
		}
	}
	switch name {
	case "pi":
		if len(vals) != 0 {
			return nil, typFloat8, false, nil
		}
		return math.Pi, typFloat8, true, nil
	case "random":
		if len(vals) != 0 {
			return nil, typFloat8, false, nil
		}
		return rand.Float64(), typFloat8, true, nil
	case "sign":
		if len(vals) != 1 || !isNumber(types[0]) && types[0].kind != kUnknown {
			return nil, typFloat8, false, nil
		}
		if types[0].kind == kNumeric {
			if vals[0] == nil {
				return nil, typNumeric, true, nil
			}
			d := vals[0].(*apd.Decimal)
			return apd.New(int64(d.Sign()), 0), typNumeric, true, nil
		}
	case "div":
		if len(vals) != 2 || !numericArg(types[0]) || !numericArg(types[1]) {
			return nil, typNumeric, false, nil
		}
		a, err := cast(vals[0], types[0], typNumeric, false)
		if err != nil {
			return nil, typNumeric, true, err
		}
		b, err := cast(vals[1], types[1], typNumeric, false)
		if err != nil || a == nil || b == nil {
			return nil, typNumeric, true, err
		}
		if b.(*apd.Decimal).IsZero() {
			return nil, typNumeric, true, pgerr.New(pgerr.DivisionByZero, "division by zero")
		}
		q := new(apd.Decimal)
		if _, err := decimalCtx.QuoInteger(q, a.(*apd.Decimal), b.(*apd.Decimal)); err != nil {
			return nil, typNumeric, true, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
		}
		return q, typNumeric, true, nil
	case "log":
		if len(vals) != 1 {
			// log(b, x) is numeric only in PostgreSQL (numericmath.go).
			return nil, typFloat8, false, nil
		}
		name = "log10"
	default:
		n, known := mathFloatFuncs[name]
		if !known || len(vals) != n {
			return nil, typFloat8, false, nil
		}
	}
	// A numeric argument here is read as double precision, as
	// PostgreSQL's implicit cast reads it: beside a double precision one,
	// or for a function without a numeric variant (degrees, sin, ...).
	xs := make([]float64, len(vals))
	for i := range vals {
		switch {
		case !isNumber(types[i]) && types[i].kind != kUnknown:
			return nil, typFloat8, false, nil
		}
		x, err := cast(vals[i], types[i], typFloat8, false)
		if err != nil {
			return nil, typFloat8, true, err
		}
		if x == nil {
			return nil, typFloat8, true, nil
		}
		xs[i] = x.(float64)
	}
	r, err := mathValue(name, xs)
	if err != nil {
		return nil, typFloat8, true, err
	}
	if math.IsInf(r, 0) && !math.IsInf(xs[0], 0) && (len(xs) < 2 || !math.IsInf(xs[1], 0)) {
		return nil, typFloat8, true, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
	}
	return r, typFloat8, true, nil
}

// numericArg reports whether t can be read as numeric by an implicit
// cast: an integer, numeric, or an untyped literal.
func numericArg(t sqlType) bool {
	return t.isInt() || t.kind == kNumeric || t.kind == kUnknown
}

// mathValue computes a double precision function.
func mathValue(name string, x []float64) (float64, error) {
	invalid := func(msg string) error { return pgerr.New("2201F", "%s", msg) }
	switch name {
	case "sqrt":
		if x[0] < 0 {
			return 0, invalid("cannot take square root of a negative number")
		}
		return math.Sqrt(x[0]), nil
	case "exp":
		return math.Exp(x[0]), nil
	case "ln", "log10":
		v := x[0]
		switch {
		case v == 0:
			return 0, pgerr.New("2201E", "cannot take logarithm of zero")
		case v < 0:
			return 0, pgerr.New("2201E", "cannot take logarithm of a negative number")
		}
		if name == "ln" {
			return math.Log(v), nil
		}
		return math.Log10(v), nil
	case "power", "pow":
		b, e := x[0], x[1]
		switch {
		case b == 0 && e < 0:
			return 0, invalid("zero raised to a negative power is undefined")
		case b < 0 && e != math.Trunc(e):
			return 0, invalid("a negative number raised to a non-integer power yields a complex result")
		}
		return math.Pow(b, e), nil
	case "degrees":
		return x[0] * 180 / math.Pi, nil
	case "radians":
		return x[0] * math.Pi / 180, nil
	case "sin", "cos", "tan", "cot":
		if math.IsInf(x[0], 0) {
			return 0, pgerr.New(pgerr.NumericValueOutOfRange, "input is out of range")
		}
		switch name {
		case "sin":
			return math.Sin(x[0]), nil
		case "cos":
			return math.Cos(x[0]), nil
		case "tan":
			return math.Tan(x[0]), nil
		}
		return 1 / math.Tan(x[0]), nil
	case "asin", "acos":
		if x[0] < -1 || x[0] > 1 {
			return 0, pgerr.New(pgerr.NumericValueOutOfRange, "input is out of range")
		}
		if name == "asin" {
			return math.Asin(x[0]), nil
		}
		return math.Acos(x[0]), nil
	case "atan":
		return math.Atan(x[0]), nil
	case "atan2":
		return math.Atan2(x[0], x[1]), nil
	case "sign":
		switch {
		case x[0] > 0:
			return 1, nil
		case x[0] < 0:
			return -1, nil
		}
		return 0, nil
	}
	return 0, pgerr.Unsupported("function " + name)
}
