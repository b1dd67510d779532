package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// newKeylessSession returns a session over a fresh database holding
// visits, a table without a primary key, with two identical rows and a
// third.
func newKeylessSession(t *testing.T) (*engine.DB, *pgsql.Session) {
	t.Helper()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	for _, stmt := range []string{
		`CREATE TABLE visits (page text, n integer)`,
		`INSERT INTO visits VALUES ('home', 1), ('home', 1), ('about', 2)`,
	} {
		_, err := s.Exec(context.Background(), stmt)
		require.NoError(t, err, stmt)
	}
	return db, s
}

// Ensure a table without a primary key keeps duplicate rows, hits each
// of them in UPDATE and DELETE, and never shows its row identity.
func TestSession_Exec_TableWithoutPrimaryKey(t *testing.T) {
	tests := []struct {
		name  string
		stmts []string
		want  []string
		rows  [][]string // SELECT * FROM visits ORDER BY page, n afterwards
	}{
		{"duplicates kept", nil, nil, [][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"insert without column list", []string{"INSERT INTO visits VALUES ('home', 1)"}, []string{"INSERT 0 1"},
			[][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}, {"home", "1"}}},
		{"update hits each duplicate", []string{"UPDATE visits SET n = n + 1 WHERE page = 'home'"}, []string{"UPDATE 2"},
			[][]string{{"about", "2"}, {"home", "2"}, {"home", "2"}}},
		{"delete hits each duplicate", []string{"DELETE FROM visits WHERE page = 'home'"}, []string{"DELETE 2"},
			[][]string{{"about", "2"}}},
		{"too many values", []string{"INSERT INTO visits VALUES ('x', 1, 2)"}, []string{"ERROR 42601"},
			[][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"row identity not insertable", []string{"INSERT INTO visits (page, ctid) VALUES ('x', 1)"}, []string{"ERROR 42703"},
			[][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"row identity not assignable", []string{"UPDATE visits SET ctid = 1"}, []string{"ERROR 0A000"},
			[][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"row identity not readable", []string{"SELECT ctid FROM visits", "SELECT v.ctid FROM visits v"}, []string{"ERROR 0A000", "ERROR 0A000"},
			[][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"no primary key over duplicate rows, none to drop", []string{"ALTER TABLE visits ADD PRIMARY KEY (page)", "ALTER TABLE visits DROP CONSTRAINT visits_pkey"},
			[]string{"ERROR 23505", "ERROR 42704"}, [][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"no row identity to drop", []string{"ALTER TABLE visits DROP COLUMN ctid"}, []string{"ERROR 0A000"},
			[][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"system column names refused", []string{
			"CREATE TABLE other (ctid integer)", "ALTER TABLE visits ADD COLUMN xmin integer", "ALTER TABLE visits RENAME COLUMN n TO tableoid"},
			[]string{"ERROR 42701", "ERROR 42701", "ERROR 42701"}, [][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"added column", []string{"ALTER TABLE visits ADD COLUMN note text DEFAULT 'x'", "ALTER TABLE visits DROP COLUMN note"},
			[]string{"ALTER TABLE", "ALTER TABLE"}, [][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}}},
		{"on conflict without a key", []string{"INSERT INTO visits VALUES ('home', 1) ON CONFLICT DO NOTHING",
			"INSERT INTO visits VALUES ('home', 1) ON CONFLICT ON CONSTRAINT visits_pkey DO NOTHING"},
			[]string{"INSERT 0 1", "ERROR 42704"}, [][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}, {"home", "1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, s := newKeylessSession(t)
			var got []string
			for _, stmt := range tc.stmts {
				got = append(got, outcome(t, s, stmt))
			}
			assert.Equal(t, tc.want, got)
			res, err := s.Exec(t.Context(), "SELECT * FROM visits ORDER BY page, n")
			require.NoError(t, err)
			require.Len(t, res.Columns, 2)
			assert.Equal(t, []string{"page", "n"}, []string{res.Columns[0].Name, res.Columns[1].Name})
			assert.Equal(t, tc.rows, texts(t, s, "SELECT * FROM visits ORDER BY page, n"))
		})
	}
}

// Ensure * in RETURNING, in a join and in a qualified star leaves the row
// identity out, and GROUP BY treats the table as having no key.
func TestSession_Exec_TableWithoutPrimaryKey_Stars(t *testing.T) {
	_, s := newKeylessSession(t)
	assert.Equal(t, [][]string{{"contact", "3"}}, texts(t, s, "INSERT INTO visits VALUES ('contact', 3) RETURNING *"))
	assert.Equal(t, [][]string{{"home", "1", "1"}}, texts(t, s, "SELECT DISTINCT v.*, w.n FROM visits v JOIN visits w USING (page) WHERE page = 'home'"))
	assert.Equal(t, [][]string{{"1", "home", "home"}}, texts(t, s, "SELECT DISTINCT * FROM visits v JOIN visits w USING (n) WHERE v.page = 'home'"))
	assert.Equal(t, "ERROR 42803", outcome(t, s, "SELECT page, n FROM visits GROUP BY page"))
}

// Ensure UNIQUE constraints and foreign keys from and to other columns of
// a table without a primary key still hold.
func TestSession_Exec_TableWithoutPrimaryKey_Constraints(t *testing.T) {
	_, s := newKeylessSession(t)
	for _, step := range []struct{ sql, want string }{
		{"CREATE TABLE pages (path text UNIQUE, title text)", "CREATE TABLE"},
		{"INSERT INTO pages VALUES ('home', 'Home'), ('about', 'About')", "INSERT 0 2"},
		{"INSERT INTO pages VALUES ('home', 'Again')", "ERROR 23505"},
		{"CREATE TABLE hits (path text REFERENCES pages (path) ON DELETE CASCADE, at integer)", "CREATE TABLE"},
		{"CREATE TABLE bad (path text REFERENCES pages)", "ERROR 42704"},
		{"INSERT INTO hits VALUES ('home', 1), ('home', 1), ('about', 2)", "INSERT 0 3"},
		{"INSERT INTO hits VALUES ('nowhere', 3)", "ERROR 23503"},
		{"DELETE FROM pages WHERE path = 'home'", "DELETE 1"},
	} {
		assert.Equal(t, step.want, outcome(t, s, step.sql), step.sql)
	}
	assert.Equal(t, [][]string{{"about", "2"}}, texts(t, s, "SELECT * FROM hits"))
}

// Ensure the catalogs describe a table without a primary key by its
// declared columns alone, with no primary key constraint or index.
func TestSession_Exec_TableWithoutPrimaryKey_Catalog(t *testing.T) {
	_, s := newKeylessSession(t)
	assert.Equal(t, [][]string{{"page", "1"}, {"n", "2"}},
		texts(t, s, "SELECT column_name, ordinal_position FROM information_schema.columns WHERE table_name = 'visits' ORDER BY 2"))
	assert.Equal(t, [][]string{{"page", "1"}, {"n", "2"}},
		texts(t, s, "SELECT attname, attnum FROM pg_attribute WHERE attrelid = 'visits'::regclass AND attnum > 0 ORDER BY attnum"))
	assert.Equal(t, [][]string{{"2"}}, texts(t, s, "SELECT relnatts FROM pg_class WHERE relname = 'visits'"))
	assert.Equal(t, [][]string{{"0"}}, texts(t, s, "SELECT count(*) FROM pg_index WHERE indrelid = 'visits'::regclass"))
	assert.Equal(t, [][]string{{"0"}}, texts(t, s, "SELECT count(*) FROM information_schema.table_constraints WHERE table_name = 'visits'"))
	assert.Equal(t, [][]string{{"0"}}, texts(t, s, "SELECT count(*) FROM pg_sequences"))
}

// Ensure the Go API sees the row identity as the table's primary key, an
// auto-increment column it may insert through, while SQL never shows it.
func TestSession_Exec_TableWithoutPrimaryKey_GoAPI(t *testing.T) {
	db, s := newKeylessSession(t)
	var def engine.Table
	err := db.Update(t.Context(), func(tx *engine.Tx) error {
		var err error
		if def, err = tx.Table("visits"); err != nil {
			return err
		}
		_, err = tx.Insert("visits", engine.Row{"page": "home", "n": int64(1)})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"ctid"}, def.PrimaryKey)
	assert.Equal(t, [][]string{{"about", "2"}, {"home", "1"}, {"home", "1"}, {"home", "1"}}, texts(t, s, "SELECT * FROM visits ORDER BY page"))
	err = db.View(t.Context(), func(tx *engine.Tx) error {
		recs, err := tx.Query("visits").All()
		require.NoError(t, err)
		ids := map[any]bool{}
		for _, r := range recs {
			ids[r.ID()] = true
		}
		assert.Len(t, ids, 4, "each row has its own identity")
		return nil
	})
	require.NoError(t, err)
}
