package pgsql_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure SQL run through NewConnector is seen by the Go API, and the reverse.
func TestNewConnector_SharesEngineTables(t *testing.T) {
	ctx := context.Background()
	edb, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer edb.Close()
	db := sql.OpenDB(pgsql.NewConnector(edb))
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE authors (id bigserial PRIMARY KEY, name text NOT NULL);
		CREATE TABLE books (id bigserial PRIMARY KEY, author_id bigint REFERENCES authors, title text)`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO authors (name) VALUES ($1)`, "Le Guin")
	require.NoError(t, err)
	require.NoError(t, edb.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("books", engine.Row{"author_id": int64(1), "title": "The Dispossessed"})
		return err
	}))
	require.NoError(t, edb.View(ctx, func(tx *engine.Tx) error {
		a, err := tx.Get("authors", int64(1))
		require.NoError(t, err)
		books, err := a.Related("books")
		require.NoError(t, err)
		assert.Len(t, books, 1)
		return nil
	}))
	var title string
	require.NoError(t, db.QueryRow(`SELECT title FROM books WHERE author_id = $1`, 1).Scan(&title))
	assert.Equal(t, "The Dispossessed", title)
}

// Ensure transactions, prepared statements and rows work through database/sql.
func TestDriver_Transactions(t *testing.T) {
	db, err := sql.Open("reldb", "")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE kv (k text PRIMARY KEY, v numeric(8,2), at timestamptz)`)
	require.NoError(t, err)

	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	require.NoError(t, err)
	st, err := tx.Prepare(`INSERT INTO kv (k, v) VALUES ($1, $2)`)
	require.NoError(t, err)
	for _, k := range []string{"a", "b"} {
		_, err := st.Exec(k, 1.5)
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())

	tx, err = db.Begin()
	require.NoError(t, err)
	_, err = tx.Exec(`INSERT INTO kv (k) VALUES ('a')`)
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "23505", pe.Code)
	assert.True(t, errors.As(tx.Commit(), &pe) && pe.Code == "25P02", "commit of a failed transaction rolls back")

	rows, err := db.Query(`SELECT k, v FROM kv ORDER BY k`)
	require.NoError(t, err)
	defer rows.Close()
	types, err := rows.ColumnTypes()
	require.NoError(t, err)
	assert.Equal(t, "NUMERIC", types[1].DatabaseTypeName())
	var got []string
	for rows.Next() {
		var k, v string
		require.NoError(t, rows.Scan(&k, &v))
		got = append(got, k+"="+v)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"a=1.50", "b=1.50"}, got)

	_, err = sql.Open("reldb", "somewhere")
	assert.Error(t, err, "only the empty DSN is supported in this version")
}

// Ensure an Interceptor sees every statement database/sql sends (plain,
// prepared, in a transaction) with its arguments, and that failing one
// without running it leaves the data unchanged and aborts the transaction
// it is in, as a failed statement would.
func TestConnector_Intercept(t *testing.T) {
	edb, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer edb.Close()
	var seen []string
	var lastArgs []any
	c := pgsql.NewConnector(edb).Intercept(func(ctx context.Context, sql string, args []any, next func() (pgsql.Result, error)) (pgsql.Result, error) {
		seen = append(seen, sql)
		lastArgs = args
		if sql == "INSERT INTO t VALUES (99)" {
			return pgsql.Result{}, &pgsql.Error{Code: "40001", Message: "injected"}
		}
		return next()
	})
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.Exec("CREATE TABLE t (id integer PRIMARY KEY)")
	require.NoError(t, err)
	st, err := db.Prepare("INSERT INTO t VALUES ($1)")
	require.NoError(t, err)
	_, err = st.Exec(1)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(1)}, lastArgs)
	require.NoError(t, st.Close())

	tx, err := db.Begin()
	require.NoError(t, err)
	_, err = tx.Exec("INSERT INTO t VALUES (2)")
	require.NoError(t, err)
	_, err = tx.Exec("INSERT INTO t VALUES (99)")
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "40001", pe.Code)
	_, err = tx.Exec("INSERT INTO t VALUES (3)")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "25P02", pe.Code, "the injected failure aborted the transaction")
	require.Error(t, tx.Commit())

	var n int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM t").Scan(&n))
	assert.Equal(t, 1, n)
	assert.Equal(t, []string{"CREATE TABLE t (id integer PRIMARY KEY)", "INSERT INTO t VALUES ($1)", "INSERT INTO t VALUES (2)",
		"INSERT INTO t VALUES (99)", "INSERT INTO t VALUES (3)", "SELECT count(*) FROM t"}, seen)
}
