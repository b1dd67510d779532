package pgsql

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// The date and time functions, with PostgreSQL 15's argument and result
// types: extract(field FROM x) is numeric and date_part('field', x)
// double precision, for a timestamp, timestamptz, date or interval;
// date_trunc('field', x [, zone]) keeps x's type (a date is read as
// timestamptz); age, make_date, make_timestamp, make_timestamptz,
// make_interval, to_timestamp(seconds), justify_days, justify_hours,
// justify_interval and timezone (AT TIME ZONE). A field name is looked
// up as PostgreSQL looks it up, lower-cased, in its table of units:
// an unknown one is 22023, a known one the function does not take for
// that type 0A000. A NULL argument gives NULL.

// Fields extract takes beyond the units of an interval's text.
const (
	unitDow intervalUnit = unitAgo + 1 + iota
	unitDoy
	unitIsodow
	unitIsoyear
	unitJulian
	unitEpoch
)

// specialFields are the field names extract finds outside the table of
// units (PostgreSQL's datetktbl).
var specialFields = map[string]intervalUnit{
	"dow": unitDow, "doy": unitDoy, "isodow": unitIsodow, "isoyear": unitIsoyear,
	"j": unitJulian, "jd": unitJulian, "julian": unitJulian, "epoch": unitEpoch,
}

// fieldName lower-cases a field argument as PostgreSQL does.
func fieldName(v any) string { return strings.ToLower(v.(string)) }

// typeLabel names a type in the messages of the date functions.
func typeLabel(t sqlType) string {
	switch t.kind {
	case kTimestamp:
		return "timestamp without time zone"
	case kTimestamptz:
		return "timestamp with time zone"
	case kTime:
		return "time without time zone"
	}
	return t.String()
}

func unitNotRecognized(name string, t sqlType) *pgerr.Error {
	return pgerr.New("22023", "unit %q not recognized for type %s", name, typeLabel(t))
}

func unitNotSupported(name string, t sqlType) *pgerr.Error {
	return pgerr.New(pgerr.FeatureNotSupported, "unit %q not supported for type %s", name, typeLabel(t))
}

// dateFunc evaluates a date and time function over evaluated arguments;
// ok is false for a name it does not know.
func (ev *evaluator) dateFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	switch name {
	case "extract", "date_part":
		v, t, err = datePart(name, vals, types)
	case "date_trunc":
		if len(vals) == 2 && types[1].kind == kTime && !types[1].array {
			// date_trunc(text, interval) through time's implicit cast (timeofday.go).
			vals, types = []any{vals[0], timeAsInterval(vals[1])}, []sqlType{types[0], typInterval}
		}
		v, t, err = dateTrunc(vals, types)
	case "age":
		v, t, err = ev.age(vals, types)
	case "make_date", "make_timestamp", "make_timestamptz":
		v, t, err = makeTimestamp(name, vals, types)
	case "make_interval":
		v, t, err = makeInterval(vals, types)
	case "to_timestamp":
		if len(vals) == 2 {
			v, t, err = toTimestampText(name, vals, types) // tofmt.go
			break
		}
		v, t, err = toTimestamp(vals, types)
	case "date_bin":
		v, t, err = dateBin(vals, types) // datebin.go
	case "to_date":
		v, t, err = toTimestampText(name, vals, types) // tofmt.go
	case "justify_days", "justify_hours", "justify_interval":
		v, t, err = justify(name, vals, types)
	case "timezone":
		v, t, err = atTimeZone(vals, types)
	case "to_char":
		v, t, err = toChar(vals, types) // tochar.go
	default:
		return nil, typUnknown, false, nil
	}
	return v, t, true, err
}

// noFunction is 42883 for a call with argument types no function takes.
func noFunction(name string, types []sqlType) *pgerr.Error {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.String()
	}
	e := pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(names, ", "))
	e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
	return e
}

// notUnique is 42725 for a call PostgreSQL cannot choose a function for.
func notUnique(name string, types []sqlType) *pgerr.Error {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.String()
	}
	return pgerr.New("42725", "function %s(%s) is not unique", name, strings.Join(names, ", "))
}

