package parsecheck

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpus returns every statement of the differential corpus's scenario
// files: the SQL of each exec and query block, one statement per entry
// (a statement's last line ends with ";").
func corpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../conformance/testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	var stmts []string
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		inSQL := false
		var cur []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case !inSQL && (strings.HasPrefix(line, "exec") || strings.HasPrefix(line, "query")):
				inSQL, cur = true, nil
			case inSQL && line == "----":
				inSQL = false
			case inSQL && strings.TrimSpace(line) != "":
				cur = append(cur, line)
				if strings.HasSuffix(strings.TrimSpace(line), ";") {
					stmts = append(stmts, strings.Join(cur, "\n"))
					cur = nil
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return stmts
}

// corners are lexical and grammatical corner cases, each of which
// PostgreSQL's grammar either accepts or rejects; the test asserts only
// that reldb decides the same.
var corners = []string{
	// strings and escapes
	"SELECT 'abc",
	"SELECT 'a''b'",
	"SELECT E'a\\'b'",
	"SELECT E'\\x'",
	"SELECT E'\\u00e9'",
	"SELECT U&'d\\0061t\\+000061'",
	"SELECT U&'\\zzzz'",
	"SELECT 'a' 'b'",
	"SELECT 'a'\n'b'",
	"SELECT $$dollar$$",
	"SELECT $tag$ a $$ b $tag$",
	"SELECT $tag$ unterminated",
	"SELECT B'1010', X'1F'",
	"SELECT B'102'",
	`SELECT "quoted ident"`,
	`SELECT "unterminated`,
	`SELECT ""`,
	// comments
	"SELECT 1 /* open comment",
	"SELECT 1 /* nested /* comment */ */",
	"SELECT 1 -- trailing",
	// numbers
	"SELECT 1e10, 1.5e-3, .5, 5.",
	"SELECT 1_000_000",
	"SELECT 0x1F, 0o17, 0b101",
	"SELECT 123abc",
	"SELECT 1.2.3",
	// operators and punctuation
	"SELECT 1 +- 2",
	"SELECT 2 ^ 3 ! ",
	"SELECT a::int::text FROM t",
	"SELECT (1, 2",
	"SELECT 1)",
	"SELECT ,1",
	"SELECT 1,",
	"SELECT * FROM t WHERE",
	"SELECT * FROM t t2 t3",
	// parameters
	"SELECT $1",
	"SELECT $0",
	"SELECT $1a",
	// keywords as names
	"SELECT 1 AS select",
	"SELECT 1 AS \"select\"",
	"CREATE TABLE user (id int)",
	"CREATE TABLE t (order int)",
	"CREATE TABLE t (name text, value text, type text)",
	"SELECT year FROM t",
	// statements
	"",
	";",
	";;",
	"SELECT 1; SELECT 2",
	"SELECT 1 SELECT 2",
	"INSERT INTO t VALUES",
	"INSERT INTO t DEFAULT VALUES",
	"UPDATE t SET a = 1, WHERE b",
	"DELETE t",
	"CREATE TABLE t ()",
	"CREATE TABLE t (a int,)",
	"CREATE INDEX ON t (a)",
	"CREATE UNIQUE INDEX i ON t (lower(a), (b + 1)) INCLUDE (c) WITH (fillfactor = 90) WHERE d IS NULL",
	"CREATE INDEX ON t ((SELECT 1))",
	`CREATE INDEX ON t (a varchar_pattern_ops, b COLLATE "C" DESC NULLS LAST)`,
	"CREATE INDEX ON t (a) INCLUDE (lower(b))",
	"CREATE TABLE t (a int, PRIMARY KEY (a) INCLUDE (b) WITH (fillfactor = 70))",
	"INSERT INTO t VALUES (1) ON CONFLICT (lower(a)) WHERE b DO NOTHING",
	"INSERT INTO t VALUES (1) ON CONFLICT WHERE b DO NOTHING",
	"DROP TABLE",
	"BEGIN ISOLATION LEVEL SERIALIZABLE",
	"BEGIN ISOLATION LEVEL CHAOS",
	"SELECT * FROM t LIMIT 1, 2",
	"SELECT * FROM t FOR UPDATE SKIP LOCKED",
	"SELECT * FROM t FOR SHARE NOWAIT",
	"WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r",
	"SELECT CASE WHEN true THEN 1 END",
	"SELECT CASE END",
	"SELECT ARRAY[1, 2][1]",
	"SELECT (ARRAY[1, 2])[1]",
	"SELECT TRIM(BOTH 'x' FROM 'xax')",
	"SELECT TRIM(BOTH FROM)",
	"SELECT count(*) FILTER (WHERE a) FROM t",
	"SELECT * FROM t ORDER BY a USING <",
	"VALUES (1), (2)",
	"TABLE t",
	"SET search_path TO public, pg_catalog",
	"SHOW",
}

