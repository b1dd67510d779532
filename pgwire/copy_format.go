package pgwire

import (
	"strconv"

	"github.com/reldb/reldb/pgsql"
)

// COPY's text and CSV formats, as PostgreSQL reads and writes them.
//
// Input is cut into lines first: a line ends at an unquoted newline,
// which is "\n", "\r" or "\r\n" as the first line sets (a later line that
// ends otherwise is an error); in CSV a quoted field may hold newlines.
// A line "\." ends the data (in text format also "\." after other data
// on a line). Each line is then cut into fields: in text format at each
// delimiter, with backslash escapes; in CSV at each delimiter outside
// quotes, a quote inside a quoted field written as escape+quote. A field
// whose raw text is the NULL string is NULL, in CSV only when unquoted.

// eolKind is the line ending a COPY's first line sets.
type eolKind int

const (
	eolUnknown eolKind = iota
	eolNL
	eolCR
	eolCRNL
)

// lineReader cuts COPY input into lines as it arrives.
type lineReader struct {
	csv           bool
	quote, escape byte

	eol eolKind
	buf []byte // input received and not yet returned as lines
	// The scan of the line at the start of buf, resumed when more arrives.
	pos     int
	inQuote bool
	lastEsc bool
	lineno  int // lines returned, counting newlines inside quoted fields
}

// next returns the next complete line of buf, without its line end. At
// eof, the rest of buf is the last line. more is true when the line is
// not complete yet (or, at eof, nothing is left); marker when the line
// ended at the end-of-data marker, line holding what came before it.
func (r *lineReader) next(eof bool) (line []byte, marker, more bool, err error) {
	buf := r.buf
	i := r.pos
	for i < len(buf) {
		c := buf[i]
		if (c == '\\' || c == '\r') && i+1 == len(buf) && !eof {
			break // the character after decides
		}
		if r.csv {
			// An escape that is the quote too is only a quote here.
			if r.inQuote && c == r.escape && r.escape != r.quote {
				r.lastEsc = !r.lastEsc
			}
			if c == r.quote && !r.lastEsc {
				r.inQuote = !r.inQuote
			}
			if c != r.escape || r.escape == r.quote {
				r.lastEsc = false
			}
			if r.inQuote && (c == '\n' && r.eol == eolNL || c == '\r' && r.eol != eolNL) {
				r.lineno++
			}
		}
		if c == '\r' && (!r.csv || !r.inQuote) {
			switch {
			case r.eol == eolUnknown || r.eol == eolCRNL:
				if i+1 < len(buf) && buf[i+1] == '\n' {
					r.eol = eolCRNL
					return r.take(i, i+2), false, false, nil
				}
				if r.eol == eolCRNL {
					return nil, false, false, r.eolError(true)
				}
				r.eol = eolCR
			case r.eol == eolNL:
				return nil, false, false, r.eolError(true)
			}
			return r.take(i, i+1), false, false, nil
		}
		if c == '\n' && (!r.csv || !r.inQuote) {
			if r.eol == eolCR || r.eol == eolCRNL {
				return nil, false, false, r.eolError(false)
			}
			r.eol = eolNL
			return r.take(i, i+1), false, false, nil
		}
		if c == '\\' && (!r.csv || i == 0) {
			end, ok, wait, err := r.endMarker(i, eof)
			switch {
			case err != nil:
				return nil, false, false, err
			case wait:
				r.pos = i
				return nil, false, true, nil
			case ok:
				line := r.take(i, end)
				return line, true, false, nil
			case !r.csv:
				i += 2 // a backslash escapes the next character, a newline too
				continue
			default:
				i = end // as PostgreSQL, past what it looked at
				continue
			}
		}
		i++
	}
	if eof && len(buf) > 0 {
		r.pos = len(buf)
		return r.take(len(buf), len(buf)), false, false, nil
	}
	r.pos = min(i, len(buf))
	return nil, false, true, nil
}

