package pgsql

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// time (time without time zone) is a time of day, 00:00:00 to 24:00:00
// inclusive, in microseconds. Its value is an int64 of microseconds past
// midnight everywhere: as the evaluator computes it and as the engine
// stores it (an Int column), so the engine's key order is the time
// order and a time column may be in a key or an index. Code that reads a
// value by its Go type alone must look at the SQL type first: an int64
// of kind kTime is not a number (Format, cast, to_json, the wire).
//
// PostgreSQL's operators and casts on time:
//
//	time ± interval      time (the interval's time part, wrapping around midnight)
//	interval + time      time
//	time - time          interval
//	date + time, time + date, timestamp + time
//	                     timestamp
//	date - time          timestamp
//	time::interval       interval (an implicit cast: so time * number, - time,
//	                     sum(time) and avg(time) are interval's)
//	interval::time       the interval's time part modulo a day
//	timestamp[tz]::time  the time of day (in the session's zone, UTC)
//
// timetz (time with time zone), and so current_time, is 0A000.

var typTime = sqlType{kind: kTime}

// timeType is time or time(p): prec holds p + 1 (0 when unconstrained),
// as an interval's modifiers keep its precision.
func timeType(mods []int64) (sqlType, error) {
	if len(mods) == 0 {
		return typTime, nil
	}
	p := int(mods[0])
	if len(mods) > 1 {
		return sqlType{}, pgerr.New(pgerr.SyntaxError, "invalid type modifier")
	}
	if p < 0 {
		return sqlType{}, pgerr.New("22023", "TIME(%d) precision must not be negative", p)
	}
	return sqlType{kind: kTime, prec: min(p, 6) + 1}, nil
}

// timeScales are 10^(6-p): the unit a time(p) rounds to.
var timeScales = [...]int64{1_000_000, 100_000, 10_000, 1_000, 100, 10, 1}

// roundTime rounds us to t's precision, half up, as PostgreSQL's
// AdjustTimeForTypmod does.
func roundTime(us int64, t sqlType) int64 {
	if t.prec == 0 {
		return us
	}
	scale := timeScales[t.prec-1]
	return (us + scale/2) / scale * scale
}

// formatTime prints a time of day as PostgreSQL's ISO DateStyle does:
// hh:mm:ss and the fraction without trailing zeros.
func formatTime(us int64) string {
	b := make([]byte, 0, 15)
	two := func(v int64) {
		b = append(b, byte('0'+v/10), byte('0'+v%10))
	}
	two(us / usPerHour)
	b = append(b, ':')
	two(us % usPerHour / usPerMin)
	b = append(b, ':')
	two(us % usPerMin / usPerSec)
	if frac := us % usPerSec; frac != 0 {
		f := strconv.FormatInt(frac+usPerSec, 10)[1:] // six digits, zero-padded
		b = append(b, '.')
		b = append(b, strings.TrimRight(f, "0")...)
	}
	return string(b)
}

// timeOutOfRange is 22008 for a field out of its range.
func timeOutOfRange(s string) *pgerr.Error {
	return pgerr.New("22008", "date/time field value out of range: %q", s)
}

