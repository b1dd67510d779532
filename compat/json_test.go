package compat

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure a jsonb column round-trips through pgx in every execution mode,
// so in text and in binary format (jsonb's binary format is a version
// byte, 1, then the text), as parameters and as results, scanning into
// json.RawMessage, map[string]any and string; and that json keeps its
// text.
func TestPgx_JSONB(t *testing.T) {
	modes := []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol}
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			conn, _ := connectPgx(t)
			ctx := context.Background()
			_, err := conn.Exec(ctx, `CREATE TABLE docs (id int PRIMARY KEY, doc jsonb, raw json)`)
			require.NoError(t, err)
			// Without a described statement (exec, simple protocol) pgx
			// cannot encode a map for a parameter of unknown type, with
			// PostgreSQL as here: those modes send the text.
			var doc, rawDoc any = map[string]any{"name": "Ursula", "tags": []any{"sf", "fantasy"}, "born": 1929}, json.RawMessage(`{"b" : 1,  "a": 2}`)
			if mode == pgx.QueryExecModeExec || mode == pgx.QueryExecModeSimpleProtocol {
				doc, rawDoc = `{"name": "Ursula", "tags": ["sf", "fantasy"], "born": 1929}`, `{"b" : 1,  "a": 2}`
			}
			_, err = conn.Exec(ctx, `INSERT INTO docs VALUES ($1, $2, $3), ($4, $5, $6)`, mode,
				1, doc, rawDoc, 2, `{"name": "Octavia", "n": 1.50}`, nil)
			require.NoError(t, err)

			var raw json.RawMessage
			var m map[string]any
			var text, kept string
			require.NoError(t, conn.QueryRow(ctx, `SELECT doc, doc, doc::text, raw FROM docs WHERE id = $1`, mode, 1).Scan(&raw, &m, &text, &kept))
			assert.JSONEq(t, `{"born": 1929, "name": "Ursula", "tags": ["sf", "fantasy"]}`, string(raw))
			assert.Equal(t, map[string]any{"name": "Ursula", "tags": []any{"sf", "fantasy"}, "born": float64(1929)}, m)
			assert.Equal(t, `{"born": 1929, "name": "Ursula", "tags": ["sf", "fantasy"]}`, text)
			assert.Equal(t, `{"b" : 1,  "a": 2}`, kept)

			var name string
			var n json.RawMessage
			require.NoError(t, conn.QueryRow(ctx, `SELECT doc ->> 'name', doc -> 'n' FROM docs WHERE doc @> $1`, mode, `{"name": "Octavia"}`).Scan(&name, &n))
			assert.Equal(t, "Octavia", name)
			assert.Equal(t, "1.50", string(n))

			var count int
			require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM docs WHERE doc ? $1`, mode, "tags").Scan(&count))
			assert.Equal(t, 1, count)
		})
	}
}

// Ensure a malformed jsonb parameter is PostgreSQL's 22P02.
func TestPgx_JSONBInvalid(t *testing.T) {
	conn, _ := connectPgx(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `CREATE TABLE docs (id int PRIMARY KEY, doc jsonb)`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO docs VALUES (1, $1)`, "{bad")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "22P02")
}