// endMarker looks at a backslash at buf[i]: ok when "\." and a line end
// follow (end is past them), wait when more input must come first. In
// CSV something else is data, end being where the look ended; in text it
// is an error, or (not "\.") an escape.
func (r *lineReader) endMarker(i int, eof bool) (end int, ok, wait bool, err error) {
	buf := r.buf
	at := func(j int) (byte, bool) {
		if j < len(buf) {
			return buf[j], true
		}
		return 0, eof // at eof, PostgreSQL reads a NUL
	}
	c2, have := at(i + 1)
	if !have {
		return 0, false, true, nil
	}
	if c2 != '.' {
		return i + 1, false, false, nil
	}
	j := i + 2
	corrupt := func() (int, bool, bool, error) {
		if r.csv {
			return min(j, len(buf)), false, false, nil
		}
		return 0, false, false, badCopy("end-of-copy marker corrupt")
	}
	if r.eol == eolCRNL {
		c, have := at(j)
		if !have {
			return 0, false, true, nil
		}
		j++
		if c == '\n' {
			if r.csv {
				return min(j, len(buf)), false, false, nil
			}
			return 0, false, false, badCopy("end-of-copy marker does not match previous newline style")
		}
		if c != '\r' {
			return corrupt()
		}
	}
	c, have := at(j)
	if !have {
		return 0, false, true, nil
	}
	j++
	if c != '\r' && c != '\n' {
		return corrupt()
	}
	if r.eol == eolNL && c != '\n' || r.eol == eolCRNL && c != '\n' || r.eol == eolCR && c != '\r' {
		return 0, false, false, badCopy("end-of-copy marker does not match previous newline style")
	}
	return min(j, len(buf)), true, false, nil
}

// take returns buf[:end] as a line, dropping buf up to next.
func (r *lineReader) take(end, next int) []byte {
	line := r.buf[:end:end]
	r.buf = r.buf[next:]
	r.pos, r.inQuote, r.lastEsc = 0, false, false
	r.lineno++
	return line
}

func (r *lineReader) eolError(cr bool) *pgsql.Error {
	what, hint := "newline", `Use "\n" to represent newline.`
	if cr {
		what, hint = "carriage return", `Use "\r" to represent carriage return.`
	}
	if r.csv {
		e := badCopy("unquoted " + what + " found in data")
		e.Hint = "Use quoted CSV field to represent " + what + "."
		return e
	}
	e := badCopy("literal " + what + " found in data")
	e.Hint = hint
	return e
}

// badCopy is 22P04, bad copy file format.
func badCopy(msg string) *pgsql.Error {
	return &pgsql.Error{Code: "22P04", Message: msg}
}

// copyField is one field of a line: its value, or NULL.
type copyField struct {
	value  string
	null   bool
	quoted bool // in CSV, some of it was quoted
}

