package parse

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// parseError parses sql and returns its *pgerr.Error, failing the test if
// parsing succeeds or the error has another type.
func parseError(t *testing.T, sql string) *pgerr.Error {
	t.Helper()
	stmts, err := Parse(sql)
	require.Error(t, err, "parsed as %v", stmts)
	var pe *pgerr.Error
	require.ErrorAs(t, err, &pe)
	return pe
}

// Ensure every unsupported construct is 0A000 naming it, never another IR.
func TestParse_Unsupported(t *testing.T) {
	tests := []struct{ sql, message string }{
		{"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "MERGE is not supported"},
		{"COPY t FROM STDIN", "COPY is not supported"},
		{"CREATE SEQUENCE s SEQUENCE NAME t", "SEQUENCE NAME option is not supported"},
		{"CREATE SCHEMA s", "CREATE SCHEMA is not supported"},
		{"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION f()", "FOR EACH STATEMENT trigger is not supported"},
		{"CREATE TRIGGER tr INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION f()", "INSTEAD OF trigger is not supported"},
		{"CREATE CONSTRAINT TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", "CREATE CONSTRAINT TRIGGER is not supported"},
		{"ALTER TABLE t ENABLE ALWAYS TRIGGER tr", "ALTER TABLE ... ENABLE ALWAYS TRIGGER is not supported"},
		{"PREPARE p AS SELECT 1", "PREPARE is not supported"},
		{"DEALLOCATE ALL", "DEALLOCATE is not supported"},
		{"LOCK TABLE t", "LOCK is not supported"},
		{"DISCARD ALL", "DISCARD is not supported"},
		{"ALTER ROLE u SET search_path TO x", "ALTER ROLE ... SET is not supported"},
		{"CREATE MATERIALIZED VIEW mv AS SELECT 1", "CREATE MATERIALIZED VIEW is not supported"},
		{"SELECT 1 INTO t2 UNION SELECT 2", "SELECT INTO is not supported"},
		{"CREATE TEMP TABLE t (a int)", "TEMPORARY table is not supported"},
		{"CREATE UNLOGGED TABLE t (a int)", "UNLOGGED table is not supported"},
		{"CREATE TABLE t (a int) INHERITS (p)", "INHERITS is not supported"},
		{"CREATE TABLE t (a int) PARTITION BY RANGE (a)", "PARTITION BY is not supported"},
		{"CREATE TABLE t (LIKE u)", "LIKE in CREATE TABLE is not supported"},
		{"CREATE TABLE t (a text COLLATE \"C\")", "COLLATE is not supported"},
		{"CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME s))", "SEQUENCE NAME option is not supported"},
		{"CREATE TABLE t (a int REFERENCES p MATCH PARTIAL)", "MATCH PARTIAL is not supported"},
		{"CREATE TABLE t (a int, CHECK (a > 0) NO INHERIT)", "NO INHERIT is not supported"},
		{"CREATE TABLE t (a int, CHECK (a > 0) DEFERRABLE)", "DEFERRABLE on a CHECK constraint is not supported"},
		{"CREATE TABLE t (a int, EXCLUDE USING gist (a WITH =))", "EXCLUDE constraint is not supported"},
		{"CREATE TABLE t (a int, PRIMARY KEY (a) USING INDEX TABLESPACE x)", "USING INDEX TABLESPACE is not supported"},
		{"ALTER TABLE t ADD CONSTRAINT c UNIQUE (a) NOT VALID", "UNIQUE constraints cannot be marked NOT VALID"},
		{"CREATE INDEX i ON t USING gin (a)", "index access method gin is not supported"},
		{"CREATE INDEX i ON t (a) INCLUDE (lower(b))", "expressions are not supported in included columns"},
		{"CREATE INDEX i ON t (a text_pattern_ops (siglen = 3))", "operator class parameters is not supported"},
		{"CREATE INDEX i ON t (a myschema.my_ops)", "operator class myschema.my_ops is not supported"},
		{"ALTER TABLE t ALTER COLUMN a SET STATISTICS 100", "ALTER TABLE ... ALTER COLUMN ... SET STATISTICS is not supported"},
		{"ALTER INDEX i ALTER COLUMN 1 SET STATISTICS 10", "ALTER INDEX is not supported"},
		{"ALTER VIEW v RENAME TO w", "ALTER VIEW ... RENAME is not supported"},
		{"CREATE VIEW v AS SELECT 1 WITH CHECK OPTION", "WITH CHECK OPTION is not supported"},
		{"COMMENT ON SCHEMA s IS 'x'", "COMMENT ON SCHEMA is not supported"},
		{"SELECT sum(a) OVER (ORDER BY a GROUPS CURRENT ROW) FROM t", "GROUPS frame is not supported"},
		{"SELECT sum(a) OVER (ROWS CURRENT ROW EXCLUDE TIES) FROM t", "EXCLUDE in a window frame is not supported"},
		{"SELECT a FROM t WINDOW w AS (ORDER BY a RANGE 1 PRECEDING)", "RANGE with offset PRECEDING or FOLLOWING is not supported"},

		{"SELECT * FROM ROWS FROM (generate_series(1, 3), generate_series(1, 2))", "ROWS FROM is not supported"},
		{"SELECT * FROM f(1) AS x(a int, b text)", "column definition list in FROM is not supported"},
		{"SELECT * FROM t TABLESAMPLE SYSTEM (10)", "TABLESAMPLE is not supported"},
		{"SELECT * FROM t FETCH FIRST 1 ROWS WITH TIES", "FETCH FIRST ... WITH TIES is not supported"},
		{"SELECT a[1:2] FROM t", "array slice is not supported"},
		{"SELECT (r).f FROM t", "field selection is not supported"},
		{"SELECT a COLLATE \"en_US\" FROM t", "COLLATE is not supported"},
		{"SELECT a OPERATOR(pg_catalog.+) b FROM t", ""},
		{"SELECT a OPERATOR(s.+) b FROM t", "OPERATOR() syntax is not supported"},
		{"SELECT pg_catalog.f(x => 1)", "named function argument is not supported"},
		{"SELECT f(VARIADIC ARRAY[1])", "VARIADIC is not supported"},
		{"SELECT otherdb.s.t.c FROM t", "cross-database reference is not supported"},
		{"CREATE VIEW v AS WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "data-modifying statement in WITH is not supported"},
		{"UPDATE t SET (a, b) = (SELECT 1, 2)", "multiple-column UPDATE from a subquery is not supported"},
		{"UPDATE t SET a[1] = 2", "assignment to an array element or field is not supported"},
		{"DELETE FROM t WHERE CURRENT OF c", "WHERE CURRENT OF is not supported"},
		{"COMMIT AND CHAIN", "COMMIT AND CHAIN is not supported"},
		{"PREPARE TRANSACTION 'x'", "two-phase commit is not supported"},
		{"SELECT trim('x' FROM a), trim(a, 'y') FROM t", "TRIM(characters FROM string) together with TRIM(string, characters) in one text is not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			if tc.message == "" {
				_, err := Parse(tc.sql)
				require.NoError(t, err, "OPERATOR(pg_catalog.op) is the plain operator")
				return
			}
			pe := parseError(t, tc.sql)
			assert.Equal(t, pgerr.FeatureNotSupported, pe.Code)
			assert.Equal(t, tc.message, pe.Message)
		})
	}
}

