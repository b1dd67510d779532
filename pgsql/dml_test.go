package pgsql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// Ensure UPDATE … FROM and DELETE … USING join the target with the other
// tables, write each target row once and return columns of both.
func TestSession_Exec_UpdateFromDeleteUsing(t *testing.T) {
	tests := []struct {
		name      string
		sql       string
		want      string
		wantBooks string // books afterwards: id author_id price
	}{
		{"update from", "UPDATE books SET price = price + a.id FROM authors a WHERE a.id = books.author_id AND a.name = 'Butler'", "UPDATE 1", "10 1 9.99|11 1 9.99|20 2 11.99"},
		{"update from once per row", "UPDATE books b SET price = 1 FROM authors", "UPDATE 3", "10 1 1.00|11 1 1.00|20 2 1.00"},
		{"update from nothing", "UPDATE books SET price = 1 FROM authors WHERE false", "UPDATE 0", "10 1 9.99|11 1 9.99|20 2 9.99"},
		{"delete using", "DELETE FROM books b USING authors a WHERE a.id = b.author_id AND a.name = 'Le Guin'", "DELETE 2", "20 2 9.99"},
		{"same name twice", "DELETE FROM books USING books WHERE true", "ERROR 42712", "10 1 9.99|11 1 9.99|20 2 9.99"},
		{"ambiguous", "UPDATE books SET price = 1 FROM authors WHERE id = 1", "ERROR 42702", "10 1 9.99|11 1 9.99|20 2 9.99"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, outcome(t, s, tc.sql))
			assert.Equal(t, tc.wantBooks, joinRows(texts(t, s, "SELECT id, author_id, price FROM books ORDER BY id")))
		})
	}
	s := newSession(t)
	assert.Equal(t, [][]string{{"20", "Butler"}}, texts(t, s, "DELETE FROM books USING authors WHERE authors.id = books.author_id AND authors.id = 2 RETURNING books.id, authors.name"))
	assert.Equal(t, [][]string{{"10", "Le Guin"}, {"11", "Le Guin"}}, texts(t, s, "UPDATE books SET price = 2 FROM authors a WHERE a.id = author_id RETURNING books.id, a.name"))
}

// Ensure each INSERT's row holds only its own values: one statement's
// columns (given, defaulted, or left over from a failed insert) never
// reach the next one's row, though the session builds them in one map.
func TestSession_Exec_InsertRowsAreTheirOwn(t *testing.T) {
	s := newSession(t)
	steps := []struct{ sql, want string }{
		{"INSERT INTO books (id, author_id, price) VALUES (30, 1, 1.50)", "INSERT 0 1"},
		{"INSERT INTO books (id) VALUES (31)", "INSERT 0 1"},
		{"INSERT INTO books (id, author_id, price) VALUES (32, 99, 2.50)", "ERROR 23503"},
		{"INSERT INTO books (id) VALUES (33)", "INSERT 0 1"},
		{"INSERT INTO books (id, author_id) VALUES (34, 2), (35, 1)", "INSERT 0 2"},
		{"INSERT INTO books (id) VALUES (36)", "INSERT 0 1"},
	}
	for _, st := range steps {
		assert.Equal(t, st.want, outcome(t, s, st.sql), st.sql)
	}
	assert.Equal(t, "30 1 1.50|31 NULL 9.99|33 NULL 9.99|34 2 9.99|35 1 9.99|36 NULL 9.99",
		joinRows(texts(t, s, "SELECT id, author_id, price FROM books WHERE id >= 30 ORDER BY id")))
}

// Ensure an error of one row of a multi-row INSERT says which row (and
// which column, for a value that does not fit it), for COPY's CONTEXT
// line; a foreign key checked at the statement's end names none.
func TestSession_Exec_InsertErrorRow(t *testing.T) {
	tests := []struct {
		name     string
		sql      string
		code     string
		row, col int
	}{
		{"unique", "INSERT INTO authors VALUES (3, 'a'), (4, 'b'), (1, 'c')", "23505", 3, 0},
		{"not null", "INSERT INTO authors VALUES (3, 'a'), (4, NULL)", "23502", 2, 0},
		{"too long", "INSERT INTO authors (name, id) VALUES ('a', 3), ('" + strings.Repeat("x", 21) + "', 4)", "22001", 2, 1},
		{"check", "INSERT INTO priced VALUES (1, 1), (2, -1)", "23514", 2, 0},
		{"foreign key", "INSERT INTO books (id, author_id) VALUES (30, 1), (31, 9)", "23503", 0, 0},
		{"one row", "INSERT INTO authors VALUES (1, 'c')", "23505", 1, 0},
		{"one row too long", "INSERT INTO authors VALUES (3, '" + strings.Repeat("x", 21) + "')", "22001", 1, 2},
		{"one row's foreign key", "INSERT INTO books (id, author_id) VALUES (31, 9)", "23503", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			_, err := s.Exec(context.Background(), "CREATE TABLE priced (id int PRIMARY KEY, n int CHECK (n > 0))")
			require.NoError(t, err)
			_, err = s.Exec(context.Background(), tc.sql)
			var pe *pgsql.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.code, pe.Code)
			row, col := pe.Row()
			assert.Equal(t, []int{tc.row, tc.col}, []int{row, col})
		})
	}
}
