package pgsql

import (
	"math"
	"strconv"
	"strings"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// An interval is PostgreSQL's: three separate fields, months, days and
// microseconds, because a month and a day have no fixed length (a month
// added to a timestamp is a calendar month, a day a calendar day).
// Intervals compare as PostgreSQL compares them, by one span in which a
// month counts 30 days and a day 24 hours, so '1 mon' = '30 days' though
// the two add differently to a timestamp.
//
// Text input takes PostgreSQL's forms: quantities with units ('1 day',
// '2 hours 30 minutes', '1.5 weeks', with each quantity's own sign),
// abbreviated units ('1d 2h', '3 mons', '5 secs'), a time of day
// ('04:05:06.5', '-1:30'), a year-month pair ('1-2'), a trailing or
// leading 'ago' that negates it all, an '@' anywhere, and ISO 8601's
// designator form ('P1Y2M3DT4H5M6S'). Text output is the default
// IntervalStyle, postgres: 1 year 2 mons 3 days 04:05:06.5.
//
// In a table an interval column is stored in the engine as text, the
// value's output form, which reads back to the same three fields (see
// storedValue); the engine orders that text byte-wise, not as intervals
// compare, so an interval column cannot be in a key or an index (0A000).

// Interval is a value of SQL type interval, as Exec returns it and as a
// parameter may pass it: PostgreSQL's three fields, each with its own
// sign ('-1 days +02:00:00' is Days -1, Micros 7200000000). Its String
// method prints PostgreSQL's text output. Two Intervals whose fields
// differ may be equal in SQL ('1 mon' = '30 days'); compare them in SQL,
// not with ==.
type Interval struct {
	Months int32 // calendar months; a year is 12
	Days   int32 // calendar days
	Micros int64 // the time, in microseconds
}

// Time units in microseconds.
const (
	usPerSec  = 1_000_000
	usPerMin  = 60 * usPerSec
	usPerHour = 60 * usPerMin
	usPerDay  = 24 * usPerHour
)

var typInterval = sqlType{kind: kInterval}

// String returns PostgreSQL's text output of the interval in the default
// IntervalStyle, postgres: each non-zero of years, months and days with
// its unit, then the time as [-]hh:mm:ss[.ffffff] when non-zero or when
// nothing else is; a field is signed with + when an earlier one was
// negative and it is not.
func (iv Interval) String() string {
	var b strings.Builder
	empty, negBefore := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !empty {
			b.WriteByte(' ')
		}
		if negBefore && v > 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.FormatInt(v, 10))
		b.WriteByte(' ')
		b.WriteString(unit)
		if v != 1 {
			b.WriteByte('s')
		}
		empty, negBefore = false, v < 0
	}
	part(int64(iv.Months/12), "year")
	part(int64(iv.Months%12), "mon")
	part(int64(iv.Days), "day")
	if iv.Micros == 0 && !empty {
		return b.String()
	}
	if !empty {
		b.WriteByte(' ')
	}
	us := iv.Micros
	switch {
	case us < 0:
		b.WriteByte('-')
	case negBefore:
		b.WriteByte('+')
	}
	// Each part keeps the sign of the whole; print magnitudes.
	hours, us := us/usPerHour, us%usPerHour
	mins, us := us/usPerMin, us%usPerMin
	secs, frac := us/usPerSec, us%usPerSec
	two := func(v int64) {
		if v < 0 {
			v = -v
		}
		if v < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatUint(uint64(v), 10))
	}
	two(hours)
	b.WriteByte(':')
	two(mins)
	b.WriteByte(':')
	two(secs)
	if frac != 0 {
		if frac < 0 {
			frac = -frac
		}
		f := strconv.FormatInt(frac+usPerSec, 10)[1:] // six digits, zero-padded
		b.WriteByte('.')
		b.WriteString(strings.TrimRight(f, "0"))
	}
	return b.String()
}

