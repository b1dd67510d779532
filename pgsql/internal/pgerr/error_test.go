package pgerr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure Error() has the documented shape and Message stays bare.
func TestError_Error_Shape(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"syntax", Syntax("syntax error at or near %q", "FORM"), `pgsql: syntax error at or near "FORM" (SQLSTATE 42601)`},
		{"unsupported", Unsupported("MERGE"), "pgsql: MERGE is not supported (SQLSTATE 0A000)"},
		{"plain", New(UndefinedTable, "relation %q does not exist", "users"), `pgsql: relation "users" does not exist (SQLSTATE 42P01)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.err.Error())
			assert.NotContains(t, tc.err.Message, "pgsql:")
		})
	}
}

// Ensure Code finds the SQLSTATE through wrapping and errors.As works.
func TestCode_Wrapped(t *testing.T) {
	err := fmt.Errorf("exec statement 2: %w", Unsupported("LATERAL"))
	assert.Equal(t, FeatureNotSupported, Code(err))
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "LATERAL is not supported", pe.Message)
	assert.Equal(t, "", Code(errors.New("other")))
	assert.Equal(t, FeatureNotSupported, pe.SQLState())
}

// Ensure positions count characters, 1-based, and copies leave the original alone.
func TestError_WithPosition_Characters(t *testing.T) {
	sql := "SELECT 'é' FORM t"
	orig := Syntax("syntax error")
	got := orig.WithPosition(sql, len("SELECT 'é' "))
	assert.Equal(t, 12, got.Position)
	assert.Equal(t, 0, orig.Position)
	assert.Equal(t, 1, CharPosition(sql, 0))
	assert.Equal(t, 0, orig.WithPosition(sql, len(sql)+5).Position)
}

// Ensure the common constructors carry PostgreSQL's code, wording and fields.
func TestConstructors_PostgresWording(t *testing.T) {
	tests := []struct {
		err       *Error
		code, msg string
	}{
		{UndefinedTableError("users"), UndefinedTable, `relation "users" does not exist`},
		{UndefinedColumnError("nme"), UndefinedColumn, `column "nme" does not exist`},
		{DuplicateTableError("users"), DuplicateTable, `relation "users" already exists`},
		{InFailedTransactionError(), InFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block"},
		{SerializationFailureError(), SerializationFailure, "could not serialize access due to concurrent update"},
		{DivisionByZeroError(), DivisionByZero, "division by zero"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			assert.Equal(t, tc.code, tc.err.Code)
			assert.Equal(t, tc.msg, tc.err.Message)
		})
	}
	assert.Equal(t, "users", UndefinedTableError("users").Table)
	assert.Equal(t, "nme", UndefinedColumnError("nme").Column)
}