// Ensure syntax and lexical errors are 42601 with PostgreSQL's message and
// a 1-based character position.
func TestParse_SyntaxErrors(t *testing.T) {
	tests := []struct {
		name, sql, message string
		position           int
	}{
		{"misspelt keyword", "SELECT * FORM t", `syntax error at or near "FORM"`, 10},
		{"after multibyte text", "SELECT 'é', * FORM t", `syntax error at or near "FORM"`, 15},
		{"end of input", "SELECT 1 +", "syntax error at end of input", 11},
		{"end of input after space", "SELECT * FROM t WHERE ", "syntax error at end of input", 23},
		{"string literal last", "SELECT 'a' 'b'", `syntax error at or near "'b'"`, 12},
		{"line comment at the end", "SELECT 1 + -- c", "syntax error at end of input", 16},
		{"second statement", "SELECT 1; SELEC 2", `syntax error at or near "SELEC"`, 11},
		{"parameter as table", "SELECT * FROM $1", `syntax error at or near "$1"`, 15},
		{"parameter as alias", "SELECT 1 $1", `syntax error at or near "$1"`, 10},
		{"parameter as qualified column", "SELECT t.$2 FROM t", `syntax error at or near "$2"`, 10},
		{"unterminated string", "SELECT 'abc", `unterminated quoted string at or near "'abc"`, 8},
		{"unterminated escape string", `SELECT E'a\'`, `unterminated quoted string at or near "E'a\'"`, 8},
		{"unterminated bit string", "SELECT B'01", `unterminated bit string literal at or near "B'01"`, 8},
		{"unterminated hex string", "SELECT X'1F", `unterminated hexadecimal string literal at or near "X'1F"`, 8},
		{"unterminated quoted identifier", `SELECT "abc`, `unterminated quoted identifier at or near ""abc"`, 8},
		{"zero-length identifier", `SELECT ""`, `zero-length delimited identifier at or near """"`, 8},
		{"unterminated dollar quote", "SELECT $x$abc", `unterminated dollar-quoted string at or near "$x$abc"`, 8},
		{"unterminated comment", "SELECT 1 /* a /* b */", `unterminated /* comment at or near "/* a /* b */"`, 10},
		{"trailing junk after number", "SELECT 123abc", `trailing junk after numeric literal at or near "123abc"`, 8},
		{"underscore at the end of a number", "SELECT 0_", `trailing junk after numeric literal at or near "0_"`, 8},
		{"two underscores in a number", "SELECT 1__2", `trailing junk after numeric literal at or near "1__2"`, 8},
		{"underscore before a point", "SELECT 1_.5", `trailing junk after numeric literal at or near "1_"`, 8},
		{"trailing junk after parameter", "SELECT $1abc", `trailing junk after parameter at or near "$1abc"`, 8},
		{"operator run too long", "SELECT 1 " + strings.Repeat("+", 64) + " 1", `operator too long at or near "` + strings.Repeat("+", 64) + `"`, 10},
		{"values of different lengths", "INSERT INTO t VALUES (1), (1, 2)", "VALUES lists must all be the same length", 15},
		{"default outside values", "SELECT DEFAULT", "DEFAULT is not allowed in this context", 8},
		{"default nested in values", "INSERT INTO t VALUES (DEFAULT + 1)", "DEFAULT is not allowed in this context", 23},
		{"non-integer order by constant", "SELECT a FROM t ORDER BY 'a'", "non-integer constant in ORDER BY", 0},
		{"misplaced deferrable", "CREATE TABLE t (a int CHECK (a > 0) NOT DEFERRABLE)", "misplaced NOT DEFERRABLE clause", 37},
		{"conflicting null declarations", "CREATE TABLE t (a int NULL NOT NULL)", `conflicting NULL/NOT NULL declarations for column "a"`, 0},
		{"two defaults", "CREATE TABLE t (a int DEFAULT 1 DEFAULT 2)", `multiple default values specified for column "a"`, 0},
		{"do update without target", "INSERT INTO t VALUES (1) ON CONFLICT DO UPDATE SET a = 1", "ON CONFLICT DO UPDATE requires inference specification or constraint name", 29},
		{"subscript straight after ARRAY[]", "SELECT ARRAY[1, 2][1]", `syntax error at or near "["`, 19},
		{"subscript straight after ARRAY()", "SELECT ARRAY(SELECT 1)[1]", `syntax error at or near "["`, 23},
		{"limit with a comma", "SELECT a FROM t LIMIT $1, $2", "LIMIT #,# syntax is not supported", 17},
		{"bad isolation level is a grammar error", "BEGIN ISOLATION LEVEL SOMETIMES", `syntax error at or near "SOMETIMES"`, 23},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pe := parseError(t, tc.sql)
			assert.Equal(t, pgerr.SyntaxError, pe.Code)
			assert.Equal(t, tc.message, pe.Message)
			assert.Equal(t, tc.position, pe.Position)
		})
	}
}

