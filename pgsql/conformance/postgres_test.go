package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure psql's outputs read back as tag, columns and rows, NULL apart from
// the empty string, and a query's missing tag as SELECT n.
func TestParsePsqlOutput(t *testing.T) {
	tests := []struct {
		name string
		out  string
		cols []string
		rows [][]Value
		tag  string
	}{
		{"tag", "INSERT 0 3\n", nil, nil, "INSERT 0 3"},
		{"query", "id\x1fname\x1e1\x1fx\x1e2\x1f\x1d\x1e3\x1f\x1e(3 rows)\n",
			[]string{"id", "name"}, [][]Value{{Text("1"), Text("x")}, {Text("2"), Null}, {Text("3"), Text("")}}, "SELECT 3"},
		{"returning", "id\x1e4\x1e(1 row)\nINSERT 0 1\n", []string{"id"}, [][]Value{{Text("4")}}, "INSERT 0 1"},
		{"empty", "id\x1e(0 rows)\n", []string{"id"}, [][]Value{}, "SELECT 0"},
		{"one empty string", "s\x1e\x1e(1 row)\n", []string{"s"}, [][]Value{{Text("")}}, "SELECT 1"},
		{"no columns", "\x1e\x1e(1 row)\n", []string{}, [][]Value{{}}, "SELECT 1"},
		{"newline in value", "s\x1ea\n(1 row)\nb\x1e(1 row)\n", []string{"s"}, [][]Value{{Text("a\n(1 row)\nb")}}, "SELECT 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cols, rows, tag, err := parsePsqlOutput(tc.out)
			require.NoError(t, err)
			assert.Equal(t, tc.cols, cols)
			assert.Equal(t, tc.rows, rows)
			assert.Equal(t, tc.tag, tag)
		})
	}
}

// Ensure output that cannot be read unambiguously is an error, not rows.
func TestParsePsqlOutput_Malformed(t *testing.T) {
	for _, out := range []string{
		"",
		"INSERT 0 1",
		"INSERT 0 1\nUPDATE 1\n",
		"id\x1e1\x1e(2 rows)\n",
		"a\x1fb\x1e1\x1e(1 row)\n",
		"id\x1e1\x1e(1 row)\nINSERT 0 1\nextra\n",
	} {
		_, _, _, err := parsePsqlOutput(out)
		assert.Error(t, err, "%q", out)
	}
}

// Ensure only warnings' SQLSTATEs are kept from pgserver's messages.
func TestWarnings(t *testing.T) {
	assert.Equal(t, []string{"25P01"}, warnings([]string{"NOTICE:  00000", "WARNING:  25P01", "ERROR:  22012"}))
	assert.Nil(t, warnings(nil))
}
