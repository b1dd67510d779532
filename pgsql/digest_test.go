package pgsql_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure the sha2 digests and md5 of a bytea give PostgreSQL's values and
// are strict.
func TestSession_Exec_Digests(t *testing.T) {
	s := newSession(t)
	assert.Equal(t, [][]string{{
		`\x23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7`,
		`\xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad`,
		`\x38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b`,
		"900150983cd24fb0d6963f7d28e17f72", "NULL",
	}}, texts(t, s, `SELECT sha224('abc'), sha256('abc'::bytea), sha384(''::bytea), md5('abc'::bytea), sha512(NULL)`))
	assert.Equal(t, "ERROR 42883", outcome(t, s, "SELECT sha256('abc'::text)"))
	assert.Equal(t, "ERROR 42883", outcome(t, s, "SELECT sha256(1)"))
}
