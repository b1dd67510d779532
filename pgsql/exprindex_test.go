package pgsql_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// exprIndexSchema is a table with a unique expression index and a unique
// partial index, and two rows.
var exprIndexSchema = []string{
	`CREATE TABLE users (id integer PRIMARY KEY, email text, name text, deleted_at timestamp, n integer)`,
	`CREATE UNIQUE INDEX users_email_lower ON users (lower(email))`,
	`CREATE UNIQUE INDEX users_name_live ON users (name) WHERE deleted_at IS NULL`,
	`CREATE UNIQUE INDEX users_n ON users ((n + 1), lower(name)) WHERE n > 0`,
	`INSERT INTO users VALUES (1, 'A@x.org', 'ann', NULL, 1), (2, 'b@x.org', 'bob', '2024-01-01', 2)`,
}

// exprIndexSession returns a session over a new database holding
// exprIndexSchema.
func exprIndexSession(t *testing.T) *pgsql.Session {
	t.Helper()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	for _, st := range exprIndexSchema {
		_, err := s.Exec(context.Background(), st)
		require.NoError(t, err, st)
	}
	return s
}

// Ensure a unique expression or partial index refuses a duplicate from
// every SQL write with PostgreSQL's 23505, message and DETAIL naming the
// index's key, and that the statement leaves the table as it was.
func TestSession_Exec_ExpressionIndexViolations(t *testing.T) {
	const seeded = "1|A@x.org|ann|2024-01-01 00:00:00|1;2|b@x.org|bob|2024-01-01 00:00:00|2"
	tests := []struct {
		name       string
		sql        string
		constraint string // "" for success
		detail     string
	}{
		{"insert, expression", `INSERT INTO users VALUES (3, 'a@X.ORG', 'cat', NULL, 3)`,
			"users_email_lower", "Key (lower(email))=(a@x.org) already exists."},
		{"insert, partial", `INSERT INTO users VALUES (3, 'c@x.org', 'ann', NULL, 3)`,
			"users_name_live", "Key (name)=(ann) already exists."},
		{"insert, partial expressions", `INSERT INTO users VALUES (3, 'c@x.org', 'ANN', NULL, 1)`,
			"users_n", "Key ((n + 1), lower(name))=(2, ann) already exists."},
		{"insert, single expression", `INSERT INTO users VALUES (3, 'c@x.org', 'cat', NULL, 3); CREATE UNIQUE INDEX users_plus ON users ((n * 2)); INSERT INTO users VALUES (4, 'd@x.org', 'dan', NULL, 3)`,
			"users_plus", "Key ((n * 2))=(6) already exists."},
		{"insert, outside the predicate", `INSERT INTO users VALUES (3, 'c@x.org', 'ann', '2024-01-01', 3)`, "", ""},
		{"insert, null key", `INSERT INTO users VALUES (3, NULL, NULL, NULL, NULL), (4, NULL, NULL, NULL, NULL)`, "", ""},
		{"multi-row insert", `INSERT INTO users VALUES (3, 'c@x.org', 'c', NULL, 3), (4, 'C@x.org', 'd', NULL, 4)`,
			"users_email_lower", "Key (lower(email))=(c@x.org) already exists."},
		{"insert select", `INSERT INTO users SELECT id + 10, upper(email), name || 'x', NULL, n + 10 FROM users`,
			"users_email_lower", "Key (lower(email))=(a@x.org) already exists."},
		{"update into the predicate", `UPDATE users SET deleted_at = NULL, name = 'ann' WHERE id = 2`,
			"users_name_live", "Key (name)=(ann) already exists."},
		{"update an expression", `UPDATE users SET email = 'a@x.ORG' WHERE id = 2`,
			"users_email_lower", "Key (lower(email))=(a@x.org) already exists."},
		{"upsert update", `INSERT INTO users VALUES (2, 'z@x.org', 'zed', NULL, 9) ON CONFLICT (id) DO UPDATE SET email = 'A@X.org'`,
			"users_email_lower", "Key (lower(email))=(a@x.org) already exists."},
		{"upsert by expression", `INSERT INTO users VALUES (3, 'a@x.org', 'cat', NULL, 3) ON CONFLICT (lower(email)) DO UPDATE SET n = 7`, "", ""},
		{"upsert by partial index", `INSERT INTO users VALUES (3, 'c@x.org', 'ann', NULL, 3) ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING`, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := exprIndexSession(t)
			require.Equal(t, "UPDATE 1", outcome(t, s, `UPDATE users SET deleted_at = '2024-01-01' WHERE id = 1`))
			require.Equal(t, "UPDATE 1", outcome(t, s, `UPDATE users SET deleted_at = NULL WHERE id = 1`))
			_, err := s.Exec(context.Background(), tc.sql)
			if tc.constraint == "" {
				require.NoError(t, err)
				return
			}
			var pe *pgsql.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "23505", pe.Code)
			assert.Equal(t, `duplicate key value violates unique constraint "`+tc.constraint+`"`, pe.Message)
			assert.Equal(t, tc.detail, pe.Detail)
			assert.Equal(t, tc.constraint, pe.Constraint)
			assert.Equal(t, "users", pe.Table)
			assert.Equal(t, strings.ReplaceAll(seeded, "1|A@x.org|ann|2024-01-01 00:00:00", "1|A@x.org|ann|NULL"), dump(t, s, `SELECT * FROM users ORDER BY id`))
		})
	}
}

