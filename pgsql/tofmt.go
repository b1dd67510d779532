package pgsql

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// to_timestamp(text, template) and to_date(text, template) read a date
// and time by the template patterns to_char writes (tochar.go), as
// PostgreSQL reads them outside FX mode:
//
//   - A pattern reads its field after skipping blanks: the numbers YYYY,
//     YYY, YY, Y (read as fewer than four digits, a year is moved
//     nearest to 2020: 95 is 1995, 5 is 2005), MM, DD, DDD, HH, HH12, HH24, MI, SS,
//     MS and US (a fraction: .5 is 500 ms), and the names Month, Mon,
//     Day, Dy and AM, PM, A.M., P.M. in any case (day names are checked
//     and ignored).
//   - A number followed by another number pattern reads exactly its
//     width (YYYYMMDD); followed by anything else, or prefixed by FM, it
//     reads every digit there is. A TH suffix skips the ordinal's two
//     letters.
//   - A blank or separator (- / , . : ...) in the template skips blanks
//     and then one separator of the input, or nothing; any other
//     character, and each one of quoted text, skips one character.
//   - Input left over after the template is ignored, and so is the
//     template left over after the input; a field not read is January,
//     the first, midnight.
//
// Errors are PostgreSQL's: 22007 for a value that is not a number or
// not a name of the field, a fixed-width field cut short, one field set
// twice to different values and an hour beyond the 12-hour clock (HH,
// HH12, or any hour beside AM or PM); 22008 for a field out of range, a
// number beyond integer and a result beyond the last date or timestamp.
// Other patterns (ISO weeks, Julian days, TZH, FX, ...) are 0A000, and
// so is a result before year 1 (which includes a template without a
// year: PostgreSQL's year 1 BC).

// fmtNode is one element of a parsed template.
type fmtNode struct {
	pat  string // a template pattern, or "" for a character
	ch   rune   // the character, for a non-pattern
	sep  bool   // the character is a blank or a separator
	fill bool   // FM before the pattern
	th   bool   // TH or th after the pattern
}

// numericPatterns are the number patterns read and their widths.
var numericPatterns = map[string]int{"yyyy": 4, "yyy": 3, "yy": 2, "y": 1, "mm": 2, "dd": 2, "ddd": 3,
	"hh": 2, "hh12": 2, "hh24": 2, "mi": 2, "ss": 2, "ms": 3, "us": 6}

// namePatterns are the name patterns read.
var namePatterns = map[string]bool{"month": true, "mon": true, "day": true, "dy": true,
	"am": true, "pm": true, "a.m.": true, "p.m.": true}

// isSeparator reports whether c is a separator in the template or the
// input: printable ASCII that is neither a letter nor a digit, nor a blank.
func isSeparator(c rune) bool {
	return c > ' ' && c < 0x7f && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')
}

// parseTemplate splits a template into its nodes; a pattern reldb does
// not read is 0A000.
func parseTemplate(tmpl, fn string) ([]fmtNode, error) {
	var nodes []fmtNode
	for i := 0; i < len(tmpl); {
		c := tmpl[i]
		switch {
		case c == '"':
			i++
			for i < len(tmpl) && tmpl[i] != '"' {
				if tmpl[i] == '\\' && i+1 < len(tmpl) {
					i++
				}
				r, n := utf8.DecodeRuneInString(tmpl[i:])
				nodes = append(nodes, fmtNode{ch: r})
				i += n
			}
			i++
			continue
		case c == '\\' && i+1 < len(tmpl) && tmpl[i+1] == '"':
			nodes = append(nodes, fmtNode{ch: '"'})
			i += 2
			continue
		}
		fill := false
		j := i
		for {
			up := strings.ToUpper(tmpl[j:min(j+2, len(tmpl))])
			switch up {
			case "FM":
				fill, j = true, j+2
				continue
			case "TM":
				j += 2
				continue
			case "FX":
				return nil, pgerr.Unsupported(fn + " template with FX")
			}
			break
		}
		pat := ""
		for _, p := range charPatterns {
			if strings.HasPrefix(tmpl[j:], p) {
				pat = p
				break
			}
		}
		if pat == "" {
			if j > i {
				i = j // modifiers without a pattern
				continue
			}
			r, n := utf8.DecodeRuneInString(tmpl[i:])
			nodes = append(nodes, fmtNode{ch: r, sep: r == ' ' || r == '\t' || r == '\n' || isSeparator(r)})
			i += n
			continue
		}
		lp := strings.ToLower(pat)
		if _, ok := numericPatterns[lp]; !ok && !namePatterns[lp] {
			return nil, pgerr.Unsupported(fn + " template pattern " + pat)
		}
		j += len(pat)
		th := false
		if strings.HasPrefix(tmpl[j:], "TH") || strings.HasPrefix(tmpl[j:], "th") {
			th, j = true, j+2
		}
		nodes = append(nodes, fmtNode{pat: pat, fill: fill, th: th})
		i = j
	}
	return nodes, nil
}