func isTextArg(t sqlType) bool { return t.isText() || t.kind == kUnknown }

// datePart is extract(field FROM x), numeric, and date_part(field, x),
// double precision.
func datePart(name string, vals []any, types []sqlType) (any, sqlType, error) {
	out := typNumeric
	if name == "date_part" {
		out = typFloat8
	}
	if len(vals) != 2 || !isTextArg(types[0]) {
		return nil, out, noFunction(name, types)
	}
	src := types[1]
	switch {
	case src.kind == kUnknown:
		return nil, out, notUnique(name, types)
	case (!isDateTime(src) && src.kind != kTime) || src.array:
		return nil, out, noFunction(name, types)
	}
	if vals[0] == nil || vals[1] == nil {
		return nil, out, nil
	}
	field := fieldName(vals[0])
	var p part
	var err error
	switch {
	case src.kind == kInterval:
		iv, ierr := asInterval(vals[1])
		if ierr != nil {
			return nil, out, ierr
		}
		p, err = intervalPart(field, iv)
	case src.kind == kDate && name == "extract":
		p, err = datePartOf(field, vals[1].(time.Time))
	case src.kind == kTime:
		p, err = timePart(field, vals[1].(int64)) // timeofday.go
	default:
		st := src
		if st.kind == kDate {
			st = sqlType{kind: kTimestamp} // date_part(text, date) reads the date as a timestamp
		}
		p, err = timestampPart(field, vals[1].(time.Time), st)
	}
	if err != nil {
		return nil, out, err
	}
	if name == "date_part" {
		return p.float, out, nil
	}
	return p.numeric()
}

// part is one field's value: n / 10^scale exactly (with days / usPerDay
// added for a timestamp's julian day), and as double precision computed
// as PostgreSQL's date_part computes it.
type part struct {
	dec     *apd.Decimal // the value, when set, instead of n and scale
	n       int64
	scale   int32
	dayFrac int64 // microseconds into the day, for julian
	julian  bool
	float   float64
}

func intPart(n int64) part { return part{n: n, float: float64(n)} }

// numeric returns the part as extract's numeric.
func (p part) numeric() (any, sqlType, error) {
	if p.dec != nil {
		return p.dec, typNumeric, nil
	}
	d := apd.New(p.n, -p.scale)
	if p.julian {
		frac, err := divide(apd.New(p.dayFrac, 0), apd.New(usPerDay, 0))
		if err != nil {
			return nil, typNumeric, err
		}
		if _, err := decimalCtx.Add(d, d, frac.(*apd.Decimal)); err != nil {
			return nil, typNumeric, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
		}
	}
	return d, typNumeric, nil
}

// lookupField finds a field name as extract does: among the units, then
// the special fields. ok is false for neither.
func lookupField(name string) (intervalUnit, bool) {
	if u, ok := lookupUnit(name); ok && u != unitAgo {
		return u, true
	}
	key := name
	if len(key) > 10 {
		key = key[:10]
	}
	u, ok := specialFields[key]
	return u, ok
}

// secondParts are the fields from seconds down: n is the seconds and
// microseconds of the minute in microseconds.
func secondPart(u intervalUnit, sec, usec int64) part {
	n := sec*usPerSec + usec
	switch u {
	case unitMicrosecond:
		return part{n: n, float: float64(sec)*1e6 + float64(usec)}
	case unitMillisecond:
		return part{n: n, scale: 3, float: float64(sec)*1000 + float64(usec)/1000}
	}
	return part{n: n, scale: 6, float: float64(sec) + float64(usec)/1e6}
}

// julianDay is the Julian day number of a date, as PostgreSQL's date2j.
func julianDay(t time.Time) int64 {
	// The Unix epoch is Julian day 2440588.
	days := t.Unix() / 86400
	if t.Unix() < 0 && t.Unix()%86400 != 0 {
		days--
	}
	return days + 2440588
}

// yearParts are the fields computed from the year, for a year AD.
func yearPart(u intervalUnit, year int64) part {
	switch u {
	case unitDecade:
		return intPart(year / 10)
	case unitCentury:
		return intPart((year + 99) / 100)
	}
	return intPart((year + 999) / 1000)
}