// dump renders a query's rows as a|b;c|d.
func dump(t *testing.T, s *pgsql.Session, sql string) string {
	t.Helper()
	var rows []string
	for _, r := range texts(t, s, sql) {
		rows = append(rows, strings.Join(r, "|"))
	}
	return strings.Join(rows, ";")
}

// Ensure CREATE UNIQUE INDEX over rows that repeat its key fails as
// PostgreSQL's does, naming the key, and leaves no index, hidden column
// or declaration behind.
func TestSession_Exec_CreateUniqueIndexOverDuplicates(t *testing.T) {
	tests := []struct {
		sql, detail string
	}{
		{`CREATE UNIQUE INDEX dup_i ON dup (lower(v))`, "Key (lower(v))=(x) is duplicated."},
		{`CREATE UNIQUE INDEX dup_i ON dup (k) WHERE v <> 'y'`, "Key (k)=(1) is duplicated."},
		{`CREATE UNIQUE INDEX dup_i ON dup ((k + 1), lower(v))`, "Key ((k + 1), lower(v))=(2, x) is duplicated."},
		{`CREATE UNIQUE INDEX dup_i ON dup (k)`, "Key (k)=(1) is duplicated."},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := exprIndexSession(t)
			require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE dup (id integer PRIMARY KEY, v text, k integer)`))
			require.Equal(t, "INSERT 0 2", outcome(t, s, `INSERT INTO dup VALUES (1, 'X', 1), (2, 'x', 1)`))
			_, err := s.Exec(context.Background(), tc.sql)
			var pe *pgsql.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "23505", pe.Code)
			assert.Equal(t, `could not create unique index "dup_i"`, pe.Message)
			assert.Equal(t, tc.detail, pe.Detail)
			assert.Equal(t, [][]string{{"0"}}, texts(t, s, `SELECT count(*) FROM pg_indexes WHERE indexname = 'dup_i'`))
			assert.Equal(t, "1|X|1;2|x|1", dump(t, s, `SELECT * FROM dup ORDER BY id`))
			// The statement left nothing: the same index over other rows
			// is made afresh.
			require.Equal(t, "DELETE 1", outcome(t, s, `DELETE FROM dup WHERE id = 2`))
			require.Equal(t, "CREATE INDEX", outcome(t, s, tc.sql))
		})
	}
}

// Ensure the catalog shows expression and partial indexes as PostgreSQL
// does, and hides their hidden columns everywhere.
func TestSession_Exec_ExpressionIndexCatalog(t *testing.T) {
	s := exprIndexSession(t)
	require.Equal(t, "CREATE INDEX", outcome(t, s, `CREATE INDEX ON users (id) INCLUDE (n) WITH (fillfactor = 70, deduplicate_items)`))
	assert.Equal(t, [][]string{
		{"CREATE UNIQUE INDEX users_email_lower ON public.users USING btree (lower(email))"},
		{"CREATE INDEX users_id_n_idx ON public.users USING btree (id) INCLUDE (n) WITH (fillfactor='70', deduplicate_items='true')"},
		{"CREATE UNIQUE INDEX users_n ON public.users USING btree (((n + 1)), lower(name)) WHERE (n > 0)"},
		{"CREATE UNIQUE INDEX users_name_live ON public.users USING btree (name) WHERE (deleted_at IS NULL)"},
		{"CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)"},
	}, texts(t, s, `SELECT indexdef FROM pg_indexes WHERE tablename = 'users' ORDER BY indexname`))
	assert.Equal(t, [][]string{{"CREATE UNIQUE INDEX users_n ON users USING btree ((n + 1), lower(name)) WHERE n > 0", "(n + 1)", "lower(name)"}},
		texts(t, s, `SELECT pg_get_indexdef('users_n'::regclass, 0, true), pg_get_indexdef('users_n'::regclass, 1, true), pg_get_indexdef('users_n'::regclass, 2, false)`))
	assert.Equal(t, [][]string{{"id"}, {"email"}, {"name"}, {"deleted_at"}, {"n"}},
		texts(t, s, `SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0 ORDER BY attnum`))
	res, err := s.Exec(context.Background(), `SELECT * FROM users WHERE id = 1`)
	require.NoError(t, err)
	assert.Len(t, res.Columns, 5)
	assert.Equal(t, "ERROR 42703", outcome(t, s, `SELECT pg_reldb_ix1 FROM users`))
	assert.Equal(t, "ERROR 42939", outcome(t, s, `ALTER TABLE users ADD COLUMN pg_reldb_ix9 integer`))
	assert.Equal(t, "ERROR 42939", outcome(t, s, `CREATE TABLE clash (pg_reldb_ix1 integer)`))
}

// Ensure index expressions and predicates PostgreSQL refuses are refused
// with its codes, and those reldb cannot keep are 0A000.
func TestSession_Exec_ExpressionIndexRefused(t *testing.T) {
	tests := []struct{ sql, want string }{
		{`CREATE INDEX ON users (now())`, "ERROR 42P17"},
		{`CREATE INDEX ON users (id) WHERE deleted_at < now()`, "ERROR 42P17"},
		{`CREATE INDEX ON users (concat(name, 'x'))`, "ERROR 42P17"},
		{`CREATE INDEX ON users (id) WHERE n IN (SELECT 1)`, "ERROR 0A000"},
		{`CREATE INDEX ON users (count(id))`, "ERROR 42803"},
		{`CREATE INDEX ON users ((row_number() OVER ()))`, "ERROR 42P20"},
		{`CREATE INDEX ON users (id) WHERE n`, "ERROR 42804"},
		{`CREATE INDEX ON users (lower(nosuch))`, "ERROR 42703"},
		{`CREATE INDEX ON users (id) INCLUDE (nosuch)`, "ERROR 42703"},
		{`CREATE INDEX ON users (id) WITH (fillfactor = 5)`, "ERROR 22023"},
		{`CREATE INDEX ON users (id) WITH (nosuch = 5)`, "ERROR 22023"},
		{`CREATE INDEX ON users (id) NULLS NOT DISTINCT`, "ERROR 0A000"},
		{`CREATE INDEX ON kids (id) WHERE parent_id > 5`, "ERROR 0A000"},
		{`CREATE INDEX ON kids ((parent_id + 1))`, "ERROR 0A000"},
		{`CREATE INDEX ON kids (parent_id) WHERE id > 5`, "CREATE INDEX"},
		{`CREATE UNIQUE INDEX ON kids (lower(name))`, "CREATE INDEX"},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := exprIndexSession(t)
			require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE serials (id serial PRIMARY KEY)`))
			require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE kids (id integer PRIMARY KEY, name text, parent_id integer REFERENCES users ON DELETE SET NULL)`))
			assert.Equal(t, tc.want, outcome(t, s, tc.sql))
		})
	}
	// A foreign key whose action would change what an index computes
	// from is refused too.
	s := exprIndexSession(t)
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE kids (id integer PRIMARY KEY, parent_id integer)`))
	require.Equal(t, "CREATE INDEX", outcome(t, s, `CREATE UNIQUE INDEX ON kids ((parent_id * 2))`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `ALTER TABLE kids ADD FOREIGN KEY (parent_id) REFERENCES users ON UPDATE CASCADE`))
	assert.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE kids ADD FOREIGN KEY (parent_id) REFERENCES users`))
}

// Ensure DROP INDEX, RENAME COLUMN, ALTER INDEX RENAME and DROP COLUMN
// keep an expression index working or drop it, with its hidden columns.
func TestSession_Exec_ExpressionIndexAlter(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	for _, st := range exprIndexSchema {
		require.NotContains(t, outcome(t, s, st), "ERROR", st)
	}
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE users RENAME COLUMN email TO mail`))
	require.Equal(t, "ALTER INDEX", outcome(t, s, `ALTER INDEX users_email_lower RENAME TO users_mail_lower`))
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO users (id, mail) VALUES (3, 'a@x.ORG')`))
	assert.Equal(t, [][]string{{"CREATE UNIQUE INDEX users_mail_lower ON public.users USING btree (lower(mail))"}},
		texts(t, s, `SELECT indexdef FROM pg_indexes WHERE indexname = 'users_mail_lower'`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `ALTER TABLE users ALTER COLUMN n TYPE bigint`))
	assert.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE users ALTER COLUMN id TYPE bigint`))
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE users DROP COLUMN deleted_at`))
	assert.Equal(t, [][]string{{"users_mail_lower"}, {"users_n"}, {"users_pkey"}},
		texts(t, s, `SELECT indexname FROM pg_indexes WHERE tablename = 'users' ORDER BY 1`))
	assert.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO users (id, mail, name) VALUES (3, 'c@x.org', 'ann')`))
	require.Equal(t, "DROP INDEX", outcome(t, s, `DROP INDEX users_mail_lower`))
	assert.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO users (id, mail) VALUES (4, 'A@x.org')`))
	require.Equal(t, "DROP INDEX", outcome(t, s, `DROP INDEX users_n`))
	// The engine's table is back to the columns SQL sees.
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		def, err := tx.Table("users")
		require.NoError(t, err)
		assert.Len(t, def.Columns, 4)
		return nil
	}))
}

// Ensure expression and partial indexes survive Close and Open of a
// durable database, and a fork of one.
func TestSession_ExpressionIndex_SurvivesReopenAndFork(t *testing.T) {
	dir := t.TempDir()
	db := openDurable(t, dir)
	runAll(t, db, [][2]string{
		{exprIndexSchema[0], "CREATE TABLE"}, {exprIndexSchema[1], "CREATE INDEX"}, {exprIndexSchema[2], "CREATE INDEX"},
		{exprIndexSchema[3], "CREATE INDEX"}, {exprIndexSchema[4], "INSERT 0 2"},
		{`CREATE INDEX users_sorted ON users (name DESC NULLS LAST) INCLUDE (n) WITH (fillfactor = 80)`, "CREATE INDEX"},
	})
	require.NoError(t, db.Close())
	db = openDurable(t, dir)
	checks := [][2]string{
		{`INSERT INTO users VALUES (3, 'a@X.org', 'x', NULL, 3)`, "ERROR 23505"},
		{`INSERT INTO users VALUES (3, 'c@x.org', 'ann', NULL, 3)`, "ERROR 23505"},
		{`INSERT INTO users VALUES (3, 'c@x.org', 'bob', NULL, 3) ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING`, "INSERT 0 1"},
		{`INSERT INTO users VALUES (4, 'd@x.org', 'bob', NULL, 4) ON CONFLICT (name) WHERE deleted_at IS NULL DO UPDATE SET n = 40`, "INSERT 0 1"},
	}
	fdb, err := db.Fork(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = fdb.Close() })
	for _, d := range []*engine.DB{db, fdb} {
		runAll(t, d, checks)
		s := pgsql.NewSession(d)
		assert.Equal(t, [][]string{
			{"CREATE UNIQUE INDEX users_email_lower ON public.users USING btree (lower(email))"},
			{"CREATE UNIQUE INDEX users_n ON public.users USING btree (((n + 1)), lower(name)) WHERE (n > 0)"},
			{"CREATE UNIQUE INDEX users_name_live ON public.users USING btree (name) WHERE (deleted_at IS NULL)"},
			{"CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)"},
			{"CREATE INDEX users_sorted ON public.users USING btree (name DESC NULLS LAST) INCLUDE (n) WITH (fillfactor='80')"},
		}, texts(t, s, `SELECT indexdef FROM pg_indexes WHERE tablename = 'users' ORDER BY indexname`))
		assert.Equal(t, "1|ann|1;2|bob|2;3|bob|40", dump(t, s, `SELECT id, name, n FROM users ORDER BY id`))
		s.Close()
	}
}

// Ensure a bulk load through a unique expression index is checked row by
// row against an index, not by scans: ten thousand rows load, and a
// duplicate among them fails the statement.
func TestSession_Exec_ExpressionIndexBulkLoad(t *testing.T) {
	s := exprIndexSession(t)
	var b strings.Builder
	b.WriteString(`INSERT INTO users (id, email) VALUES `)
	for i := 0; i < 10000; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%d, 'U%d@x.org')", i+10, i)
	}
	require.Equal(t, "INSERT 0 10000", outcome(t, s, b.String()))
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO users (id, email) VALUES (20000, 'x@y'), (20001, 'u9999@X.ORG')`))
	assert.Equal(t, [][]string{{"10002"}}, texts(t, s, `SELECT count(*) FROM users`))
}