// parseTimeOfDay reads time's input forms: hh:mm[:ss[.frac]], hhmm and
// hhmmss, an optional AM or PM, an optional leading ISO date (which is
// read and dropped) or T, and an optional time zone (Z, UTC, GMT, ±hh,
// ±hh:mm, ±hhmm), which time without time zone ignores; allballs is
// midnight. A malformed value is 22007, a field out of range 22008 and a
// zone displacement beyond 15:59 22009, as PostgreSQL reports them.
// Other words PostgreSQL reads (now, time zone abbreviations and names)
// are 0A000.
func parseTimeOfDay(s string) (int64, error) {
	bad := func() (int64, error) { return 0, invalidInput(typTime, s) }
	body := strings.ToLower(strings.TrimSpace(s))
	if body == "allballs" {
		return 0, nil
	}
	if body == "now" {
		return 0, pgerr.Unsupported("time input \"now\"")
	}
	fields := strings.Fields(body)
	if len(fields) == 0 {
		return bad()
	}
	// A leading date, as in a timestamp's text.
	if len(fields) > 1 && strings.Count(fields[0], "-") == 2 && !strings.Contains(fields[0], ":") {
		if _, err := time.Parse("2006-01-02", fields[0]); err != nil {
			return bad()
		}
		fields = fields[1:]
	}
	clock := fields[0]
	fields = fields[1:]
	clock = strings.TrimPrefix(clock, "t")
	// A zone glued to the time: 10:00z, 10:00+03, 10:00-0330.
	var zone string
	if i := strings.IndexAny(clock, "+-z"); i > 0 {
		clock, zone = clock[:i], clock[i:]
	} else if i == 0 {
		return bad()
	}
	h, m, sec, frac, err := clockFields(clock)
	if err != nil {
		return bad()
	}
	meridian := ""
	for _, f := range fields {
		switch {
		case (f == "am" || f == "pm") && meridian == "" && zone == "":
			meridian = f
		case zone != "":
			return bad()
		case f == "z" || f == "utc" || f == "gmt" || f == "zulu" || f[0] == '+' || f[0] == '-':
			zone = f
		case isAlpha(f):
			return 0, pgerr.Unsupported("time zone " + strconv.Quote(f) + " in time input")
		default:
			return bad()
		}
	}
	if zone != "" {
		if err := checkZone(zone, s); err != nil {
			return 0, err
		}
	}
	switch meridian {
	case "am", "pm":
		if h > 12 {
			return 0, timeOutOfRange(s)
		}
		if h == 12 {
			h = 0
		}
		if meridian == "pm" {
			h += 12
		}
	}
	if h < 0 || h > 24 || m > 59 || sec > 60 {
		return 0, timeOutOfRange(s)
	}
	us := int64(math.RoundToEven(frac * usPerSec))
	total := h*usPerHour + m*usPerMin + sec*usPerSec + us
	if total > usPerDay || sec == 60 && us > 0 {
		return 0, timeOutOfRange(s)
	}
	return total, nil
}

// clockFields splits hh:mm[:ss[.frac]], hhmm[ss][.frac] into its fields;
// err is set when s is not of those forms.
func clockFields(s string) (h, m, sec int64, frac float64, err error) {
	fail := strconv.ErrSyntax
	if whole, f, ok := strings.Cut(s, "."); ok {
		if f != "" && !allDigits(f) {
			return 0, 0, 0, 0, fail
		}
		if f != "" {
			frac, _ = strconv.ParseFloat("0."+f, 64)
		}
		s = whole
	}
	parts := strings.Split(s, ":")
	switch {
	case len(parts) == 1 && (len(s) == 4 || len(s) == 6) && allDigits(s):
		parts = []string{s[:2], s[2:4]}
		if len(s) == 6 {
			parts = append(parts, s[4:])
		}
	case len(parts) == 2 && frac != 0:
		return 0, 0, 0, 0, fail // 10:30.5 is minutes and seconds in PostgreSQL; not read here
	case len(parts) < 2 || len(parts) > 3:
		return 0, 0, 0, 0, fail
	}
	var n [3]int64
	for i, p := range parts {
		if p == "" || len(p) > 9 || !allDigits(p) {
			return 0, 0, 0, 0, fail
		}
		n[i], _ = strconv.ParseInt(p, 10, 64)
	}
	if len(parts) == 2 && strings.Contains(s, ".") {
		return 0, 0, 0, 0, fail
	}
	return n[0], n[1], n[2], frac, nil
}

