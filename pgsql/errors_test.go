package pgsql_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// Ensure constraint errors carry PostgreSQL 15's message, detail and
// fields, as a client reading *pgconn.PgError or pq.Error sees them: the
// table and constraint always, a column only for not-null.
func TestSession_Exec_ConstraintErrorFields(t *testing.T) {
	s := newSession(t)
	for _, stmt := range []string{
		`CREATE TABLE p (id bigint PRIMARY KEY, email text UNIQUE)`,
		`CREATE TABLE c (id bigint PRIMARY KEY, p_id bigint NOT NULL REFERENCES p (id) ON DELETE RESTRICT)`,
		`INSERT INTO p VALUES (1, 'a')`,
		`INSERT INTO c VALUES (1, 1)`,
		// No primary key: the hidden row identity is no column of a
		// failing row. Values of every kind in their text form.
		`CREATE TABLE nn (id int, a text NOT NULL, b numeric(6,2), c boolean, d timestamp, e text,
			CHECK (id < 100))`,
		`INSERT INTO nn VALUES (1, 'ok', 1, true, '2024-01-02 03:04:05', 'x')`,
	} {
		_, err := s.Exec(t.Context(), stmt)
		require.NoError(t, err, stmt)
	}
	tests := []struct {
		sql  string
		want pgsql.Error
	}{
		{`INSERT INTO c VALUES (2, 99)`, pgsql.Error{Code: "23503", Table: "c", Constraint: "c_p_id_fkey",
			Message: `insert or update on table "c" violates foreign key constraint "c_p_id_fkey"`,
			Detail:  `Key (p_id)=(99) is not present in table "p".`}},
		{`DELETE FROM p WHERE id = 1`, pgsql.Error{Code: "23503", Table: "c", Constraint: "c_p_id_fkey",
			Message: `update or delete on table "p" violates foreign key constraint "c_p_id_fkey" on table "c"`,
			Detail:  `Key (id)=(1) is still referenced from table "c".`}},
		{`INSERT INTO p VALUES (2, 'a')`, pgsql.Error{Code: "23505", Table: "p", Constraint: "p_email_key",
			Message: `duplicate key value violates unique constraint "p_email_key"`,
			Detail:  `Key (email)=(a) already exists.`}},
		{`INSERT INTO c VALUES (3, NULL)`, pgsql.Error{Code: "23502", Table: "c", Column: "p_id",
			Message: `null value in column "p_id" of relation "c" violates not-null constraint`,
			Detail:  `Failing row contains (3, null).`}},
		// Each value as PostgreSQL 15 shows it, a long one cut at 64 bytes.
		{`INSERT INTO nn VALUES (1, NULL, 1.5, true, '2024-01-02 03:04:05', 'hello, world (x)')`, pgsql.Error{Code: "23502", Table: "nn", Column: "a",
			Message: `null value in column "a" of relation "nn" violates not-null constraint`,
			Detail:  `Failing row contains (1, null, 1.50, t, 2024-01-02 03:04:05, hello, world (x)).`}},
		{`INSERT INTO nn VALUES (2, NULL, NULL, false, NULL, repeat('y', 100))`, pgsql.Error{Code: "23502", Table: "nn", Column: "a",
			Message: `null value in column "a" of relation "nn" violates not-null constraint`,
			Detail:  `Failing row contains (2, null, null, f, null, ` + strings.Repeat("y", 64) + `...).`}},
		{`INSERT INTO nn (id) VALUES (3)`, pgsql.Error{Code: "23502", Table: "nn", Column: "a",
			Message: `null value in column "a" of relation "nn" violates not-null constraint`,
			Detail:  `Failing row contains (3, null, null, null, null, null).`}},
		{`UPDATE nn SET a = NULL`, pgsql.Error{Code: "23502", Table: "nn", Column: "a",
			Message: `null value in column "a" of relation "nn" violates not-null constraint`,
			Detail:  `Failing row contains (1, null, 1.00, t, 2024-01-02 03:04:05, x).`}},
		{`INSERT INTO nn VALUES (100, 'é' || repeat('z', 70), NULL, NULL, NULL, NULL)`, pgsql.Error{Code: "23514", Table: "nn", Constraint: "nn_id_check",
			Message: `new row for relation "nn" violates check constraint "nn_id_check"`,
			Detail:  `Failing row contains (100, é` + strings.Repeat("z", 62) + `..., null, null, null, null).`}},
	}
	for _, tc := range tests {
		_, err := s.Exec(t.Context(), tc.sql)
		var pe *pgsql.Error
		if assert.ErrorAs(t, err, &pe, tc.sql) {
			got := *pe.AtRow(0, 0)                         // not compared here: the row (see TestSession_Exec_InsertErrorRow),
			got.Schema, got.Hint, got.Position = "", "", 0 // schema, hint and position
			assert.Equal(t, tc.want, got, tc.sql)
		}
	}
}
