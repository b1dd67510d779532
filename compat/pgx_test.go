package compat

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgwire"
)

// schema is the canonical authors and books, and a table of every type
// the server supports.
const schema = `
CREATE TABLE authors (id serial PRIMARY KEY, name varchar(40) NOT NULL UNIQUE);
CREATE TABLE books (id serial PRIMARY KEY, author_id int NOT NULL CONSTRAINT books_author_fk REFERENCES authors ON DELETE CASCADE, title text NOT NULL);
CREATE TABLE kinds (i2 smallint, i4 int PRIMARY KEY, i8 bigint, f4 real, f8 double precision, n numeric(10,3),
	t text, vc varchar(5), bc char(3), b boolean, by bytea, ts timestamp, tz timestamptz)`

// connectPgx returns a pgx connection over an in-memory pipe to a fresh
// server, with the schema made.
func connectPgx(t *testing.T) (*pgx.Conn, *pgwire.Server) {
	t.Helper()
	srv := pgwire.New(pgwire.Options{})
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	cfg, err := pgx.ParseConfig("postgres://reldb@127.0.0.1/test?sslmode=disable")
	require.NoError(t, err)
	cfg.DialFunc = srv.Dial
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(ctx) })
	_, err = conn.Exec(ctx, schema)
	require.NoError(t, err)
	return conn, srv
}

// Ensure QueryRow and Query round-trip every supported type, in each of
// pgx's execution modes: binary results after a described statement,
// text parameters, and the simple protocol with text throughout.
func TestPgx_Types(t *testing.T) {
	at := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	modes := []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol}
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			conn, _ := connectPgx(t)
			ctx := context.Background()
			tag, err := conn.Exec(ctx, `INSERT INTO kinds VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, mode,
				int16(-7), int32(42), int64(1)<<40, float32(1.5), 2.25, 1234.5, "héllo", "abc", "xy", true, []byte{0, 1, 255}, at, at)
			require.NoError(t, err)
			assert.Equal(t, "INSERT 0 1", tag.String())
			_, err = conn.Exec(ctx, `INSERT INTO kinds (i4) VALUES ($1)`, mode, 43)
			require.NoError(t, err)

			var (
				i2     int16
				i4     int32
				i8     int64
				f4     float32
				f8, n  float64
				tx, vc string
				bc     string
				b      bool
				by     []byte
				ts, tz time.Time
			)
			err = conn.QueryRow(ctx, `SELECT * FROM kinds WHERE i4 = $1`, mode, 42).Scan(&i2, &i4, &i8, &f4, &f8, &n, &tx, &vc, &bc, &b, &by, &ts, &tz)
			require.NoError(t, err)
			assert.Equal(t, []any{int16(-7), int32(42), int64(1) << 40, float32(1.5), 2.25, 1234.5, "héllo", "abc", "xy ", true, []byte{0, 1, 255}}, []any{i2, i4, i8, f4, f8, n, tx, vc, bc, b, by})
			assert.True(t, at.Equal(ts), "timestamp %v", ts)
			assert.True(t, at.Equal(tz), "timestamptz %v", tz)

			rows, err := conn.Query(ctx, `SELECT i4, t, tz FROM kinds ORDER BY i4 LIMIT $1`, mode, 5)
			require.NoError(t, err)
			var got []string
			for rows.Next() {
				var id int32
				var text *string
				var when *time.Time
				require.NoError(t, rows.Scan(&id, &text, &when))
				got = append(got, fmt.Sprint(id, text == nil, when == nil))
			}
			require.NoError(t, rows.Err())
			assert.Equal(t, []string{"42 false false", "43 true true"}, got)
		})
	}
}

// Ensure results come in text format too when asked for.
func TestPgx_TextResults(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `INSERT INTO kinds (i4, n, by, b) VALUES (1, 2.5, '\x01', true)`)
	require.NoError(t, err)
	var n, by, b string
	err = conn.QueryRow(ctx, `SELECT n, by, b FROM kinds`, pgx.QueryResultFormats{pgx.TextFormatCode}).Scan(&n, &by, &b)
	require.NoError(t, err)
	assert.Equal(t, []string{"2.500", `\x01`, "t"}, []string{n, by, b})
}

// Ensure a batch runs its statements in order, each with its own result,
// and a failing statement rolls back the whole implicit batch.
func TestPgx_SendBatch(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO authors (name) VALUES ($1)`, "Le Guin")
	b.Queue(`INSERT INTO books (author_id, title) VALUES ($1, $2)`, 1, "The Dispossessed")
	b.Queue(`SELECT count(*) FROM books`)
	res := conn.SendBatch(ctx, b)
	tag, err := res.Exec()
	require.NoError(t, err)
	assert.Equal(t, "INSERT 0 1", tag.String())
	_, err = res.Exec()
	require.NoError(t, err)
	var n int64
	require.NoError(t, res.QueryRow().Scan(&n))
	assert.Equal(t, int64(1), n)
	require.NoError(t, res.Close())

	b = &pgx.Batch{}
	b.Queue(`INSERT INTO authors (name) VALUES ($1)`, "Butler")
	b.Queue(`INSERT INTO authors (name) VALUES ($1)`, "Le Guin")
	err = conn.SendBatch(ctx, b).Close()
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "23505", pgErr.Code)
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM authors`).Scan(&n))
	assert.Equal(t, int64(1), n, "the batch rolled back whole")
}

// Ensure transactions and savepoints behave as in PostgreSQL, and a
// foreign-key violation arrives as a *pgconn.PgError naming its
// constraint.
func TestPgx_TransactionSavepointAndFK(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO authors (name) VALUES ('Le Guin')`)
	require.NoError(t, err)
	sp, err := tx.Begin(ctx) // SAVEPOINT
	require.NoError(t, err)
	_, err = sp.Exec(ctx, `INSERT INTO books (author_id, title) VALUES ($1, $2)`, 99, "orphan")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "23503", pgErr.Code)
	assert.Equal(t, "books_author_fk", pgErr.ConstraintName)
	assert.Equal(t, "books", pgErr.TableName)
	require.NoError(t, sp.Rollback(ctx)) // ROLLBACK TO SAVEPOINT
	_, err = tx.Exec(ctx, `INSERT INTO books (author_id, title) VALUES (1, 'The Lathe of Heaven')`)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))

	var title string
	require.NoError(t, conn.QueryRow(ctx, `SELECT title FROM books`).Scan(&title))
	assert.Equal(t, "The Lathe of Heaven", title)
}

