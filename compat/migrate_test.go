package compat

import (
	"database/sql"
	"testing"
	"testing/fstest"

	"github.com/golang-migrate/migrate/v4"
	migratepg "github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgwire"
)

// migrations are two up and down migrations, the second of several
// statements.
var migrations = fstest.MapFS{
	"1_authors.up.sql":   {Data: []byte(`CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL UNIQUE);`)},
	"1_authors.down.sql": {Data: []byte(`DROP TABLE authors;`)},
	"2_books.up.sql": {Data: []byte(`CREATE TABLE books (id serial PRIMARY KEY, author_id int NOT NULL REFERENCES authors ON DELETE CASCADE, title text NOT NULL);
CREATE INDEX books_title_idx ON books (title);
INSERT INTO authors (name) VALUES ('Le Guin');`)},
	"2_books.down.sql": {Data: []byte(`DROP TABLE books;`)},
}

// Ensure golang-migrate's PostgreSQL driver runs migrations up and down
// over the wire: its advisory lock, its schema_migrations table and the
// catalog queries it sends.
func TestMigrate_UpDown(t *testing.T) {
	srv, err := pgwire.Listen("", pgwire.Options{})
	require.NoError(t, err)
	db, err := sql.Open("postgres", srv.DSN("migrate"))
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, db.Close())
		require.NoError(t, srv.Close())
	})
	src, err := iofs.New(migrations, ".")
	require.NoError(t, err)
	driver, err := migratepg.WithInstance(db, &migratepg.Config{})
	require.NoError(t, err)
	m, err := migrate.NewWithInstance("iofs", src, "postgres", driver)
	require.NoError(t, err)

	require.NoError(t, m.Up())
	version, dirty, err := m.Version()
	require.NoError(t, err)
	assert.Equal(t, uint(2), version)
	assert.False(t, dirty)
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM authors`).Scan(&n))
	assert.Equal(t, 1, n)
	assert.ErrorIs(t, m.Up(), migrate.ErrNoChange)

	require.NoError(t, m.Steps(-1))
	version, _, err = m.Version()
	require.NoError(t, err)
	assert.Equal(t, uint(1), version)
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'books'`).Scan(&n))
	assert.Zero(t, n)

	require.NoError(t, m.Down())
	_, _, err = m.Version()
	assert.ErrorIs(t, err, migrate.ErrNilVersion)
	require.NoError(t, m.Drop())
}
