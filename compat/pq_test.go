package compat

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgwire"
)

// openPq returns a database/sql handle through lib/pq on a fresh server
// listening on a loopback port, with the schema made.
func openPq(t *testing.T) *sql.DB {
	t.Helper()
	srv, err := pgwire.Listen("", pgwire.Options{})
	require.NoError(t, err)
	db, err := sql.Open("postgres", srv.DSN("pq"))
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, db.Close())
		require.NoError(t, srv.Close())
	})
	_, err = db.Exec(schema)
	require.NoError(t, err)
	return db
}

// Ensure lib/pq round-trips every supported type, with and without
// parameters.
func TestPq_Types(t *testing.T) {
	db := openPq(t)
	at := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	res, err := db.Exec(`INSERT INTO kinds VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		-7, 42, int64(1)<<40, 1.5, 2.25, "1234.5", "héllo", "abc", "xy", true, []byte{0, 1, 255}, at, at)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	var (
		i2, i4, i8 int64
		f4, f8     float64
		num        string
		tx, vc, bc string
		b          bool
		by         []byte
		ts, tz     time.Time
	)
	for _, query := range []string{`SELECT * FROM kinds WHERE i4 = $1`, `SELECT * FROM kinds WHERE i4 = 42`} {
		var args []any
		if query[len(query)-1] == '1' {
			args = append(args, 42)
		}
		require.NoError(t, db.QueryRow(query, args...).Scan(&i2, &i4, &i8, &f4, &f8, &num, &tx, &vc, &bc, &b, &by, &ts, &tz))
		assert.Equal(t, []any{int64(-7), int64(42), int64(1) << 40, 1.5, 2.25, "1234.500", "héllo", "abc", "xy ", true, []byte{0, 1, 255}},
			[]any{i2, i4, i8, f4, f8, num, tx, vc, bc, b, by}, query)
		assert.True(t, at.Equal(ts), "timestamp %v", ts)
		assert.True(t, at.Equal(tz), "timestamptz %v", tz)
	}
}

// Ensure transactions, savepoints and a foreign-key error read as a
// *pq.Error through database/sql.
func TestPq_TransactionAndFK(t *testing.T) {
	db := openPq(t)
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.Exec(`INSERT INTO authors (name) VALUES ($1)`, "Butler")
	require.NoError(t, err)
	_, err = tx.Exec(`SAVEPOINT s`)
	require.NoError(t, err)
	_, err = tx.Exec(`INSERT INTO books (author_id, title) VALUES ($1, $2)`, 99, "orphan")
	var pqErr *pq.Error
	require.ErrorAs(t, err, &pqErr)
	assert.Equal(t, pq.ErrorCode("23503"), pqErr.Code)
	assert.Equal(t, "books_author_fk", pqErr.Constraint)
	_, err = tx.Exec(`ROLLBACK TO SAVEPOINT s`)
	require.NoError(t, err)
	_, err = tx.Exec(`INSERT INTO books (author_id, title) VALUES ($1, $2)`, 1, "Kindred")
	require.NoError(t, err)
	require.NoError(t, tx.Commit())

	rows, err := db.Query(`SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id`)
	require.NoError(t, err)
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name, title string
		require.NoError(t, rows.Scan(&name, &title))
		got = append(got, name+": "+title)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"Butler: Kindred"}, got)

	_, err = db.Exec(`INSERT INTO authors (name) VALUES ('Butler')`)
	require.ErrorAs(t, err, &pqErr)
	assert.Equal(t, pq.ErrorCode("23505"), pqErr.Code)
}
