package pgsql

import (
	"math"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Date and time arithmetic, with PostgreSQL's operators and result types:
//
//	timestamp[tz] ± interval   timestamp[tz]  (months first, clamped to the month's end, then days, then time)
//	date ± interval            timestamp
//	date ± integer             date
//	date - date                integer (days)
//	timestamp[tz] - timestamp[tz], or a date on either side
//	                           interval (days and time, no months)
//	interval ± interval        interval
//	interval * number, number * interval, interval / number
//	                           interval (number read as double precision)
//	- interval                 interval
//
// A string literal on one side is typed as PostgreSQL's operator
// resolution types it: an interval added to a timestamp, the other
// operand's own type subtracted from a timestamp or a date (so now() -
// '1 day' is 22007, as there), double precision scaling an interval, and
// date + 'literal' is 42725, ambiguous. Timestamps are kept as UTC
// time.Time values, a date as its midnight; the session's time zone is
// UTC, so timestamptz arithmetic is timestamp arithmetic.

// minTimestamp and maxTimestamp bound the timestamps reldb represents:
// PostgreSQL's upper bound, and the first day AD (PostgreSQL's reach back
// to 4714 BC, which reldb does not print or read).
var (
	minTimestamp = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTimestamp = time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate      = time.Date(5874898, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkTimestamp returns t, or 22008 beyond PostgreSQL's last timestamp
// and 0A000 before the first year AD.
func checkTimestamp(t time.Time, k kind) (time.Time, error) {
	limit := maxTimestamp
	if k == kDate {
		limit = maxDate
	}
	switch {
	case !t.Before(limit):
		if k == kDate {
			return t, pgerr.New("22008", "date out of range")
		}
		return t, pgerr.New("22008", "timestamp out of range")
	case t.Before(minTimestamp):
		return t, pgerr.Unsupported("dates and timestamps before 0001-01-01 (BC)")
	}
	return t, nil
}

// isDateTime reports whether t is a date, a timestamp or an interval.
func isDateTime(t sqlType) bool { return timeKind(t) || t.kind == kInterval }

// timeArith applies an arithmetic operator one of whose operands is a
// date, a timestamp or an interval; ok is false when neither is.
func timeArith(op string, l any, lt sqlType, r any, rt sqlType) (v any, t sqlType, ok bool, err error) {
	if lt.array || rt.array || !isDateTime(lt) && !isDateTime(rt) {
		return nil, typUnknown, false, nil
	}
	if lt, rt, err = resolveTimeOperands(op, lt, rt); err != nil {
		return nil, typUnknown, true, err
	}
	if s, isText := l.(string); isText && lt.kind != kInterval {
		if l, err = parseText(lt, s); err != nil {
			return nil, typUnknown, true, err
		}
	}
	if s, isText := r.(string); isText && rt.kind != kInterval {
		if r, err = parseText(rt, s); err != nil {
			return nil, typUnknown, true, err
		}
	}
	t, ok = timeResultType(op, lt, rt)
	if !ok {
		return nil, typUnknown, true, noOperator(lt, op, rt)
	}
	if l == nil || r == nil {
		return nil, t, true, nil
	}
	v, err = timeOp(op, l, lt, r, rt, t)
	return v, t, true, err
}

func noOperator(lt sqlType, op string, rt sqlType) *pgerr.Error {
	return pgerr.New(pgerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt)
}

// resolveTimeOperands types a string-literal operand of a date and time
// operator, as PostgreSQL's operator resolution would.
func resolveTimeOperands(op string, lt, rt sqlType) (sqlType, sqlType, error) {
	switch {
	case lt.kind == kUnknown && rt.kind == kUnknown:
		return lt, rt, pgerr.New("42725", "operator is not unique: unknown %s unknown", op)
	case lt.kind == kUnknown:
		t, err := unknownOperand(op, rt, false /* left known */)
		return t, rt, err
	case rt.kind == kUnknown:
		t, err := unknownOperand(op, lt, true /* left known */)
		return lt, t, err
	}
	return lt, rt, nil
}

// unknownOperand is the type a string literal takes beside an operand of
// type known; knownLeft says on which side the known one is.
func unknownOperand(op string, known sqlType, knownLeft bool) (sqlType, error) {
	switch {
	case known.kind == kDate && op == "+":
		if knownLeft {
			return typUnknown, pgerr.New("42725", "operator is not unique: date + unknown")
		}
		return typUnknown, pgerr.New("42725", "operator is not unique: unknown + date")
	case timeKind(known) && op == "+":
		return typInterval, nil
	case known.kind == kInterval && (op == "*" || op == "/" && knownLeft):
		return typFloat8, nil
	}
	return sqlType{kind: known.kind}, nil
}

// timeResultType is the result type of lt op rt, both typed; ok is false
// when PostgreSQL has no such operator.
func timeResultType(op string, lt, rt sqlType) (sqlType, bool) {
	ts := func(t sqlType) bool { return t.kind == kTimestamp || t.kind == kTimestamptz }
	// date + integer takes integer and smallint; bigint has no operator.
	small := func(t sqlType) bool { return t.kind == kInt2 || t.kind == kInt4 }
	iv := func(t sqlType) bool { return t.kind == kInterval }
	switch op {
	case "+":
		switch {
		case lt.kind == kDate && small(rt), small(lt) && rt.kind == kDate:
			return sqlType{kind: kDate}, true
		case lt.kind == kDate && iv(rt), iv(lt) && rt.kind == kDate:
			return sqlType{kind: kTimestamp}, true
		case ts(lt) && iv(rt):
			return lt, true
		case iv(lt) && ts(rt):
			return rt, true
		case iv(lt) && iv(rt):
			return typInterval, true
		}
	case "-":
		switch {
		case lt.kind == kDate && rt.kind == kDate:
			return typInt4, true
		case lt.kind == kDate && small(rt):
			return sqlType{kind: kDate}, true
		case lt.kind == kDate && iv(rt):
			return sqlType{kind: kTimestamp}, true
		case ts(lt) && iv(rt):
			return lt, true
		case iv(lt) && iv(rt):
			return typInterval, true
		case timeKind(lt) && timeKind(rt):
			return typInterval, true
		}
	case "*":
		if iv(lt) && isNumber(rt) || isNumber(lt) && iv(rt) {
			return typInterval, true
		}
	case "/":
		if iv(lt) && isNumber(rt) {
			return typInterval, true
		}
	}
	return typUnknown, false
}

// timeOp computes l op r, non-NULL, of result type t.
func timeOp(op string, l any, lt sqlType, r any, rt sqlType, t sqlType) (any, error) {
	switch {
	case op == "*" || op == "/":
		iv, n, nt := l, r, rt
		if lt.kind != kInterval {
			iv, n, nt = r, l, lt
		}
		x, err := asInterval(iv)
		if err != nil {
			return nil, err
		}
		f, err := toFloat(n, nt)
		if err != nil {
			return nil, err
		}
		return scaleInterval(x, f, op == "/")
	case lt.kind == kInterval && rt.kind == kInterval:
		a, err := asInterval(l)
		if err != nil {
			return nil, err
		}
		b, err := asInterval(r)
		if err != nil {
			return nil, err
		}
		if op == "-" {
			if b, err = b.negate(); err != nil {
				return nil, err
			}
		}
		return addIntervals(a, b)
	case t.kind == kDate:
		// date ± integer
		d, n := l, r
		if lt.kind != kDate {
			d, n = r, l
		}
		days := n.(int64)
		if op == "-" {
			days = -days
		}
		return checkTimestamp(d.(time.Time).AddDate(0, 0, int(days)), kDate)
	case t.kind == kInt4:
		// date - date
		return (l.(time.Time).Unix() - r.(time.Time).Unix()) / 86400, nil
	case t.kind == kInterval:
		// timestamp - timestamp
		return timestampDiff(l.(time.Time), r.(time.Time))
	}
	// timestamp ± interval, the interval on either side of +.
	ts, iv := l, r
	if lt.kind == kInterval {
		ts, iv = r, l
	}
	x, err := asInterval(iv)
	if err != nil {
		return nil, err
	}
	if op == "-" {
		if x, err = x.negate(); err != nil {
			return nil, err
		}
	}
	return addInterval(ts.(time.Time), x)
}

// toFloat reads a number as double precision.
func toFloat(v any, t sqlType) (float64, error) {
	switch x := v.(type) {
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	case *apd.Decimal:
		f, err := x.Float64()
		if err != nil {
			return 0, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
		}
		return f, nil
	}
	return 0, pgerr.New(pgerr.InternalError, "%s value of Go type %T", t, v)
}

// addInterval is timestamp + interval as PostgreSQL adds them: the months
// first, keeping the day of the month unless the new month is shorter
// (January 31 plus a month is the last of February), then the days,
// then the time.
func addInterval(t time.Time, iv Interval) (time.Time, error) {
	if iv.Months != 0 {
		y, m, d := t.Date()
		total := int64(y)*12 + int64(m-1) + int64(iv.Months)
		ny, nm := total/12, total%12
		if nm < 0 {
			ny, nm = ny-1, nm+12
		}
		if ny < 1 || ny > 294276 {
			return checkTimestamp(time.Date(int(ny), 1, 1, 0, 0, 0, 0, time.UTC), kTimestamp)
		}
		d = min(d, daysIn(int(ny), time.Month(nm+1)))
		t = time.Date(int(ny), time.Month(nm+1), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	if iv.Days != 0 {
		t = t.AddDate(0, 0, int(iv.Days))
	}
	if iv.Micros != 0 {
		t = time.Unix(t.Unix()+iv.Micros/usPerSec, int64(t.Nanosecond())+iv.Micros%usPerSec*1000).UTC()
	}
	return checkTimestamp(t, kTimestamp)
}

// daysIn is the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// timestampDiff is a - b as an interval of days and time, both of the
// sign of the difference, as PostgreSQL's timestamp subtraction gives it.
func timestampDiff(a, b time.Time) (Interval, error) {
	sec := a.Unix() - b.Unix()
	if sec > math.MaxInt64/usPerSec-1 || sec < math.MinInt64/usPerSec+1 {
		return Interval{}, intervalOutOfRange()
	}
	us := sec*usPerSec + int64(a.Nanosecond()-b.Nanosecond())/1000
	return Interval{Days: int32(us / usPerDay), Micros: us % usPerDay}, nil
}

// negateInterval is unary minus on an interval value.
func negateInterval(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	iv, err := asInterval(v)
	if err != nil {
		return nil, err
	}
	return iv.negate()
}

// paramBeside is the type a parameter takes as the operand of op beside
// one of type other (on the left when otherLeft): other's, but for the
// date and time operators the type unknownOperand gives a literal there
// (timestamptz_col + $1 is an interval), and none where PostgreSQL could
// not choose.
func paramBeside(op string, other sqlType, otherLeft bool) sqlType {
	switch op {
	case "+", "-", "*", "/":
		if !other.array && other.kind == kTime && (op == "+" || op == "-") {
			// As timeArithOp types a literal there (timeofday.go).
			if op == "+" {
				return typInterval
			}
			return typTime
		}
		if !other.array && isDateTime(other) {
			t, err := unknownOperand(op, other, otherLeft)
			if err != nil {
				return typUnknown
			}
			return t
		}
	}
	return other
}
