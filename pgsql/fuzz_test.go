package pgsql_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// fuzzSchema is the database every fuzzed statement runs against: a few
// related tables with rows, NULLs and an index.
const fuzzSchema = `
CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL, born integer);
CREATE TABLE books (id integer PRIMARY KEY, author_id integer REFERENCES authors ON DELETE CASCADE,
	title text NOT NULL, price numeric(6,2), year integer);
CREATE INDEX books_year ON books (year);
INSERT INTO authors VALUES (1, 'Le Guin', 1929), (2, 'Butler', 1947), (3, 'Jemisin', NULL);
INSERT INTO books VALUES (10, 1, 'The Dispossessed', 12.50, 1974), (11, 1, 'Earthsea', NULL, 1968),
	(20, 2, 'Kindred', 9.99, 1979), (30, NULL, 'Anonymous', 1.00, NULL)`

// FuzzSession runs random SQL, seeded with every statement of the
// conformance corpus, through a Session on a small database: whatever the
// input, Exec returns a result or a *pgsql.Error — never a panic, never a
// hang (each statement gets a deadline), never an error of another type.
func FuzzSession(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("conformance", "testdata", "*.txt"))
	require.NoError(f, err)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		for _, stmt := range strings.Split(string(b), ";\n") {
			if stmt = strings.TrimSpace(stmt); stmt != "" && !strings.HasPrefix(stmt, "#") {
				f.Add(stmt)
			}
		}
	}
	// Window functions and DISTINCT ON over the fuzz schema's tables.
	f.Add("SELECT id, rank() OVER (PARTITION BY author_id ORDER BY year DESC), sum(price) OVER w, lag(title, 1, '-') OVER w FROM books WINDOW w AS (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)")
	f.Add("SELECT author_id, count(*), ntile(2) OVER (ORDER BY count(*)), first_value(author_id) OVER () FROM books GROUP BY author_id")
	f.Add("SELECT DISTINCT ON (author_id) author_id, title FROM books ORDER BY author_id, year DESC")
	f.Fuzz(func(t *testing.T, sql string) {
		db, err := engine.Open(engine.Options{})
		require.NoError(t, err)
		defer db.Close()
		s := pgsql.NewSession(db)
		defer s.Close()
		_, err = s.Exec(context.Background(), fuzzSchema)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := s.Exec(ctx, sql)
			done <- err
		}()
		select {
		case err := <-done:
			var pe *pgsql.Error
			if err != nil && !errors.As(err, &pe) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%q: error of type %T, not *pgsql.Error: %v", sql, err, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%q: no answer in 20 s", sql)
		}
	})
}
