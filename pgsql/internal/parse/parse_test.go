package parse

import (
	"github.com/reldb/reldb/pgsql/internal/ir"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// translationCase is SQL in, the canonical form of each statement out.
type translationCase struct {
	name string
	sql  string
	want []string
}

// runTranslations checks that each case parses without error into the
// expected statements.
func runTranslations(t *testing.T, tests []translationCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stmts, err := Parse(tc.sql)
			require.NoError(t, err)
			got := make([]string, len(stmts))
			for i, s := range stmts {
				got[i] = s.String()
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// Ensure the statements GORM, sqlc, sqlx and pgx send translate.
func TestParse_ClientStatements(t *testing.T) {
	runTranslations(t, []translationCase{
		{"gorm automigrate create table",
			`CREATE TABLE "users" ("id" bigserial,"created_at" timestamptz,"updated_at" timestamptz,"deleted_at" timestamptz,"name" text,"email" varchar(255) NOT NULL,"age" bigint,PRIMARY KEY ("id"))`,
			[]string{"CREATE TABLE users (id int8 SERIAL NOT NULL, created_at timestamptz, updated_at timestamptz, deleted_at timestamptz, name text, email varchar(255) NOT NULL, age int8, PRIMARY KEY (id))"}},
		{"gorm index",
			`CREATE INDEX IF NOT EXISTS "idx_users_deleted_at" ON "users" ("deleted_at")`,
			[]string{"CREATE INDEX IF NOT EXISTS idx_users_deleted_at ON users (deleted_at)"}},
		{"gorm foreign key constraint",
			`CREATE TABLE "books" ("id" bigserial,"author_id" bigint,"title" text,PRIMARY KEY ("id"),CONSTRAINT "fk_authors_books" FOREIGN KEY ("author_id") REFERENCES "authors"("id") ON DELETE CASCADE)`,
			[]string{"CREATE TABLE books (id int8 SERIAL NOT NULL, author_id int8, title text, PRIMARY KEY (id), CONSTRAINT fk_authors_books FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE)"}},
		{"gorm insert returning",
			`INSERT INTO "users" ("created_at","updated_at","deleted_at","name","email","age") VALUES ($1,$2,$3,$4,$5,$6) RETURNING "id"`,
			[]string{"INSERT INTO users (created_at, updated_at, deleted_at, name, email, age) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"}},
		{"gorm soft-delete select",
			`SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT $1`,
			[]string{"SELECT * FROM users WHERE (users.deleted_at IS NULL) ORDER BY users.id LIMIT $1"}},
		{"gorm first by key",
			`SELECT * FROM "users" WHERE "users"."id" = $1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT $2`,
			[]string{"SELECT * FROM users WHERE ((users.id = $1) AND (users.deleted_at IS NULL)) ORDER BY users.id LIMIT $2"}},
		{"gorm preload with IN",
			`SELECT * FROM "books" WHERE "books"."author_id" IN ($1,$2,$3) AND "books"."deleted_at" IS NULL`,
			[]string{"SELECT * FROM books WHERE ((books.author_id IN ($1, $2, $3)) AND (books.deleted_at IS NULL))"}},
		{"gorm soft delete",
			`UPDATE "users" SET "deleted_at"=$1 WHERE "users"."id" = $2 AND "users"."deleted_at" IS NULL`,
			[]string{"UPDATE users SET deleted_at = $1 WHERE ((users.id = $2) AND (users.deleted_at IS NULL))"}},
		{"gorm upsert",
			`INSERT INTO "users" ("name","email") VALUES ($1,$2) ON CONFLICT ("email") DO UPDATE SET "name"="excluded"."name" RETURNING "id"`,
			[]string{"INSERT INTO users (name, email) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET name = excluded.name RETURNING id"}},
		{"gorm count",
			`SELECT count(*) FROM "users" WHERE "users"."deleted_at" IS NULL`,
			[]string{"SELECT count(*) FROM users WHERE (users.deleted_at IS NULL)"}},
		{"sqlc named query with comment",
			"-- name: GetAuthor :one\nSELECT id, name, bio FROM authors\nWHERE id = $1 LIMIT 1;\n",
			[]string{"SELECT id, name, bio FROM authors WHERE (id = $1) LIMIT 1"}},
		{"sqlc create returning star",
			"-- name: CreateAuthor :one\nINSERT INTO authors (\n  name, bio\n) VALUES (\n  $1, $2\n)\nRETURNING *;",
			[]string{"INSERT INTO authors (name, bio) VALUES ($1, $2) RETURNING *"}},
		{"sqlc delete exec",
			"-- name: DeleteAuthor :exec\nDELETE FROM authors\nWHERE id = $1;",
			[]string{"DELETE FROM authors WHERE (id = $1)"}},
		{"sqlc any array",
			"-- name: ListAuthorsByIDs :many\nSELECT * FROM authors WHERE id = ANY($1::bigint[]);",
			[]string{"SELECT * FROM authors WHERE (id = ANY (CAST($1 AS int8[])))"}},
		{"sqlx named-then-rebound",
			`SELECT * FROM place WHERE telcode > $1 AND country = $2 ORDER BY telcode ASC`,
			[]string{"SELECT * FROM place WHERE ((telcode > $1) AND (country = $2)) ORDER BY telcode ASC"}},
		{"pgx typed parameter", "select $1::int8", []string{"SELECT CAST($1 AS int8)"}},
		{"pgx ping", "-- ping", []string{}},
		{"several statements in one exec",
			"CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);",
			[]string{"CREATE TABLE a (id int4 PRIMARY KEY (id))", "CREATE TABLE b (id int4 PRIMARY KEY (id), a_id int4 FOREIGN KEY (a_id) REFERENCES a)"}},
	})
}

// Ensure DDL keeps every property the planner needs: types with
// modifiers, NOT NULL, defaults, identity, and each constraint's details.
func TestParse_DDL(t *testing.T) {
	runTranslations(t, []translationCase{
		{"types are normalised",
			"CREATE TABLE t (a integer, b smallint, c bigint, d numeric(10,2), e real, f double precision, g text, h varchar(20), i char(3), j char, k boolean, l bytea, m date, n timestamp, o timestamp with time zone, p uuid, q json, r jsonb, s int[], u public.mytype)",
			[]string{"CREATE TABLE t (a int4, b int2, c int8, d numeric(10, 2), e float4, f float8, g text, h varchar(20), i bpchar(3), j bpchar(1), k bool, l bytea, m date, n timestamp, o timestamptz, p uuid, q json, r jsonb, s int4[], u public.mytype)"}},
		{"serial kinds",
			"CREATE TABLE t (a smallserial, b serial, c bigserial, d serial8)",
			[]string{"CREATE TABLE t (a int2 SERIAL NOT NULL, b int4 SERIAL NOT NULL, c int8 SERIAL NOT NULL, d int8 SERIAL NOT NULL)"}},
		{"identity columns",
			"CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY, b bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
			[]string{"CREATE TABLE t (a int4 GENERATED ALWAYS AS IDENTITY NOT NULL, b int8 GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY (b))"}},
		{"extensions",
			`CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public VERSION '1.1' CASCADE; DROP EXTENSION IF EXISTS pgcrypto, "uuid-ossp" CASCADE`,
			[]string{`CREATE EXTENSION IF NOT EXISTS "uuid-ossp" SCHEMA public VERSION '1.1' CASCADE`, `DROP EXTENSION IF EXISTS pgcrypto, "uuid-ossp" CASCADE`}},
		{"similar to",
			`SELECT a SIMILAR TO 'x%', a NOT SIMILAR TO 'y#_' ESCAPE '#' FROM t`,
			[]string{`SELECT (a ~ pg_catalog.similar_to_escape('x%')), (a !~ pg_catalog.similar_to_escape('y#_', '#')) FROM t`}},
		{"if not exists and schema",
			"CREATE TABLE IF NOT EXISTS app.t (a int)",
			[]string{"CREATE TABLE IF NOT EXISTS app.t (a int4)"}},
		{"defaults",
			"CREATE TABLE t (a int DEFAULT 0, b timestamptz DEFAULT now(), c timestamptz DEFAULT CURRENT_TIMESTAMP, d int DEFAULT nextval('s'), e numeric DEFAULT -1.50, f text NOT NULL DEFAULT 'x')",
			[]string{"CREATE TABLE t (a int4 DEFAULT 0, b timestamptz DEFAULT now(), c timestamptz DEFAULT CURRENT_TIMESTAMP, d int4 DEFAULT nextval('s'), e numeric DEFAULT -1.50, f text NOT NULL DEFAULT 'x')"}},
		{"named column constraints",
			"CREATE TABLE t (a int CONSTRAINT t_pk PRIMARY KEY, b int CONSTRAINT b_pos CHECK (b > 0), c text CONSTRAINT c_uq UNIQUE NULLS NOT DISTINCT)",
			[]string{"CREATE TABLE t (a int4 CONSTRAINT t_pk PRIMARY KEY (a), b int4 CONSTRAINT b_pos CHECK ((b > 0)), c text CONSTRAINT c_uq UNIQUE NULLS NOT DISTINCT (c))"}},
		{"table constraints",
			"CREATE TABLE t (a int, b int, PRIMARY KEY (a, b), UNIQUE (b), CONSTRAINT ck CHECK (a < b))",
			[]string{"CREATE TABLE t (a int4, b int4, PRIMARY KEY (a, b), UNIQUE (b), CONSTRAINT ck CHECK ((a < b)))"}},
		{"every referential action",
			"CREATE TABLE t (a int REFERENCES p ON DELETE CASCADE ON UPDATE RESTRICT, b int REFERENCES p (id) ON DELETE SET NULL ON UPDATE SET DEFAULT, c int REFERENCES p ON DELETE NO ACTION, d int REFERENCES p ON DELETE SET DEFAULT)",
			[]string{"CREATE TABLE t (a int4 FOREIGN KEY (a) REFERENCES p ON DELETE CASCADE ON UPDATE RESTRICT, b int4 FOREIGN KEY (b) REFERENCES p (id) ON DELETE SET NULL ON UPDATE SET DEFAULT, c int4 FOREIGN KEY (c) REFERENCES p, d int4 FOREIGN KEY (d) REFERENCES p ON DELETE SET DEFAULT)"}},
		{"composite foreign key with match full and set null columns",
			"CREATE TABLE t (a int, b int, FOREIGN KEY (a, b) REFERENCES p (x, y) MATCH FULL ON DELETE SET NULL (b))",
			[]string{"CREATE TABLE t (a int4, b int4, FOREIGN KEY (a, b) REFERENCES p (x, y) MATCH FULL ON DELETE SET NULL (b))"}},
		{"match simple is the default",
			"CREATE TABLE t (a int REFERENCES p MATCH SIMPLE)",
			[]string{"CREATE TABLE t (a int4 FOREIGN KEY (a) REFERENCES p)"}},
		{"initially deferred implies deferrable, column level",
			"CREATE TABLE t (a int REFERENCES p INITIALLY DEFERRED)",
			[]string{"CREATE TABLE t (a int4 FOREIGN KEY (a) REFERENCES p DEFERRABLE INITIALLY DEFERRED)"}},
		{"initially deferred implies deferrable, table level",
			"CREATE TABLE t (a int, CONSTRAINT fk FOREIGN KEY (a) REFERENCES p INITIALLY DEFERRED)",
			[]string{"CREATE TABLE t (a int4, CONSTRAINT fk FOREIGN KEY (a) REFERENCES p DEFERRABLE INITIALLY DEFERRED)"}},
		{"deferrable unique, initially immediate",
			"CREATE TABLE t (a int UNIQUE DEFERRABLE INITIALLY IMMEDIATE, b int, UNIQUE (b) DEFERRABLE)",
			[]string{"CREATE TABLE t (a int4 UNIQUE (a) DEFERRABLE, b int4, UNIQUE (b) DEFERRABLE)"}},
		{"not deferrable after unique",
			"CREATE TABLE t (a int UNIQUE NOT DEFERRABLE)",
			[]string{"CREATE TABLE t (a int4 UNIQUE (a))"}},
		{"create index forms",
			"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON s.t USING btree (a DESC NULLS LAST, b, (lower(c)))",
			[]string{"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON s.t (a DESC NULLS LAST, b, (lower(c)))"}},
		{"unnamed index", "CREATE INDEX ON t (a)", []string{"CREATE INDEX ON t (a)"}},
		{"key and unique constraints with INCLUDE and WITH",
			"CREATE TABLE t (a int, b int, PRIMARY KEY (a) INCLUDE (b) WITH (fillfactor = 70), UNIQUE (b) INCLUDE (a))",
			[]string{"CREATE TABLE t (a int4, b int4, PRIMARY KEY (a) INCLUDE (b) WITH (fillfactor = 70), UNIQUE (b) INCLUDE (a))"}},
		{"expression and partial index",
			"CREATE UNIQUE INDEX i ON t (lower(a), ((b)), (c + 1)) INCLUDE (d) WITH (fillfactor = 90, deduplicate_items = off) WHERE d IS NULL",
			[]string{"CREATE UNIQUE INDEX i ON t ((lower(a)), b, ((c + 1))) INCLUDE (d) WITH (fillfactor = 90, deduplicate_items = off) WHERE (d IS NULL)"}},
		{"drop table", "DROP TABLE IF EXISTS a, s.b CASCADE", []string{"DROP TABLE IF EXISTS a, s.b CASCADE"}},
		{"drop index and view", "DROP INDEX i; DROP VIEW v RESTRICT", []string{"DROP INDEX i", "DROP VIEW v"}},
		{"alter table add and drop",
			"ALTER TABLE t ADD COLUMN IF NOT EXISTS x int NOT NULL DEFAULT 1 REFERENCES p, DROP COLUMN IF EXISTS y CASCADE, ADD CONSTRAINT u UNIQUE (x), DROP CONSTRAINT c",
			[]string{"ALTER TABLE t ADD COLUMN IF NOT EXISTS x int4 NOT NULL DEFAULT 1 FOREIGN KEY (x) REFERENCES p, DROP COLUMN IF EXISTS y CASCADE, ADD CONSTRAINT u UNIQUE (x), DROP CONSTRAINT c"}},
		{"alter column defaults and nullability",
			"ALTER TABLE IF EXISTS t ALTER COLUMN a SET DEFAULT 0, ALTER a DROP DEFAULT, ALTER a SET NOT NULL, ALTER a DROP NOT NULL",
			[]string{"ALTER TABLE IF EXISTS t ALTER COLUMN a SET DEFAULT 0, ALTER COLUMN a DROP DEFAULT, ALTER COLUMN a SET NOT NULL, ALTER COLUMN a DROP NOT NULL"}},
		{"alter column type",
			"ALTER TABLE t ALTER COLUMN a TYPE bigint, ALTER b SET DATA TYPE varchar(5)",
			[]string{"ALTER TABLE t ALTER COLUMN a TYPE int8, ALTER COLUMN b TYPE varchar(5)"}},
		{"generated column",
			"CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED NOT NULL); ALTER TABLE t ADD COLUMN c text GENERATED ALWAYS AS (a::text) STORED",
			[]string{"CREATE TABLE t (a int4, b int4 NOT NULL GENERATED ALWAYS AS ((a * 2)) STORED)", "ALTER TABLE t ADD COLUMN c text GENERATED ALWAYS AS (CAST(a AS text)) STORED"}},
		{"alter column type using",
			"SELECT 1; ALTER TABLE t ADD COLUMN type text, ALTER COLUMN a TYPE numeric(6, 2) USING coalesce(a, 0) / 100, ALTER b TYPE int, " +
				"ALTER c SET DATA TYPE text USING c || ',' || (a, b)::text; ALTER TABLE u ALTER \"using\" TYPE int USING \"using\"",
			[]string{"SELECT 1", "ALTER TABLE t ADD COLUMN type text, ALTER COLUMN a TYPE numeric(6, 2) USING (COALESCE(a, 0) / 100), ALTER COLUMN b TYPE int4, " +
				"ALTER COLUMN c TYPE text USING ((c || ',') || CAST(ROW(a, b) AS text))", "ALTER TABLE u ALTER COLUMN \"using\" TYPE int4 USING \"using\""}},
		{"alter table add foreign key",
			"ALTER TABLE books ADD CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
			[]string{"ALTER TABLE books ADD CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"}},
		{"renames",
			"ALTER TABLE t RENAME TO u; ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE t RENAME a TO b; ALTER TABLE t RENAME CONSTRAINT c TO d",
			[]string{"ALTER TABLE t RENAME TO u", "ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t RENAME CONSTRAINT c TO d"}},
		{"rename index",
			`ALTER INDEX t_pkey RENAME TO "K"; ALTER INDEX IF EXISTS public.i RENAME TO j`,
			[]string{`ALTER INDEX t_pkey RENAME TO "K"`, "ALTER INDEX IF EXISTS public.i RENAME TO j"}},
		{"views",
			"CREATE VIEW v AS SELECT a FROM t; CREATE OR REPLACE VIEW s.v (x, y) AS SELECT a, b FROM t",
			[]string{"CREATE VIEW v AS SELECT a FROM t", "CREATE OR REPLACE VIEW s.v (x, y) AS SELECT a, b FROM t"}},
		{"truncate", "TRUNCATE TABLE a, b RESTART IDENTITY CASCADE; TRUNCATE c", []string{"TRUNCATE a, b RESTART IDENTITY CASCADE", "TRUNCATE c"}},
		{"vacuum and analyze", "VACUUM; ANALYZE a; VACUUM (FULL, ANALYZE) a (x, y), b", []string{"VACUUM", "ANALYZE a", "VACUUM a (x, y), b"}},
		{"comments",
			"COMMENT ON TABLE s.t IS 'people'; COMMENT ON COLUMN t.c IS 'it''s'; COMMENT ON INDEX i IS NULL; COMMENT ON CONSTRAINT fk ON t IS 'x'; COMMENT ON VIEW v IS ''",
			[]string{"COMMENT ON TABLE s.t IS 'people'", "COMMENT ON COLUMN t.c IS 'it''s'", "COMMENT ON INDEX i IS NULL", "COMMENT ON CONSTRAINT fk ON t IS 'x'", "COMMENT ON VIEW v IS NULL"}},
	})
}

// Ensure INSERT, UPDATE and DELETE keep their sources, conflict handling
// and RETURNING lists.
func TestParse_DML(t *testing.T) {
	runTranslations(t, []translationCase{
		{"multi-row values with defaults",
			"INSERT INTO t (a, b) VALUES (1, DEFAULT), (DEFAULT, $1)",
			[]string{"INSERT INTO t (a, b) VALUES (1, DEFAULT), (DEFAULT, $1)"}},
		{"default values", "INSERT INTO t DEFAULT VALUES RETURNING id", []string{"INSERT INTO t DEFAULT VALUES RETURNING id"}},
		{"insert select", "INSERT INTO t (a) SELECT b FROM u WHERE c", []string{"INSERT INTO t (a) SELECT b FROM u WHERE c"}},
		{"values with order by is a query",
			"INSERT INTO t VALUES (2), (1) ORDER BY 1",
			[]string{"INSERT INTO t VALUES (2), (1) ORDER BY 1"}},
		{"alias and overriding",
			"INSERT INTO t AS x OVERRIDING SYSTEM VALUE VALUES (1) RETURNING x.a AS b",
			[]string{"INSERT INTO t AS x OVERRIDING SYSTEM VALUE VALUES (1) RETURNING x.a AS b"}},
		{"on conflict do nothing, no target", "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING", []string{"INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING"}},
		{"on conflict on an expression, with an index predicate",
			"INSERT INTO t VALUES (1) ON CONFLICT (lower(a), (b)) WHERE c IS NULL DO NOTHING",
			[]string{"INSERT INTO t VALUES (1) ON CONFLICT (b, (lower(a))) WHERE (c IS NULL) DO NOTHING"}},
		{"on conflict columns do update where",
			"INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a, b) DO UPDATE SET b = EXCLUDED.b + t.b, c = DEFAULT WHERE t.b < EXCLUDED.b RETURNING *",
			[]string{"INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a, b) DO UPDATE SET b = (excluded.b + t.b), c = DEFAULT WHERE (t.b < excluded.b) RETURNING *"}},
		{"on conflict on constraint",
			"INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO NOTHING",
			[]string{"INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO NOTHING"}},
		{"with insert", "WITH s AS (SELECT 1 AS a) INSERT INTO t SELECT a FROM s", []string{"WITH s AS (SELECT 1 AS a) INSERT INTO t SELECT a FROM s"}},
		{"update from returning",
			"UPDATE t AS x SET a = a + 1, b = DEFAULT FROM u WHERE x.id = u.id RETURNING x.a, u.b",
			[]string{"UPDATE t AS x SET a = (a + 1), b = DEFAULT FROM u WHERE (x.id = u.id) RETURNING x.a, u.b"}},
		{"update row assignment",
			"UPDATE t SET (a, b) = (1, DEFAULT), c = 3",
			[]string{"UPDATE t SET a = 1, b = DEFAULT, c = 3"}},
		{"delete using returning",
			"DELETE FROM t USING u, v WHERE t.id = u.id AND u.x = v.x RETURNING t.*",
			[]string{"DELETE FROM t USING u, v WHERE ((t.id = u.id) AND (u.x = v.x)) RETURNING t.*"}},
		{"delete all", "DELETE FROM s.t", []string{"DELETE FROM s.t"}},
	})
}

// Ensure every clause of a query is kept.
func TestParse_Select(t *testing.T) {
	runTranslations(t, []translationCase{
		{"targets and aliases", "SELECT a, b AS c, t.*, 1 d FROM t", []string{"SELECT a, b AS c, t.*, 1 AS d FROM t"}},
		{"no from", "SELECT 1", []string{"SELECT 1"}},
		{"distinct", "SELECT DISTINCT a FROM t", []string{"SELECT DISTINCT a FROM t"}},
		{"joins",
			"SELECT * FROM a JOIN b ON a.id = b.aid LEFT OUTER JOIN c USING (k, l) RIGHT JOIN d ON true FULL JOIN e ON false CROSS JOIN f",
			[]string{"SELECT * FROM (((((a JOIN b ON (a.id = b.aid)) LEFT JOIN c USING (k, l)) RIGHT JOIN d ON TRUE) FULL JOIN e ON FALSE) CROSS JOIN f)"}},
		{"comma join and aliases", "SELECT * FROM s.a AS x, b y(p, q)", []string{"SELECT * FROM s.a AS x, b AS y(p, q)"}},
		{"subquery in from", "SELECT s.n FROM (SELECT count(*) AS n FROM t) AS s", []string{"SELECT s.n FROM (SELECT count(*) AS n FROM t) AS s"}},
		{"subquery in from without alias", "SELECT * FROM (SELECT 1)", []string{"SELECT * FROM (SELECT 1)"}},
		{"group by expressions and ordinals, having",
			"SELECT a, lower(b), count(*) FROM t GROUP BY 1, lower(b) HAVING count(*) > 1",
			[]string{"SELECT a, lower(b), count(*) FROM t GROUP BY 1, lower(b) HAVING (count(*) > 1)"}},
		{"order by forms",
			"SELECT a FROM t ORDER BY 1 DESC, a ASC NULLS FIRST, b NULLS LAST, c",
			[]string{"SELECT a FROM t ORDER BY 1 DESC, a ASC NULLS FIRST, b NULLS LAST, c"}},
		{"limit offset parameters in either order",
			"SELECT a FROM t OFFSET $1 LIMIT $2",
			[]string{"SELECT a FROM t LIMIT $2 OFFSET $1"}},
		{"fetch first is limit", "SELECT a FROM t FETCH FIRST 3 ROWS ONLY", []string{"SELECT a FROM t LIMIT 3"}},
		{"limit all", "SELECT a FROM t LIMIT ALL", []string{"SELECT a FROM t LIMIT NULL"}},
		{"commas near limit that are not LIMIT #,#",
			"SELECT (SELECT a FROM t LIMIT 1), b FROM u LIMIT least(1, 2) FOR UPDATE OF u, v; WITH x AS (SELECT 1 LIMIT 1), y AS (SELECT 2) INSERT INTO t SELECT * FROM x LIMIT 1 ON CONFLICT (a, b) DO NOTHING",
			[]string{"SELECT (SELECT a FROM t LIMIT 1), b FROM u LIMIT LEAST(1, 2) FOR UPDATE OF u, v", "WITH x AS (SELECT 1 LIMIT 1), y AS (SELECT 2) INSERT INTO t SELECT * FROM x LIMIT 1 ON CONFLICT (a, b) DO NOTHING"}},
		{"set operations",
			"SELECT a FROM t UNION SELECT b FROM u INTERSECT ALL SELECT c FROM v EXCEPT SELECT d FROM w ORDER BY 1 LIMIT 5",
			[]string{"((SELECT a FROM t) UNION ((SELECT b FROM u) INTERSECT ALL (SELECT c FROM v))) EXCEPT (SELECT d FROM w) ORDER BY 1 LIMIT 5"}},
		{"union all", "SELECT 1 UNION ALL SELECT 2", []string{"(SELECT 1) UNION ALL (SELECT 2)"}},
		{"with recursive walks a tree",
			"WITH RECURSIVE sub(id, parent) AS (SELECT id, parent FROM c WHERE id = $1 UNION ALL SELECT c.id, c.parent FROM c JOIN sub ON c.parent = sub.id) SELECT id FROM sub",
			[]string{"WITH RECURSIVE sub(id, parent) AS ((SELECT id, parent FROM c WHERE (id = $1)) UNION ALL (SELECT c.id, c.parent FROM (c JOIN sub ON (c.parent = sub.id)))) SELECT id FROM sub"}},
		{"with materialized", "WITH a AS MATERIALIZED (SELECT 1), b AS NOT MATERIALIZED (SELECT 2) SELECT * FROM a, b",
			[]string{"WITH a AS MATERIALIZED (SELECT 1), b AS NOT MATERIALIZED (SELECT 2) SELECT * FROM a, b"}},
		{"locking clauses",
			"SELECT * FROM t, u FOR UPDATE OF t NOWAIT FOR SHARE OF u SKIP LOCKED",
			[]string{"SELECT * FROM t, u FOR UPDATE OF t NOWAIT FOR SHARE OF u SKIP LOCKED"}},
		{"other lock strengths", "SELECT * FROM t FOR NO KEY UPDATE FOR KEY SHARE", []string{"SELECT * FROM t FOR NO KEY UPDATE FOR KEY SHARE"}},
		{"values query", "VALUES (1, 'a'), (2, NULL)", []string{"VALUES (1, 'a'), (2, NULL)"}},
		{"values in from", "SELECT * FROM (VALUES (1), (2)) AS v(x)", []string{"SELECT * FROM (VALUES (1), (2)) AS v(x)"}},
		{"function in from", "SELECT s FROM pg_catalog.generate_series(1, 3) s", []string{"SELECT s FROM pg_catalog.generate_series(1, 3) AS s"}},
		{"function in from with ordinality",
			"SELECT * FROM unnest($1) WITH ORDINALITY AS a(x, n), t",
			[]string{"SELECT * FROM unnest($1) WITH ORDINALITY AS a(x, n), t"}},
		{"array subquery and subscripts",
			"SELECT ARRAY(SELECT a FROM t ORDER BY 1), (x)[1], y[i][2] FROM u",
			[]string{"SELECT ARRAY(SELECT a FROM t ORDER BY 1), (x)[1], ((y)[i])[2] FROM u"}},
	})
}

// Ensure each expression form maps to its own node.
func TestParse_Expressions(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"1", "1"},
		{"-5", "-5"},
		{"3.50", "3.50"},
		{"1e10", "1e10"},
		{"99999999999999999999", "99999999999999999999"},
		{"-9223372036854775808", "-9223372036854775808"},
		{"0x1F", "31"},
		{"'it''s'", "'it''s'"},
		{"E'a\\nb'", "'a\nb'"},
		{"$$dollar$$", "'dollar'"},
		{"B'0101'", "B'0101'"},
		{"X'1F'", "X'1F'"},
		{"NULL", "NULL"},
		{"TRUE", "TRUE"},
		{"$3", "$3"},
		{"s.t.c", "s.t.c"},
		{`"Mixed"."Case"`, `"Mixed"."Case"`},
		{"-a", "(- a)"},
		{"a + b * c", "(a + (b * c))"},
		{"a || b", "(a || b)"},
		{"a <> b", "(a <> b)"},
		{"a != b", "(a <> b)"},
		{"a / 2 % 3", "((a / 2) % 3)"},
		{"1 ++ 1", "(1 + 1)"},
		{"a AND b OR NOT c", "((a AND b) OR (NOT c))"},
		{"a IS NULL", "(a IS NULL)"},
		{"a IS NOT NULL", "(a IS NOT NULL)"},
		{"a ISNULL", "(a IS NULL)"},
		{"a IS TRUE", "(a IS TRUE)"},
		{"a IS NOT FALSE", "(a IS NOT FALSE)"},
		{"a IS UNKNOWN", "(a IS UNKNOWN)"},
		{"a IS DISTINCT FROM b", "(a IS DISTINCT FROM b)"},
		{"a IS NOT DISTINCT FROM b", "(a IS NOT DISTINCT FROM b)"},
		{"a BETWEEN 1 AND 2", "(a BETWEEN 1 AND 2)"},
		{"a NOT BETWEEN SYMMETRIC 2 AND 1", "(a NOT BETWEEN SYMMETRIC 2 AND 1)"},
		{"a IN (1, 2)", "(a IN (1, 2))"},
		{"a NOT IN (1, 2)", "(a NOT IN (1, 2))"},
		{"a IN (SELECT b FROM u)", "(a = ANY (SELECT b FROM u))"},
		{"a NOT IN (SELECT b FROM u)", "(NOT (a = ANY (SELECT b FROM u)))"},
		{"a > ALL (SELECT b FROM u)", "(a > ALL (SELECT b FROM u))"},
		{"a = ANY ($1)", "(a = ANY ($1))"},
		{"a <> ALL (ARRAY[1, 2])", "(a <> ALL (ARRAY[1, 2]))"},
		{"a = SOME (ARRAY[1])", "(a = ANY (ARRAY[1]))"},
		{"EXISTS (SELECT 1 FROM u WHERE u.a = t.a)", "EXISTS (SELECT 1 FROM u WHERE (u.a = t.a))"},
		{"(SELECT max(b) FROM u)", "(SELECT max(b) FROM u)"},
		{"a LIKE 'x%'", "(a LIKE 'x%')"},
		{"a NOT LIKE 'x%' ESCAPE '!'", "(a NOT LIKE 'x%' ESCAPE '!')"},
		{"a ILIKE $1", "(a ILIKE $1)"},
		{"a NOT ILIKE 'x'", "(a NOT ILIKE 'x')"},
		{"CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' ELSE 'z' END", "CASE WHEN (a > 0) THEN 'p' WHEN (a < 0) THEN 'n' ELSE 'z' END"},
		{"CASE a WHEN 1 THEN 'one' END", "CASE a WHEN 1 THEN 'one' END"},
		{"COALESCE(a, b, 0)", "COALESCE(a, b, 0)"},
		{"NULLIF(a, 0)", "NULLIF(a, 0)"},
		{"GREATEST(a, 1)", "GREATEST(a, 1)"},
		{"LEAST(a, 1)", "LEAST(a, 1)"},
		{"CAST(a AS varchar(10))", "CAST(a AS varchar(10))"},
		{"a::numeric(5,1)", "CAST(a AS numeric(5, 1))"},
		{"'2020-01-01'::date", "CAST('2020-01-01' AS date)"},
		{"date '2020-01-01'", "CAST('2020-01-01' AS date)"},
		{"$1::text[]", "CAST($1 AS text[])"},
		{"count(*)", "count(*)"},
		{"count(DISTINCT a)", "count(DISTINCT a)"},
		{"string_agg(a, ',' ORDER BY b DESC)", "string_agg(a, ',' ORDER BY b DESC)"},
		{"bool_and(a)", "bool_and(a)"},
		{"pg_catalog.lower(a)", "pg_catalog.lower(a)"},
		{"now()", "now()"},
		{"CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"},
		{"CURRENT_TIMESTAMP(3)", "CURRENT_TIMESTAMP(3)"},
		{"CURRENT_DATE", "CURRENT_DATE"},
		{"LOCALTIMESTAMP", "LOCALTIMESTAMP"},
		{"CURRENT_USER", "CURRENT_USER"},
		{"extract(year FROM a)", "pg_catalog.extract('year', a)"},
		{"substring(a FROM 2 FOR 3)", "pg_catalog.substring(a, 2, 3)"},
		{"trim(both 'x' FROM a)", "pg_catalog.btrim(a, 'x')"},
		{"trim(leading FROM a)", "pg_catalog.ltrim(a)"},
		{"trim(trailing 'x' FROM a)", "pg_catalog.rtrim(a, 'x')"},
		{"trim(a, 'x')", "pg_catalog.btrim(a, 'x')"},
		{"trim(a)", "pg_catalog.btrim(a)"},
		{"a AT TIME ZONE 'UTC'", "pg_catalog.timezone('UTC', a)"},
		{"date_trunc('day', a)", "date_trunc('day', a)"},
		{"ARRAY[1, 2, 3]", "ARRAY[1, 2, 3]"},
		{"ARRAY[[1], [2]]", "ARRAY[ARRAY[1], ARRAY[2]]"},
		{"(a, b) IN ((1, 2), (3, 4))", "(ROW(a, b) IN (ROW(1, 2), ROW(3, 4)))"},
		{"ROW(a, 1)", "ROW(a, 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			stmts, err := Parse("SELECT " + tc.expr)
			require.NoError(t, err)
			require.Len(t, stmts, 1)
			assert.Equal(t, "SELECT "+tc.want, stmts[0].String())
		})
	}
}

