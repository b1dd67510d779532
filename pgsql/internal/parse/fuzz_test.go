package parse

import (
	"errors"
	"fmt"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// FuzzParse checks that any text parses or fails cleanly: no panic, no
// hang, only *pgerr.Error with a code and a position inside the text, and
// canonical forms that print. Seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT 1",
		`SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT $1`,
		"INSERT INTO t (a) VALUES ($1), (DEFAULT) ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a RETURNING *",
		"CREATE TABLE t (id bigserial PRIMARY KEY, p int REFERENCES p ON DELETE SET NULL INITIALLY DEFERRED)",
		"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT trim(both 'x' FROM a) FROM r",
		"SELECT 'abc",
		"SELECT $$a$$, E'\\'', /* c */ $1::text[]",
		"BEGIN ISOLATION LEVEL SERIALIZABLE; SET CONSTRAINTS ALL DEFERRED; COMMIT",
		"ALTER TABLE t ALTER COLUMN a TYPE numeric(6, 2) USING a / 100, ALTER b SET DATA TYPE text USING (b, ',')::text; SELECT 1",
		"ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID, VALIDATE CONSTRAINT c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		// A hang would otherwise stall the fuzzer silently; crashing the
		// worker makes it record the input.
		watchdog := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("Parse(%q) hangs", sql)) })
		defer watchdog.Stop()
		stmts, err := Parse(sql)
		if err != nil {
			checkCleanError(t, err, sql)
			return
		}
		for _, s := range stmts {
			_ = s.String()
		}
		if _, err := Split(sql); err != nil {
			t.Fatalf("Parse accepted what Split rejects: %v", err)
		}
	})
}

// checkCleanError fails t unless err, the refusal of text, is a
// *pgerr.Error with a SQLSTATE, a message and a position inside text.
func checkCleanError(t *testing.T, err error, text string) {
	t.Helper()
	var pe *pgerr.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error of type %T: %v", err, err)
	}
	if len(pe.Code) != 5 || pe.Message == "" {
		t.Fatalf("malformed error %#v", pe)
	}
	if pe.Position < 0 || utf8.ValidString(text) && pe.Position > utf8.RuneCountInString(text)+1 {
		t.Fatalf("position %d outside %q", pe.Position, text)
	}
}
