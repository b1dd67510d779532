package pgsql_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure Prepare infers parameter types from their context and describes
// the columns without running a write.
func TestSession_Prepare_Describe(t *testing.T) {
	tests := []struct {
		sql        string
		wantParams []uint32
		wantCols   []string // name:oid
	}{
		{`SELECT id, name FROM authors WHERE id = $1`, []uint32{pgsql.OIDInt4}, []string{"id:23", "name:1043"}},
		{`SELECT * FROM books WHERE price > $1 LIMIT $2 OFFSET $3`, []uint32{pgsql.OIDNumeric, pgsql.OIDInt8, pgsql.OIDInt8}, []string{"id:23", "author_id:23", "price:1700"}},
		{`INSERT INTO books (price, id) VALUES ($1, $2) RETURNING id, price * 2 AS twice`, []uint32{pgsql.OIDNumeric, pgsql.OIDInt4}, []string{"id:23", "twice:1700"}},
		{`UPDATE authors SET name = $1 WHERE id IN ($2, $3)`, []uint32{pgsql.OIDVarchar, pgsql.OIDInt4, pgsql.OIDInt4}, nil},
		// varchar has no operators: a parameter compared with one is text.
		{`DELETE FROM books b WHERE b.author_id = (SELECT id FROM authors WHERE name = $1)`, []uint32{pgsql.OIDText}, nil},
		{`SELECT $1, $2::int8, count(*) FROM authors a JOIN books b ON b.author_id = a.id WHERE a.name LIKE $3`, []uint32{pgsql.OIDText, pgsql.OIDInt8, pgsql.OIDText}, []string{"?column?:25", "int8:20", "count:20"}},
		// Grouped by the primary key, the table's other columns are too.
		{`SELECT a.name, count(b.id) FROM authors a LEFT JOIN books b ON b.author_id = a.id GROUP BY a.id`, []uint32{}, []string{"name:1043", "count:20"}},
		{`WITH x AS (SELECT id FROM authors WHERE id > $1) SELECT id FROM x UNION SELECT author_id FROM books`, []uint32{pgsql.OIDInt4}, []string{"id:23"}},
		{`BEGIN`, []uint32{}, nil},
		// Containment and overlap beside an array take its type; beside
		// anything else @> is jsonb's.
		{`SELECT $1 <@ ARRAY[1, 2] AS c`, []uint32{1007}, []string{"c:16"}},
		{`SELECT ARRAY['a'] && $1 AS o`, []uint32{1009}, []string{"o:16"}},
		{`SELECT '{"a": 1}'::jsonb @> $1 AS j`, []uint32{3802}, []string{"j:16"}},
		// LIKE ANY's array is text[], whatever the left side's type.
		{`SELECT id FROM authors WHERE name LIKE ANY ($1)`, []uint32{1009}, []string{"id:23"}},
		// A whole-row reference is no missing column.
		{`SELECT row_to_json(a), (SELECT json_agg(b) FROM books b WHERE b.author_id = a.id) AS books FROM authors a WHERE id = $1`, []uint32{pgsql.OIDInt4}, []string{"row_to_json:114", "books:114"}},
		{`CREATE TABLE copy AS SELECT id FROM authors WHERE id = $1`, []uint32{pgsql.OIDInt4}, nil},
		// RETURNING over UPDATE's FROM and DELETE's USING tables.
		{`UPDATE books b SET price = $1 FROM authors a WHERE a.id = b.author_id RETURNING b.id, a.name, a.id * 2 AS twice`, []uint32{pgsql.OIDNumeric}, []string{"id:23", "name:1043", "twice:23"}},
		{`DELETE FROM books b USING authors a WHERE a.id = b.author_id AND a.name = $1 RETURNING a.*, b.price`, []uint32{pgsql.OIDText}, []string{"id:23", "name:1043", "price:1700"}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			p, err := s.Prepare(context.Background(), tc.sql, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.wantParams, p.ParamOIDs())
			var cols []string
			for _, c := range p.Columns() {
				cols = append(cols, c.Name+":"+itoa(c.OID()))
			}
			assert.Equal(t, tc.wantCols, cols)
			assert.Equal(t, [][]string{{"3"}}, texts(t, s, `SELECT count(*) FROM books`), "nothing written")
		})
	}
}

func itoa(n uint32) string {
	return pgsqlFormat(int64(n))
}

func pgsqlFormat(n int64) string {
	text, _ := pgsql.Column{}.Format(n)
	return text
}

// Ensure a prepared statement runs with arguments parsed by ParseParam and
// follows the session's transaction rules.
func TestSession_ExecPrepared(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	p, err := s.Prepare(ctx, `INSERT INTO books (id, author_id, price) VALUES ($1, $2, $3)`, nil)
	require.NoError(t, err)
	var args []any
	for i, text := range []string{"30", "2", "12.50"} {
		v, err := pgsql.ParseParam(p.ParamOIDs()[i], text)
		require.NoError(t, err)
		args = append(args, v)
	}
	res, err := s.ExecPrepared(ctx, p, args)
	require.NoError(t, err)
	assert.Equal(t, "INSERT 0 1", res.Tag)
	assert.Equal(t, [][]string{{"12.50"}}, texts(t, s, `SELECT price FROM books WHERE id = 30`))

	_, err = s.ExecPrepared(ctx, p, args[:1])
	assert.Equal(t, "08P01", errCode(t, err))
	_, err = pgsql.ParseParam(pgsql.OIDInt4, "99999999999")
	assert.Equal(t, "22003", errCode(t, err))
	_, err = pgsql.ParseParam(pgsql.OIDBool, "maybe")
	assert.Equal(t, "22P02", errCode(t, err))
	b, err := pgsql.ParseParam(pgsql.OIDBytea, `a\\b\001`)
	require.NoError(t, err)
	assert.Equal(t, []byte("a\\b\x01"), b)
}