// TestCorpus_AcceptReject: on every statement of the corpus the two
// grammars decide alike.
func TestCorpus_AcceptReject(t *testing.T) {
	stmts := corpus(t)
	if len(stmts) < 500 {
		t.Fatalf("read %d corpus statements, want the whole corpus", len(stmts))
	}
	for _, s := range stmts {
		if v := Check(s); !v.Agree() {
			t.Errorf("%q\nPostgreSQL: %v\nreldb:      %v", s, v.PostgreSQL, v.Reldb)
		}
	}
	t.Logf("%d corpus statements", len(stmts))
}

// TestCorners_AcceptReject: on lexical and grammatical corner cases the
// two grammars decide alike.
func TestCorners_AcceptReject(t *testing.T) {
	for _, s := range corners {
		if v := Check(s); !v.Agree() {
			t.Errorf("%q\nPostgreSQL: %v\nreldb:      %v", s, v.PostgreSQL, v.Reldb)
		}
	}
}

// FuzzAcceptReject: on any text the two grammars decide alike.
func FuzzAcceptReject(f *testing.F) {
	for _, s := range corners {
		f.Add(s)
	}
	for _, s := range corpus(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !Comparable(s) {
			t.Skip()
		}
		if v := Check(s); !v.Agree() {
			t.Errorf("%q\nPostgreSQL: %v\nreldb:      %v", s, v.PostgreSQL, v.Reldb)
		}
	})
}

// TestKnown_StillDiffer: each known difference still shows on an example,
// so that the list cannot hide a disagreement that has gone away or
// changed.
func TestKnown_StillDiffer(t *testing.T) {
	examples := map[string]string{
		"ON CONFLICT DO UPDATE requires inference specification": "INSERT INTO t VALUES (1) ON CONFLICT DO UPDATE SET a = 1",
		"VALUES lists must all be the same length":               "VALUES (1), (1, 2)",
		"DEFAULT is not allowed in this context":                 "SELECT DEFAULT",
		"non-integer constant in ORDER BY":                       "SELECT a FROM t ORDER BY 'a'",
		"conflicting NULL/NOT NULL declarations":                 "CREATE TABLE t (a int NULL NOT NULL)",
		"conflicting NULL/NOT NULL constraints":                  "CREATE DOMAIN d AS int NULL NOT NULL",
		"multiple default values specified":                      "CREATE TABLE t (a int DEFAULT 1 DEFAULT 2)",
		"trailing junk after parameter":                          "SELECT $1abc",
		"argument name":                                          "SELECT make_interval(days => 1, days => 2)",
		"positional argument cannot follow named argument":       "SELECT make_interval(days => 1, 2)",
	}
	for prefix := range Known {
		sql, ok := examples[prefix]
		if !ok {
			t.Errorf("known difference %q has no example", prefix)
			continue
		}
		v := Check(sql)
		if v.PostgreSQL != nil || !rejects(v.Reldb) || !strings.HasPrefix(pgerrMessage(v.Reldb), prefix) {
			t.Errorf("%q no longer differs as listed\nPostgreSQL: %v\nreldb:      %v", sql, v.PostgreSQL, v.Reldb)
		}
	}
}
