package compat

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/lib/pq"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure text[] and int8[] columns round-trip through pgx in every
// execution mode, so with parameters and results in text and in binary
// format, into []string and []int64, NULL elements and quoting included.
func TestPgx_ArrayColumns(t *testing.T) {
	modes := []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol}
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			conn, _ := connectPgx(t)
			ctx := context.Background()
			_, err := conn.Exec(ctx, `CREATE TABLE posts (id int PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}', scores int8[])`)
			require.NoError(t, err)
			tags := []string{"go", "sql", "with space", `quote"d`, ""}
			_, err = conn.Exec(ctx, `INSERT INTO posts (id, tags, scores) VALUES ($1, $2, $3)`, mode, 1, tags, []int64{3, -1, 9000000000})
			require.NoError(t, err)
			_, err = conn.Exec(ctx, `INSERT INTO posts (id) VALUES ($1)`, mode, 2)
			require.NoError(t, err)

			var gotTags []string
			var gotScores []int64
			require.NoError(t, conn.QueryRow(ctx, `SELECT tags, scores FROM posts WHERE id = $1`, mode, 1).Scan(&gotTags, &gotScores))
			assert.Equal(t, tags, gotTags)
			assert.Equal(t, []int64{3, -1, 9000000000}, gotScores)

			var empty []string
			var none []int64
			require.NoError(t, conn.QueryRow(ctx, `SELECT tags, scores FROM posts WHERE id = $1`, mode, 2).Scan(&empty, &none))
			assert.Equal(t, []string{}, empty)
			assert.Nil(t, none)

			var id int
			require.NoError(t, conn.QueryRow(ctx, `SELECT id FROM posts WHERE tags @> $1 AND $2 = ANY(tags)`, mode, []string{"sql"}, "go").Scan(&id))
			assert.Equal(t, 1, id)
			var text string
			require.NoError(t, conn.QueryRow(ctx, `SELECT tags::text FROM posts WHERE id = 1`, mode).Scan(&text))
			assert.Equal(t, `{go,sql,"with space","quote\"d",""}`, text)
		})
	}
}

// Ensure lib/pq's pq.Array reads and writes an array column.
func TestPq_ArrayColumns(t *testing.T) {
	db := openPq(t)
	_, err := db.Exec(`CREATE TABLE posts (id int PRIMARY KEY, tags text[], scores int8[])`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO posts VALUES ($1, $2, $3)`, 1, pq.Array([]string{"a", "b c"}), pq.Array([]int64{1, 2}))
	require.NoError(t, err)
	var tags []string
	var scores []int64
	require.NoError(t, db.QueryRow(`SELECT tags, scores FROM posts WHERE id = $1`, 1).Scan(pq.Array(&tags), pq.Array(&scores)))
	assert.Equal(t, []string{"a", "b c"}, tags)
	assert.Equal(t, []int64{1, 2}, scores)
}