// span returns the interval's length as PostgreSQL compares intervals, a
// month as 30 days and a day as 24 hours, split into whole days and the
// microseconds left, 0 <= rest < one day, so that two spans compare
// field by field without overflow.
func (iv Interval) span() (days, rest int64) {
	days = int64(iv.Months)*30 + int64(iv.Days)
	d, r := iv.Micros/usPerDay, iv.Micros%usPerDay
	if r < 0 {
		d, r = d-1, r+usPerDay
	}
	return days + d, r
}

// compareIntervals orders a and b as PostgreSQL does: by span.
func compareIntervals(a, b Interval) int {
	ad, ar := a.span()
	bd, br := b.span()
	switch {
	case ad < bd:
		return -1
	case ad > bd:
		return 1
	case ar < br:
		return -1
	case ar > br:
		return 1
	}
	return 0
}

// intervalKey is the grouping identity of an interval: equal spans, equal
// keys, as PostgreSQL's hash of an interval.
func intervalKey(iv Interval) string {
	d, r := iv.span()
	return strconv.FormatInt(d, 10) + "/" + strconv.FormatInt(r, 10)
}

func intervalOutOfRange() *pgerr.Error {
	return pgerr.New("22008", "interval out of range")
}

// negate is unary minus.
func (iv Interval) negate() (Interval, error) {
	if iv.Months == math.MinInt32 || iv.Days == math.MinInt32 || iv.Micros == math.MinInt64 {
		return Interval{}, intervalOutOfRange()
	}
	return Interval{-iv.Months, -iv.Days, -iv.Micros}, nil
}

// addIntervals adds field by field; 22008 when a field overflows.
func addIntervals(a, b Interval) (Interval, error) {
	m := int64(a.Months) + int64(b.Months)
	d := int64(a.Days) + int64(b.Days)
	us := a.Micros + b.Micros
	if m != int64(int32(m)) || d != int64(int32(d)) || (a.Micros > 0 && b.Micros > 0 && us < 0) || (a.Micros < 0 && b.Micros < 0 && us >= 0) {
		return Interval{}, intervalOutOfRange()
	}
	return Interval{int32(m), int32(d), us}, nil
}

// tsRound rounds to microsecond precision, as PostgreSQL's TSROUND rounds
// the fractional days and seconds that scaling an interval leaves.
func tsRound(x float64) float64 { return math.RoundToEven(x*1e6) / 1e6 }

func fitsInt32(x float64) bool { return x >= math.MinInt32 && x < -float64(math.MinInt32) }
func fitsInt64(x float64) bool { return x >= math.MinInt64 && x < -float64(math.MinInt64) }

// scaleInterval is interval * f (div false) or interval / f (div true),
// as PostgreSQL computes them: each field scaled, the fraction of the
// months carried into days (30 a month) and the fraction of the days
// into the time, each carry rounded to microseconds.
func scaleInterval(iv Interval, f float64, div bool) (Interval, error) {
	if div && f == 0 {
		return Interval{}, pgerr.DivisionByZeroError()
	}
	op := func(x float64) float64 {
		if div {
			return x / f
		}
		return x * f
	}
	m, d := op(float64(iv.Months)), op(float64(iv.Days))
	if math.IsNaN(m) || !fitsInt32(m) || math.IsNaN(d) || !fitsInt32(d) {
		return Interval{}, intervalOutOfRange()
	}
	out := Interval{Months: int32(m), Days: int32(d)}
	monthDays := tsRound((m - float64(out.Months)) * 30)
	secs := tsRound((d - float64(out.Days) + monthDays - math.Trunc(monthDays)) * 86400)
	days := int64(out.Days)
	if math.Abs(secs) >= 86400 {
		whole := math.Trunc(secs / 86400)
		days += int64(whole)
		secs -= whole * 86400
	}
	days += int64(monthDays)
	if days != int64(int32(days)) {
		return Interval{}, intervalOutOfRange()
	}
	out.Days = int32(days)
	us := math.RoundToEven(op(float64(iv.Micros)) + secs*usPerSec)
	if math.IsNaN(us) || !fitsInt64(us) {
		return Interval{}, intervalOutOfRange()
	}
	out.Micros = int64(us)
	return out, nil
}

