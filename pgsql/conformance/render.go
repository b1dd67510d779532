package conformance

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// renderRow prints a row's values separated by |, () for a row without
// columns.
func renderRow(row []Value) string {
	if len(row) == 0 {
		return "()"
	}
	vals := make([]string, len(row))
	for i, v := range row {
		vals[i] = renderValue(v)
	}
	return strings.Join(vals, "|")
}

// renderValue prints NULL as NULL and text with renderText.
func renderValue(v Value) string {
	if v.Null {
		return "NULL"
	}
	return renderText(v.Text)
}

// renderText prints s as it is unless that would be ambiguous in a row
// line or lost by the scenario format (which trims trailing blanks and ends
// output at a blank line); then it is Go-quoted.
func renderText(s string) string {
	if needsQuote(s) {
		return strconv.Quote(s)
	}
	return s
}

func needsQuote(s string) bool {
	if s == "" || s == "NULL" || strings.HasPrefix(s, `"`) || strings.Contains(s, "|") || !utf8.ValidString(s) {
		return true
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}
