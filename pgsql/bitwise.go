package pgsql

import (
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The bitwise operators on smallint, integer and bigint, the power
// operator ^ and pg_typeof, as PostgreSQL has them:
//
//	a & b, a | b, a # b   and, or, exclusive or: the wider of the two types
//	~ a                   not: a's type
//	a << n, a >> n        shifts of a's type by an integer (or smallint) n;
//	                      as PostgreSQL's C shifts on its x86 servers, n is
//	                      taken modulo 32 (64 for bigint), and smallint
//	                      shifts as an integer, then keeps its low 16 bits
//	a ^ b                 double precision, or numeric when an operand is
//	                      numeric and neither is floating (numericmath.go)
//	pg_typeof(x)          x's type as regtype prints it (integer, text,
//	                      character varying, ...), as text
//
// An untyped literal takes the other operand's type (a shift count is an
// integer); two are 42725, and operands of other types 42883.

// bitwiseOp computes a binary bitwise operator.
func bitwiseOp(op string, l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	shift := op == "<<" || op == ">>"
	var err error
	switch {
	case lt.kind == kUnknown && rt.kind == kUnknown:
		return nil, typUnknown, pgerr.New("42725", "operator is not unique: unknown %s unknown", op)
	case lt.kind == kUnknown:
		if lt = rt; shift {
			lt = typInt4
		}
		if l != nil {
			if l, err = parseText(lt, l.(string)); err != nil {
				return nil, lt, err
			}
		}
	case rt.kind == kUnknown:
		if rt = lt; shift {
			rt = typInt4
		}
		if r != nil {
			if r, err = parseText(rt, r.(string)); err != nil {
				return nil, rt, err
			}
		}
	}
	if !lt.isInt() || !rt.isInt() || lt.array || rt.array || shift && rt.kind == kInt8 {
		return nil, typUnknown, noOperator(lt, op, rt)
	}
	t := sqlType{kind: max(lt.kind, rt.kind)}
	if shift {
		t = sqlType{kind: lt.kind}
	}
	if l == nil || r == nil {
		return nil, t, nil
	}
	a, b := l.(int64), r.(int64)
	switch op {
	case "&":
		return a & b, t, nil
	case "|":
		return a | b, t, nil
	case "#":
		return a ^ b, t, nil
	}
	if t.kind == kInt8 {
		n := uint(b & 63)
		if op == "<<" {
			return a << n, t, nil
		}
		return a >> n, t, nil
	}
	n := uint(b & 31)
	x := int32(a)
	if op == "<<" {
		x <<= n
	} else {
		x >>= n
	}
	if t.kind == kInt2 {
		return int64(int16(x)), t, nil
	}
	return int64(x), t, nil
}

// bitwiseNot is the prefix operator ~.
func bitwiseNot(v any, t sqlType) (any, sqlType, error) {
	switch {
	case t.kind == kUnknown:
		return nil, t, pgerr.New("42725", "operator is not unique: ~ unknown")
	case !t.isInt() || t.array:
		return nil, t, pgerr.New(pgerr.UndefinedFunction, "operator does not exist: ~ %s", t)
	case v == nil:
		return nil, t, nil
	}
	return ^v.(int64), t, nil
}

// powerOp is a ^ b.
func powerOp(l any, lt sqlType, r any, rt sqlType) (any, sqlType, error) {
	if lt.kind == kUnknown && rt.kind == kUnknown {
		return nil, typUnknown, pgerr.New("42725", "operator is not unique: unknown ^ unknown")
	}
	numeric, floating := false, false
	for _, t := range []sqlType{lt, rt} {
		switch {
		case t.array || !isNumber(t) && t.kind != kUnknown:
			return nil, typUnknown, noOperator(lt, "^", rt)
		case t.kind == kFloat4 || t.kind == kFloat8:
			floating = true
		case t.kind == kNumeric:
			numeric = true
		}
	}
	to := typFloat8
	if numeric && !floating {
		to = typNumeric
	}
	a, err := cast(l, lt, to, false /* explicit */)
	if err != nil {
		return nil, to, err
	}
	b, err := cast(r, rt, to, false /* explicit */)
	if err != nil || a == nil || b == nil {
		return nil, to, err
	}
	if to.kind == kNumeric {
		v, err := numericPower(a.(*apd.Decimal), b.(*apd.Decimal)) // numericmath.go
		return v, to, err
	}
	return floatPower(a.(float64), b.(float64))
}

// floatPower is power(double precision, double precision), with
// PostgreSQL's overflow and underflow errors.
func floatPower(a, b float64) (any, sqlType, error) {
	v, err := mathValue("power", []float64{a, b})
	if err != nil {
		return nil, typFloat8, err
	}
	switch {
	case math.IsInf(v, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0):
		return nil, typFloat8, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
	case v == 0 && a != 0 && !math.IsInf(a, 0) && !math.IsInf(b, 0):
		return nil, typFloat8, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: underflow")
	}
	return v, typFloat8, nil
}

// pgTypeof is pg_typeof(x): the name regtype prints for x's type.
func pgTypeof(t sqlType) string {
	return formatTypeName(t, false)
}
