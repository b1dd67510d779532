package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure INSERT … SELECT and ON CONFLICT give PostgreSQL's tags, rows and
// errors, and that a failed statement leaves authors unchanged.
func TestSession_Exec_Upsert(t *testing.T) {
	const seeded = "1 Le Guin|2 Butler"
	tests := []struct {
		name     string
		sql      string
		want     string
		wantRows string // authors afterwards
	}{
		{"insert select", "INSERT INTO authors SELECT id + 10, name || '!' FROM authors", "INSERT 0 2", seeded + "|11 Le Guin!|12 Butler!"},
		{"insert select too wide", "INSERT INTO authors (id) SELECT id, name FROM authors", "ERROR 42601", seeded},
		{"do nothing by key", "INSERT INTO authors VALUES (1, 'X'), (3, 'Jemisin') ON CONFLICT (id) DO NOTHING", "INSERT 0 1", seeded + "|3 Jemisin"},
		{"do nothing any", "INSERT INTO authors VALUES (3, 'Butler') ON CONFLICT DO NOTHING", "INSERT 0 0", seeded},
		{"other unique still fails", "INSERT INTO authors VALUES (3, 'Butler') ON CONFLICT (id) DO NOTHING", "ERROR 23505", seeded},
		{"by constraint", "INSERT INTO authors VALUES (9, 'Butler') ON CONFLICT ON CONSTRAINT authors_name_key DO NOTHING", "INSERT 0 0", seeded},
		{"unknown constraint", "INSERT INTO authors VALUES (9, 'X') ON CONFLICT ON CONSTRAINT nope DO NOTHING", "ERROR 42704", seeded},
		{"no matching index", "INSERT INTO authors VALUES (9, 'X') ON CONFLICT (id, name) DO NOTHING", "ERROR 42P10", seeded},
		{"do update excluded", "INSERT INTO authors VALUES (1, 'Ursula') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name || ' ' || authors.name", "INSERT 0 1", "1 Ursula Le Guin|2 Butler"},
		{"do update where false", "INSERT INTO authors VALUES (1, 'Ursula') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE authors.id > 1", "INSERT 0 0", seeded},
		{"unqualified is the target", "INSERT INTO authors VALUES (2, 'Octavia') ON CONFLICT (id) DO UPDATE SET name = name || '?'", "INSERT 0 1", "1 Le Guin|2 Butler?"},
		{"row twice", "INSERT INTO authors VALUES (5, 'A'), (5, 'B') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name", "ERROR 21000", seeded},
		{"row twice do nothing", "INSERT INTO authors VALUES (5, 'A'), (5, 'B') ON CONFLICT (id) DO NOTHING", "INSERT 0 1", seeded + "|5 A"},
		{"do update needs target", "INSERT INTO authors VALUES (1, 'A') ON CONFLICT DO UPDATE SET name = 'B'", "ERROR 42601", seeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, tc.want, outcome(t, s, tc.sql))
			assert.Equal(t, tc.wantRows, joinRows(texts(t, s, "SELECT id, name FROM authors ORDER BY id")))
		})
	}
}

// Ensure ON CONFLICT's RETURNING lists inserted and updated rows alike.
func TestSession_Exec_UpsertReturning(t *testing.T) {
	s := newSession(t)
	rows := texts(t, s, "INSERT INTO authors VALUES (1, 'Ursula'), (4, 'Leckie') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING id, name")
	require.Equal(t, [][]string{{"1", "Ursula"}, {"4", "Leckie"}}, rows)
}

// joinRows renders rows as "a b|c d".
func joinRows(rows [][]string) string {
	out := ""
	for i, r := range rows {
		if i > 0 {
			out += "|"
		}
		for j, v := range r {
			if j > 0 {
				out += " "
			}
			out += v
		}
	}
	return out
}
