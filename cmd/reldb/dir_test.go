package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// durableDir makes a durable database with authors 1-N books and two rows,
// closed, and returns its directory.
func durableDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, tb := range []engine.Table{
			{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}},
			{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int}}},
		} {
			if err := tx.CreateTable(tb); err != nil {
				return err
			}
		}
		if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
			ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade}); err != nil {
			return err
		}
		if _, err := tx.Insert("authors", engine.Row{"id": 1, "name": "Le Guin"}); err != nil {
			return err
		}
		_, err := tx.Insert("books", engine.Row{"id": 10, "author_id": 1})
		return err
	}))
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"id": 11, "author_id": 1})
		return err
	}))
	require.NoError(t, db.Close())
	return dir
}

// TestDirCommands: inspect, check and ddl on a good database, and bad
// input — a missing directory, a file, an empty directory, a database in
// use — with exit status 2, one line on stderr and nothing changed.
func TestDirCommands(t *testing.T) {
	dir := durableDir(t)
	empty := t.TempDir()
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	tests := []struct {
		name    string
		args    []string
		status  int
		wantOut []string
		wantErr string
	}{
		{"inspect", []string{"inspect", dir}, 0, []string{"table authors (id int, name text), 1 row(s)", "table books (id int, author_id int), 2 row(s)", "books <- books (author_id): books_author_id_fkey (one-to-many)",
			"author -> authors.id (author_id)", "log: "}, ""},
		{"check", []string{"check", dir}, 0, []string{"ok: checksums, indexes and relations are consistent"}, ""},
		{"ddl", []string{"ddl", dir}, 0, []string{`CREATE TABLE "books"`, `REFERENCES "authors" ("id") ON DELETE CASCADE`}, ""},
		{"missing", []string{"inspect", filepath.Join(empty, "nope")}, 2, nil, "no such directory"},
		{"a file", []string{"check", file}, 2, nil, "is not a reldb database"},
		{"empty dir", []string{"ddl", empty}, 2, nil, "is not a reldb database"},
		{"no dir", []string{"check"}, 2, nil, "want one database directory"},
		{"bad flag", []string{"inspect", "-x", dir}, 2, nil, "flag provided but not defined"},
		{"help", []string{"ddl", "-h"}, 0, nil, "usage: reldb ddl DIR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			require.Equal(t, tc.status, run(tc.args, &out, &errOut), "stderr: %s", errOut.String())
			for _, w := range tc.wantOut {
				assert.Contains(t, out.String(), w)
			}
			assert.Contains(t, errOut.String(), tc.wantErr)
			if tc.status == 2 && tc.wantErr != "" && tc.name != "help" {
				assert.Equal(t, 1, bytes.Count(errOut.Bytes(), []byte("\n")), "one line: %q", errOut.String())
			}
		})
	}
	entries, err := os.ReadDir(empty)
	require.NoError(t, err)
	assert.Empty(t, entries, "probing created nothing")

	// In use: another DB holds the directory's lock.
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{"inspect", dir}, &out, &errOut))
	assert.Contains(t, errOut.String(), "is in use by another process")
	require.NoError(t, db.Close())
}

// TestCheck_Corrupt: a damaged log record fails the check with status 1.
func TestCheck_Corrupt(t *testing.T) {
	dir := durableDir(t)
	// Damage the first of two log records: not a torn tail.
	segs, err := filepath.Glob(filepath.Join(dir, "wal", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, segs)
	b, err := os.ReadFile(segs[0])
	require.NoError(t, err)
	require.Greater(t, len(b), 40)
	b[20] ^= 0xFF
	require.NoError(t, os.WriteFile(segs[0], b, 0o600))
	var out, errOut bytes.Buffer
	assert.Equal(t, 1, run([]string{"check", dir}, &out, &errOut))
	assert.Contains(t, errOut.String(), "corrupt")
}

func listTree(t *testing.T, dir string) []string {
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		out = append(out, p)
		return err
	}))
	sort.Strings(out)
	return out
}

// A directory of another program that happens to have a wal/ folder (a
// Prometheus data directory, say) is not a reldb database: status 2, one
// line, nothing created.
func TestInspect_ForeignWalDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "wal"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "wal", "00000000"), []byte("not ours"), 0o600))
	before := listTree(t, dir)
	for _, cmd := range []string{"inspect", "check", "ddl"} {
		var out, errOut bytes.Buffer
		status := run([]string{cmd, dir}, &out, &errOut)
		t.Logf("%s: status %d stdout %q stderr %q", cmd, status, out.String(), errOut.String())
		assert.Equal(t, 2, status, cmd)
	}
	assert.Equal(t, before, listTree(t, dir), "the directory changed")
}

// check verifies every log checksum: a final record that fails its
// checksum is a problem to report (status 1), not something to cut
// silently while printing "ok".
// check reports a damaged final record and leaves it as it is.
func TestCheck_BadFinalRecordChecksum(t *testing.T) {
	dir := durableDir(t)
	segs, err := filepath.Glob(filepath.Join(dir, "wal", "0*"))
	require.NoError(t, err)
	last := segs[len(segs)-1]
	b, err := os.ReadFile(last)
	require.NoError(t, err)
	b[len(b)-2] ^= 0xFF // inside the payload of the final record (books id 11)
	require.NoError(t, os.WriteFile(last, b, 0o600))
	var out, errOut bytes.Buffer
	status := run([]string{"check", dir}, &out, &errOut)
	after, _ := os.ReadFile(last)
	t.Logf("status %d, stdout %q, stderr %q, segment %d -> %d bytes", status, out.String(), errOut.String(), len(b), len(after))
	assert.Equal(t, 1, status, "a damaged final record is a problem to report")
	assert.Contains(t, errOut.String(), "damage, not a crash")
	assert.Equal(t, len(b), len(after), "check changed the log")
}