// timestampPart is a field of a timestamp or timestamptz (t is the wall
// clock in the session's time zone, UTC).
func timestampPart(field string, t time.Time, typ sqlType) (part, error) {
	u, ok := lookupField(field)
	if !ok {
		return part{}, unitNotRecognized(field, typ)
	}
	y, mo, d := t.Date()
	switch u {
	case unitMicrosecond, unitMillisecond, unitSecond:
		return secondPart(u, int64(t.Second()), int64(t.Nanosecond()/1000)), nil
	case unitMinute:
		return intPart(int64(t.Minute())), nil
	case unitHour:
		return intPart(int64(t.Hour())), nil
	case unitEpoch:
		us := t.Unix()*usPerSec + int64(t.Nanosecond()/1000)
		return part{n: us, scale: 6, float: float64(us) / 1e6}, nil
	case unitJulian:
		dayUs := int64(t.Hour())*usPerHour + int64(t.Minute())*usPerMin + int64(t.Second())*usPerSec + int64(t.Nanosecond()/1000)
		j := julianDay(t)
		secs := float64((int64(t.Hour())*60+int64(t.Minute()))*60+int64(t.Second())) + float64(t.Nanosecond()/1000)/1e6
		return part{n: j, dayFrac: dayUs, julian: true, float: float64(j) + secs/86400}, nil
	case unitTimezone, unitTimezoneHour, unitTimezoneMinute:
		if typ.kind == kTimestamptz {
			return intPart(0), nil // the session's time zone is UTC
		}
		return part{}, unitNotSupported(field, typ)
	}
	return dayPart(u, field, int64(y), int64(mo), int64(d), t, typ)
}

