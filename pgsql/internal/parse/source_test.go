package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure the text handed to pgparser replaces exactly the parameters and
// offsets map back to the source.
func TestPrepare_Markers(t *testing.T) {
	src, err := prepare(`SELECT $1, "$p0", '$2' FROM t WHERE a = $10`)
	require.Nil(t, err)
	assert.Equal(t, "$pp", src.prefix, "a quoted identifier containing $p forces a longer prefix")
	assert.Equal(t, `SELECT "$pp0", "$p0", '$2' FROM t WHERE a = "$pp1"`, src.text)
	assert.Equal(t, []paramOcc{{number: 1, offset: 7, end: 9}, {number: 10, offset: 40, end: 43}}, src.params)

	tests := []struct{ rewritten, orig int }{
		{0, 0},   // before any marker
		{7, 7},   // start of the first marker
		{10, 7},  // inside it
		{13, 9},  // just after it
		{20, 16}, // between markers
		{len(src.text), len(src.sql)},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.orig, src.toOrig(tc.rewritten), "rewritten offset %d", tc.rewritten)
	}
	i, ok := src.marker("$pp1")
	assert.True(t, ok)
	assert.Equal(t, 1, i)
	for _, name := range []string{"$p0", "$pp2", "$pp01", "$pp", "x"} {
		_, ok := src.marker(name)
		assert.False(t, ok, name)
	}
}

// Ensure the scanner's token boundaries follow PostgreSQL's lexer.
func TestScan_Tokens(t *testing.T) {
	sql := "SELECT a$1::int8, $2, 1.5e-3, 0x1F, x'1F', e'\\'', U&\"d\", $t$ $ $t$, >=, '' 'x'\n'y' FROM t;"
	toks, err := scan(sql)
	require.Nil(t, err)
	var got []string
	for _, tk := range toks {
		got = append(got, sql[tk.start:tk.end])
	}
	want := []string{"SELECT", "a$1", "::", "int8", ",", "$2", ",", "1.5e-3", ",", "0x1F", ",", "x'1F'", ",", "e'\\''", ",",
		`U&"d"`, ",", "$t$ $ $t$", ",", ">=", ",", "''", "'x'\n'y'", "FROM", "t", ";"}
	assert.Equal(t, want, got)
	assert.Equal(t, tokParam, toks[5].kind)
	assert.Equal(t, 2, toks[5].param)
}