// Ensure a failed Prepare aborts an explicit transaction, and only its end
// may be prepared afterwards.
func TestSession_Prepare_InFailedTransaction(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	assert.Equal(t, "BEGIN", outcome(t, s, `BEGIN`))
	_, err := s.Prepare(ctx, `SELECT nope FROM authors`, nil)
	assert.Equal(t, "42703", errCode(t, err))
	assert.Equal(t, pgsql.TxFailed, s.TxStatus())
	_, err = s.Prepare(ctx, `SELECT 1`, nil)
	assert.Equal(t, "25P02", errCode(t, err))
	p, err := s.Prepare(ctx, `ROLLBACK`, nil)
	require.NoError(t, err)
	_, err = s.ExecPrepared(ctx, p, nil)
	require.NoError(t, err)
	assert.Equal(t, pgsql.TxIdle, s.TxStatus())
	_, err = s.Prepare(ctx, `SELECT 1; SELECT 2`, nil)
	assert.Equal(t, "42601", errCode(t, err))
	_, err = s.Prepare(ctx, `SELECT $0`, nil)
	assert.Equal(t, "42P02", errCode(t, err), "no parameter $0")
	assert.Equal(t, "ERROR 42P02", outcome(t, s, `SELECT $0`, int64(1)))
}

func errCode(t *testing.T, err error) string {
	t.Helper()
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	return pe.Code
}

// Ensure a parameter has its prepared type when described and when run,
// so that the columns Prepare describes are those ExecPrepared returns.
func TestSession_ExecPrepared_TypedParams(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	p, err := s.Prepare(ctx, `SELECT $1, $2, $3`, []uint32{pgsql.OIDInt4, pgsql.OIDTimestamp, 0})
	require.NoError(t, err)
	res, err := s.ExecPrepared(ctx, p, []any{int64(5), time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "x"})
	require.NoError(t, err)
	for i, c := range res.Columns {
		assert.Equal(t, p.Columns()[i].OID(), c.OID(), "column %d", i)
	}
	assert.Equal(t, []uint32{pgsql.OIDInt4, pgsql.OIDTimestamp, pgsql.OIDText}, []uint32{res.Columns[0].OID(), res.Columns[1].OID(), res.Columns[2].OID()})
	_, err = s.ExecPrepared(ctx, p, []any{"6", nil, nil})
	require.NoError(t, err, "an argument of another Go type is converted by its context")
}

// Ensure Prepare types a query without acting on what it calls: a
// sequence gives no value, no advisory lock is taken and no setting
// changes until the statement is executed. (Describing a query runs it
// over no rows; pgx prepares every query it sends.)
func TestSession_Prepare_NoSideEffects(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s, other := pgsql.NewSession(db), pgsql.NewSession(db)
	ctx := context.Background()
	_, err = s.Exec(ctx, `CREATE SEQUENCE q`)
	require.NoError(t, err)
	for _, inTx := range []bool{false, true} {
		if inTx {
			_, err := s.Exec(ctx, `BEGIN`)
			require.NoError(t, err)
		}
		for _, tc := range []struct {
			sql     string
			columns int
		}{
			{`SELECT nextval('q')`, 1},
			{`SELECT setval('q', 100)`, 1},
			{`SELECT currval('q'), lastval()`, 2},
			{`SELECT pg_advisory_lock(7)`, 1},
			{`SELECT pg_try_advisory_lock(8)`, 1},
			{`SELECT pg_advisory_xact_lock(9)`, 1},
			{`SELECT set_config('app.user', 'ann', false)`, 1},
		} {
			p, err := s.Prepare(ctx, tc.sql, nil)
			require.NoError(t, err, tc.sql)
			assert.Len(t, p.Columns(), tc.columns, tc.sql)
		}
		assert.Equal(t, [][]string{{"t", "t", "t"}}, texts(t, other,
			`SELECT pg_try_advisory_lock(7), pg_try_advisory_lock(8), pg_try_advisory_lock(9)`), "locks after Prepare (in a transaction: %v)", inTx)
		_, err = other.Exec(ctx, `SELECT pg_advisory_unlock_all()`)
		require.NoError(t, err)
		assert.Equal(t, [][]string{{"NULL"}}, texts(t, s, `SELECT current_setting('app.user', true)`))
		if inTx {
			_, err := s.Exec(ctx, `COMMIT`)
			require.NoError(t, err)
		}
	}
	assert.Equal(t, [][]string{{"1"}}, texts(t, s, `SELECT nextval('q')`), "the first value, after the Prepares")
}