// intervalUnit is a unit of an interval's text form, also the fields
// extract and date_trunc name.
type intervalUnit uint8

const (
	unitNone intervalUnit = iota
	unitMicrosecond
	unitMillisecond
	unitSecond
	unitMinute
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitQuarter
	unitYear
	unitDecade
	unitCentury
	unitMillennium
	unitTimezone
	unitTimezoneHour
	unitTimezoneMinute
	unitAgo // not a unit: the word ago
)

// unitWords are the words of PostgreSQL's table of interval units
// (deltatktbl), which date_trunc and extract look fields up in too.
var unitWords = map[string]intervalUnit{
	"us": unitMicrosecond, "usec": unitMicrosecond, "usecs": unitMicrosecond, "usecond": unitMicrosecond,
	"useconds": unitMicrosecond, "microsecon": unitMicrosecond,
	"ms": unitMillisecond, "msec": unitMillisecond, "msecs": unitMillisecond, "msecond": unitMillisecond,
	"mseconds": unitMillisecond, "millisecon": unitMillisecond,
	"s": unitSecond, "sec": unitSecond, "secs": unitSecond, "second": unitSecond, "seconds": unitSecond,
	"m": unitMinute, "min": unitMinute, "mins": unitMinute, "minute": unitMinute, "minutes": unitMinute,
	"h": unitHour, "hr": unitHour, "hrs": unitHour, "hour": unitHour, "hours": unitHour,
	"d": unitDay, "day": unitDay, "days": unitDay,
	"w": unitWeek, "week": unitWeek, "weeks": unitWeek,
	"mon": unitMonth, "mons": unitMonth, "month": unitMonth, "months": unitMonth,
	"qtr": unitQuarter, "quarter": unitQuarter,
	"y": unitYear, "yr": unitYear, "yrs": unitYear, "year": unitYear, "years": unitYear,
	"dec": unitDecade, "decs": unitDecade, "decade": unitDecade, "decades": unitDecade,
	"c": unitCentury, "cent": unitCentury, "century": unitCentury, "centuries": unitCentury,
	"mil": unitMillennium, "mils": unitMillennium, "millennium": unitMillennium, "millennia": unitMillennium,
	"timezone": unitTimezone, "timezone_h": unitTimezoneHour, "timezone_m": unitTimezoneMinute,
	"ago": unitAgo,
}

// lookupUnit finds a word in unitWords as PostgreSQL does: by its first
// ten characters (the length of the table's tokens), so microseconds is
// found as microsecon.
func lookupUnit(word string) (intervalUnit, bool) {
	if len(word) > 10 {
		word = word[:10]
	}
	u, ok := unitWords[word]
	return u, ok
}

// The fields a text interval may give once each, as bits.
const (
	maskYear = 1 << iota
	maskMonth
	maskDay
	maskWeek
	maskHour
	maskMinute
	maskSecond
	maskMillisecond
	maskMicrosecond
	maskDecade
	maskCentury
	maskMillennium
	maskTime = maskHour | maskMinute | maskSecond
)

var unitMasks = map[intervalUnit]int{
	unitMicrosecond: maskMicrosecond, unitMillisecond: maskMillisecond, unitSecond: maskSecond,
	unitMinute: maskMinute, unitHour: maskHour, unitDay: maskDay, unitWeek: maskWeek, unitMonth: maskMonth,
	unitYear: maskYear, unitDecade: maskDecade, unitCentury: maskCentury, unitMillennium: maskMillennium,
}

// ivToken is one token of an interval's text form.
type ivToken struct {
	kind byte   // 'n' number, 't' time (h:m[:s]), 'y' year-month (y-m), 'w' word
	text string // the token, lower-cased, with its sign
}

// ivBuilder accumulates an interval's fields in 64 bits, checked against
// the interval's range at the end.
type ivBuilder struct {
	months, days, micros int64
	bad                  bool // a field overflowed
}

