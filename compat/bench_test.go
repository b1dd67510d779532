package compat

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/internal/pgserver"
	"github.com/reldb/reldb/pgwire"
)

// targets are the servers a benchmark runs against: reldb's, and the
// throwaway PostgreSQL of internal/pgserver (fsync off) when installed.
func targets(b *testing.B) map[string]string {
	srv, err := pgwire.Listen("", pgwire.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { _ = srv.Close() })
	out := map[string]string{"reldb": srv.DSN("bench")}
	pg, err := pgserver.Start(context.Background(), pgserver.Options{})
	if err == nil {
		b.Cleanup(func() { _ = pg.Close() })
		require.NoError(b, pg.CreateDatabase(context.Background(), "bench"))
		out["postgres"] = pg.ConnString("bench")
	}
	return out
}

// BenchmarkConnect is connection setup to the first query's answer, over
// loopback TCP.
func BenchmarkConnect(b *testing.B) {
	ctx := context.Background()
	for name, dsn := range targets(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				conn, err := pgx.Connect(ctx, dsn)
				require.NoError(b, err)
				var one int
				require.NoError(b, conn.QueryRow(ctx, `SELECT 1`).Scan(&one))
				require.NoError(b, conn.Close(ctx))
			}
		})
	}
}

// BenchmarkPointQuery is a primary-key lookup in a table of 10,000 rows
// and an insert, through pgx's cached statements.
func BenchmarkPointQuery(b *testing.B) {
	ctx := context.Background()
	for name, dsn := range targets(b) {
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(b, err)
		_, err = conn.Exec(ctx, `CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)`)
		require.NoError(b, err)
		rows := make([][]any, 10000)
		for i := range rows {
			rows[i] = []any{int32(i), fmt.Sprint("item ", i)}
		}
		_, err = conn.CopyFrom(ctx, pgx.Identifier{"items"}, []string{"id", "name"}, pgx.CopyFromRows(rows))
		require.NoError(b, err)
		b.Run(name+"/select", func(b *testing.B) {
			i := 0
			for b.Loop() {
				var s string
				require.NoError(b, conn.QueryRow(ctx, `SELECT name FROM items WHERE id = $1`, i%10000).Scan(&s))
				i++
			}
		})
		next := 10000 // shared by every run of the sub-benchmark (-count)
		b.Run(name+"/insert", func(b *testing.B) {
			for b.Loop() {
				_, err := conn.Exec(ctx, `INSERT INTO items VALUES ($1, $2)`, next, "new")
				require.NoError(b, err)
				next++
			}
		})
		require.NoError(b, conn.Close(ctx))
	}
}