// Ensure text PostgreSQL cannot receive is refused with 22021.
func TestParse_InvalidEncoding(t *testing.T) {
	for _, sql := range []string{"SELECT 'a\x00b'", "SELECT '\xff'"} {
		pe := parseError(t, sql)
		assert.Equal(t, pgerr.CharacterNotInRepertoire, pe.Code)
	}
}

// Ensure empty and comment-only texts are zero statements, not errors.
func TestParse_Empty(t *testing.T) {
	for _, sql := range []string{"", "  ", ";", ";;", "-- only a comment", "/* c */ ;"} {
		stmts, err := Parse(sql)
		require.NoError(t, err, sql)
		assert.Empty(t, stmts, sql)
	}
}

// Ensure errors found while translating point at their construct's
// keyword in the right statement, or at the statement's start.
func TestParse_ErrorPositions(t *testing.T) {
	tests := []struct {
		name, sql string
		position  int
	}{
		{"keyword of the construct", "SELECT 1; SELECT * FROM t TABLESAMPLE SYSTEM (10)", 27},
		{"keyword named by the table", "CREATE INDEX i ON t (a) TABLESPACE x", 25},
		{"statement start", "SELECT 1;\n  CREATE SCHEMA s", 13},
		{"default keyword", "SELECT 1, DEFAULT", 11},
		{"lower-case keyword", "select * from t tablesample system (10)", 17},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pe := parseError(t, tc.sql)
			assert.Equal(t, tc.position, pe.Position, pe.Message)
		})
	}
}