func (b *ivBuilder) add(p *int64, v int64) {
	s := *p + v
	if (v > 0 && s < *p) || (v < 0 && s > *p) {
		b.bad = true
	}
	*p = s
}

// mul returns v*scale, marking overflow.
func (b *ivBuilder) mul(v, scale int64) int64 {
	if v != 0 && (v*scale/scale != v || v*scale/v != scale) {
		b.bad = true
	}
	return v * scale
}

// fracMicros adds frac units of scale microseconds, rounded.
func (b *ivBuilder) fracMicros(frac float64, scale int64) {
	if frac == 0 {
		return
	}
	us := math.RoundToEven(frac * float64(scale))
	if !fitsInt64(us) {
		b.bad = true
		return
	}
	b.add(&b.micros, int64(us))
}

// fracDays adds frac units of scale days: whole days, then the rest as
// time.
func (b *ivBuilder) fracDays(frac float64, scale int64) {
	if frac == 0 {
		return
	}
	f := frac * float64(scale)
	whole := math.Trunc(f)
	b.add(&b.days, int64(whole))
	b.fracMicros(f-whole, usPerDay)
}

// quantity adds val + frac of unit u.
func (b *ivBuilder) quantity(u intervalUnit, val int64, frac float64) {
	switch u {
	case unitMicrosecond:
		b.add(&b.micros, val)
		b.fracMicros(frac, 1)
	case unitMillisecond:
		b.add(&b.micros, b.mul(val, 1000))
		b.fracMicros(frac, 1000)
	case unitSecond:
		b.add(&b.micros, b.mul(val, usPerSec))
		b.fracMicros(frac, usPerSec)
	case unitMinute:
		b.add(&b.micros, b.mul(val, usPerMin))
		b.fracMicros(frac, usPerMin)
	case unitHour:
		b.add(&b.micros, b.mul(val, usPerHour))
		b.fracMicros(frac, usPerHour)
	case unitDay:
		b.add(&b.days, val)
		b.fracMicros(frac, usPerDay)
	case unitWeek:
		b.add(&b.days, b.mul(val, 7))
		b.fracDays(frac, 7)
	case unitMonth:
		b.add(&b.months, val)
		b.fracDays(frac, 30)
	case unitYear, unitDecade, unitCentury, unitMillennium:
		years := map[intervalUnit]int64{unitYear: 1, unitDecade: 10, unitCentury: 100, unitMillennium: 1000}[u]
		b.add(&b.months, b.mul(val, 12*years))
		if m := math.RoundToEven(frac * float64(12*years)); m != 0 {
			if !fitsInt64(m) {
				b.bad = true
				return
			}
			b.add(&b.months, int64(m))
		}
	}
}

// parseInterval reads PostgreSQL's text forms of an interval (see the
// top of this file): 22007 for text that is not one, 22015 for a field
// out of range.
func parseInterval(s string) (Interval, error) { return parseIntervalIn(s, 0) }