// Ensure an index over a serial key's value sees the value the row gets.
func TestSession_Exec_ExpressionIndexOverSerial(t *testing.T) {
	s := exprIndexSession(t)
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE tickets (id serial PRIMARY KEY, code text)`))
	require.Equal(t, "CREATE INDEX", outcome(t, s, `CREATE UNIQUE INDEX tickets_code ON tickets (code) WHERE id > 2`))
	require.Equal(t, "INSERT 0 3", outcome(t, s, `INSERT INTO tickets (code) VALUES ('a'), ('a'), ('b')`))
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO tickets (code) VALUES ('b')`))
	assert.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO tickets (code) VALUES ('a')`))
	assert.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO tickets VALUES (1000, 'c')`))
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO tickets VALUES (2000, 'c')`))
	assert.Equal(t, "1|a;2|a;3|b;5|a;1000|c", dump(t, s, `SELECT * FROM tickets ORDER BY id`))
}

// Ensure an index expression written with its table's name keeps
// working when the table is renamed, and one naming another table is
// 42P01.
func TestSession_Exec_ExpressionIndexQualified(t *testing.T) {
	s := exprIndexSession(t)
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE tags (id integer PRIMARY KEY, label text)`))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, `CREATE UNIQUE INDEX ON tags (lower(other.label))`))
	require.Equal(t, "CREATE INDEX", outcome(t, s, `CREATE UNIQUE INDEX tags_label ON tags (lower(tags.label)) WHERE tags.id > 0`))
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE tags RENAME TO labels`))
	require.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO labels VALUES (1, 'a')`))
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO labels VALUES (2, 'A')`))
	assert.Equal(t, [][]string{{"CREATE UNIQUE INDEX tags_label ON public.labels USING btree (lower(label)) WHERE (id > 0)"}},
		texts(t, s, `SELECT indexdef FROM pg_indexes WHERE tablename = 'labels' AND indexname = 'tags_label'`))
}

// Ensure concurrent sessions inserting one key of a unique expression
// index in different spellings end as PostgreSQL's do: one row, and a
// 23505 for every other session.
func TestSession_ExpressionIndex_ConcurrentInserts(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	setup := pgsql.NewSession(db)
	require.Equal(t, "CREATE TABLE", outcome(t, setup, `CREATE TABLE people (id integer PRIMARY KEY, email text, gone boolean NOT NULL DEFAULT false)`))
	require.Equal(t, "CREATE INDEX", outcome(t, setup, `CREATE UNIQUE INDEX people_email ON people (lower(email)) WHERE NOT gone`))
	const n = 12
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		s := pgsql.NewSession(db)
		wg.Go(func() {
			email := "User@X.org"
			if i%2 == 1 {
				email = "USER@x.ORG"
			}
			codes[i] = outcome(t, s, fmt.Sprintf(`INSERT INTO people (id, email) VALUES (%d, '%s')`, i, email))
		})
	}
	wg.Wait()
	var ok, dup int
	for _, c := range codes {
		switch c {
		case "INSERT 0 1":
			ok++
		case "ERROR 23505":
			dup++
		}
	}
	assert.Equal(t, []int{1, n - 1}, []int{ok, dup}, "%v", codes)
	assert.Equal(t, [][]string{{"1"}}, texts(t, setup, `SELECT count(*) FROM people`))
}

// Ensure a PRIMARY KEY's or UNIQUE constraint's INCLUDE columns take no
// part in uniqueness, show in the catalog, and that dropping a column the
// primary key includes is 0A000 (PostgreSQL drops the key with it).
func TestSession_Exec_ConstraintInclude(t *testing.T) {
	s := exprIndexSession(t)
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE ci (a integer, b integer, c integer, PRIMARY KEY (a) INCLUDE (b), UNIQUE (b) INCLUDE (c) WITH (fillfactor = 60))`))
	require.Equal(t, "INSERT 0 2", outcome(t, s, `INSERT INTO ci VALUES (1, 1, 1), (2, 2, 1)`))
	assert.Equal(t, "ERROR 23505", outcome(t, s, `INSERT INTO ci VALUES (3, 1, 3)`))
	assert.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO ci VALUES (3, 1, 3) ON CONFLICT (b) DO UPDATE SET c = 9`))
	assert.Equal(t, [][]string{
		{"ci_b_c_key", "UNIQUE (b) INCLUDE (c)", "CREATE UNIQUE INDEX ci_b_c_key ON public.ci USING btree (b) INCLUDE (c) WITH (fillfactor='60')"},
		{"ci_pkey", "PRIMARY KEY (a) INCLUDE (b)", "CREATE UNIQUE INDEX ci_pkey ON public.ci USING btree (a) INCLUDE (b)"},
	}, texts(t, s, `SELECT conname, pg_get_constraintdef(oid), pg_get_indexdef(conindid) FROM pg_constraint WHERE conrelid = 'ci'::regclass ORDER BY 1`))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, `ALTER TABLE ci DROP COLUMN b`))
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE ci DROP COLUMN c`))
	assert.Equal(t, [][]string{{"ci_pkey"}}, texts(t, s, `SELECT indexname FROM pg_indexes WHERE tablename = 'ci'`))
	assert.Equal(t, "1|1;2|2", dump(t, s, `SELECT * FROM ci ORDER BY a`))
}

// Ensure a prepared INSERT without a column list types its parameters by
// the columns SQL sees, not by an index's hidden ones before a column
// added later.
func TestSession_Prepare_ExpressionIndexParams(t *testing.T) {
	s := exprIndexSession(t)
	require.Equal(t, "ALTER TABLE", outcome(t, s, `ALTER TABLE users ADD COLUMN born date`))
	p, err := s.Prepare(context.Background(), `INSERT INTO users VALUES ($1, $2, $3, $4, $5, $6)`, nil)
	require.NoError(t, err)
	assert.Equal(t, []uint32{23, 25, 25, 1114, 23, 1082}, p.ParamOIDs())
	_, err = s.ExecPrepared(context.Background(), p, []any{"3", "c@x.org", "cat", nil, "3", "2000-01-02"})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"3", "2000-01-02"}}, texts(t, s, `SELECT id, born FROM users WHERE id = 3`))
}
