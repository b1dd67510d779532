package compat

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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