// parseIntervalIn is parseInterval for a type whose modifiers name the
// fields mask (0 for all): a bare number is a quantity of the mask's
// smallest unit, and for minute to second a time a:b is minutes and
// seconds.
func parseIntervalIn(s string, mask int) (Interval, error) {
	bad := func() (Interval, error) {
		return Interval{}, pgerr.New("22007", "invalid input syntax for type interval: %q", s)
	}
	lower := strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(lower, "p") {
		return parseISOInterval(s, lower[1:])
	}
	toks, ok := tokenizeInterval(lower)
	if !ok || len(toks) == 0 {
		return bad()
	}
	// Fields are read right to left, as PostgreSQL reads them: a unit
	// word types the number before it, a bare number takes the unit of
	// the last one seen (seconds at first), and a time of day makes a
	// number before it days.
	var b ivBuilder
	unit, seen, ago := smallestUnit(mask), 0, false
	take := func(m int) bool {
		if seen&m != 0 {
			return false
		}
		seen |= m
		return true
	}
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		switch t.kind {
		case 'w':
			u, ok := lookupUnit(t.text)
			if !ok {
				return bad()
			}
			if u == unitAgo {
				// Like a unit, ago types the number before it: as none.
				ago, unit = true, unitNone
				continue
			}
			if unitMasks[u] == 0 {
				return bad()
			}
			unit = u
		case 'n':
			val, frac, ok := splitNumber(t.text)
			if !ok {
				return bad()
			}
			if val == nil {
				return Interval{}, pgerr.New("22015", "interval field value out of range: %q", s)
			}
			if unit == unitNone || !take(unitMasks[unit]) {
				return bad()
			}
			b.quantity(unit, *val, frac)
		case 't':
			us, ok, inRange := parseIntervalTime(t.text, mask == typmodMinute|typmodSecond)
			if !ok {
				return bad()
			}
			if !inRange {
				return Interval{}, pgerr.New("22015", "interval field value out of range: %q", s)
			}
			if !take(maskTime) {
				return bad()
			}
			b.add(&b.micros, us)
			unit = unitDay
		case 'y':
			neg := t.text[0] == '-'
			y, m, _ := strings.Cut(strings.TrimLeft(t.text, "+-"), "-")
			yv, err1 := strconv.ParseInt(y, 10, 64)
			mv, err2 := strconv.ParseInt(m, 10, 64)
			if err1 != nil || err2 != nil || mv > 11 {
				return Interval{}, pgerr.New("22015", "interval field value out of range: %q", s)
			}
			if !take(maskYear | maskMonth) {
				return bad()
			}
			months := b.mul(yv, 12) + mv
			if neg {
				months = -months
			}
			b.add(&b.months, months)
			unit = unitNone
		}
	}
	if seen == 0 {
		return bad()
	}
	if ago {
		b.months, b.days, b.micros = -b.months, -b.days, -b.micros
	}
	return b.result(s)
}

// result checks the accumulated fields against the interval's range.
func (b *ivBuilder) result(s string) (Interval, error) {
	if b.bad || b.months != int64(int32(b.months)) || b.days != int64(int32(b.days)) {
		return Interval{}, pgerr.New("22015", "interval field value out of range: %q", s)
	}
	return Interval{int32(b.months), int32(b.days), b.micros}, nil
}

// tokenizeInterval splits an interval's lower-cased text into numbers,
// times, year-month pairs and words; '@' and blanks separate them. ok is
// false for a character that starts none.
func tokenizeInterval(s string) ([]ivToken, bool) {
	var toks []ivToken
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	isLetter := func(c byte) bool { return c >= 'a' && c <= 'z' || c == '_' }
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isSpace(c):
			i++
		case isDigit(c) || c == '.' || (c == '+' || c == '-') && i+1 < len(s) && isDigit(s[i+1]):
			start := i
			i++
			for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
				i++
			}
			kind := byte('n')
			switch {
			case i < len(s) && s[i] == ':':
				kind = 't'
				for i < len(s) && (isDigit(s[i]) || s[i] == '.' || s[i] == ':') {
					i++
				}
			case i+1 < len(s) && s[i] == '-' && isDigit(s[i+1]) && !strings.Contains(s[start:i], "."):
				kind = 'y'
				i++
				for i < len(s) && isDigit(s[i]) {
					i++
				}
			}
			// A number ends at a blank or a unit written against it (1d).
			if i < len(s) && !isSpace(s[i]) && !isLetter(s[i]) {
				return nil, false
			}
			toks = append(toks, ivToken{kind: kind, text: s[start:i]})
		case isLetter(c):
			start := i
			for i < len(s) && isLetter(s[i]) {
				i++
			}
			if i < len(s) && !isSpace(s[i]) {
				return nil, false
			}
			toks = append(toks, ivToken{kind: 'w', text: s[start:i]})
		default:
			return nil, false
		}
	}
	return toks, true
}

// isSpace reports whether c separates an interval's tokens: a blank or
// '@', which PostgreSQL ignores.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '@'
}