// readsAll reports whether the number node i reads every digit there is
// rather than exactly its width: it is in fill mode, has a TH suffix, or
// the next node is not a number pattern nor a digit.
func readsAll(nodes []fmtNode, i int) bool {
	n := nodes[i]
	if n.fill || n.th || i+1 == len(nodes) {
		return true
	}
	next := nodes[i+1]
	if next.pat != "" {
		_, num := numericPatterns[strings.ToLower(next.pat)]
		return !num
	}
	return !(next.ch >= '0' && next.ch <= '9')
}

// fmtFields are the fields a template read; 0 is a field not read.
type fmtFields struct {
	year, month, day, doy, hour, min, sec, ms, us int64
	clock12, pm                                   bool
	yearSet                                       bool
}

// fromTemplate reads s by the template; date drops the time fields.
func fromTemplate(fn, s, tmpl string, date bool) (time.Time, error) {
	nodes, err := parseTemplate(tmpl, fn)
	if err != nil {
		return time.Time{}, err
	}
	var f fmtFields
	in := s
	for i, n := range nodes {
		if in == "" {
			break // the fields after the input's end keep their defaults
		}
		if n.pat == "" {
			if n.sep {
				in = strings.TrimLeft(in, " \t\n\r\f\v")
				if r, size := utf8.DecodeRuneInString(in); size > 0 && isSeparator(r) {
					in = in[size:]
				}
				continue
			}
			if _, size := utf8.DecodeRuneInString(in); size > 0 {
				in = in[size:]
			}
			continue
		}
		if in = strings.TrimLeft(in, " \t\n\r\f\v"); in == "" {
			break
		}
		lp := strings.ToLower(n.pat)
		if width, ok := numericPatterns[lp]; ok {
			v, used, rest, err := readNumber(in, n.pat, width, readsAll(nodes, i))
			if err != nil {
				return time.Time{}, err
			}
			in = rest
			if n.th {
				in = skipOrdinal(in)
			}
			if err := f.setNumber(lp, n.pat, v, used); err != nil {
				return time.Time{}, err
			}
			continue
		}
		rest, err := f.readName(in, n.pat, lp)
		if err != nil {
			return time.Time{}, err
		}
		in = rest
	}
	return f.timestamp(fn, s, date)
}

// readNumber reads a number field at the start of in: all its digits, or
// exactly width characters; used is the count of characters read.
func readNumber(in, pat string, width int, all bool) (v int64, used int, rest string, err error) {
	field := in
	if !all {
		if n := utf8.RuneCountInString(in); n < width {
			e := pgerr.New("22007", "source string too short for %q formatting field", pat)
			e.Detail = "Field requires " + itoa(width) + " characters, but only " + itoa(n) + " remain."
			e.Hint = `If your source string is not fixed-width, try using the "FM" modifier.`
			return 0, 0, in, e
		}
		field = string([]rune(in)[:width])
	}
	j := 0
	if j < len(field) && (field[j] == '+' || field[j] == '-') {
		j++
	}
	k := j
	for k < len(field) && field[k] >= '0' && field[k] <= '9' {
		k++
	}
	if k == j {
		quote := in
		if utf8.RuneCountInString(quote) > width {
			quote = string([]rune(quote)[:width])
		}
		e := pgerr.New("22007", "invalid value %q for %q", quote, pat)
		e.Detail = "Value must be an integer."
		return 0, 0, in, e
	}
	if !all && k < len(field) {
		e := pgerr.New("22007", "invalid value %q for %q", field, pat)
		e.Detail = "Field requires " + itoa(width) + " characters, but only " + itoa(k) + " could be parsed."
		e.Hint = `If your source string is not fixed-width, try using the "FM" modifier.`
		return 0, 0, in, e
	}
	n, perr := strconv.ParseInt(field[:k], 10, 64)
	if perr != nil || n < math.MinInt32 || n > math.MaxInt32 {
		e := pgerr.New("22008", "value for %q in source string is out of range", pat)
		e.Detail = "Value must be in the range -2147483648 to 2147483647."
		return 0, 0, in, e
	}
	return n, k, in[k:], nil
}