// Ensure pgxpool works over a loopback port, with connections in
// parallel.
func TestPgxpool(t *testing.T) {
	srv, err := pgwire.Listen("", pgwire.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, srv.DSN("pool"))
	require.NoError(t, err)
	defer pool.Close()
	_, err = pool.Exec(ctx, schema)
	require.NoError(t, err)
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			_, err := pool.Exec(ctx, `INSERT INTO authors (name) VALUES ($1)`, fmt.Sprint("author ", i))
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
	var n int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM authors`).Scan(&n))
	assert.Equal(t, int64(8), n)
	assert.False(t, errors.Is(ctx.Err(), context.Canceled))
}

// Ensure pgx's cancellation of a query's context does not break the
// connection.
func TestPgx_ContextCancel(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := conn.Exec(ctx, `SELECT 1`)
	require.Error(t, err)
	var one int
	require.NoError(t, conn.QueryRow(context.Background(), `SELECT 1`).Scan(&one))
}

// Ensure a statement pgx cached before its table changed shape fails
// with PostgreSQL's "cached plan must not change result type", on which
// pgx drops it, and the next query prepares it anew.
func TestPgx_CachedStatementAfterSchemaChange(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `CREATE TABLE shapes (id int PRIMARY KEY); INSERT INTO shapes VALUES (1)`)
	require.NoError(t, err)
	var id int32
	require.NoError(t, conn.QueryRow(ctx, `SELECT * FROM shapes WHERE id = $1`, 1).Scan(&id))
	_, err = conn.Exec(ctx, `DROP TABLE shapes; CREATE TABLE shapes (id int PRIMARY KEY, name text); INSERT INTO shapes VALUES (1, 'one')`)
	require.NoError(t, err)
	var name string
	err = conn.QueryRow(ctx, `SELECT * FROM shapes WHERE id = $1`, 1).Scan(&id, &name)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "0A000", pgErr.Code)
	require.NoError(t, conn.QueryRow(ctx, `SELECT * FROM shapes WHERE id = $1`, 1).Scan(&id, &name))
	assert.Equal(t, "one", name)
}

// Ensure pgx reads and writes intervals in each execution mode: binary
// (int64 microseconds, int32 days, int32 months) after a described
// statement, text otherwise, into pgtype.Interval, time.Duration and
// string, and that now() - $1::interval and date arithmetic work.
func TestPgx_Interval(t *testing.T) {
	modes := []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol}
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			conn, _ := connectPgx(t)
			ctx := context.Background()
			_, err := conn.Exec(ctx, `CREATE TABLE jobs (id int PRIMARY KEY, every interval, started timestamptz)`)
			require.NoError(t, err)
			at := time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC)
			_, err = conn.Exec(ctx, `INSERT INTO jobs VALUES ($1, $2, $3), ($4, $5, $6)`, mode,
				1, pgtype.Interval{Months: 14, Days: -3, Microseconds: 14706500000, Valid: true}, at,
				2, 90*time.Minute, at)
			require.NoError(t, err)

			var iv pgtype.Interval
			var text string
			require.NoError(t, conn.QueryRow(ctx, `SELECT every, every::text FROM jobs WHERE id = $1`, mode, 1).Scan(&iv, &text))
			assert.Equal(t, pgtype.Interval{Months: 14, Days: -3, Microseconds: 14706500000, Valid: true}, iv)
			assert.Equal(t, "1 year 2 mons -3 days +04:05:06.5", text)

			var d time.Duration
			var next time.Time
			require.NoError(t, conn.QueryRow(ctx, `SELECT every, started + every FROM jobs WHERE id = $1`, mode, 2).Scan(&d, &next))
			assert.Equal(t, 90*time.Minute, d)
			assert.True(t, at.Add(90*time.Minute).Equal(next), "started + every is %v", next)

			var n int
			require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE started > now() - $1::interval AND every < interval '1 day'`, mode, 24*time.Hour*365*100).Scan(&n))
			assert.Equal(t, 1, n)

			var day time.Time
			var part float64
			require.NoError(t, conn.QueryRow(ctx, `SELECT date_trunc('month', started) + interval '1 month', extract(epoch FROM every) FROM jobs WHERE id = 2`, mode).Scan(&day, &part))
			assert.True(t, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC).Equal(day), "date_trunc + interval is %v", day)
			assert.Equal(t, 5400.0, part)
		})
	}
}

// Ensure a parameter added to a timestamp column is described as an
// interval, as PostgreSQL infers it, so pgx sends a time.Duration.
func TestPgx_IntervalParameterInferred(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `INSERT INTO kinds (i4, ts) VALUES (1, '2024-01-31 12:00')`)
	require.NoError(t, err)
	var next time.Time
	require.NoError(t, conn.QueryRow(ctx, `SELECT ts + $1 FROM kinds WHERE i4 = 1`, 36*time.Hour).Scan(&next))
	assert.Equal(t, time.Date(2024, 2, 1, 24, 0, 0, 0, time.UTC), next)
	sd, err := conn.Prepare(ctx, "shift", `SELECT ts - $1, $2 * interval '1 hour', ts - $3 FROM kinds`)
	require.NoError(t, err)
	assert.Equal(t, []uint32{1114, 701, 1114}, sd.ParamOIDs)
}