// splitNumber reads a signed decimal number, [+-]digits[.digits], as its
// integer part and its fraction (with the number's sign). ok is false for
// a malformed number; val is nil when the integer part overflows.
func splitNumber(s string) (val *int64, frac float64, ok bool) {
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimLeft(s, "+-")
	ip, fp, dot := strings.Cut(body, ".")
	if ip == "" && fp == "" || strings.Contains(fp, ".") || len(body) < len(s)-1 {
		return nil, 0, false
	}
	if dot && fp != "" {
		f, err := strconv.ParseFloat("0."+fp, 64)
		if err != nil {
			return nil, 0, false
		}
		frac = f
	}
	var v int64
	if ip != "" {
		n, err := strconv.ParseInt(ip, 10, 64)
		if err != nil {
			return nil, 0, true
		}
		v = n
	}
	if neg {
		v, frac = -v, -frac
	}
	return &v, frac, true
}

// parseIntervalTime reads [+-]h:m[:s[.f]] (or m:s.f) as microseconds: ok
// is false for a malformed time, inRange false for minutes or seconds
// past 59 (60 for seconds) or too many hours.
func parseIntervalTime(s string, minSec bool) (us int64, ok, inRange bool) {
	neg := strings.HasPrefix(s, "-")
	parts := strings.Split(strings.TrimLeft(s, "+-"), ":")
	if len(parts) > 3 {
		return 0, false, false
	}
	for i, p := range parts {
		if p == "" || i < len(parts)-1 && strings.Contains(p, ".") {
			return 0, false, false
		}
	}
	var m int64
	var sec string
	switch {
	case len(parts) == 2 && (minSec || strings.Contains(parts[1], ".")):
		// mm:ss.fff
		parts = []string{"0", parts[0], parts[1]}
		fallthrough
	case len(parts) == 3:
		sec = parts[2]
	}
	if !isDigits(parts[0]) || !isDigits(parts[1]) {
		return 0, false, false
	}
	h, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return 0, true, false
	}
	if m, err = strconv.ParseInt(parts[1], 10, 64); err != nil || m > 59 {
		return 0, true, false
	}
	var secUs int64
	if sec != "" {
		ip, fp, _ := strings.Cut(sec, ".")
		if !isDigits(ip) || fp != "" && !isDigits(fp) {
			return 0, false, false
		}
		sv, err := strconv.ParseInt(ip, 10, 64)
		if err != nil || sv > 60 {
			return 0, true, false
		}
		secUs = sv * usPerSec
		if fp != "" {
			f, _ := strconv.ParseFloat("0."+fp, 64)
			secUs += int64(math.RoundToEven(f * usPerSec))
		}
		if secUs > 60*usPerSec {
			return 0, true, false
		}
	}
	if h > math.MaxInt64/usPerHour {
		return 0, true, false
	}
	us = h*usPerHour + m*usPerMin
	if us > math.MaxInt64-secUs {
		return 0, true, false
	}
	us += secUs
	if neg {
		us = -us
	}
	return us, true, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseISOInterval reads ISO 8601's designator form after its P:
// [nY][nM][nW][nD][T[nH][nM][nS]], each n a signed decimal. The
// alternative form (P0001-02-03T04:05:06) is 0A000.
func parseISOInterval(orig, s string) (Interval, error) {
	bad := func() (Interval, error) {
		return Interval{}, pgerr.New("22007", "invalid input syntax for type interval: %q", orig)
	}
	if s == "" {
		return bad()
	}
	if c := s[0]; c >= '0' && c <= '9' && strings.ContainsAny(s, "-:") && !strings.ContainsAny(s, "ymwdhs") {
		return Interval{}, pgerr.Unsupported("the ISO 8601 alternative interval format")
	}
	var b ivBuilder
	inTime, mask := false, 0
	for s != "" {
		if s[0] == 't' {
			if inTime {
				return bad()
			}
			inTime, s = true, s[1:]
			if s == "" {
				return bad()
			}
			continue
		}
		n := 0
		if n < len(s) && (s[n] == '-' || s[n] == '+') {
			n++
		}
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.') {
			n++
		}
		if n == len(s) {
			return bad()
		}
		val, frac, ok := splitNumber(s[:n])
		if !ok {
			return bad()
		}
		if val == nil {
			return Interval{}, pgerr.New("22015", "interval field value out of range: %q", orig)
		}
		var u intervalUnit
		switch {
		case !inTime && s[n] == 'y':
			u = unitYear
		case !inTime && s[n] == 'm':
			u = unitMonth
		case !inTime && s[n] == 'w':
			u = unitWeek
		case !inTime && s[n] == 'd':
			u = unitDay
		case inTime && s[n] == 'h':
			u = unitHour
		case inTime && s[n] == 'm':
			u = unitMinute
		case inTime && s[n] == 's':
			u = unitSecond
		default:
			return bad()
		}
		if mask&unitMasks[u] != 0 {
			return bad()
		}
		mask |= unitMasks[u]
		b.quantity(u, *val, frac)
		s = s[n+1:]
	}
	return b.result(orig)
}

// Interval type modifiers: the field masks PostgreSQL's grammar puts in
// an interval's first modifier (interval day to second is day | hour |
// minute | second).
const (
	typmodMonth     = 1 << 1
	typmodYear      = 1 << 2
	typmodDay       = 1 << 3
	typmodHour      = 1 << 10
	typmodMinute    = 1 << 11
	typmodSecond    = 1 << 12
	typmodFullRange = 0x7FFF
)

// intervalRanges are the field masks the grammar produces.
var intervalRanges = map[int64]bool{
	typmodYear: true, typmodMonth: true, typmodDay: true, typmodHour: true, typmodMinute: true, typmodSecond: true,
	typmodYear | typmodMonth: true, typmodDay | typmodHour: true, typmodDay | typmodHour | typmodMinute: true,
	typmodDay | typmodHour | typmodMinute | typmodSecond: true, typmodHour | typmodMinute: true,
	typmodHour | typmodMinute | typmodSecond: true, typmodMinute | typmodSecond: true,
}

// intervalType is the type interval [fields] [(precision)] names.
func intervalType(tn ir.TypeName) (sqlType, error) {
	t := typInterval
	if len(tn.Mods) == 0 {
		return t, nil
	}
	if len(tn.Mods) > 2 || tn.Mods[0] != typmodFullRange && !intervalRanges[tn.Mods[0]] {
		return sqlType{}, pgerr.New(pgerr.SyntaxError, "invalid INTERVAL type modifier")
	}
	if tn.Mods[0] != typmodFullRange {
		t.length = int(tn.Mods[0])
	}
	if len(tn.Mods) == 2 {
		p := tn.Mods[1]
		if p < 0 || p > 6 {
			return sqlType{}, pgerr.Unsupported("interval precision " + strconv.FormatInt(p, 10))
		}
		t.prec = int(p) + 1
	}
	return t, nil
}

// smallestUnit is the unit a bare number in an interval's text stands
// for, given its type's field mask: the mask's smallest field, seconds
// without one.
func smallestUnit(mask int) intervalUnit {
	switch {
	case mask == 0 || mask&typmodSecond != 0:
		return unitSecond
	case mask&typmodMinute != 0:
		return unitMinute
	case mask&typmodHour != 0:
		return unitHour
	case mask&typmodDay != 0:
		return unitDay
	case mask&typmodMonth != 0:
		return unitMonth
	}
	return unitYear
}

// parseIntervalTyped reads text as a value of interval type t, modifiers
// applied.
func parseIntervalTyped(s string, t sqlType) (any, error) {
	iv, err := parseIntervalIn(s, t.length)
	if err != nil {
		return nil, err
	}
	return fitInterval(iv, t), nil
}

