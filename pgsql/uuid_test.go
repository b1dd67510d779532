package pgsql_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure uuid input takes PostgreSQL's forms and refuses others with
// 22P02, prints in canonical form, and compares and sorts as PostgreSQL's.
func TestSession_Exec_UUID(t *testing.T) {
	s := newSession(t)
	for in, want := range map[string]string{
		"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11":    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11":    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}":   "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"a0eebc999c0b4ef8bb6d6bb9bd380a11":        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11":   "ERROR 22P02",
		"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1":     "ERROR 22P02",
		"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111":   "ERROR 22P02",
		"-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11":   "ERROR 22P02",
		"a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11":   "ERROR 22P02",
		"a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11":    "ERROR 22P02",
		"g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11":    "ERROR 22P02",
		" a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11":   "ERROR 22P02",
		"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-":   "ERROR 22P02",
	} {
		res, err := s.Exec(t.Context(), "SELECT $1::uuid", in)
		if want[:5] == "ERROR" {
			var pe *pgsql.Error
			if assert.ErrorAs(t, err, &pe, in) {
				assert.Equal(t, want, "ERROR "+pe.Code, in)
			}
			continue
		}
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, res.Rows[0][0], in)
			assert.Equal(t, "uuid", res.Columns[0].TypeName())
		}
	}
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE tokens (id uuid PRIMARY KEY, label text)`))
	require.Equal(t, "INSERT 0 2", outcome(t, s, `INSERT INTO tokens VALUES ('FFFFFFFF-0000-0000-0000-000000000000', 'high'), ('{00000000-0000-0000-0000-0000000000ff}', 'low')`))
	assert.Equal(t, [][]string{{"00000000-0000-0000-0000-0000000000ff", "low"}, {"ffffffff-0000-0000-0000-000000000000", "high"}},
		texts(t, s, `SELECT * FROM tokens ORDER BY id`))
	assert.Equal(t, [][]string{{"high"}}, texts(t, s, `SELECT label FROM tokens WHERE id = 'ffffffff000000000000000000000000'`))
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO tokens VALUES ('ffffffff-0000-0000-0000-000000000000', 'dup')`))
	assert.Equal(t, "ERROR 42883", outcome(t, s, `SELECT * FROM tokens WHERE id = label`))
	assert.Equal(t, "ERROR 42804", outcome(t, s, `INSERT INTO tokens SELECT label, label FROM tokens`))
	assert.Equal(t, [][]string{{"ffffffff-0000-0000-0000-000000000000"}}, texts(t, s, `SELECT id::text FROM tokens WHERE label = 'high'`))
}

// Ensure gen_random_uuid() gives version 4 uuids, works as a DEFAULT
// evaluated per row, and repeats the same stream from a seed and in every
// fork of a seeded database.
func TestSession_Exec_GenRandomUUID(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	pgsql.SeedRandom(db, [32]byte{1})
	s := pgsql.NewSession(db)
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE items (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n integer)`))
	require.Equal(t, "INSERT 0 3", outcome(t, s, `INSERT INTO items (n) VALUES (1), (2), (3)`))
	rows := texts(t, s, `SELECT id FROM items ORDER BY n`)
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, r := range rows {
		assert.Regexp(t, v4, r[0])
	}
	assert.NotEqual(t, rows[0], rows[1])

	draw := func(db *engine.DB) string {
		return texts(t, pgsql.NewSession(db), `SELECT gen_random_uuid()`)[0][0]
	}
	a, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	b, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	first := draw(a)
	assert.Equal(t, first, draw(b), "forks continue the same stream")
	assert.Equal(t, first, draw(db))
	assert.NotEqual(t, first, draw(a))

	again, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	pgsql.SeedRandom(again, [32]byte{1})
	s2 := pgsql.NewSession(again)
	require.Equal(t, "CREATE TABLE", outcome(t, s2, `CREATE TABLE items (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n integer)`))
	require.Equal(t, "INSERT 0 3", outcome(t, s2, `INSERT INTO items (n) VALUES (1), (2), (3)`))
	assert.Equal(t, rows, texts(t, s2, `SELECT id FROM items ORDER BY n`), "the same seed, the same uuids")
}
