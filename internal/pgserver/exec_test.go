package pgserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure unaligned psql tables parse into columns and rows, including values
// with newlines, empty values, zero-column results and several tables.
func TestParseTables(t *testing.T) {
	const fs, rs = fieldSep, recordSep
	tests := []struct {
		name    string
		seg     string
		columns []string
		rows    [][]string
	}{
		{"no result", "", nil, nil},
		{"empty result", "id" + rs + "(0 rows)\n", []string{"id"}, [][]string{}},
		{"one row", "n" + rs + "7" + rs + "(1 row)\n", []string{"n"}, [][]string{{"7"}}},
		{
			"newline and empty",
			"a" + fs + "b" + rs + "x\ny" + fs + "" + rs + Null + fs + "(1 row)" + rs + "(2 rows)\n",
			[]string{"a", "b"},
			[][]string{{"x\ny", ""}, {Null, "(1 row)"}},
		},
		{"value like a footer", "a" + rs + "(0 rows)\n" + rs + "(1 row)\n", []string{"a"}, [][]string{{"(0 rows)\n"}}},
		{"zero columns", "" + rs + "" + rs + "(1 row)\n", []string{}, [][]string{{}}},
		{"last table wins", "a" + rs + "1" + rs + "(1 row)\nb" + rs + "(0 rows)\n", []string{"b"}, [][]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			columns, rows, err := parseTables(tc.seg)
			require.NoError(t, err)
			assert.Equal(t, tc.columns, columns)
			assert.Equal(t, tc.rows, rows)
		})
	}
}

// Ensure output parseTables cannot read is an error, not rows.
func TestParseTables_Malformed(t *testing.T) {
	for _, seg := range []string{
		"CREATE TABLE\n",               // a command tag: psql was not quiet
		"a" + recordSep + "1\n",        // no footer
		"a" + recordSep + "(2 rows)\n", // footer count does not match
		"a" + recordSep + "1" + fieldSep + "2" + recordSep + "(1 row)\n", // too many fields
	} {
		_, _, err := parseTables(seg)
		assert.Error(t, err, "%q", seg)
	}
}

// Ensure both streams are cut at the markers and stderr messages attach to
// the statement that raised them.
func TestParseOutput(t *testing.T) {
	const n = "abc"
	stdout := "@@abc start\n" +
		"@@abc end 0 00000 1\n" +
		"@@abc end 1 23505 0\n" +
		"x" + recordSep + "1" + recordSep + "(1 row)\n@@abc end 2 00000 1\n"
	stderr := "@@abc start\n@@abc end 0\npsql:<stdin>:9: ERROR:  23505\n@@abc end 1\n@@abc end 2\n"
	got, err := parseOutput(n, []string{"s0", "s1", "s2"}, stdout, stderr)
	require.NoError(t, err)
	assert.Equal(t, []Result{
		{Stmt: "s0", OK: true, RowCount: 1},
		{Stmt: "s1", SQLState: "23505", Messages: []string{"ERROR:  23505"}},
		{Stmt: "s2", OK: true, Columns: []string{"x"}, Rows: [][]string{{"1"}}, RowCount: 1},
	}, got)

	got, err = parseOutput(n, []string{"s0", "s1", "s2"}, "@@abc start\n@@abc end 0 00000 0\n", "")
	require.ErrorIs(t, err, errIncomplete)
	assert.Len(t, got, 1)
}

// Ensure statements get a terminating semicolon on their own line and
// markers after each.
func TestScript(t *testing.T) {
	s := script("n", []string{"SELECT 1 -- c", "SELECT 2;"})
	assert.Contains(t, s, "SELECT 1 -- c\n;\n\\echo '@@n end 0' :SQLSTATE :ROW_COUNT\n\\warn '@@n end 0'\n")
	assert.Contains(t, s, "SELECT 2;\n\\echo '@@n end 1'")
}

// Ensure the newest Debian version is chosen numerically.
func TestVersionLess(t *testing.T) {
	assert.True(t, versionLess("9.6", "10"))
	assert.True(t, versionLess("10", "15"))
	assert.False(t, versionLess("15", "9.6"))
}
