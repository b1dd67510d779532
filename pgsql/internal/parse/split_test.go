package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ensure Split cuts at top-level semicolons only and counts parameters
// per statement.
func TestSplit_Statements(t *testing.T) {
	tests := []struct {
		name   string
		sql    string
		want   []string
		params []int
	}{
		{"one", "SELECT $1", []string{"SELECT $1"}, []int{1}},
		{"two with blanks", " SELECT 1 ;\n\n SELECT $2, $1 ; ", []string{"SELECT 1", "SELECT $2, $1"}, []int{0, 2}},
		{"semicolons inside literals and comments",
			"SELECT ';', \";\", $$;$$ /* ; */ -- ;\n; SELECT E'\\';'",
			[]string{"SELECT ';', \";\", $$;$$", "SELECT E'\\';'"}, []int{0, 0}},
		{"semicolon inside parentheses", "CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2)", []string{"CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2)"}, []int{0}},
		{"empty statements dropped", ";;-- c\n;", nil, nil},
		{"highest parameter counts", "SELECT $3", []string{"SELECT $3"}, []int{3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spans, err := Split(tc.sql)
			require.NoError(t, err)
			var got []string
			var params []int
			for _, sp := range spans {
				got = append(got, tc.sql[sp.Start:sp.End])
				params = append(params, sp.Params)
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.params, params)
		})
	}
}

// Ensure Split reports lexical errors as Parse does.
func TestSplit_LexicalError(t *testing.T) {
	_, err := Split("SELECT 1; SELECT 'x")
	var pe *pgerr.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, pgerr.SyntaxError, pe.Code)
	assert.Equal(t, 18, pe.Position)
}

// Ensure ParamCount is the highest $N over all statements.
func TestParamCount(t *testing.T) {
	tests := []struct {
		sql  string
		want int
	}{
		{"SELECT 1", 0},
		{"SELECT $1, $1", 1},
		{"SELECT $2; SELECT $5", 5},
		{"SELECT '$9', a$8 FROM t -- $7", 0},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			n, err := ParamCount(tc.sql)
			require.NoError(t, err)
			assert.Equal(t, tc.want, n)
		})
	}
}
