package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure whole-row references and ROW(...) give row_to_json's, to_json's
// and json_agg's text, with PostgreSQL's keys, value formats and NULLs.
func TestSession_Exec_WholeRow(t *testing.T) {
	tests := []struct {
		sql  string
		args []any
		want [][]string
	}{
		{"SELECT row_to_json(a) FROM authors a ORDER BY id", nil, [][]string{{`{"id":1,"name":"Le Guin"}`}, {`{"id":2,"name":"Butler"}`}}},
		{"SELECT to_json(b), to_jsonb(b) FROM books b WHERE id = $1", []any{int64(10)}, [][]string{{`{"id":10,"author_id":1,"price":9.99}`, `{"id": 10, "price": 9.99, "author_id": 1}`}}},
		{"SELECT row_to_json(authors.*) FROM authors WHERE id = 2", nil, [][]string{{`{"id":2,"name":"Butler"}`}}},
		{"SELECT row_to_json(q, true) FROM (SELECT id, name AS who FROM authors WHERE id = 1) q", nil, [][]string{{"{\"id\":1,\n \"who\":\"Le Guin\"}"}}},
		{"SELECT json_agg(b ORDER BY id DESC) FROM books b WHERE author_id = 1", nil, [][]string{{"[{\"id\":11,\"author_id\":1,\"price\":9.99}, \n {\"id\":10,\"author_id\":1,\"price\":9.99}]"}}},
		{"SELECT a.name, jsonb_agg(b) FROM authors a JOIN books b ON b.author_id = a.id GROUP BY a.id ORDER BY a.id", nil, [][]string{{"Le Guin", `[{"id": 10, "price": 9.99, "author_id": 1}, {"id": 11, "price": 9.99, "author_id": 1}]`}, {"Butler", `[{"id": 20, "price": 9.99, "author_id": 2}]`}}},
		// The padding of an outer join is a NULL row.
		{"SELECT row_to_json(b), json_agg(b) FROM authors a LEFT JOIN books b ON false WHERE a.id = 1 GROUP BY b.id", nil, [][]string{{"NULL", "[null]"}}},
		{"SELECT to_json(ROW(1, 'x', NULL)), row_to_json(ROW(a.*)) FROM authors a WHERE id = 1", nil, [][]string{{`{"f1":1,"f2":"x","f3":null}`, `{"f1":1,"f2":"Le Guin"}`}}},
		{"SELECT (SELECT row_to_json(a)) FROM authors a WHERE id = 1", nil, [][]string{{`{"id":1,"name":"Le Guin"}`}}},
		{"SELECT json_build_object('a', a) FROM authors a WHERE id = 1", nil, [][]string{{`{"a" : {"id":1,"name":"Le Guin"}}`}}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, texts(t, s, tc.sql, tc.args...))
		})
	}
	s := newSession(t)
	assert.Equal(t, "ERROR 42883", outcome(t, s, "SELECT row_to_json(1)"))
	assert.Equal(t, "ERROR 42883", outcome(t, s, "SELECT row_to_json('{}'::json)"))
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT row_to_json(a) FROM authors a GROUP BY name"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT a FROM authors a"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT a = a FROM authors a"))
	assert.Equal(t, "ERROR 42703", outcome(t, s, "SELECT row_to_json(nope) FROM authors a"))
	// NULL columns of a subquery on the padded side: a row or padding?
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT row_to_json(q) FROM authors a LEFT JOIN (SELECT NULL::int AS x) q ON false"))
	res, err := s.Exec(context.Background(), "SELECT row_to_json(a) FROM authors a WHERE false")
	require.NoError(t, err)
	assert.Equal(t, "json", res.Columns[0].TypeName())
}
