package pgsql

import (
	"strconv"
	"strings"
	"time"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// to_char(timestamp | timestamptz | date | interval, text) formats a date
// or time by PostgreSQL's template patterns (its documentation's "Template
// Patterns for Date/Time Formatting"): a pattern is replaced by its field,
// anything else is copied, text in double quotes is copied without them.
// A pattern is matched case-sensitively, longest first, so "Month",
// "MONTH" and "month" choose the case of the name; FM before a pattern
// drops its padding, TH or th after a numeric one adds the ordinal
// suffix. The session's time zone is UTC: TZ is "UTC" for a timestamptz
// and empty for a timestamp; OF, TZH and TZM are +00, +00 and 00.

// charPatterns are the template patterns, longest first within each
// first letter so that the first match is the longest.
var charPatterns = func() []string {
	ps := []string{
		"A.D.", "A.M.", "AD", "AM", "B.C.", "B.M.", "BC", "CC", "DAY", "DDD", "DD", "DY", "Day", "Dy", "D",
		"FF1", "FF2", "FF3", "FF4", "FF5", "FF6", "HH24", "HH12", "HH", "IDDD", "ID", "IW", "IYYY", "IYY", "IY", "I",
		"J", "MI", "MM", "MONTH", "MON", "MS", "Month", "Mon", "OF", "P.M.", "PM", "Q", "RM", "SSSSS", "SSSS", "SS",
		"TZH", "TZM", "TZ", "US", "WW", "W", "Y,YYY", "YYYY", "YYY", "YY", "Y",
		"a.d.", "a.m.", "ad", "am", "b.c.", "bc", "cc", "day", "ddd", "dd", "dy", "d",
		"ff1", "ff2", "ff3", "ff4", "ff5", "ff6", "hh24", "hh12", "hh", "iddd", "id", "iw", "iyyy", "iyy", "iy", "i",
		"j", "mi", "mm", "month", "mon", "ms", "of", "p.m.", "pm", "q", "rm", "sssss", "ssss", "ss",
		"tz", "us", "ww", "w", "y,yyy", "yyyy", "yyy", "yy", "y",
	}
	// Longest first overall: a shorter pattern never hides a longer one.
	out := make([]string, len(ps))
	copy(out, ps)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

var (
	monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dayNames   = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	romanMonth = [...]string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
)

// charFields are the fields a template formats: a timestamp's, or an
// interval's (whose hours are not folded into days).
type charFields struct {
	year, month, day, hour, min, sec, usec int64
	t                                      time.Time // the timestamp, for week and day-of-year fields
	interval, zoned                        bool
}

// notForInterval are the patterns an interval refuses, which need a date
// on the calendar.
var notForInterval = map[string]bool{"ad": true, "bc": true, "a.d.": true, "b.c.": true, "d": true, "id": true,
	"mon": true, "month": true, "day": true, "dy": true, "tz": true, "of": true, "tzh": true, "tzm": true}

// formatChar formats f by the template fmt.
func formatChar(f charFields, fmt string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(fmt); {
		c := fmt[i]
		switch {
		case c == '"':
			// Quoted text, a backslash escaping the next character.
			i++
			for i < len(fmt) && fmt[i] != '"' {
				if fmt[i] == '\\' && i+1 < len(fmt) {
					i++
				}
				b.WriteByte(fmt[i])
				i++
			}
			i++
			continue
		case c == '\\' && i+1 < len(fmt) && fmt[i+1] == '"':
			b.WriteByte('"')
			i += 2
			continue
		}
		fill := false
		j := i
		for {
			if strings.HasPrefix(strings.ToUpper(fmt[j:]), "FM") {
				fill, j = true, j+2
				continue
			}
			if strings.HasPrefix(strings.ToUpper(fmt[j:]), "TM") || strings.HasPrefix(strings.ToUpper(fmt[j:]), "FX") {
				j += 2
				continue
			}
			break
		}
		pat := ""
		for _, p := range charPatterns {
			if strings.HasPrefix(fmt[j:], p) {
				pat = p
				break
			}
		}
		if pat == "" {
			if j > i {
				i = j // modifiers without a pattern print nothing
				continue
			}
			b.WriteByte(c)
			i++
			continue
		}
		if f.interval && notForInterval[strings.ToLower(pat)] {
			e := pgerr.New("22007", "invalid format specification for an interval value")
			e.Hint = "Intervals are not tied to specific calendar dates."
			return "", e
		}
		j += len(pat)
		suffix := ""
		if strings.HasPrefix(fmt[j:], "TH") || strings.HasPrefix(fmt[j:], "th") {
			suffix, j = fmt[j:j+2], j+2
		}
		out, numeric := f.pattern(pat, fill)
		if numeric && suffix != "" {
			out += ordinal(out, suffix == "TH")
		}
		b.WriteString(out)
		i = j
	}
	return b.String(), nil
}

// pattern returns one pattern's text, and whether it is a number (which
// takes TH).
func (f charFields) pattern(p string, fill bool) (string, bool) {
	num := func(n int64, width int) (string, bool) {
		s := strconv.FormatInt(abs64(n), 10)
		if !fill && len(s) < width {
			s = strings.Repeat("0", width-len(s)) + s
		}
		if n < 0 {
			s = "-" + s
		}
		return s, true
	}
	name := func(s string, upper, lower bool, width int) (string, bool) {
		switch {
		case upper:
			s = strings.ToUpper(s)
		case lower:
			s = strings.ToLower(s)
		}
		if !fill && len(s) < width {
			s += strings.Repeat(" ", width-len(s))
		}
		return s, false
	}
	year := f.year
	if year <= 0 && !f.interval {
		year = 1 - year // 1 BC is year 0
	}
	lp := strings.ToLower(p)
	upper := p == strings.ToUpper(p)
	lower := p == lp
	switch lp {
	case "y,yyy":
		s := strconv.FormatInt(year, 10)
		if !fill && len(s) < 4 {
			s = strings.Repeat("0", 4-len(s)) + s
		}
		if len(s) > 3 {
			s = s[:len(s)-3] + "," + s[len(s)-3:]
		}
		return s, true
	case "yyyy":
		return num(year, 4)
	case "yyy":
		return num(year%1000, 3)
	case "yy":
		return num(year%100, 2)
	case "y":
		return num(year%10, 1)
	case "iyyy", "iyy", "iy", "i":
		iy, _ := f.t.ISOWeek()
		mod := map[string]int64{"iyyy": 1, "iyy": 1000, "iy": 100, "i": 10}[lp]
		v := int64(iy)
		if mod > 1 {
			v %= mod
		}
		if v < 0 {
			// The sign takes a digit's place here, unlike YYYY's.
			s, _ := num(-v, len(lp)-1)
			return "-" + s, true
		}
		return num(v, len(lp))
	case "cc":
		if f.interval {
			return num(year/100, 2)
		}
		if f.year > 0 {
			return num((year+99)/100, 2)
		}
		return num(-((year + 99) / 100), 2)
	case "mm":
		return num(f.month, 2)
	case "dd":
		return num(f.day, 2)
	case "ddd":
		return num(f.yearDay(), 3)
	case "iddd":
		_, w := f.t.ISOWeek()
		return num(int64((w-1)*7)+isoWeekday(f.t), 3)
	case "d":
		return num(int64(f.t.Weekday())+1, 1)
	case "id":
		return num(isoWeekday(f.t), 1)
	case "w":
		return num((f.day-1)/7+1, 1)
	case "ww":
		return num((f.yearDay()-1)/7+1, 2)
	case "iw":
		_, w := f.t.ISOWeek()
		return num(int64(w), 2)
	case "q":
		if f.month == 0 {
			return "", false
		}
		return num((f.month-1)/3+1, 1)
	case "j":
		return num(julianDay(f.t), 1)
	case "hh", "hh12":
		h := f.hour % 12
		if h == 0 {
			h = 12
		}
		return num(h, 2)
	case "hh24":
		return num(f.hour, 2)
	case "mi":
		return num(f.min, 2)
	case "ss":
		return num(f.sec, 2)
	case "ms":
		return num(f.usec/1000, 3)
	case "us":
		return num(f.usec, 6)
	case "ff1", "ff2", "ff3", "ff4", "ff5", "ff6":
		digits := int(lp[2] - '0')
		v := f.usec
		for range 6 - digits {
			v /= 10
		}
		return num(v, digits)
	case "ssss", "sssss":
		return num((f.hour*60+f.min)*60+f.sec, 1)
	case "am", "pm", "a.m.", "p.m.":
		s := "AM"
		if f.hour%24 >= 12 { // an interval's hours may pass a day
			s = "PM"
		}
		if strings.Contains(lp, ".") {
			s = s[:1] + "." + s[1:] + "."
		}
		return name(s, upper, lower, 0)
	case "ad", "bc", "a.d.", "b.c.":
		s := "AD"
		if f.year <= 0 && !f.interval {
			s = "BC"
		}
		if strings.Contains(lp, ".") {
			s = s[:1] + "." + s[1:] + "."
		}
		return name(s, upper, lower, 0)
	case "month", "mon":
		if f.month < 1 || f.month > 12 {
			return "", false
		}
		s := monthNames[f.month-1]
		if lp == "mon" {
			return name(s[:3], upper, lower, 0)
		}
		return name(s, upper, lower, 9)
	case "day", "dy":
		s := dayNames[f.t.Weekday()]
		if lp == "dy" {
			return name(s[:3], upper, lower, 0)
		}
		return name(s, upper, lower, 9)
	case "rm":
		if f.month < 1 || f.month > 12 {
			return "", false
		}
		return name(romanMonth[f.month-1], upper, lower, 4)
	case "tz":
		if !f.zoned {
			return "", false
		}
		return name("UTC", upper, lower, 0)
	case "of", "tzh":
		return "+00", false // a timestamp's too, as PostgreSQL prints it
	case "tzm":
		return "00", false
	}
	return p, false
}

// yearDay is the day of the year; an interval's counts 30 days a month.
func (f charFields) yearDay() int64 {
	if f.interval {
		return (f.year*12+f.month)*30 + f.day
	}
	return int64(f.t.YearDay())
}

// isoWeekday is the ISO day of the week, Monday 1 to Sunday 7.
func isoWeekday(t time.Time) int64 {
	if t.Weekday() == time.Sunday {
		return 7
	}
	return int64(t.Weekday())
}

// ordinal is the suffix of number s: st, nd, rd or th (upper case when
// upper), 11th to 13th included.
func ordinal(s string, upper bool) string {
	n, err := strconv.ParseInt(strings.TrimLeft(s, "-"), 10, 64)
	suf := "th"
	if err == nil && n%100/10 != 1 {
		switch n % 10 {
		case 1:
			suf = "st"
		case 2:
			suf = "nd"
		case 3:
			suf = "rd"
		}
	}
	if upper {
		return strings.ToUpper(suf)
	}
	return suf
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// toChar is to_char over a date, time or interval; numbers are 0A000.
func toChar(vals []any, types []sqlType) (any, sqlType, error) {
	if len(vals) != 2 || !isTextArg(types[1]) {
		return nil, typText, noFunction("to_char", types)
	}
	src := types[0]
	if src.kind == kTime && !src.array {
		// to_char(interval) through time's implicit cast (timeofday.go).
		vals = []any{timeAsInterval(vals[0]), vals[1]}
		src = typInterval
	}
	switch {
	case src.kind == kUnknown:
		return nil, typText, notUnique("to_char", types)
	case src.isInt() || src.kind == kNumeric || src.kind == kFloat4 || src.kind == kFloat8:
		if vals[0] == nil || vals[1] == nil {
			return nil, typText, nil
		}
		return toCharNumber(vals[0], src, vals[1].(string))
	case !isDateTime(src) || src.array:
		return nil, typText, noFunction("to_char", types)
	}
	if vals[0] == nil || vals[1] == nil {
		return nil, typText, nil
	}
	var f charFields
	if src.kind == kInterval {
		iv, err := asInterval(vals[0])
		if err != nil {
			return nil, typText, err
		}
		f.year, f.month, f.day, f.hour, f.min, f.sec, f.usec = intervalFields(iv)
		f.interval = true
		// The ISO and Julian fields of an interval read its fields as a
		// date, as PostgreSQL's do.
		f.t = time.Date(int(f.year), time.Month(f.month), int(f.day), 0, 0, 0, 0, time.UTC)
	} else {
		t := vals[0].(time.Time).UTC()
		y, mo, d := t.Date()
		f = charFields{year: int64(y), month: int64(mo), day: int64(d), hour: int64(t.Hour()), min: int64(t.Minute()),
			sec: int64(t.Second()), usec: int64(t.Nanosecond() / 1000), t: t, zoned: src.kind != kTimestamp}
	}
	out, err := formatChar(f, vals[1].(string))
	if err != nil {
		return nil, typText, err
	}
	return out, typText, nil
}
