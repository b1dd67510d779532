package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// Ensure ExecEach reports each statement's result and runs the statements
// of one text in one implicit transaction, as PostgreSQL's simple query
// protocol does.
func TestSession_ExecEach(t *testing.T) {
	tests := []struct {
		name       string
		sql        string
		wantTags   []string
		wantErr    string
		wantStatus pgsql.TxStatus
		wantBooks  string
	}{
		{"all commit", `INSERT INTO books (id) VALUES (1); SELECT id FROM books WHERE id = 1; DELETE FROM books WHERE id = 20`,
			[]string{"INSERT 0 1", "SELECT 1", "DELETE 1"}, "", pgsql.TxIdle, "3"},
		{"error rolls back the block", `INSERT INTO books (id) VALUES (1); INSERT INTO books (id) VALUES (1)`,
			[]string{"INSERT 0 1"}, "23505", pgsql.TxIdle, "3"},
		{"begin makes it explicit", `INSERT INTO books (id) VALUES (1); BEGIN; INSERT INTO books (id) VALUES (2)`,
			[]string{"INSERT 0 1", "BEGIN", "INSERT 0 1"}, "", pgsql.TxActive, "5"},
		{"error after begin aborts", `BEGIN; INSERT INTO books (id) VALUES (1); SELECT 1/0`,
			[]string{"BEGIN", "INSERT 0 1"}, "22012", pgsql.TxFailed, "ERROR"},
		{"commit ends the block", `INSERT INTO books (id) VALUES (1); COMMIT; INSERT INTO books (id) VALUES (1)`,
			[]string{"INSERT 0 1", "COMMIT (WARNING 25P01)"}, "23505", pgsql.TxIdle, "4"},
		{"savepoint needs a block", `SELECT 1; SAVEPOINT a`, []string{"SELECT 1"}, "25P01", pgsql.TxIdle, "3"},
		{"empty", ` ; -- nothing`, nil, "", pgsql.TxIdle, "3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			var tags []string
			err := s.ExecEach(context.Background(), tc.sql, func(res pgsql.Result) error {
				tag := res.Tag
				for _, w := range res.Warnings {
					tag += " (WARNING " + w.Code + ")"
				}
				tags = append(tags, tag)
				return nil
			})
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				assert.Equal(t, tc.wantErr, errCode(t, err))
			}
			assert.Equal(t, tc.wantTags, tags)
			assert.Equal(t, tc.wantStatus, s.TxStatus())
			if tc.wantBooks == "ERROR" {
				assert.Equal(t, "ERROR 25P02", outcome(t, s, `SELECT 1`))
				return
			}
			assert.Equal(t, [][]string{{tc.wantBooks}}, texts(t, s, `SELECT count(*) FROM books`))
		})
	}
}

// Ensure the writes between StartImplicit and EndImplicit commit together
// and an error rolls all of them back, as between two Syncs.
func TestSession_StartImplicit(t *testing.T) {
	s := newSession(t)
	s.StartImplicit()
	outcome(t, s, `INSERT INTO books (id) VALUES (1)`)
	assert.Equal(t, [][]string{{"4"}}, texts(t, s, `SELECT count(*) FROM books`), "the block sees its writes")
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO books (id) VALUES (1)`))
	require.NoError(t, s.EndImplicit())
	assert.Equal(t, [][]string{{"3"}}, texts(t, s, `SELECT count(*) FROM books`))

	s.StartImplicit()
	outcome(t, s, `INSERT INTO books (id) VALUES (1)`)
	outcome(t, s, `INSERT INTO books (id) VALUES (2)`)
	assert.Equal(t, pgsql.TxIdle, s.TxStatus())
	require.NoError(t, s.EndImplicit())
	assert.Equal(t, [][]string{{"5"}}, texts(t, s, `SELECT count(*) FROM books`))
}
