package pgsql

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ensure AREs translate into the RE2 that matches as PostgreSQL does.
func TestTranslateARE(t *testing.T) {
	tests := []struct {
		pattern string
		opts    reOptions
		want    string
		longest bool
	}{
		{"^a.b$", defaultREOptions(), `(?s)\Aa.b\z`, true},
		{"a.b", reOptions{lineAnch: true}, `(?m)a[^\n]b`, true},
		{"[^a]", reOptions{}, `[^a\n]`, true},
		{`\yx\Y`, defaultREOptions(), `(?s)\bx\B`, true},
		{`\b\B\e`, defaultREOptions(), `(?s)\x08\\\x1B`, true},
		{`\u00e9\x41\0`, defaultREOptions(), `(?s)\x{E9}\x{41}\x{0}`, true},
		{"a*?b", defaultREOptions(), `(?s)a*?b`, false},
		{"(?i)AB", defaultREOptions(), `(?si)AB`, true},
		{"***=a.b", defaultREOptions(), `(?s)a\.b`, true},
		{"a b # c\n c", reOptions{dotNL: true, expanded: true}, `(?s)abc`, true},
		{"[]a[:digit:]-]", defaultREOptions(), `(?s)[\]a[:digit:]-]`, true},
		{"a{2,3}", defaultREOptions(), `(?s)a{2,3}`, true},
		{"a{x", defaultREOptions(), `(?s)a\{x`, true},
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			tr, err := translateARE(tc.pattern, tc.opts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, tr.main)
			assert.Equal(t, tc.longest, tr.longest)
		})
	}
}