// splitText cuts a text-format line into fields at delim, undoing the
// backslash escapes; a field whose raw text is null is NULL.
func splitText(line []byte, delim byte, null string) []copyField {
	var out []copyField
	var val []byte
	start := 0
	for i := 0; ; i++ {
		if i == len(line) || line[i] == delim {
			f := copyField{value: string(val)}
			if string(line[start:i]) == null {
				f = copyField{null: true}
			}
			out = append(out, f)
			if i == len(line) {
				return out
			}
			val, start = val[:0], i+1
			continue
		}
		c := line[i]
		if c != '\\' {
			val = append(val, c)
			continue
		}
		if i+1 == len(line) {
			// PostgreSQL drops a backslash that ends the line, and its
			// raw text too.
			f := copyField{value: string(val)}
			if string(line[start:i]) == null {
				f = copyField{null: true}
			}
			return append(out, f)
		}
		i++
		c = line[i]
		switch c {
		case 'b':
			val = append(val, '\b')
		case 'f':
			val = append(val, '\f')
		case 'n':
			val = append(val, '\n')
		case 'r':
			val = append(val, '\r')
		case 't':
			val = append(val, '\t')
		case 'v':
			val = append(val, '\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for k := 0; k < 2 && i+1 < len(line) && line[i+1] >= '0' && line[i+1] <= '7'; k++ {
				i++
				v = v*8 + int(line[i]-'0')
			}
			val = append(val, byte(v))
		case 'x':
			if i+1 < len(line) && isHex(line[i+1]) {
				i++
				v := hexVal(line[i])
				if i+1 < len(line) && isHex(line[i+1]) {
					i++
					v = v*16 + hexVal(line[i])
				}
				val = append(val, byte(v))
			} else {
				val = append(val, 'x')
			}
		default:
			val = append(val, c)
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

// splitCSV cuts a CSV line into fields: a field is NULL when its raw text,
// unquoted, is null.
func splitCSV(line []byte, delim, quote, escape byte, null string) ([]copyField, error) {
	var out []copyField
	var val []byte
	i := 0
	for {
		start := i
		quoted := false
		val = val[:0]
		end := i
	field:
		for {
			// Outside quotes.
			for {
				end = i
				if i == len(line) {
					break field
				}
				c := line[i]
				i++
				if c == delim {
					break field
				}
				if c == quote {
					quoted = true
					break
				}
				val = append(val, c)
			}
			// Inside quotes.
			for {
				if i == len(line) {
					return nil, badCopy("unterminated CSV quoted field")
				}
				c := line[i]
				i++
				if c == escape && i < len(line) && (line[i] == escape || line[i] == quote) {
					val = append(val, line[i])
					i++
					continue
				}
				if c == quote {
					break
				}
				val = append(val, c)
			}
		}
		f := copyField{value: string(val), quoted: quoted}
		if !quoted && string(line[start:end]) == null {
			f = copyField{null: true}
		}
		out = append(out, f)
		if end == len(line) {
			return out, nil
		}
	}
}

// appendText appends s in COPY's text format, escaped.
func appendText(dst []byte, s string, delim byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20:
			switch c {
			case '\b':
				dst = append(dst, `\b`...)
			case '\f':
				dst = append(dst, `\f`...)
			case '\n':
				dst = append(dst, `\n`...)
			case '\r':
				dst = append(dst, `\r`...)
			case '\t':
				dst = append(dst, `\t`...)
			case '\v':
				dst = append(dst, `\v`...)
			case delim:
				dst = append(dst, '\\', c)
			default:
				dst = append(dst, c)
			}
		case c == '\\' || c == delim:
			dst = append(dst, '\\', c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendCSV appends s as a CSV field, quoted when force is set, when it
// equals the NULL string, holds the delimiter, the quote or a line end,
// or is "\." alone on a line (single: the only column).
func appendCSV(dst []byte, s string, o *copyOptions, force, single bool) []byte {
	quote := force || s == o.null || single && s == `\.`
	for i := 0; i < len(s) && !quote; i++ {
		c := s[i]
		quote = c == o.delim || c == o.quote || c == '\n' || c == '\r'
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, o.quote)
	for i := 0; i < len(s); i++ {
		if s[i] == o.quote || s[i] == o.escape {
			dst = append(dst, o.escape)
		}
		dst = append(dst, s[i])
	}
	return append(dst, o.quote)
}

// copyContext is the CONTEXT line of an error in COPY FROM's data, as
// PostgreSQL words it: the line, and the column when one is at fault.
func copyContext(table string, lineno int, column string, value *string, line []byte) string {
	where := "COPY " + table + ", line " + strconv.Itoa(lineno)
	switch {
	case column != "" && value != nil:
		return where + ", column " + column + `: "` + limitPrintout(*value) + `"`
	case column != "":
		return where + ", column " + column + ": null input"
	case line != nil:
		return where + `: "` + limitPrintout(string(line)) + `"`
	}
	return where
}

// binaryContext is the CONTEXT line of an error in the binary format's
// tuple lineno (1-based), in column if not "": PostgreSQL shows no data.
func binaryContext(table string, lineno int, column string) string {
	where := "COPY " + table + ", line " + strconv.Itoa(lineno)
	if column != "" {
		where += ", column " + column
	}
	return where
}

// limitPrintout shortens s to PostgreSQL's 100 characters and "...".
func limitPrintout(s string) string {
	const limit = 100
	n := 0
	for i := range s {
		if n == limit {
			return s[:i] + "..."
		}
		n++
	}
	return s
}
