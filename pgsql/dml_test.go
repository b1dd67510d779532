package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