// dayPart is a field of a date, or the date fields of a timestamp.
func dayPart(u intervalUnit, field string, y, mo, d int64, t time.Time, typ sqlType) (part, error) {
	switch u {
	case unitDay:
		return intPart(d), nil
	case unitMonth:
		return intPart(mo), nil
	case unitQuarter:
		return intPart((mo-1)/3 + 1), nil
	case unitYear:
		return intPart(y), nil
	case unitDecade, unitCentury, unitMillennium:
		return yearPart(u, y), nil
	case unitWeek:
		_, w := t.ISOWeek()
		return intPart(int64(w)), nil
	case unitIsoyear:
		iy, _ := t.ISOWeek()
		return intPart(int64(iy)), nil
	case unitDow:
		return intPart(int64(t.Weekday())), nil
	case unitIsodow:
		wd := int64(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return intPart(wd), nil
	case unitDoy:
		return intPart(int64(t.YearDay())), nil
	}
	return part{}, unitNotSupported(field, typ)
}

// datePartOf is extract(field FROM date): the fields of a day, the
// epoch of its midnight and its Julian day; time fields are 0A000.
func datePartOf(field string, t time.Time) (part, error) {
	typ := sqlType{kind: kDate}
	u, ok := lookupField(field)
	if !ok {
		return part{}, unitNotRecognized(field, typ)
	}
	switch u {
	case unitEpoch:
		return intPart(t.Unix()), nil
	case unitJulian:
		return intPart(julianDay(t)), nil
	}
	y, mo, d := t.Date()
	return dayPart(u, field, int64(y), int64(mo), int64(d), t, typ)
}

// intervalFields splits an interval as PostgreSQL's interval2itm does:
// years and months from the months, then hours, minutes, seconds and
// microseconds from the time, each keeping the sign of its field.
func intervalFields(iv Interval) (years, months, days, hours, mins, secs, usecs int64) {
	years, months, days = int64(iv.Months/12), int64(iv.Months%12), int64(iv.Days)
	us := iv.Micros
	hours, us = us/usPerHour, us%usPerHour
	mins, us = us/usPerMin, us%usPerMin
	secs, usecs = us/usPerSec, us%usPerSec
	return
}

// intervalPart is a field of an interval.
func intervalPart(field string, iv Interval) (part, error) {
	u, ok := lookupField(field)
	if !ok {
		return part{}, unitNotRecognized(field, typInterval)
	}
	years, months, days, hours, mins, secs, usecs := intervalFields(iv)
	switch u {
	case unitMicrosecond, unitMillisecond, unitSecond:
		return secondPart(u, secs, usecs), nil
	case unitMinute:
		return intPart(mins), nil
	case unitHour:
		return intPart(hours), nil
	case unitDay:
		return intPart(days), nil
	case unitMonth:
		return intPart(months), nil
	case unitQuarter:
		return intPart(months/3 + 1), nil
	case unitYear:
		return intPart(years), nil
	case unitDecade:
		return intPart(years / 10), nil
	case unitCentury:
		return intPart(years / 100), nil
	case unitMillennium:
		return intPart(years / 1000), nil
	case unitEpoch:
		// A year counts 365.25 days, a month 30.
		m := int64(iv.Months)
		secsOfDays := 31557600*(m/12) + 2592000*(m%12) + 86400*int64(iv.Days)
		f := float64(iv.Micros)/1e6 + 365.25*86400*float64(m/12) + 30*86400*float64(m%12) + 86400*float64(iv.Days)
		// Exact in numeric, where the microseconds may pass 64 bits.
		d := apd.New(secsOfDays, 0)
		_, _ = decimalCtx.Add(d, d, apd.New(iv.Micros, -6))
		return part{dec: d, float: f}, nil
	}
	return part{}, unitNotSupported(field, typInterval)
}

// dateTrunc is date_trunc(field, x [, zone]).
func dateTrunc(vals []any, types []sqlType) (any, sqlType, error) {
	const name = "date_trunc"
	if (len(vals) != 2 && len(vals) != 3) || !isTextArg(types[0]) {
		return nil, typUnknown, noFunction(name, types)
	}
	src := types[1]
	switch {
	case src.kind == kUnknown:
		return nil, typUnknown, notUnique(name, types)
	case !isDateTime(src) || src.array || len(vals) == 3 && (src.kind == kInterval || !isTextArg(types[2])):
		return nil, typUnknown, noFunction(name, types)
	}
	out := sqlType{kind: src.kind}
	if src.kind == kDate || len(vals) == 3 {
		out = typTimestamptz // the date or timestamp is read as timestamptz
	}
	for _, v := range vals {
		if v == nil {
			return nil, out, nil
		}
	}
	field := fieldName(vals[0])
	u, ok := lookupUnit(field)
	if !ok || u == unitAgo {
		return nil, out, unitNotRecognized(field, out)
	}
	if out.kind == kInterval {
		iv, err := asInterval(vals[1])
		if err != nil {
			return nil, out, err
		}
		v, err := truncInterval(u, field, iv)
		return v, out, err
	}
	t := vals[1].(time.Time)
	if len(vals) == 3 {
		loc, err := loadZone(vals[2].(string))
		if err != nil {
			return nil, out, err
		}
		local := t.In(loc)
		wall := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), time.UTC)
		tr, err := truncTimestamp(u, field, wall, out)
		if err != nil {
			return nil, out, err
		}
		return time.Date(tr.Year(), tr.Month(), tr.Day(), tr.Hour(), tr.Minute(), tr.Second(), tr.Nanosecond(), loc).UTC(), out, nil
	}
	v, err := truncTimestamp(u, field, t, out)
	return v, out, err
}

// truncTimestamp cuts t, a wall clock, down to the start of its unit.
func truncTimestamp(u intervalUnit, field string, t time.Time, typ sqlType) (time.Time, error) {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	us := t.Nanosecond() / 1000
	switch u {
	case unitMicrosecond:
		return t, nil
	case unitMillisecond:
		us = us / 1000 * 1000
	case unitSecond:
		us = 0
	case unitMinute:
		s, us = 0, 0
	case unitHour:
		mi, s, us = 0, 0, 0
	case unitDay:
		h, mi, s, us = 0, 0, 0, 0
	case unitWeek:
		// The Monday of t's ISO week, which may be in the year before.
		back := (int(t.Weekday()) + 6) % 7
		return time.Date(y, mo, d-back, 0, 0, 0, 0, time.UTC), nil
	case unitMonth, unitQuarter, unitYear, unitDecade, unitCentury, unitMillennium:
		switch u {
		case unitQuarter:
			mo = (mo-1)/3*3 + 1
		case unitYear:
			mo = 1
		case unitDecade:
			y, mo = y/10*10, 1
		case unitCentury:
			y, mo = (y+99)/100*100-99, 1
		case unitMillennium:
			y, mo = (y+999)/1000*1000-999, 1
		}
		return time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC), nil
	default:
		return t, unitNotSupported(field, typ)
	}
	return time.Date(y, mo, d, h, mi, s, us*1000, time.UTC), nil
}