// skipOrdinal skips an ordinal suffix (st, nd, rd, th in any case).
func skipOrdinal(in string) string {
	if len(in) >= 2 && isAlpha(in[:2]) {
		return in[2:]
	}
	return in
}

// setNumber stores a number field; a field set twice to different values
// is 22007.
func (f *fmtFields) setNumber(lp, pat string, v int64, used int) error {
	var field string
	switch lp {
	case "yyyy", "yyy", "yy", "y":
		if lp != "yyyy" && used < 4 {
			v = nearest2020(v)
		}
		field, f.yearSet = "year", true
	case "mm":
		field = "month"
	case "dd":
		field = "day"
	case "ddd":
		field = "doy"
	case "hh", "hh12", "hh24":
		field = "hour"
		if lp != "hh24" {
			f.clock12 = true
		}
	case "mi":
		field = "min"
	case "ss":
		field = "sec"
	case "ms":
		// A fraction: .5 is 500 milliseconds.
		for ; used < 3 && used > 0; used++ {
			v *= 10
		}
		field = "ms"
	case "us":
		for ; used < 6 && used > 0; used++ {
			v *= 10
		}
		field = "us"
	}
	return f.store(field, pat, v)
}

// store sets field to v, refusing a different earlier value.
func (f *fmtFields) store(field, pat string, v int64) error {
	p := map[string]*int64{"year": &f.year, "month": &f.month, "day": &f.day, "doy": &f.doy, "hour": &f.hour,
		"min": &f.min, "sec": &f.sec, "ms": &f.ms, "us": &f.us}[field]
	if *p != 0 && *p != v {
		e := pgerr.New("22007", "conflicting values for %q field in formatting string", pat)
		e.Detail = "This value contradicts a previous setting for the same field type."
		return e
	}
	*p = v
	return nil
}

// nearest2020 moves a year of fewer than four digits nearest to 2020, as
// PostgreSQL does for YYY, YY and Y.
func nearest2020(y int64) int64 {
	switch {
	case y < 0 || y >= 1000:
		return y
	case y < 70:
		return y + 2000
	case y < 100:
		return y + 1900
	case y < 520:
		return y + 2000
	}
	return y + 1000
}

// readName reads a name field at the start of in.
func (f *fmtFields) readName(in, pat, lp string) (string, error) {
	var names []string
	switch lp {
	case "month", "day":
		names = monthNames[:]
		if lp == "day" {
			names = dayNames[:]
		}
	case "mon", "dy":
		src := monthNames[:]
		if lp == "dy" {
			src = dayNames[:]
		}
		for _, n := range src {
			names = append(names, n[:3])
		}
	case "am", "pm":
		names = []string{"AM", "PM"}
	case "a.m.", "p.m.":
		names = []string{"A.M.", "P.M."}
	}
	for i, n := range names {
		if len(in) < len(n) || !strings.EqualFold(in[:len(n)], n) {
			continue
		}
		switch lp {
		case "month", "mon":
			if err := f.store("month", pat, int64(i+1)); err != nil {
				return in, err
			}
		case "am", "pm", "a.m.", "p.m.":
			f.clock12, f.pm = true, i == 1
		}
		return in[len(n):], nil
	}
	word := in
	if k := strings.IndexAny(word, " \t\n"); k >= 0 {
		word = word[:k]
	}
	e := pgerr.New("22007", "invalid value %q for %q", word, pat)
	e.Detail = "The given value did not match any of the allowed values for this field."
	return in, e
}

