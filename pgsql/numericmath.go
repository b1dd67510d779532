package pgsql

import (
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The numeric variants of sqrt, exp, ln, log10, log(x), log(b, x) and
// power (and numeric ^ numeric), with PostgreSQL's result scales: each
// result has at least 16 significant digits (NUMERIC_MIN_SIG_DIGITS),
// never fewer decimal places than its arguments show, and at most 1000,
// as PostgreSQL 15 answers (the scale of each function is worked out
// below from the argument's size). The value is computed with apd well
// beyond that scale and rounded half away from zero, as PostgreSQL
// rounds. Errors: 2201E for the logarithm of zero or a negative number,
// 2201F for the square root of a negative number, zero to a negative
// power and a negative number to a non-integer power, 22012 for log to
// base 1, 22003 when the result would not fit numeric.

const (
	minSigDigits    = 16   // PostgreSQL's NUMERIC_MIN_SIG_DIGITS
	maxDisplayScale = 1000 // NUMERIC_MAX_DISPLAY_SCALE
	maxExpArg       = 6000 // exp's argument beyond which numeric overflows (or the result is 0)
	maxNumericDigit = 131072
)

// numericMathFunc computes one of the numeric math functions; ok is false
// when none of the arguments is numeric or one is floating, so that the
// double precision variant applies.
func numericMathFunc(name string, vals []any, types []sqlType) (v any, ok bool, err error) {
	numeric := false
	for _, t := range types {
		switch {
		case t.kind == kFloat4 || t.kind == kFloat8:
			return nil, false, nil
		case t.kind == kNumeric:
			numeric = true
		}
	}
	if !numeric && !(name == "log" && len(vals) == 2) {
		return nil, false, nil
	}
	args := make([]*apd.Decimal, len(vals))
	for i := range vals {
		x, err := cast(vals[i], types[i], typNumeric, false /* explicit */)
		if err != nil || x == nil {
			return nil, true, err
		}
		args[i] = x.(*apd.Decimal)
	}
	switch name {
	case "sqrt":
		v, err = numericSqrt(args[0])
	case "exp":
		v, err = numericExp(args[0])
	case "ln":
		v, err = numericLn(args[0])
	case "log10":
		v, err = numericLog(apd.New(10, 0), args[0])
	case "log":
		if len(args) == 1 {
			v, err = numericLog(apd.New(10, 0), args[0])
		} else {
			v, err = numericLog(args[0], args[1])
		}
	case "power", "pow":
		v, err = numericPower(args[0], args[1])
	default:
		return nil, true, pgerr.Unsupported("function " + name + "(numeric)")
	}
	return v, true, err
}

// dscale is a numeric's display scale: its digits after the point.
func dscale(d *apd.Decimal) int { return max(0, -int(d.Exponent)) }

// weight10000 is PostgreSQL's weight of d: the power of 10000 of its
// first base-10000 digit (0 for zero).
func weight10000(d *apd.Decimal) int {
	if d.IsZero() {
		return 0
	}
	e := adjusted(d) // the power of ten of the first digit
	if e >= 0 {
		return e / 4
	}
	return -((-e + 3) / 4)
}

// clampScale bounds a result scale as PostgreSQL does.
func clampScale(rscale int, args ...*apd.Decimal) int {
	for _, a := range args {
		rscale = max(rscale, dscale(a))
	}
	return min(max(rscale, 0), maxDisplayScale)
}

// roundTo rounds x to scale places, half away from zero.
func roundTo(x *apd.Decimal, scale int) (*apd.Decimal, error) {
	ctx := *decimalCtx
	ctx.Rounding = apd.RoundHalfUp
	ctx.Precision = uint32(max(adjusted(x)+scale+2, 1))
	ctx.MaxExponent, ctx.MinExponent = apd.MaxExponent, apd.MinExponent
	out := new(apd.Decimal)
	if _, err := ctx.Quantize(out, x, int32(-scale)); err != nil {
		return nil, numericOverflow()
	}
	return out, nil
}

func numericOverflow() *pgerr.Error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
}

