package conformance

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure statements split at lines ending in ';', keeping multi-line ones
// whole and dropping blank lines between them.
func TestSplitStatements(t *testing.T) {
	got, err := SplitStatements("\nBEGIN;\n\nSELECT a,\n  b\nFROM t;  \n-- why\nCOMMIT;\n")
	require.NoError(t, err)
	assert.Equal(t, []string{"BEGIN;", "SELECT a,\n  b\nFROM t;", "-- why\nCOMMIT;"}, got)

	_, err = SplitStatements("SELECT 1;\nSELECT 2")
	assert.Error(t, err)
}

// fakeSession answers from a table of statements and records Close.
type fakeSession struct {
	answers map[string]Result
	closed  *int
}

func (s fakeSession) Exec(_ context.Context, sql string) (Result, error) {
	r, ok := s.answers[sql]
	if !ok {
		return Result{}, errors.New("no answer")
	}
	return r, nil
}

func (s fakeSession) Close() error { *s.closed++; return nil }

// fakeConn builds a Conn through Sessions, so the adapter is tested too.
func fakeConn(answers map[string]Result, closed, resets *int) Conn {
	return Sessions(func(context.Context) (Session, error) {
		return fakeSession{answers: answers, closed: closed}, nil
	}, func(context.Context) error { *resets++; return nil })
}

// Ensure a file's commands print as the package documents, against a Conn
// that is not PostgreSQL.
func TestRunFile_Commands(t *testing.T) {
	answers := map[string]Result{
		"BEGIN;":  {Tag: "BEGIN"},
		"COMMIT;": {Tag: "COMMIT", Warnings: []string{"25P01"}},
		"BAD;":    {SQLState: "42601"},
		"INS;":    {Tag: "INSERT 0 2"},
		"SELECT a FROM t ORDER BY a;": {Tag: "SELECT 3", Columns: []string{"a"},
			Rows: [][]Value{{Text("b")}, {Null}, {Text("")}}},
		"SELECT a FROM t;": {Tag: "SELECT 3", Columns: []string{"a"},
			Rows: [][]Value{{Text("b")}, {Null}, {Text("")}}},
		"SELECT;": {Tag: "SELECT 1", Columns: []string{}, Rows: [][]Value{{}}},
	}
	file := `exec
BEGIN;
BAD;
COMMIT;
----
BEGIN
ERROR 42601
COMMIT (WARNING 25P01)

query ordered
INS;
SELECT a FROM t ORDER BY a;
----
INSERT 0 2
a
b
NULL
""
SELECT 3

query
SELECT a FROM t;
----
a
""
NULL
b
SELECT 3

query
BAD;
----
ERROR 42601

query
SELECT;
----
(no columns)
()
SELECT 1

reset
----
`
	path := filepath.Join(t.TempDir(), "f.txt")
	require.NoError(t, os.WriteFile(path, []byte(file), 0o644))
	var closed, resets int
	RunFile(t, path, fakeConn(answers, &closed, &resets))
	assert.Equal(t, 5, closed, "one session per exec or query block")
	assert.Equal(t, 1, resets)
}
