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
