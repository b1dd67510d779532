package pgsql

import (
	"testing"
)

// FuzzFormat: format never panics, and without specifiers other than %%
// it gives its template with each %% halved.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"%s", "%1$s %2$I", "%-*s", "%*2$s", "%%", "%", "%99999999999s", "%3$L", "a%%b", "%-10I"} {
		f.Add(s, "x", int64(3))
	}
	f.Fuzz(func(t *testing.T, tmpl, a string, n int64) {
		_, _ = formatFunc(tmpl, []any{a, n, nil}, []sqlType{typText, typInt8, typText})
	})
}

func TestFormat_Specifiers(t *testing.T) {
	tests := []struct {
		tmpl string
		args []any
		want string
	}{
		{"%s-%s", []any{"a", int64(1)}, "a-1"},
		{"%2$s%1$s", []any{"a", "b"}, "ba"},
		{"%5s|%-5s|", []any{"ab", "cd"}, "   ab|cd   |"},
		{"%*s", []any{int64(-3), "x"}, "x  "},
		{"%L", []any{nil}, "NULL"},
		{"%L", []any{`a\b`}, `E'a\\b'`},
		{"%I", []any{"Mixed"}, `"Mixed"`},
		{"100%%", nil, "100%"},
	}
	for _, tc := range tests {
		types := make([]sqlType, len(tc.args))
		for i, a := range tc.args {
			types[i] = typText
			if _, ok := a.(int64); ok {
				types[i] = typInt8
			}
		}
		got, err := formatFunc(tc.tmpl, tc.args, types)
		if err != nil || got != tc.want {
			t.Errorf("format(%q, %v) = %q, %v; want %q", tc.tmpl, tc.args, got, err, tc.want)
		}
	}
}