// truncInterval cuts an interval's fields below unit u, each toward zero.
func truncInterval(u intervalUnit, field string, iv Interval) (Interval, error) {
	years, months, days, hours, mins, secs, usecs := intervalFields(iv)
	switch u {
	case unitMillennium:
		years = years / 1000 * 1000
		months, days, hours, mins, secs, usecs = 0, 0, 0, 0, 0, 0
	case unitCentury:
		years = years / 100 * 100
		months, days, hours, mins, secs, usecs = 0, 0, 0, 0, 0, 0
	case unitDecade:
		years = years / 10 * 10
		months, days, hours, mins, secs, usecs = 0, 0, 0, 0, 0, 0
	case unitYear:
		months, days, hours, mins, secs, usecs = 0, 0, 0, 0, 0, 0
	case unitQuarter:
		months = months / 3 * 3
		days, hours, mins, secs, usecs = 0, 0, 0, 0, 0
	case unitMonth:
		days, hours, mins, secs, usecs = 0, 0, 0, 0, 0
	case unitDay:
		hours, mins, secs, usecs = 0, 0, 0, 0
	case unitHour:
		mins, secs, usecs = 0, 0, 0
	case unitMinute:
		secs, usecs = 0, 0
	case unitSecond:
		usecs = 0
	case unitMillisecond:
		usecs = usecs / 1000 * 1000
	case unitMicrosecond:
	case unitWeek:
		e := unitNotSupported(field, typInterval)
		e.Detail = "Months usually have fractional weeks."
		return Interval{}, e
	default:
		return Interval{}, unitNotSupported(field, typInterval)
	}
	return Interval{
		Months: int32(years*12 + months),
		Days:   int32(days),
		Micros: hours*usPerHour + mins*usPerMin + secs*usPerSec + usecs,
	}, nil
}

// loadZone finds a time zone by name as a time zone argument names it:
// UTC and its aliases, an IANA name (Europe/Paris), or a POSIX-style
// offset (+05 is five hours west of Greenwich, as in PostgreSQL).
func loadZone(name string) (*time.Location, error) {
	switch strings.ToLower(name) {
	case "utc", "gmt", "z", "zulu", "etc/utc", "etc/gmt", "universal", "etc/universal":
		return time.UTC, nil
	}
	if off, ok := posixOffset(name); ok {
		return time.FixedZone(name, off), nil
	}
	if strings.ContainsAny(name, "/") || len(name) > 2 && strings.ToUpper(name) != name {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc, nil
		}
	}
	return nil, pgerr.New("22023", "time zone %q not recognized", name)
}

// posixOffset reads [+-]hh[:mm[:ss]] as a POSIX offset: the seconds east
// of Greenwich, so +05 is -18000.
func posixOffset(s string) (int, bool) {
	if s == "" || s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	parts := strings.Split(s[1:], ":")
	if len(parts) > 3 {
		return 0, false
	}
	off := 0
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || !isDigits(p) || i > 0 && n > 59 || i == 0 && n > 15*24 {
			return 0, false
		}
		off += n * []int{3600, 60, 1}[i]
	}
	if s[0] == '+' {
		off = -off
	}
	return off, true
}

