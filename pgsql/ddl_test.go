package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// engineIndexes returns the names of the indexes the engine keeps for
// table, SQL's and its own: one tree each.
func engineIndexes(t *testing.T, db *engine.DB, table string) []string {
	t.Helper()
	var names []string
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		def, err := tx.Table(table)
		for _, ix := range def.Indexes {
			names = append(names, ix.Name)
		}
		return err
	}))
	return names
}

// Ensure that CREATE INDEX over a foreign key's columns takes the place
// of the index the engine made for the foreign key instead of adding a
// second tree of the same entries, while the catalog lists what
// PostgreSQL lists and the foreign key keeps checking and cascading; and
// that DROP INDEX of it then succeeds as in PostgreSQL, the engine
// keeping the tree out of SQL's sight for the foreign key.
func TestSession_Exec_CreateIndex_ForeignKeyIndex(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	indexes := func(table string) [][]string {
		return texts(t, s, "SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1", table)
	}
	play(t, s,
		"CREATE TABLE authors (id bigint PRIMARY KEY, name text) => CREATE TABLE",
		"CREATE TABLE books (id bigint PRIMARY KEY, author_id bigint NOT NULL REFERENCES authors ON DELETE CASCADE, title text) => CREATE TABLE",
		"CREATE TABLE tags (id bigint PRIMARY KEY) => CREATE TABLE",
		"CREATE TABLE book_tags (book_id bigint REFERENCES books ON DELETE CASCADE, tag_id bigint REFERENCES tags, PRIMARY KEY (book_id, tag_id)) => CREATE TABLE",
		"INSERT INTO authors VALUES (1, 'Le Guin'), (2, 'Butler') => INSERT 0 2",
		"INSERT INTO books VALUES (10, 1, 'a'), (11, 1, 'b'), (20, 2, 'c') => INSERT 0 3",
		"INSERT INTO tags VALUES (1), (2) => INSERT 0 2",
		"INSERT INTO book_tags VALUES (10, 1), (11, 2), (20, 1) => INSERT 0 3",
	)
	require.Equal(t, []string{"books_author_id_idx"}, engineIndexes(t, db, "books"), "the foreign key's own index")
	require.Equal(t, []string{"book_tags_tag_id_idx"}, engineIndexes(t, db, "book_tags"))

	play(t, s,
		"CREATE INDEX books_author_id ON books (author_id) => CREATE INDEX",
		"CREATE INDEX book_tags_tag_id ON book_tags (tag_id, book_id) => CREATE INDEX",
	)
	assert.Equal(t, []string{"books_author_id"}, engineIndexes(t, db, "books"), "one tree for the foreign key's columns")
	assert.Equal(t, []string{"book_tags_tag_id"}, engineIndexes(t, db, "book_tags"))
	assert.Equal(t, [][]string{{"books_author_id"}, {"books_pkey"}}, indexes("books"))
	assert.Equal(t, [][]string{{"book_tags_pkey"}, {"book_tags_tag_id"}}, indexes("book_tags"))
	assert.Equal(t, [][]string{{"10", "a"}, {"11", "b"}}, texts(t, s, "SELECT id, title FROM books WHERE author_id = 1 ORDER BY id"))
	play(t, s,
		"INSERT INTO books VALUES (30, 9, 'x') => ERROR 23503",
		"DELETE FROM tags WHERE id = 2 => ERROR 23503",
		"DELETE FROM authors WHERE id = 1 => DELETE 1",
	)
	assert.Equal(t, [][]string{{"20", "1"}}, texts(t, s, "SELECT * FROM book_tags ORDER BY 1, 2"), "cascaded through books")

	// DROP INDEX succeeds, as in PostgreSQL; the foreign key keeps the
	// tree under a name of the engine's, and the name is free again.
	play(t, s,
		"DROP INDEX books_author_id => DROP INDEX",
		"DROP INDEX books_author_id => ERROR 42704",
		"CREATE INDEX books_author_id ON books (title) => CREATE INDEX",
		"INSERT INTO books VALUES (30, 9, 'x') => ERROR 23503",
		"DELETE FROM authors WHERE id = 2 => DELETE 1",
	)
	assert.Equal(t, [][]string{{"books_author_id"}, {"books_pkey"}}, indexes("books"))
	assert.ElementsMatch(t, []string{"books_author_id_idx", "books_author_id"}, engineIndexes(t, db, "books"))
	assert.Equal(t, [][]string{{"0"}}, texts(t, s, "SELECT count(*) FROM book_tags"))

	// Dropping the foreign key drops the tree it kept.
	play(t, s,
		"DROP INDEX book_tags_tag_id => DROP INDEX",
		"ALTER TABLE book_tags DROP CONSTRAINT book_tags_tag_id_fkey => ALTER TABLE",
		"ALTER TABLE books DROP CONSTRAINT books_author_id_fkey => ALTER TABLE",
	)
	assert.Empty(t, engineIndexes(t, db, "book_tags"))
	assert.Equal(t, []string{"books_author_id"}, engineIndexes(t, db, "books"))
}

// Ensure that CREATE INDEX keeps the index the engine made for a foreign
// key when the new index does not start with the foreign key's columns,
// and DROP INDEX of a unique index a foreign key references still fails
// as in PostgreSQL.
func TestSession_Exec_CreateIndex_KeepsNeededIndexes(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	play(t, s,
		"CREATE TABLE authors (id bigint PRIMARY KEY, name text) => CREATE TABLE",
		"CREATE UNIQUE INDEX authors_name ON authors (name) => CREATE INDEX",
		"CREATE TABLE books (id bigint PRIMARY KEY, author_id bigint REFERENCES authors, author_name text REFERENCES authors (name)) => CREATE TABLE",
		"CREATE INDEX books_title ON books (id, author_id) => CREATE INDEX",
		"DROP INDEX authors_name => ERROR 2BP01",
	)
	assert.Equal(t, []string{"books_author_id_idx", "books_author_name_idx", "books_title"}, engineIndexes(t, db, "books"))
	assert.Equal(t, []string{"authors_name"}, engineIndexes(t, db, "authors"))
}