// checkZone validates a time zone suffix that time ignores.
func checkZone(zone, s string) error {
	switch zone {
	case "z", "utc", "gmt", "zulu":
		return nil
	}
	sign, rest := zone[0], zone[1:]
	if sign != '+' && sign != '-' || rest == "" {
		return invalidInput(typTime, s)
	}
	h, m := rest, ""
	if a, b, ok := strings.Cut(rest, ":"); ok {
		h, m = a, b
	} else if len(rest) == 4 {
		h, m = rest[:2], rest[2:]
	}
	if !allDigits(h) || m != "" && !allDigits(m) || len(h) > 2 || len(m) > 2 {
		return invalidInput(typTime, s)
	}
	hh, _ := strconv.Atoi(h)
	mm := 0
	if m != "" {
		mm, _ = strconv.Atoi(m)
	}
	if hh > 15 || mm > 59 {
		return pgerr.New("22009", "time zone displacement out of range: %q", s)
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// timeOfTimestamp is the time of day of a timestamp (UTC wall clock).
func timeOfTimestamp(t time.Time) int64 {
	t = t.UTC()
	return int64(t.Hour())*usPerHour + int64(t.Minute())*usPerMin + int64(t.Second())*usPerSec + int64(t.Nanosecond()/1000)
}

// wrapTime brings us into [0, a day), as time ± interval wraps.
func wrapTime(us int64) int64 {
	us %= usPerDay
	if us < 0 {
		us += usPerDay
	}
	return us
}

// castTime converts v of type from to time, or a time to type to; ok is
// false when neither side is a time. Casts PostgreSQL does not have are
// 42846 (explicit) or 42804 (assignment).
func castTime(v any, from, to sqlType, explicit bool) (any, bool, error) {
	if from.kind != kTime && to.kind != kTime {
		return nil, false, nil
	}
	refuse := func() (any, bool, error) {
		if !explicit {
			return nil, true, assignMismatch(from, to)
		}
		return nil, true, castError(from, to)
	}
	if to.kind == kTime {
		var us int64
		switch {
		case from.kind == kTime:
			us = v.(int64)
		case from.kind == kUnknown || from.isText():
			s, _ := v.(string)
			if !explicit && from.kind != kUnknown {
				return refuse()
			}
			n, err := parseTimeOfDay(s)
			if err != nil {
				return nil, true, err
			}
			us = n
		case from.kind == kTimestamp || from.kind == kTimestamptz:
			if !explicit {
				return refuse()
			}
			us = timeOfTimestamp(v.(time.Time))
		case from.kind == kInterval:
			if !explicit {
				return refuse()
			}
			iv, err := asInterval(v)
			if err != nil {
				return nil, true, err
			}
			us = wrapTime(iv.Micros)
		default:
			return refuse()
		}
		return roundTime(us, to), true, nil
	}
	switch {
	case to.isText():
		if !explicit && to.kind != kText {
			return refuse()
		}
		s, err := fit(to, formatTime(v.(int64)))
		if explicit && to.length > 0 && err != nil {
			return formatTime(v.(int64))[:to.length], true, nil
		}
		return s, true, err
	case to.kind == kInterval:
		return Interval{Micros: v.(int64)}, true, nil
	}
	return refuse()
}

// timeAsInterval reads a time operand as an interval, PostgreSQL's
// implicit cast, where only interval's operator or aggregate applies.
func timeAsInterval(v any) any {
	if v == nil {
		return nil
	}
	return Interval{Micros: v.(int64)}
}

// timePart is extract(field FROM time): the clock fields and the epoch
// (seconds since midnight); others are 0A000, unknown names 22023.
func timePart(field string, us int64) (part, error) {
	u, ok := lookupField(field)
	if !ok {
		return part{}, unitNotRecognized(field, typTime)
	}
	switch u {
	case unitMicrosecond, unitMillisecond, unitSecond:
		return secondPart(u, us%usPerMin/usPerSec, us%usPerSec), nil
	case unitMinute:
		return intPart(us % usPerHour / usPerMin), nil
	case unitHour:
		return intPart(us / usPerHour), nil
	case unitEpoch:
		return part{n: us, scale: 6, float: float64(us) / 1e6}, nil
	}
	return part{}, unitNotSupported(field, typTime)
}

// timeArithOp computes an operator with a time operand; ok is false
// when neither operand is a time. A string literal beside a time is
// typed as PostgreSQL types it: an interval after time +, a time after
// time -, a time beside a date's + and -.
func timeArithOp(op string, l any, lt sqlType, r any, rt sqlType) (v any, t sqlType, ok bool, err error) {
	if lt.array || rt.array || lt.kind != kTime && rt.kind != kTime {
		return nil, typUnknown, false, nil
	}
	// A literal beside a time: an interval after +, a time on either
	// side of -, a number (through interval's operators) beside * and /.
	literal := func(known sqlType, knownLeft bool) sqlType {
		switch {
		case known.kind == kTime && op == "+":
			return typInterval
		case known.kind == kTime && op == "-":
			return typTime
		case known.kind == kTime:
			return typFloat8 // time * 2: the interval's operator
		}
		return typTime
	}
	switch {
	case lt.kind == kUnknown:
		lt = literal(rt, false)
		if l != nil {
			if l, err = parseText(lt, l.(string)); err != nil {
				return nil, typUnknown, true, err
			}
		}
	case rt.kind == kUnknown:
		rt = literal(lt, true)
		if r != nil {
			if r, err = parseText(rt, r.(string)); err != nil {
				return nil, typUnknown, true, err
			}
		}
	}
	iv := func(t sqlType) bool { return t.kind == kInterval }
	tm := func(t sqlType) bool { return t.kind == kTime }
	switch {
	case op == "+" && tm(lt) && tm(rt):
		return nil, typUnknown, true, pgerr.New("42725", "operator is not unique: %s + %s", typeLabel(lt), typeLabel(rt))
	case (op == "+" || op == "-") && tm(lt) && iv(rt), op == "+" && iv(lt) && tm(rt):
		if l == nil || r == nil {
			return nil, typTime, true, nil
		}
		x, y := l, r
		if iv(lt) {
			x, y = r, l
		}
		d, err := asInterval(y)
		if err != nil {
			return nil, typTime, true, err
		}
		if op == "-" {
			d.Micros = -d.Micros
		}
		return wrapTime(x.(int64) + d.Micros%usPerDay), typTime, true, nil
	case op == "-" && tm(lt) && tm(rt):
		if l == nil || r == nil {
			return nil, typInterval, true, nil
		}
		return Interval{Micros: l.(int64) - r.(int64)}, typInterval, true, nil
	case op == "+" && (lt.kind == kDate || lt.kind == kTimestamp) && tm(rt),
		op == "+" && tm(lt) && (rt.kind == kDate || rt.kind == kTimestamp),
		op == "-" && lt.kind == kDate && tm(rt):
		if l == nil || r == nil {
			return nil, sqlType{kind: kTimestamp}, true, nil
		}
		d, us := l, r
		if tm(lt) {
			d, us = r, l
		}
		if op == "-" {
			us = -us.(int64)
		}
		ts, err := addInterval(d.(time.Time), Interval{Micros: us.(int64)})
		return ts, sqlType{kind: kTimestamp}, true, err
	case op == "*" || op == "/" || tm(lt) && iv(rt) || iv(lt) && tm(rt) || (op == "+" || op == "-") && (timeKind(lt) || timeKind(rt)):
		// The implicit cast to interval: time * 2, time / 2, interval - time,
		// timestamp - time.
		if tm(lt) {
			l, lt = timeAsInterval(l), typInterval
		}
		if tm(rt) {
			r, rt = timeAsInterval(r), typInterval
		}
		v, t, _, err := timeArith(op, l, lt, r, rt)
		return v, t, true, err
	}
	return nil, typUnknown, true, noOperator(lt, op, rt)
}
