package pgsql_test

import (
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
			Message: `null value in column "p_id" of relation "c" violates not-null constraint`}},
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
