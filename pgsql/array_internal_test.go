package pgsql

import (
	"strings"
	"testing"
)

// renderArray writes elements as an array literal, every element quoted.
func renderArray(elems []any) string {
	parts := make([]string, len(elems))
	for i, e := range elems {
		if e == nil {
			parts[i] = "NULL"
			continue
		}
		s := strings.ReplaceAll(e.(string), `\`, `\\`)
		parts[i] = `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// FuzzParseArrayText: the parser never panics, and what it accepts reads
// back the same from its quoted rendering.
func FuzzParseArrayText(f *testing.F) {
	for _, s := range []string{`{}`, `{1,2,3}`, `{"a b",NULL,c}`, `{"x\"y",\}`, `{,}`, `{1`, `1,2`, `{ a , "b" }`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		elems, err := parseArrayText(s)
		if err != nil {
			return
		}
		again, err := parseArrayText(renderArray(elems))
		if err != nil {
			t.Fatalf("%q parsed to %q, whose rendering %q fails: %v", s, elems, renderArray(elems), err)
		}
		if renderArray(again) != renderArray(elems) {
			t.Fatalf("%q: %q then %q", s, elems, again)
		}
	})
}

// FuzzArrayColumn_RoundTrip: a text[] column's stored form (PostgreSQL's
// text output, quoting spaces, commas, quotes, backslashes, braces, empty
// strings and the word NULL) reads back as the same elements. The input
// is cut into elements at '|'; an element "\x00" stands for NULL.
func FuzzArrayColumn_RoundTrip(f *testing.F) {
	for _, s := range []string{"a|b", "with space|,|\"|\\", "NULL|null|\x00|", "{}|{a}|", " lead|trail |\ttab", "é|日本"} {
		f.Add(s)
	}
	typ := sqlType{kind: kText, array: true}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, '\x00') && !strings.Contains(s, "|\x00|") {
			s = strings.ReplaceAll(s, "\x00", "")
		}
		var elems []any
		for _, p := range strings.Split(s, "|") {
			if p == "\x00" {
				elems = append(elems, nil)
				continue
			}
			elems = append(elems, strings.ReplaceAll(p, "\x00", ""))
		}
		stored := storedArray(typ, elems)
		back, err := loadArray(typ, stored)
		if err != nil {
			t.Fatalf("%q stored as %q does not read back: %v", elems, stored, err)
		}
		if renderArray(back.([]any)) != renderArray(elems) {
			t.Fatalf("%q stored as %q reads back as %q", elems, stored, back)
		}
	})
}
