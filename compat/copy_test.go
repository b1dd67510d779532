package compat

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure pgx's CopyFrom (COPY FROM STDIN in binary format) loads every
// supported type, and a bad row loads nothing.
func TestPgx_CopyFrom(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	at := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	var rows [][]any
	for i := range 1000 {
		rows = append(rows, []any{int16(i % 100), int32(i), int64(i) << 33, float32(i) / 2, float64(i) / 4, float64(i) / 8, "t", "vc", "bc", i%2 == 0, []byte{byte(i)}, at, at})
	}
	rows = append(rows, []any{nil, int32(1000), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil})
	cols := []string{"i2", "i4", "i8", "f4", "f8", "n", "t", "vc", "bc", "b", "by", "ts", "tz"}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"kinds"}, cols, pgx.CopyFromRows(rows))
	require.NoError(t, err)
	assert.Equal(t, int64(1001), n)
	var count, sum int64
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*), sum(i4) FROM kinds`).Scan(&count, &sum))
	assert.Equal(t, []int64{1001, 1000 * 1001 / 2}, []int64{count, sum})

	_, err = conn.CopyFrom(ctx, pgx.Identifier{"kinds"}, []string{"i4"}, pgx.CopyFromRows([][]any{{int32(5000)}, {int32(7)}}))
	require.Error(t, err, "7 is a duplicate key")
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM kinds`).Scan(&count))
	assert.Equal(t, int64(1001), count, "a failed COPY loads nothing")
}

