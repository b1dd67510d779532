package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure a row a BEFORE trigger changes gets its generated column and its
// expression index's key from the row as the trigger left it (PostgreSQL
// computes generated columns after BEFORE triggers), on INSERT, UPDATE
// and both paths of ON CONFLICT.
func TestGenerated_AfterBeforeTriggers(t *testing.T) {
	s := newSession(t)
	for _, c := range []struct{ sql, want string }{
		{`CREATE TABLE people (id int PRIMARY KEY, email text, norm text GENERATED ALWAYS AS (lower(email)) STORED)`, "CREATE TABLE"},
		{`CREATE UNIQUE INDEX people_email ON people (lower(email))`, "CREATE INDEX"},
		{`CREATE FUNCTION trim_email() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.email := trim(NEW.email); RETURN NEW; END $$`, "CREATE FUNCTION"},
		{`CREATE TRIGGER people_trim BEFORE INSERT OR UPDATE ON people FOR EACH ROW EXECUTE FUNCTION trim_email()`, "CREATE TRIGGER"},
		{`INSERT INTO people (id, email) VALUES (1, '  A@X.org ')`, "INSERT 0 1"},
		{`INSERT INTO people (id, email) VALUES (2, 'a@x.ORG')`, "ERROR 23505"},
		{`INSERT INTO people (id, email) VALUES (2, ' b@y ')`, "INSERT 0 1"},
		{`UPDATE people SET email = ' C@z' WHERE id = 2`, "UPDATE 1"},
		{`INSERT INTO people (id, email) VALUES (3, 'c@Z ') ON CONFLICT (lower(email)) DO NOTHING`, "INSERT 0 0"},
		{`INSERT INTO people (id, email) VALUES (1, 'D@w ') ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email || ' '`, "INSERT 0 1"},
	} {
		assert.Equal(t, c.want, outcome(t, s, c.sql), c.sql)
	}
	assert.Equal(t, [][]string{{"1", "D@w", "d@w"}, {"2", "C@z", "c@z"}}, texts(t, s, `SELECT id, email, norm FROM people ORDER BY id`))
}
