package compat

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure pgx reads and writes time (without time zone) in each execution
// mode: binary (int64 microseconds past midnight, OID 1083) after a
// described statement, text otherwise, into pgtype.Time and string, with
// 24:00:00, time(p) rounding, ordering and time arithmetic.
func TestPgx_Time(t *testing.T) {
	modes := []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol}
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			conn, _ := connectPgx(t)
			ctx := context.Background()
			_, err := conn.Exec(ctx, `CREATE TABLE slots (id int PRIMARY KEY, opens time NOT NULL, closes time(2))`)
			require.NoError(t, err)
			_, err = conn.Exec(ctx, `INSERT INTO slots VALUES ($1, $2, $3), ($4, $5, $6)`, mode,
				1, pgtype.Time{Microseconds: 9*3600e6 + 30*60e6 + 1500, Valid: true}, "17:45:00.555",
				2, "08:00", pgtype.Time{Microseconds: 24 * 3600e6, Valid: true})
			require.NoError(t, err)

			var opens, closes pgtype.Time
			var text string
			require.NoError(t, conn.QueryRow(ctx, `SELECT opens, closes, closes::text FROM slots WHERE id = $1`, mode, 1).Scan(&opens, &closes, &text))
			assert.Equal(t, pgtype.Time{Microseconds: 9*3600e6 + 30*60e6 + 1500, Valid: true}, opens)
			assert.Equal(t, pgtype.Time{Microseconds: 17*3600e6 + 45*60e6 + 560000, Valid: true}, closes)
			assert.Equal(t, "17:45:00.56", text)

			var ids []int32
			rows, err := conn.Query(ctx, `SELECT id FROM slots WHERE opens < $1 ORDER BY opens`, mode, pgtype.Time{Microseconds: 10 * 3600e6, Valid: true})
			require.NoError(t, err)
			for rows.Next() {
				var id int32
				require.NoError(t, rows.Scan(&id))
				ids = append(ids, id)
			}
			require.NoError(t, rows.Err())
			assert.Equal(t, []int32{2, 1}, ids)

			var end pgtype.Time
			var span pgtype.Interval
			require.NoError(t, conn.QueryRow(ctx, `SELECT closes, closes - opens FROM slots WHERE id = 2`, mode).Scan(&end, &span))
			assert.Equal(t, pgtype.Time{Microseconds: 24 * 3600e6, Valid: true}, end)
			assert.Equal(t, pgtype.Interval{Microseconds: 16 * 3600e6, Valid: true}, span)

			var s string
			require.NoError(t, conn.QueryRow(ctx, `SELECT (opens + interval '15 hours')::text FROM slots WHERE id = 1`, mode).Scan(&s))
			assert.Equal(t, "00:30:00.0015", s)

			// A parameter added to a time is an interval, as PostgreSQL
			// infers it, so pgx sends a time.Duration.
			require.NoError(t, conn.QueryRow(ctx, `SELECT (opens + $1)::text FROM slots WHERE id = 1`, mode, 15*time.Hour).Scan(&s))
			assert.Equal(t, "00:30:00.0015", s)
		})
	}
}