// Ensure transaction and session statements translate.
func TestParse_Session(t *testing.T) {
	runTranslations(t, []translationCase{
		{"begin forms",
			"BEGIN; BEGIN TRANSACTION; START TRANSACTION; BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE; START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ WRITE; BEGIN ISOLATION LEVEL READ COMMITTED; BEGIN ISOLATION LEVEL READ UNCOMMITTED",
			[]string{"BEGIN", "BEGIN", "BEGIN", "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE", "BEGIN ISOLATION LEVEL REPEATABLE READ, READ WRITE", "BEGIN ISOLATION LEVEL READ COMMITTED", "BEGIN ISOLATION LEVEL READ UNCOMMITTED"}},
		{"commit and rollback forms",
			"COMMIT; END; COMMIT WORK; ROLLBACK; ABORT; ROLLBACK TRANSACTION",
			[]string{"COMMIT", "COMMIT", "COMMIT", "ROLLBACK", "ROLLBACK", "ROLLBACK"}},
		{"savepoints",
			"SAVEPOINT sp1; RELEASE sp1; RELEASE SAVEPOINT sp1; ROLLBACK TO sp1; ROLLBACK TO SAVEPOINT sp1",
			[]string{"SAVEPOINT sp1", "RELEASE SAVEPOINT sp1", "RELEASE SAVEPOINT sp1", "ROLLBACK TO SAVEPOINT sp1", "ROLLBACK TO SAVEPOINT sp1"}},
		{"set constraints",
			"SET CONSTRAINTS ALL DEFERRED; SET CONSTRAINTS fk1, s.fk2 IMMEDIATE",
			[]string{"SET CONSTRAINTS ALL DEFERRED", "SET CONSTRAINTS fk1, s.fk2 IMMEDIATE"}},
		{"set transaction", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", []string{"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"}},
		{"set variables",
			"SET search_path TO public, app; SET LOCAL statement_timeout = 5000; SET TIME ZONE 'UTC'; SET datestyle TO DEFAULT; SET application_name = 'x'",
			[]string{"SET search_path TO 'public', 'app'", "SET LOCAL statement_timeout TO 5000", "SET timezone TO 'UTC'", "SET datestyle TO DEFAULT", "SET application_name TO 'x'"}},
		{"show and reset",
			"SHOW TimeZone; SHOW ALL; RESET search_path; RESET ALL",
			[]string{"SHOW timezone", "SHOW ALL", "RESET search_path", "RESET ALL"}},
		{"explain",
			"EXPLAIN SELECT 1; EXPLAIN ANALYZE SELECT 1; EXPLAIN (ANALYZE, COSTS OFF, FORMAT JSON) DELETE FROM t",
			[]string{"EXPLAIN SELECT 1", "EXPLAIN (analyze) SELECT 1", "EXPLAIN (analyze, costs off, format json) DELETE FROM t"}},
	})
}

// Ensure integer literals are integers whatever token the lexer made of
// them, and only non-integers are numeric.
func TestParse_IntegerLiterals(t *testing.T) {
	tests := []struct {
		lit  string
		kind ir.ConstKind
	}{
		{"2147483648", ir.ConstInteger},
		{"-9223372036854775808", ir.ConstInteger},
		{"9223372036854775808", ir.ConstNumeric},
		{"1.0", ir.ConstNumeric},
		{"1e3", ir.ConstNumeric},
	}
	for _, tc := range tests {
		t.Run(tc.lit, func(t *testing.T) {
			stmts, err := Parse("SELECT " + tc.lit)
			require.NoError(t, err)
			c := stmts[0].(*ir.Select).Targets[0].Expr.(*ir.Const)
			assert.Equal(t, tc.kind, c.Kind)
			assert.Equal(t, tc.lit, c.Value)
		})
	}
}

// Ensure an ORDER BY or GROUP BY integer is an ordinal node, not a constant.
func TestParse_Ordinals(t *testing.T) {
	stmts, err := Parse("SELECT a FROM t GROUP BY 1 ORDER BY 1, 1 + 0")
	require.NoError(t, err)
	sel := stmts[0].(*ir.Select)
	assert.Equal(t, &ir.Ordinal{N: 1}, sel.GroupBy[0])
	assert.Equal(t, &ir.Ordinal{N: 1}, sel.OrderBy[0].Expr)
	assert.IsType(t, &ir.Binary{}, sel.OrderBy[1].Expr)
}

// Ensure parameters carry their number and the byte offset of their '$',
// whatever pgparser does with them.
func TestParse_ParamLocations(t *testing.T) {
	sql := "SELECT 'é', $2 FROM t WHERE a = $1"
	stmts, err := Parse(sql)
	require.NoError(t, err)
	sel := stmts[0].(*ir.Select)
	p2 := sel.Targets[1].Expr.(*ir.Param)
	p1 := sel.Where.(*ir.Binary).Right.(*ir.Param)
	assert.Equal(t, ir.Param{Number: 2, Location: 13}, *p2)
	assert.Equal(t, ir.Param{Number: 1, Location: 33}, *p1)
	assert.Equal(t, "$2", sql[p2.Location:p2.Location+2])
}

// Ensure a user identifier that looks like our parameter marker is left alone.
func TestParse_MarkerCollision(t *testing.T) {
	runTranslations(t, []translationCase{
		{"quoted identifier like a marker", `SELECT "$p0", "$pp0", $1 FROM t`, []string{`SELECT "$p0", "$pp0", $1 FROM t`}},
		{"dollar inside identifiers and literals", "SELECT a$1, '$1', $q$ $1 $q$, $1 -- $2\nFROM t /* $3 */", []string{"SELECT a$1, '$1', ' $1 ', $1 FROM t"}},
	})
}
