package pgsql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// Ensure CHECK constraints are named as PostgreSQL names them, fail
// INSERT, UPDATE and upserts with 23514 (checked in name order, as
// PostgreSQL checks them), and let NULL pass.
func TestSession_Exec_Check(t *testing.T) {
	tests := []struct {
		name       string
		sql        string
		want       string
		constraint string // the failing constraint, for 23514
	}{
		{"column check", "INSERT INTO items VALUES (1, -1, -5)", "ERROR 23514", "items_qty_check"},
		{"null passes", "INSERT INTO items VALUES (1, NULL, NULL)", "INSERT 0 1", ""},
		{"table check", "INSERT INTO items VALUES (1, 3, 5)", "ERROR 23514", "items_check"},
		{"named check", "INSERT INTO items VALUES (1, 2000, 0)", "ERROR 23514", "max_qty"},
		{"update", "UPDATE items SET qty = -2, lo = -5", "ERROR 23514", "items_qty_check"},
		{"upsert update", "INSERT INTO items VALUES (7, 1, 0) ON CONFLICT (id) DO UPDATE SET qty = -1, lo = -3", "ERROR 23514", "items_qty_check"},
		{"insert select", "INSERT INTO items SELECT id + 1, qty - 10, qty - 20 FROM items", "ERROR 23514", "items_qty_check"},
		{"valid", "INSERT INTO items VALUES (2, 5, 5)", "INSERT 0 1", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE items (id integer PRIMARY KEY, qty integer CHECK (qty >= 0), lo integer,
				CHECK (lo <= qty), CONSTRAINT max_qty CHECK (qty < 1000))`))
			require.Equal(t, "INSERT 0 1", outcome(t, s, "INSERT INTO items VALUES (7, 3, 1)"))
			_, err := s.Exec(context.Background(), tc.sql)
			if tc.constraint == "" {
				require.NoError(t, err)
				return
			}
			var pe *pgsql.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "23514", pe.Code)
			assert.Equal(t, tc.constraint, pe.Constraint)
			assert.Equal(t, `new row for relation "items" violates check constraint "`+tc.constraint+`"`, pe.Message)
			assert.Equal(t, [][]string{{"7", "3", "1"}}, texts(t, s, "SELECT * FROM items"))
		})
	}
}

// Ensure a CHECK's expression is type-checked by CREATE TABLE.
func TestSession_Exec_CheckDefinition(t *testing.T) {
	s := newSession(t)
	assert.Equal(t, "ERROR 42703", outcome(t, s, "CREATE TABLE c (id integer PRIMARY KEY CHECK (nope > 0))"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "CREATE TABLE c (id integer PRIMARY KEY CHECK (id + 1))"))
	assert.Equal(t, "CREATE TABLE", outcome(t, s, "CREATE TABLE c (id integer PRIMARY KEY CHECK (id > 0) CHECK (id < 10))"))
	_, err := s.Exec(context.Background(), "INSERT INTO c VALUES (10)")
	var pe *pgsql.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "c_id_check1", pe.Constraint)
}
