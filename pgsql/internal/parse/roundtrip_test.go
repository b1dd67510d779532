package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure the canonical form of a query or DML statement is SQL that
// parses back to the same statement, so EXPLAIN output and test
// expectations can be pasted back in. (DDL's canonical form is a dump,
// not SQL: serial columns and column-level foreign keys print differently.)
func TestParse_CanonicalRoundTrip(t *testing.T) {
	for _, sql := range roundTripSQL {
		t.Run(sql, func(t *testing.T) {
			first, err := Parse(sql)
			require.NoError(t, err)
			for _, s := range first {
				again, err := Parse(s.String())
				require.NoError(t, err, s.String())
				require.Len(t, again, 1)
				assert.Equal(t, s.String(), again[0].String())
				assert.IsType(t, s, again[0])
			}
		})
	}
}

// roundTripSQL are statements whose canonical forms must read back; they
// also seed FuzzRoundTrip.
var roundTripSQL = []string{
	`SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT $1`,
	`SELECT "user", "left", "Select" FROM "order" AS "group" WHERE "from" = 1`,
	"SELECT count(DISTINCT a), string_agg(b, ',' ORDER BY c DESC NULLS FIRST) FROM t GROUP BY 1 HAVING count(*) > $2",
	"SELECT a FROM t WHERE a IN (1, 2) AND b NOT IN (SELECT c FROM u) AND d = ANY ($1::int8[]) AND e BETWEEN SYMMETRIC 1 AND 2",
	"SELECT CASE WHEN a THEN 1 ELSE 2 END, CASE b WHEN 1 THEN 'x' END, COALESCE(a, 0), NULLIF(a, 1), GREATEST(1, 2), LEAST(3, 4)",
	"SELECT a LIKE 'x' ESCAPE '!', b NOT ILIKE 'y', c IS NOT DISTINCT FROM d, e IS NOT TRUE, f IS NULL, EXISTS (SELECT 1)",
	"SELECT CAST(a AS varchar(10)), b::numeric(10, 2), 'x'::text[], date '2020-01-01', char 'x', CURRENT_TIMESTAMP(3), ARRAY[1, 2], ROW(1, 2)",
	"SELECT extract(year FROM a), substring(b FROM 1 FOR 2), trim(both 'x' FROM c), d AT TIME ZONE 'UTC', -5, -a, 1e10, B'01', 9223372036854775808",
	"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r",
	"WITH d AS (DELETE FROM t WHERE a < $1 RETURNING a, b), u(x) AS (UPDATE v SET c = 1 FROM d WHERE v.a = d.a RETURNING c), i AS (WITH s AS (SELECT 1 AS a) INSERT INTO w SELECT a FROM s ON CONFLICT (a) DO NOTHING) INSERT INTO log SELECT a, b FROM d",
	"SELECT * FROM a JOIN b ON a.id = b.aid LEFT JOIN c USING (k) FULL JOIN d ON TRUE CROSS JOIN e, (SELECT 1) AS s(x) FOR UPDATE OF a SKIP LOCKED",
	"SELECT a FROM t UNION SELECT b FROM u INTERSECT ALL SELECT c FROM v EXCEPT SELECT d FROM w ORDER BY 1 LIMIT ALL OFFSET $1",
	"VALUES (1, 'a'), (2, NULL)",
	"SELECT DISTINCT ON (a, 2) a, rank() OVER (PARTITION BY b ORDER BY c DESC), sum(d) OVER w, count(*) OVER (w ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING) FROM t WINDOW w AS (PARTITION BY e), \"v w\" AS (w ORDER BY f RANGE CURRENT ROW) ORDER BY a",
	"SELECT '1'::interval, '1'::interval day, '1'::interval day to second(3), '1'::interval(2), '1'::interval year to month",
	"INSERT INTO t AS x (a, b) VALUES (1, DEFAULT), ($1, $2) ON CONFLICT (a) DO UPDATE SET b = excluded.b WHERE x.b IS NULL RETURNING *",
	"INSERT INTO t DEFAULT VALUES",
	"INSERT INTO t SELECT * FROM u ON CONFLICT ON CONSTRAINT t_pkey DO NOTHING",
	"INSERT INTO t VALUES (1) ON CONFLICT (a, (lower(b))) WHERE c > 0 DO UPDATE SET a = 2",
	"CREATE UNIQUE INDEX IF NOT EXISTS i ON t ((a + 1), lower(b) DESC) INCLUDE (c, d) WITH (fillfactor = 70, deduplicate_items) WHERE c AND NOT d",
	`CREATE INDEX i ON t (a varchar_pattern_ops, b COLLATE "C" DESC, (lower(c)) pg_catalog.text_pattern_ops NULLS FIRST)`,
	"UPDATE t SET (a, b) = (1, DEFAULT) FROM u WHERE t.id = u.id RETURNING t.a AS x",
	"DELETE FROM t USING u WHERE t.id = u.id RETURNING t.*",
	"BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY; SAVEPOINT s; ROLLBACK TO SAVEPOINT s; RELEASE SAVEPOINT s; COMMIT; ROLLBACK",
	"SET CONSTRAINTS ALL DEFERRED; SET CONSTRAINTS a, s.b IMMEDIATE; SET search_path TO public; RESET ALL; SHOW ALL; SHOW work_mem",
	"EXPLAIN (analyze, costs off) SELECT 1",
}