// fitInterval applies t's modifiers to iv, as PostgreSQL does in a cast
// or an assignment: the fields below the smallest one named are dropped,
// and the seconds rounded (half away from zero) to the precision.
func fitInterval(iv Interval, t sqlType) Interval {
	switch mask := t.length; {
	case mask == 0:
	case mask == typmodYear:
		iv = Interval{Months: iv.Months / 12 * 12}
	case mask == typmodMonth || mask == typmodYear|typmodMonth:
		iv = Interval{Months: iv.Months}
	case mask == typmodDay:
		iv.Micros = 0
	case mask&typmodSecond != 0:
	case mask&typmodMinute != 0:
		iv.Micros = iv.Micros / usPerMin * usPerMin
	case mask&typmodHour != 0:
		iv.Micros = iv.Micros / usPerHour * usPerHour
	}
	if t.prec > 0 && t.prec <= 6 {
		unit := int64(1)
		for range 6 - (t.prec - 1) {
			unit *= 10
		}
		us := iv.Micros
		if us < 0 {
			us = -us
		}
		us = (us + unit/2) / unit * unit
		if iv.Micros < 0 {
			us = -us
		}
		iv.Micros = us
	}
	return iv
}

// asInterval returns v, an interval as evaluated (Interval) or as a
// table stores it (its text), as an Interval.
func asInterval(v any) (Interval, error) {
	switch x := v.(type) {
	case Interval:
		return x, nil
	case string:
		return parseInterval(x)
	}
	return Interval{}, pgerr.New(pgerr.InternalError, "interval value of Go type %T", v)
}

// storedValue is the value the engine stores for v, a value of a column
// of type t: an interval's text output form, which parseInterval reads
// back to the same three fields; any other value as it is.
func storedValue(t sqlType, v any) any {
	switch x := v.(type) {
	case []any:
		if t.array {
			return storedArray(t, x) // arraycol.go
		}
	case Interval:
		if t.kind == kInterval {
			return x.String()
		}
	case jsonbText:
		return string(x)
	case enumValue:
		return x.label
	}
	return v
}

// storedInterval is the value of an interval column as a table row holds
// it (its text; see storedValue), or as a derived table's row holds it
// (an Interval).
func storedInterval(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	iv, err := asInterval(v)
	if err != nil {
		return nil, err
	}
	return iv, nil
}

// columnType is the type a column definition names: typeOf's, except
// that an interval column takes no modifiers (reldb does not keep them
// with the table).
func columnType(tn ir.TypeName) (sqlType, error) {
	t, err := typeOf(tn)
	if err == nil && t.array {
		return t, arrayColumnType(t, tn)
	}
	if err == nil && t.kind == kInterval && (t.length != 0 || t.prec != 0) {
		return t, pgerr.Unsupported("interval column with fields or a precision (" + tn.String() + ")")
	}
	return t, err
}

// keyTypes returns 0A000 when one of the columns of a key or index is an
// interval: the engine would order and compare its stored text, not the
// intervals ('1 mon' and '30 days' are equal intervals).
func keyTypes(cols []string, types map[string]sqlType) error {
	for _, c := range cols {
		if types[c].array {
			return pgerr.Unsupported("array column " + c + " in a key or an index")
		}
		switch types[c].kind {
		case kInterval, kJSONB:
			return pgerr.Unsupported(kindNames[types[c].kind] + " column " + c + " in a key or an index")
		case kJSON:
			return pgerr.New("42704", "data type json has no default operator class for access method \"btree\"")
		}
	}
	return nil
}

// foldIntervals is sum or avg over intervals: the sum field by field, and
// the average that sum divided by the count, as interval / double
// precision divides.
func foldIntervals(name string, vals []any) (any, sqlType, error) {
	if len(vals) == 0 {
		return nil, typInterval, nil
	}
	var sum Interval
	for _, v := range vals {
		iv, err := asInterval(v)
		if err != nil {
			return nil, typInterval, err
		}
		if sum, err = addIntervals(sum, iv); err != nil {
			return nil, typInterval, err
		}
	}
	if name == "avg" {
		v, err := scaleInterval(sum, float64(len(vals)), true /* div */)
		return v, typInterval, err
	}
	return sum, typInterval, nil
}
