package compat_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/reldbtest"
)

var kitTemplate = reldbtest.NewTemplate(reldbtest.SQL(`
	CREATE TABLE authors (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);
	CREATE TABLE books (id bigserial PRIMARY KEY, author_id bigint NOT NULL REFERENCES authors ON DELETE CASCADE, title text NOT NULL);
	INSERT INTO authors (name) VALUES ('Le Guin'), ('Butler');`))

// TestReldbtest_PgxNative: code written for pgx's native API runs on a
// reldbtest fork, by DSN and by DialFunc, with PostgreSQL's errors.
func TestReldbtest_PgxNative(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := reldbtest.New(t, kitTemplate)
	w := reldbtest.Wire(t, db)

	conn, err := pgx.Connect(ctx, w.DSN())
	require.NoError(t, err)
	defer conn.Close(ctx)
	var id int64
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO books (author_id, title) VALUES ($1, $2) RETURNING id`, int64(1), "Earthsea").Scan(&id))
	assert.Equal(t, int64(1), id)
	_, err = conn.Exec(ctx, `INSERT INTO books (author_id, title) VALUES ($1, $2)`, int64(42), "Orphan")
	var pe *pgconn.PgError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "23503", pe.Code)
	assert.Equal(t, "books_author_id_fkey", pe.ConstraintName)

	cfg, err := pgxpool.ParseConfig("postgres://reldb@127.0.0.1/reldbtest?sslmode=disable")
	require.NoError(t, err)
	cfg.ConnConfig.DialFunc = w.Dial
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	defer pool.Close()
	rows, err := pool.Query(ctx, `SELECT title FROM books WHERE author_id = ANY($1) ORDER BY id`, []int64{1, 2})
	require.NoError(t, err)
	titles, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	assert.Equal(t, []string{"Earthsea"}, titles)

	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM books`).Scan(&n), "the *sql.DB sees what pgx wrote")
	assert.Equal(t, 1, n)
}

// TestReldbtest_ArraysAndUUIDs: ANY over a list and uuid columns, as pgx
// (binary arrays and uuids) and lib/pq (pq.Array's text) send them.
func TestReldbtest_ArraysAndUUIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := reldbtest.New(t, reldbtest.NewTemplate(reldbtest.SQL(`
		CREATE TABLE tokens (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n integer NOT NULL);
		INSERT INTO tokens (n) VALUES (1), (2), (3);`)))
	w := reldbtest.Wire(t, db)
	conn, err := pgx.Connect(ctx, w.DSN())
	require.NoError(t, err)
	defer conn.Close(ctx)

	var id [16]byte
	require.NoError(t, conn.QueryRow(ctx, `SELECT id FROM tokens WHERE n = $1`, 2).Scan(&id), "uuid in binary")
	var n int32
	require.NoError(t, conn.QueryRow(ctx, `SELECT n FROM tokens WHERE id = $1`, id).Scan(&n))
	assert.Equal(t, int32(2), n)
	var count int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM tokens WHERE n = ANY($1::int[])`, []int32{1, 3, 5}).Scan(&count))
	assert.Equal(t, 2, count)
	var text string
	require.NoError(t, conn.QueryRow(ctx, `SELECT id::text FROM tokens WHERE n = 2`).Scan(&text))
	assert.Len(t, text, 36)
}

// TestReldbtest_LibPQArray: lib/pq's pq.Array reaches ANY as PostgreSQL's
// array text.
func TestReldbtest_LibPQArray(t *testing.T) {
	t.Parallel()
	db := reldbtest.New(t, kitTemplate)
	pqDB, err := sql.Open("postgres", reldbtest.Wire(t, db).DSN())
	require.NoError(t, err)
	defer pqDB.Close()
	var n int
	require.NoError(t, pqDB.QueryRow(`SELECT count(*) FROM authors WHERE name = ANY($1)`, pq.Array([]string{"Butler", "Lem"})).Scan(&n))
	assert.Equal(t, 1, n)
	require.NoError(t, pqDB.QueryRow(`SELECT count(*) FROM authors WHERE id = ANY($1::bigint[])`, pq.Array([]int64{1, 2})).Scan(&n))
	assert.Equal(t, 2, n)
}
