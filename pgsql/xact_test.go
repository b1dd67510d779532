package pgsql_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure txid_current() is one number through a transaction, a larger
// one in the next, and pg_current_xact_id() its text.
func TestSession_Exec_TxidCurrent(t *testing.T) {
	s := newSession(t)
	id := func() int64 {
		rows := texts(t, s, "SELECT txid_current(), txid_current(), pg_current_xact_id()")
		require.Equal(t, rows[0][0], rows[0][1])
		require.Equal(t, rows[0][0], rows[0][2])
		n, err := strconv.ParseInt(rows[0][0], 10, 64)
		require.NoError(t, err)
		return n
	}
	first := id()
	second := id()
	assert.Greater(t, second, first, "each autocommit statement is a transaction")
	assert.Equal(t, "BEGIN", outcome(t, s, "BEGIN"))
	inTx := id()
	assert.Greater(t, inTx, second)
	assert.Equal(t, inTx, id(), "one id through the transaction")
	assert.Equal(t, "COMMIT", outcome(t, s, "COMMIT"))
	assert.Greater(t, id(), inTx)
}

// Ensure to_regclass and to_regtype are the reg casts, NULL for what does
// not exist, and 0A000 for what reldb's catalog does not describe.
func TestSession_Exec_ToReg(t *testing.T) {
	s := newSession(t)
	assert.Equal(t, [][]string{{"t", "NULL", "t", "t", "NULL", "NULL", "NULL"}},
		texts(t, s, "SELECT to_regclass('authors') = 'authors'::regclass, to_regclass('nope'), to_regclass('public.books') IS NOT NULL, to_regtype('integer') = 'int4'::regtype, to_regtype('nope'), to_regclass('nosuch.authors'), to_regclass(NULL)"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT to_regclass('pg_class')"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "SELECT to_regtype('inet')"))
	assert.Equal(t, "ERROR 42883", outcome(t, s, "SELECT to_regclass(1)"))
}