// age is age(a, b), the symbolic difference of two timestamps in years,
// months and days as a calendar counts them, and age(t), from midnight of
// the current date (the transaction's).
func (ev *evaluator) age(vals []any, types []sqlType) (any, sqlType, error) {
	if len(vals) != 1 && len(vals) != 2 {
		return nil, typInterval, noFunction("age", types)
	}
	for i, t := range types {
		switch {
		case t.kind == kUnknown && len(vals) == 2:
			if types[1-i].kind == kUnknown {
				return nil, typInterval, notUnique("age", types)
			}
			if vals[i] != nil {
				v, err := parseText(types[1-i], vals[i].(string))
				if err != nil {
					return nil, typInterval, err
				}
				vals[i] = v
			}
		case t.kind == kUnknown:
			return nil, typInterval, notUnique("age", types)
		case !timeKind(t) || t.array:
			return nil, typInterval, noFunction("age", types)
		}
	}
	for _, v := range vals {
		if v == nil {
			return nil, typInterval, nil
		}
	}
	a, b := time.Time{}, vals[len(vals)-1].(time.Time)
	if len(vals) == 2 {
		a = vals[0].(time.Time)
	} else {
		if ev.q == nil {
			return nil, typInterval, pgerr.Unsupported("age(timestamp) in this position")
		}
		now := ev.q.s.txStart.UTC()
		a = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	return ageOf(a, b), typInterval, nil
}

// ageOf subtracts b from a field by field, borrowing from the next field
// up: a month borrowed is as many days as the month of the earlier of the
// two has.
func ageOf(a, b time.Time) Interval {
	neg := a.Before(b)
	if neg {
		a, b = b, a
	}
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	years, months, days := int64(ay-by), int64(am-bm), int64(ad-bd)
	hours, mins, secs := int64(a.Hour()-b.Hour()), int64(a.Minute()-b.Minute()), int64(a.Second()-b.Second())
	usecs := int64(a.Nanosecond()/1000 - b.Nanosecond()/1000)
	for usecs < 0 {
		usecs, secs = usecs+usPerSec, secs-1
	}
	for secs < 0 {
		secs, mins = secs+60, mins-1
	}
	for mins < 0 {
		mins, hours = mins+60, hours-1
	}
	for hours < 0 {
		hours, days = hours+24, days-1
	}
	for days < 0 {
		// PostgreSQL borrows the length of the earlier date's month.
		days += int64(daysIn(b.Year(), b.Month()))
		months--
	}
	for months < 0 {
		months, years = months+12, years-1
	}
	iv := Interval{Months: int32(years*12 + months), Days: int32(days), Micros: hours*usPerHour + mins*usPerMin + secs*usPerSec + usecs}
	if neg {
		iv = Interval{-iv.Months, -iv.Days, -iv.Micros}
	}
	return iv
}

// intArgs reads integer arguments (string literals as integers); ok is
// false when one is of another type.
func intArgs(vals []any, types []sqlType) ([]int64, bool, error) {
	out := make([]int64, len(vals))
	for i, v := range vals {
		switch {
		case types[i].isInt():
			if v != nil {
				out[i] = v.(int64)
			}
		case types[i].kind == kUnknown:
			if v != nil {
				x, err := parseText(typInt4, v.(string))
				if err != nil {
					return nil, true, err
				}
				out[i] = x.(int64)
			}
		default:
			return nil, false, nil
		}
	}
	return out, true, nil
}

// floatArg reads a number argument as double precision.
func floatArg(v any, t sqlType) (float64, bool, error) {
	switch {
	case v == nil:
		return 0, isNumber(t) || t.kind == kUnknown, nil
	case isNumber(t):
		f, err := toFloat(v, t)
		return f, true, err
	case t.kind == kUnknown:
		x, err := parseText(typFloat8, v.(string))
		if err != nil {
			return 0, true, err
		}
		return x.(float64), true, nil
	}
	return 0, false, nil
}

// makeTimestamp is make_date(y, m, d), make_timestamp(y, m, d, h, mi, s)
// and make_timestamptz(y, m, d, h, mi, s [, zone]).
func makeTimestamp(name string, vals []any, types []sqlType) (any, sqlType, error) {
	out, nint := sqlType{kind: kDate}, 3
	switch name {
	case "make_timestamp":
		out, nint = sqlType{kind: kTimestamp}, 5
	case "make_timestamptz":
		out, nint = typTimestamptz, 5
	}
	want := nint
	if name != "make_date" {
		want++
	}
	if len(vals) != want && !(name == "make_timestamptz" && len(vals) == want+1) {
		return nil, out, noFunction(name, types)
	}
	ints, ok, err := intArgs(vals[:nint], types[:nint])
	if !ok || err != nil {
		if err == nil {
			err = noFunction(name, types)
		}
		return nil, out, err
	}
	var sec float64
	if name != "make_date" {
		if sec, ok, err = floatArg(vals[nint], types[nint]); !ok || err != nil {
			if err == nil {
				err = noFunction(name, types)
			}
			return nil, out, err
		}
	}
	loc := time.UTC
	if len(vals) == want+1 && !isTextArg(types[want]) {
		return nil, out, noFunction(name, types)
	}
	for _, v := range vals {
		if v == nil {
			return nil, out, nil
		}
	}
	if len(vals) == want+1 {
		if loc, err = loadZone(vals[want].(string)); err != nil {
			return nil, out, err
		}
	}
	y, m, d := ints[0], ints[1], ints[2]
	if y == 0 || m < 1 || m > 12 || d < 1 || d > 31 || y > 0 && d > int64(daysIn(int(y), time.Month(m))) {
		return nil, out, pgerr.New("22008", "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	if y < 0 {
		return nil, out, pgerr.Unsupported("dates before 0001-01-01 (BC)")
	}
	if name == "make_date" {
		v, err := checkTimestamp(time.Date(int(y), time.Month(m), int(d), 0, 0, 0, 0, time.UTC), kDate)
		return v, out, err
	}
	h, mi := ints[3], ints[4]
	if h < 0 || h > 24 || mi < 0 || mi > 59 || !(sec >= 0 && sec <= 60) || h == 24 && (mi > 0 || sec > 0) {
		return nil, out, pgerr.New("22008", "time field value out of range: %d:%02d:%s", h, mi, formatFloat(sec, 64))
	}
	us := int64(math.RoundToEven(sec * 1e6))
	t := time.Date(int(y), time.Month(m), int(d), int(h), int(mi), 0, 0, loc).Add(time.Duration(us) * time.Microsecond).UTC()
	v, err := checkTimestamp(t, kTimestamp)
	return v, out, err
}

// makeInterval is make_interval(years, months, weeks, days, hours, mins,
// secs), each argument optional from the right.
func makeInterval(vals []any, types []sqlType) (any, sqlType, error) {
	if len(vals) > 7 {
		return nil, typInterval, noFunction("make_interval", types)
	}
	n := min(len(vals), 6)
	ints, ok, err := intArgs(vals[:n], types[:n])
	if !ok || err != nil {
		if err == nil {
			err = noFunction("make_interval", types)
		}
		return nil, typInterval, err
	}
	for _, x := range ints {
		if x != int64(int32(x)) {
			return nil, typInterval, outOfRange(typInt4)
		}
	}
	var secs float64
	if len(vals) == 7 {
		if secs, ok, err = floatArg(vals[6], types[6]); !ok || err != nil {
			if err == nil {
				err = noFunction("make_interval", types)
			}
			return nil, typInterval, err
		}
	}
	for _, v := range vals {
		if v == nil {
			return nil, typInterval, nil
		}
	}
	get := func(i int) int64 {
		if i < len(ints) {
			return ints[i]
		}
		return 0
	}
	months := get(0)*12 + get(1)
	days := get(2)*7 + get(3)
	us := math.RoundToEven(secs * 1e6)
	if months != int64(int32(months)) || days != int64(int32(days)) || math.IsNaN(us) || !fitsInt64(us) {
		return nil, typInterval, intervalOutOfRange()
	}
	var b ivBuilder
	b.add(&b.micros, b.mul(get(4), usPerHour))
	b.add(&b.micros, b.mul(get(5), usPerMin))
	b.add(&b.micros, int64(us))
	if b.bad {
		return nil, typInterval, intervalOutOfRange()
	}
	return Interval{int32(months), int32(days), b.micros}, typInterval, nil
}

// toTimestamp is to_timestamp(seconds since 1970-01-01 UTC).
func toTimestamp(vals []any, types []sqlType) (any, sqlType, error) {
	if len(vals) != 1 {
		return nil, typTimestamptz, noFunction("to_timestamp", types)
	}
	f, ok, err := floatArg(vals[0], types[0])
	if !ok || err != nil {
		if err == nil {
			err = noFunction("to_timestamp", types)
		}
		return nil, typTimestamptz, err
	}
	if vals[0] == nil {
		return nil, typTimestamptz, nil
	}
	switch {
	case math.IsNaN(f):
		return nil, typTimestamptz, pgerr.New("22008", "timestamp cannot be NaN")
	case math.IsInf(f, 0):
		return nil, typTimestamptz, pgerr.Unsupported("infinite timestamps")
	case math.Abs(f) > 1e13:
		return nil, typTimestamptz, pgerr.New("22008", "timestamp out of range: %q", formatFloat(f, 64))
	}
	sec := math.Floor(f)
	us := math.RoundToEven((f - sec) * 1e6)
	t := time.Unix(int64(sec), int64(us)*1000).UTC()
	v, err := checkTimestamp(t, kTimestamptz)
	return v, typTimestamptz, err
}

// justify is justify_hours (whole days out of the time), justify_days
// (whole months of 30 days out of the days) and justify_interval (both),
// with the fields given one sign.
func justify(name string, vals []any, types []sqlType) (any, sqlType, error) {
	if len(vals) != 1 || types[0].kind != kInterval && types[0].kind != kUnknown {
		return nil, typInterval, noFunction(name, types)
	}
	if vals[0] == nil {
		return nil, typInterval, nil
	}
	iv, err := asInterval(vals[0])
	if err != nil {
		return nil, typInterval, err
	}
	months, days, us := int64(iv.Months), int64(iv.Days), iv.Micros
	if name != "justify_days" {
		days += us / usPerDay
		us %= usPerDay
	}
	if name != "justify_hours" {
		months += days / 30
		days %= 30
	}
	if name == "justify_interval" && months > 0 && (days < 0 || days == 0 && us < 0) {
		months--
		days += 30
	}
	if name == "justify_interval" && months < 0 && (days > 0 || days == 0 && us > 0) {
		months++
		days -= 30
	}
	if name != "justify_days" {
		if days > 0 && us < 0 {
			us += usPerDay
			days--
		} else if days < 0 && us > 0 {
			us -= usPerDay
			days++
		}
	}
	if name == "justify_days" {
		if months > 0 && days < 0 {
			days += 30
			months--
		} else if months < 0 && days > 0 {
			days -= 30
			months++
		}
	}
	if months != int64(int32(months)) || days != int64(int32(days)) {
		return nil, typInterval, intervalOutOfRange()
	}
	return Interval{int32(months), int32(days), us}, typInterval, nil
}

// atTimeZone is timezone(zone, x), what x AT TIME ZONE zone becomes: a
// timestamptz's wall clock in zone, as a timestamp; a timestamp read as
// a wall clock in zone, as a timestamptz.
func atTimeZone(vals []any, types []sqlType) (any, sqlType, error) {
	if len(vals) != 2 || !isTextArg(types[0]) {
		if len(vals) == 2 && types[0].kind == kInterval {
			return nil, typUnknown, pgerr.Unsupported("AT TIME ZONE with an interval")
		}
		return nil, typUnknown, noFunction("timezone", types)
	}
	var out sqlType
	switch types[1].kind {
	case kTimestamptz, kDate:
		out = sqlType{kind: kTimestamp}
	case kTimestamp:
		out = typTimestamptz
	case kUnknown:
		return nil, typUnknown, notUnique("timezone", types)
	default:
		return nil, typUnknown, noFunction("timezone", types)
	}
	if vals[0] == nil || vals[1] == nil {
		return nil, out, nil
	}
	loc, err := loadZone(vals[0].(string))
	if err != nil {
		return nil, out, err
	}
	t := vals[1].(time.Time)
	if out.kind == kTimestamp {
		l := t.In(loc)
		v, err := checkTimestamp(time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC), kTimestamp)
		return v, out, err
	}
	v, err := checkTimestamp(time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UTC(), kTimestamptz)
	return v, out, err
}
