package pgsql_test

import (
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure x = ANY($1) takes what Go code passes for it — a slice through
// database/sql, an array literal's text as lib/pq's pq.Array sends, and
// sqlc's $1::bigint[] — and that NULL arrays and elements follow
// PostgreSQL's three-valued logic.
func TestAnyArrayParameters(t *testing.T) {
	edb, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer edb.Close()
	db := sql.OpenDB(pgsql.NewConnector(edb))
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL)`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`)
	require.NoError(t, err)
	ids := func(query string, args ...any) []int64 {
		t.Helper()
		rows, err := db.Query(query, args...)
		require.NoError(t, err, query)
		defer rows.Close()
		out := []int64{}
		for rows.Next() {
			var id int64
			require.NoError(t, rows.Scan(&id))
			out = append(out, id)
		}
		require.NoError(t, rows.Err())
		return out
	}
	assert.Equal(t, []int64{1, 3}, ids(`SELECT id FROM items WHERE id = ANY($1) ORDER BY id`, []int64{3, 1, 9}))
	assert.Equal(t, []int64{2, 4}, ids(`SELECT id FROM items WHERE id = ANY($1::bigint[]) ORDER BY id`, []int{2, 4}))
	assert.Equal(t, []int64{2, 3}, ids(`SELECT id FROM items WHERE name = ANY($1) ORDER BY id`, []string{"b", "c"}))
	assert.Equal(t, []int64{1, 4}, ids(`SELECT id FROM items WHERE id = ANY($1) ORDER BY id`, "{1,4}"))
	assert.Equal(t, []int64{2, 3}, ids(`SELECT id FROM items WHERE id <> ALL($1) ORDER BY id`, []int64{1, 4}))
	assert.Equal(t, []int64{}, ids(`SELECT id FROM items WHERE id = ANY($1)`, []int64{}))
	assert.Equal(t, []int64{}, ids(`SELECT id FROM items WHERE id = ANY($1)`, nil), "a NULL array matches nothing")
	assert.Equal(t, []int64{}, ids(`SELECT id FROM items WHERE id <> ALL($1)`, "{1,NULL}"), "NULL elements make <> ALL unknown")
	// = ANY over a parameter array is answered from a set made once per
	// statement: the same three-valued answers, in a join and in NOT.
	assert.Equal(t, []int64{1}, ids(`SELECT id FROM items WHERE id = ANY($1) ORDER BY id`, "{1,NULL}"))
	assert.Equal(t, []int64{}, ids(`SELECT id FROM items WHERE NOT (id = ANY($1))`, "{1,NULL}"), "unknown for every row but 1, false for 1")
	assert.Equal(t, []int64{2, 3, 4}, ids(`SELECT id FROM items WHERE NOT (id = ANY($1)) ORDER BY id`, []int64{1}))
	assert.Equal(t, []int64{2, 4}, ids(`SELECT i.id FROM items i JOIN items j ON j.id = i.id WHERE i.id = ANY($1) AND j.name = ANY($2) ORDER BY i.id`,
		[]int64{2, 3, 4}, []string{"b", "d"}))

	_, err = db.Query(`SELECT id FROM items WHERE id = ANY($1)`, "{1,x}")
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "22P02", pe.Code)
	_, err = db.Query(`SELECT id FROM items WHERE id = $1`, []int64{1})
	require.ErrorAs(t, err, &pe, "a slice is only an array operand")
	assert.Equal(t, "42804", pe.Code)
}