// timestamp builds the result from the fields read from s.
func (f *fmtFields) timestamp(fn, s string, date bool) (time.Time, error) {
	if f.clock12 {
		if f.hour < 1 || f.hour > 12 {
			e := pgerr.New("22007", "hour \"%d\" is invalid for the 12-hour clock", f.hour)
			e.Hint = "Use the 24-hour clock, or give an hour between 1 and 12."
			return time.Time{}, e
		}
		switch {
		case f.pm && f.hour < 12:
			f.hour += 12
		case !f.pm && f.hour == 12:
			f.hour = 0
		}
	}
	outOfRange := func() (time.Time, error) {
		return time.Time{}, pgerr.New("22008", "date/time field value out of range: %q", s)
	}
	beyond := func() (time.Time, error) {
		if date {
			return time.Time{}, pgerr.New("22008", "date out of range: %q", s)
		}
		return time.Time{}, pgerr.New("22008", "timestamp out of range")
	}
	// A field read as 0 is a field not given, as in PostgreSQL.
	month, day := max(f.month, 1), max(f.day, 1)
	if f.month < 0 || f.day < 0 || f.doy < 0 {
		return outOfRange()
	}
	year := f.year
	if f.doy != 0 {
		if !f.yearSet {
			return time.Time{}, pgerr.New("22007", "cannot calculate day of year without year information")
		}
		if f.month != 0 || f.day != 0 {
			return time.Time{}, pgerr.Unsupported(fn + " with DDD beside MM or DD")
		}
		if year > 0 && year < 6_000_000 && (f.doy < 1 || f.doy > int64(time.Date(int(year), 12, 31, 0, 0, 0, 0, time.UTC).YearDay())) {
			return outOfRange()
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || f.hour < 0 || f.hour > 23 || f.min < 0 || f.min > 59 ||
		f.sec < 0 || f.sec > 59 || f.ms < 0 || f.us < 0 || f.ms*1000+f.us >= usPerSec {
		return outOfRange()
	}
	if year > 5_874_897 {
		return beyond()
	}
	if year < 1 {
		return time.Time{}, pgerr.Unsupported("dates and timestamps before 0001-01-01 (BC)")
	}
	if int(day) > daysIn(int(year), time.Month(month)) {
		return outOfRange()
	}
	t := time.Date(int(year), time.Month(month), int(day), 0, 0, 0, 0, time.UTC)
	if f.doy != 0 {
		t = t.AddDate(0, 0, int(f.doy-1))
	}
	if date {
		if !t.Before(maxDate) {
			return beyond()
		}
		return t, nil
	}
	t = t.Add(time.Duration(f.hour)*time.Hour + time.Duration(f.min)*time.Minute + time.Duration(f.sec)*time.Second +
		time.Duration(f.ms*1000+f.us)*time.Microsecond)
	if !t.Before(maxTimestamp) {
		return beyond()
	}
	return t, nil
}

// toTimestampText is to_timestamp(text, text) and to_date(text, text).
func toTimestampText(name string, vals []any, types []sqlType) (any, sqlType, error) {
	out := typTimestamptz
	if name == "to_date" {
		out = sqlType{kind: kDate}
	}
	if len(vals) != 2 || !isTextArg(types[0]) || !isTextArg(types[1]) || types[0].array || types[1].array {
		return nil, out, noFunction(name, types)
	}
	if vals[0] == nil || vals[1] == nil {
		return nil, out, nil
	}
	text, tmpl := vals[0].(string), vals[1].(string)
	if types[0].kind == kBpchar {
		text = strings.TrimRight(text, " ")
	}
	if types[1].kind == kBpchar {
		tmpl = strings.TrimRight(tmpl, " ")
	}
	t, err := fromTemplate(name, text, tmpl, name == "to_date")
	if err != nil {
		return nil, out, err
	}
	return t, out, nil
}