// workCtx is a context with enough digits for a result of about 10^e to
// be rounded to scale places exactly.
func workCtx(e, scale int) *apd.Context {
	ctx := *decimalCtx
	ctx.Precision = uint32(max(e, 0) + scale + 20)
	ctx.MaxExponent = apd.MaxExponent
	ctx.MinExponent = apd.MinExponent
	ctx.Rounding = apd.RoundHalfEven
	return &ctx
}

// numericSqrt is sqrt(numeric): scale 16 less the decimal weight of the
// root, as PostgreSQL estimates it from the argument's base-10000 weight.
func numericSqrt(x *apd.Decimal) (any, error) {
	if x.Sign() < 0 {
		return nil, pgerr.New("2201F", "cannot take square root of a negative number")
	}
	sweight := (weight10000(x)+1)*4/2 - 1
	rscale := clampScale(minSigDigits-sweight, x)
	if x.IsZero() {
		return roundTo(new(apd.Decimal), rscale)
	}
	out := new(apd.Decimal)
	if _, err := workCtx(adjusted(x)/2+1, rscale).Sqrt(out, x); err != nil {
		return nil, numericOverflow()
	}
	return roundTo(out, rscale)
}

// numericExp is exp(numeric): scale 16 less the result's decimal weight.
func numericExp(x *apd.Decimal) (any, error) {
	f, _ := x.Float64()
	if f >= maxExpArg {
		return nil, numericOverflow()
	}
	dweight := f * math.Log10E
	rscale := clampScale(minSigDigits-int(dweight), x)
	if f <= -maxExpArg {
		return roundTo(new(apd.Decimal), rscale)
	}
	out := new(apd.Decimal)
	if _, err := workCtx(int(dweight)+1, rscale).Exp(out, x); err != nil {
		return nil, numericOverflow()
	}
	return roundTo(out, rscale)
}

// lnWeight estimates the decimal weight of ln(x), x > 0, as PostgreSQL
// does: from x - 1 near 1 (0.9 to 1.1), else from ln(x) in double
// precision, truncated toward zero.
func lnWeight(x *apd.Decimal) int {
	lo, hi := apd.New(9, -1), apd.New(11, -1)
	if x.Cmp(lo) >= 0 && x.Cmp(hi) <= 0 {
		d := new(apd.Decimal)
		_, _ = decimalCtx.Sub(d, x, apd.New(1, 0))
		if d.IsZero() {
			return 0
		}
		return adjusted(d)
	}
	ln := lnFloat(x)
	if ln == 0 {
		return 0
	}
	return int(math.Log10(math.Abs(ln)))
}

// checkLog refuses the logarithm of zero or a negative number.
func checkLog(x *apd.Decimal) error {
	switch x.Sign() {
	case 0:
		return pgerr.New("2201E", "cannot take logarithm of zero")
	case -1:
		return pgerr.New("2201E", "cannot take logarithm of a negative number")
	}
	return nil
}

// numericLn is ln(numeric): scale 16 less the decimal weight of ln(x).
func numericLn(x *apd.Decimal) (any, error) {
	if err := checkLog(x); err != nil {
		return nil, err
	}
	w := lnWeight(x)
	rscale := clampScale(minSigDigits-w, x)
	out := new(apd.Decimal)
	if _, err := workCtx(w+1, rscale).Ln(out, x); err != nil {
		return nil, numericOverflow()
	}
	return roundTo(out, rscale)
}

// numericLog is log(b, x): ln(x) / ln(b), at scale 16 less the estimated
// decimal weight of the quotient.
func numericLog(b, x *apd.Decimal) (any, error) {
	if err := checkLog(b); err != nil {
		return nil, err
	}
	if err := checkLog(x); err != nil {
		return nil, err
	}
	dweight := lnWeight(x) - lnWeight(b)
	rscale := clampScale(minSigDigits-dweight, b, x)
	ctx := workCtx(max(dweight, 0)+40, rscale+40)
	lb, lx := new(apd.Decimal), new(apd.Decimal)
	if _, err := ctx.Ln(lb, b); err != nil {
		return nil, numericOverflow()
	}
	if lb.IsZero() {
		return nil, pgerr.New(pgerr.DivisionByZero, "division by zero")
	}
	if _, err := ctx.Ln(lx, x); err != nil {
		return nil, numericOverflow()
	}
	out := new(apd.Decimal)
	if _, err := ctx.Quo(out, lx, lb); err != nil {
		return nil, numericOverflow()
	}
	return roundTo(out, rscale)
}