// Ensure what PostgreSQL refuses is 2201B and what RE2 cannot do 0A000.
func TestTranslateARE_Errors(t *testing.T) {
	tests := []struct{ pattern, code string }{
		{"(a", "2201B"}, {"a)", "2201B"}, {"[a", "2201B"}, {"*a", "2201B"}, {"a**", "2201B"},
		{"a{3,2}", "2201B"}, {"a{256}", "2201B"}, {`\`, "2201B"}, {`\q`, "2201B"}, {"[z-a]", "2201B"},
		{"[[:nope:]]", "2201B"}, {"(?z)a", "2201B"}, {"(?i", "2201B"}, {`[\y]`, "2201B"},
		{`(a)\1`, "0A000"}, {"a(?=b)", "0A000"}, {"a(?!b)", "0A000"}, {"(?<=a)b", "0A000"},
		{"(?<!a)b", "0A000"}, {`\ma`, "0A000"}, {`a\M`, "0A000"}, {"[[:<:]]a", "0A000"},
		{"a[[:>:]]", "0A000"}, {"[[=a=]]", "0A000"}, {"[[.ab.]]", "0A000"}, {"(?b)a", "0A000"},
		{"(?e)a", "0A000"}, {"a*?b+", "0A000"},
	}
	for _, tc := range tests {
		t.Run(tc.pattern, func(t *testing.T) {
			_, err := compileARE(tc.pattern, defaultREOptions())
			var pe *pgerr.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.code, pe.Code, pe.Message)
		})
	}
	_, err := compileARE("^(a*?)b+$", defaultREOptions())
	assert.NoError(t, err, "mixed greediness anchored at both ends matches the whole string")
}

// Ensure searchFrom sees the text before its start, as PostgreSQL's
// search from an offset does.
func TestRegex_SearchFrom(t *testing.T) {
	r, err := compileARE(`\yb`, defaultREOptions())
	require.NoError(t, err)
	assert.Nil(t, r.searchFrom("ab", 1), "no word boundary between a and b")
	assert.Equal(t, []int{2, 3}, r.searchFrom("a b", 1))
	r, err = compileARE(`^b`, defaultREOptions())
	require.NoError(t, err)
	assert.Nil(t, r.searchFrom("bb", 1), "^ is the start of the text only")
	r, err = compileARE(`é`, defaultREOptions())
	require.NoError(t, err)
	assert.Equal(t, []int{2, 4}, r.searchFrom("éé", 2))
}

// Ensure SIMILAR TO patterns translate as PostgreSQL's similar_escape.
func TestSimilarParts(t *testing.T) {
	tests := []struct{ pattern, esc, want string }{
		{"a%_b", `\`, "^(?:a.*.b)$"},
		{"a#%(b|c)", "#", `^(?:a\%(?:b|c))$`},
		{`x#"y#"z`, "#", "^(?:x){1,1}?(y){1,1}(?:z)$"},
		{`[%_\]\.`, "", `^(?:[%_\\]\\\.)$`},
		{`[%_\]\.`, `\`, `^(?:[%_\]\.)$`},
		{`a.^$`, "", `^(?:a\.\^\$)$`},
	}
	for _, tc := range tests {
		parts, err := similarParts(tc.pattern, tc.esc, true)
		require.NoError(t, err)
		assert.Equal(t, tc.want, similarRegex(parts), tc.pattern)
	}
	_, err := similarParts("a", "ab", true)
	assert.Equal(t, "22025", err.(*pgerr.Error).Code)
	_, err = similarParts(`a#"b#"c#"`, "#", true)
	assert.Equal(t, "2200C", err.(*pgerr.Error).Code)
}

// fuzzCheckErr fails unless err is nil, 0A000 or 2201B.
func fuzzCheckErr(t *testing.T, what string, err error) {
	if err == nil {
		return
	}
	var pe *pgerr.Error
	if !errors.As(err, &pe) || pe.Code != "0A000" && pe.Code != "2201B" {
		t.Fatalf("%q: %v is neither 0A000 nor 2201B", what, err)
	}
}

// Fuzz the ARE translation: a pattern compiles or is 0A000 or 2201B,
// never a panic, and a search from any offset finds a match at or after
// it.
func FuzzTranslateARE(f *testing.F) {
	for _, p := range []string{"^a.b$", `\yx\Y`, "[]a[:digit:]-]", "(?i)x{2,3}?", `\u00e9\x41\0`, "***=a.b", "(a|b)*c", `[^\n]+`, "a{x", `\cA\B`} {
		f.Add(p, byte(0), "a b\nc")
	}
	f.Fuzz(func(t *testing.T, pattern string, flags byte, s string) {
		opts := defaultREOptions()
		for i, c := range "icnpwsxq" {
			if flags&(1<<i) != 0 {
				_, _ = opts.apply(byte(c))
			}
		}
		r, err := compileARE(pattern, opts)
		fuzzCheckErr(t, pattern, err)
		if err != nil || !utf8.ValidString(s) || len(s) > 64 || len(pattern) > 256 {
			return
		}
		for i := range s {
			if m := r.searchFrom(s, i); m != nil && (m[0] < i || m[1] < m[0] || m[1] > len(s)) {
				t.Fatalf("%q on %q from %d: match %v", pattern, s, i, m)
			}
		}
		_ = regexMatches(r, s, 0, true, true)
	})
}

// Fuzz the SIMILAR TO translation: a pattern translates and compiles,
// or is 22025 or 2200C (escape errors), 0A000 or 2201B.
func FuzzSimilarParts(f *testing.F) {
	for _, p := range []string{"a%_b", `x#"y#"z`, "[%_]", "(a|b)*", "a{2,3}", `\.`} {
		f.Add(p, "#", "xyz")
	}
	f.Fuzz(func(t *testing.T, pattern, esc, s string) {
		parts, err := similarParts(pattern, esc, true)
		if err != nil {
			if code := err.(*pgerr.Error).Code; code != "22025" && code != "2200C" {
				t.Fatalf("%q escape %q: %v", pattern, esc, err)
			}
			return
		}
		_, err = compileARE(similarRegex(parts), defaultREOptions())
		fuzzCheckErr(t, pattern, err)
		if err == nil && utf8.ValidString(s) && len(s) < 64 {
			_, err = similarSubstring(s, pattern, esc)
			fuzzCheckErr(t, pattern, err)
		}
	})
}
