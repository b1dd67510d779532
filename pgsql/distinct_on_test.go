package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure DISTINCT ON keeps the first row of each group in ORDER BY order
// and refuses expressions that do not lead ORDER BY.
func TestSession_Exec_DistinctOn(t *testing.T) {
	s := newSession(t)
	assert.Equal(t, [][]string{{"1", "11"}, {"2", "20"}}, texts(t, s, "SELECT DISTINCT ON (author_id) author_id, id FROM books ORDER BY author_id, id DESC"))
	assert.Equal(t, [][]string{{"1", "10"}, {"2", "20"}}, texts(t, s, "SELECT DISTINCT ON (1) author_id, id FROM books ORDER BY 1, id"))
	assert.Equal(t, [][]string{{"1"}, {"2"}}, texts(t, s, "SELECT DISTINCT ON (author_id) author_id FROM books"))
	assert.Equal(t, [][]string{{"20"}, {"11"}}, texts(t, s, "SELECT DISTINCT ON (author_id) id FROM books ORDER BY author_id DESC, id DESC"))
	assert.Equal(t, "ERROR 42P10", outcome(t, s, "SELECT DISTINCT ON (author_id) id FROM books ORDER BY id"))
	assert.Equal(t, "ERROR 42P10", outcome(t, s, "SELECT DISTINCT ON (author_id, price) id FROM books ORDER BY author_id, id"))
	assert.Equal(t, "ERROR 42P10", outcome(t, s, "SELECT DISTINCT ON (3) id FROM books"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT DISTINCT ON (author_id) id FROM books ORDER BY author_id FOR UPDATE"))
}