// numericPower is power(numeric, numeric) and numeric ^ numeric. An
// integer exponent gives scale 16 (or the base's, if more); another
// exponent scale 16 less the result's decimal weight, at least the
// scales of both arguments, and a result computed as exp(y * ln(x)),
// whose argument beyond 6000 overflows as exp's does.
func numericPower(x, y *apd.Decimal) (any, error) {
	if x.IsZero() && y.Sign() < 0 {
		return nil, pgerr.New("2201F", "zero raised to a negative power is undefined")
	}
	integer := isIntegral(y)
	if x.Sign() < 0 && !integer {
		return nil, pgerr.New("2201F", "a negative number raised to a non-integer power yields a complex result")
	}
	if integer {
		rscale := clampScale(minSigDigits, x)
		if x.IsZero() {
			if y.IsZero() {
				return roundTo(apd.New(1, 0), rscale)
			}
			return roundTo(new(apd.Decimal), rscale)
		}
		// The result's decimal weight, estimated in double precision.
		yf, _ := y.Float64()
		ax := new(apd.Decimal).Abs(x)
		e := float64(adjusted(ax))
		m := new(apd.Decimal).Set(ax)
		m.Exponent -= int32(adjusted(ax))
		mf, _ := m.Float64()
		dweight := yf * (e + math.Log10(mf))
		if dweight >= maxNumericDigit {
			return nil, numericOverflow()
		}
		if dweight < -float64(maxDisplayScale)-2 {
			return roundTo(new(apd.Decimal), rscale) // below the last digit shown
		}
		out := new(apd.Decimal)
		if _, err := workCtx(int(dweight)+1, rscale).Pow(out, x, y); err != nil {
			// PostgreSQL's numeric reaches 10^131072; apd's exponents stop
			// at 10^100000.
			return nil, pgerr.Unsupported("numeric results of more than 100000 digits")
		}
		if adjusted(out) >= maxNumericDigit {
			return nil, numericOverflow()
		}
		return roundTo(out, rscale)
	}
	if x.IsZero() {
		return roundTo(new(apd.Decimal), clampScale(minSigDigits, x, y))
	}
	// val = y * ln(x), in double precision, as the estimate of the result.
	xf := lnFloat(x)
	yf, _ := y.Float64()
	val := yf * xf
	if val >= maxExpArg {
		return nil, numericOverflow()
	}
	dweight := val * math.Log10E
	rscale := clampScale(minSigDigits-int(dweight), x, y)
	if val <= -maxExpArg {
		return roundTo(new(apd.Decimal), rscale)
	}
	ctx := workCtx(int(dweight)+1, rscale+10)
	lx, prod, out := new(apd.Decimal), new(apd.Decimal), new(apd.Decimal)
	if _, err := ctx.Ln(lx, x); err != nil {
		return nil, numericOverflow()
	}
	if _, err := ctx.Mul(prod, lx, y); err != nil {
		return nil, numericOverflow()
	}
	if _, err := ctx.Exp(out, prod); err != nil {
		return nil, numericOverflow()
	}
	return roundTo(out, rscale)
}

// lnFloat is ln(x), x > 0, in double precision, for any exponent.
func lnFloat(x *apd.Decimal) float64 {
	e := adjusted(x)
	m := new(apd.Decimal).Set(x)
	m.Exponent -= int32(e)
	mf, _ := m.Float64()
	return math.Log(mf) + float64(e)*math.Ln10
}

// isIntegral reports whether d has no fractional part.
func isIntegral(d *apd.Decimal) bool {
	if d.Exponent >= 0 || d.IsZero() {
		return true
	}
	r := new(apd.Decimal)
	r.Reduce(d)
	return r.Exponent >= 0
}