// Ensure lib/pq's CopyIn (COPY FROM STDIN in text format) loads rows
// inside a transaction.
func TestPq_CopyIn(t *testing.T) {
	db := openPq(t)
	tx, err := db.Begin()
	require.NoError(t, err)
	stmt, err := tx.Prepare(pq.CopyIn("authors", "name"))
	require.NoError(t, err)
	for _, name := range []string{"Le Guin", "Butler", "tab\there", `back\slash`} {
		_, err = stmt.Exec(name)
		require.NoError(t, err)
	}
	_, err = stmt.Exec()
	require.NoError(t, err)
	require.NoError(t, stmt.Close())
	require.NoError(t, tx.Commit())
	var names []string
	rows, err := db.Query(`SELECT name FROM authors ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	assert.Equal(t, []string{"Le Guin", "Butler", "tab\there", `back\slash`}, names)
}

// Ensure pgconn's CopyFrom and CopyTo carry CSV both ways: quoted fields
// with delimiters, quotes and newlines, NULL against the empty string, a
// header, and the end marker.
func TestPgconn_CopyCSV(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	pc := conn.PgConn()
	in := "name,id\r\n" +
		"\"Le Guin, Ursula\",1\r\n" +
		"\"say \"\"hi\"\"\",2\r\n" +
		"\"two\r\nlines\",3\r\n" +
		"\"\",4\r\n" +
		"\\.\r\n"
	tag, err := pc.CopyFrom(ctx, strings.NewReader(in), `COPY authors (name, id) FROM STDIN WITH (FORMAT csv, HEADER match)`)
	require.NoError(t, err)
	assert.Equal(t, "COPY 4", tag.String())

	var out bytes.Buffer
	tag, err = pc.CopyTo(ctx, &out, `COPY (SELECT id, name, NULL::text AS none FROM authors ORDER BY id) TO STDOUT WITH CSV HEADER FORCE QUOTE name`)
	require.NoError(t, err)
	assert.Equal(t, "COPY 4", tag.String())
	assert.Equal(t, "id,name,none\n"+
		"1,\"Le Guin, Ursula\",\n"+
		"2,\"say \"\"hi\"\"\",\n"+
		"3,\"two\r\nlines\",\n"+
		"4,\"\",\n", out.String())

	_, err = pc.CopyFrom(ctx, strings.NewReader("5,\"open\n"), `COPY authors (id, name) FROM STDIN (FORMAT csv)`)
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "22P04", pe.Code)
	assert.Equal(t, "unterminated CSV quoted field", pe.Message)
	assert.Equal(t, "COPY authors, line 1: \"5,\"open\n\"", pe.Where)
}

// Ensure COPY TO in binary format reads back through COPY FROM in binary
// format: the same rows, NULLs included.
func TestPgconn_CopyBinaryRoundTrip(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `INSERT INTO kinds VALUES (-7, 42, 1099511627776, 1.5, 2.25, 1234.5, 'héllo', 'abc', 'xy', true, '\x00ff', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.123456+00'), (NULL, 43, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
	require.NoError(t, err)
	var out bytes.Buffer
	tag, err := conn.PgConn().CopyTo(ctx, &out, `COPY kinds TO STDOUT (FORMAT binary)`)
	require.NoError(t, err)
	assert.Equal(t, "COPY 2", tag.String())
	_, err = conn.Exec(ctx, `CREATE TABLE kinds2 (i2 smallint, i4 int PRIMARY KEY, i8 bigint, f4 real, f8 double precision, n numeric(10,3), t text, vc varchar(5), bc char(3), b boolean, by bytea, ts timestamp, tz timestamptz)`)
	require.NoError(t, err)
	tag, err = conn.PgConn().CopyFrom(ctx, &out, `COPY kinds2 FROM STDIN BINARY`)
	require.NoError(t, err)
	assert.Equal(t, "COPY 2", tag.String())
	var same bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) = 2 FROM kinds a JOIN kinds2 b ON a.i4 = b.i4 AND a.i2 IS NOT DISTINCT FROM b.i2 AND a.n IS NOT DISTINCT FROM b.n AND a.t IS NOT DISTINCT FROM b.t AND a.by IS NOT DISTINCT FROM b.by AND a.tz IS NOT DISTINCT FROM b.tz AND a.bc IS NOT DISTINCT FROM b.bc`).Scan(&same))
	assert.True(t, same)
}

// Ensure COPY on a table without a primary key moves only its declared
// columns, both ways: the hidden row identity stays hidden, and duplicate
// rows stay separate rows.
func TestPgconn_CopyTableWithoutKey(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, "CREATE TABLE events (kind text, n integer)")
	require.NoError(t, err)
	pc := conn.PgConn()
	tag, err := pc.CopyFrom(ctx, strings.NewReader("a\t1\na\t1\nb\t\\N\n"), `COPY events FROM STDIN`)
	require.NoError(t, err)
	assert.Equal(t, "COPY 3", tag.String())
	var out bytes.Buffer
	_, err = pc.CopyTo(ctx, &out, `COPY events TO STDOUT WITH (FORMAT csv, HEADER)`)
	require.NoError(t, err)
	assert.Equal(t, "kind,n\na,1\na,1\nb,\n", out.String())
}

// Ensure COPY FROM keeps a unique expression index as INSERT does, a
// duplicate failing the COPY with PostgreSQL's DETAIL and loading
// nothing, and COPY TO shows none of the index's hidden columns.
func TestPgconn_CopyExpressionIndex(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	for _, sql := range []string{
		`CREATE TABLE people (id integer PRIMARY KEY, email text, gone boolean)`,
		`CREATE UNIQUE INDEX people_email ON people (lower(email)) WHERE NOT gone`,
	} {
		_, err := conn.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}
	pc := conn.PgConn()
	tag, err := pc.CopyFrom(ctx, strings.NewReader("1\ta@x.org\tf\n2\tA@X.ORG\tt\n"), `COPY people FROM STDIN`)
	require.NoError(t, err)
	assert.Equal(t, "COPY 2", tag.String())
	_, err = pc.CopyFrom(ctx, strings.NewReader("3\tb@x.org\tf\n4\ta@X.org\tf\n"), `COPY people FROM STDIN`)
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "23505", pe.Code)
	assert.Equal(t, "Key (lower(email))=(a@x.org) already exists.", pe.Detail)
	var out bytes.Buffer
	_, err = pc.CopyTo(ctx, &out, `COPY people TO STDOUT WITH (FORMAT csv)`)
	require.NoError(t, err)
	assert.Equal(t, "1,a@x.org,f\n2,A@X.ORG,t\n", out.String())
}
