package pgwire

import (
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure a client may connect under the name of a role CREATE ROLE made
// with LOGIN (a server without Users trusts every name), and the
// session is the superuser's, as every reldb session is: the roles of
// SQL are catalog entries, not a second set of users.
func TestServer_LoginRole(t *testing.T) {
	s := newServer(t, Options{})
	admin, _ := connect(t, s, "app")
	require.Equal(t, "CommandComplete CREATE ROLE", admin.query(`CREATE ROLE web LOGIN PASSWORD 'pw'`)[0])

	c := dial(t, s)
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "web", "database": "app"}})
	got := c.untilReady()
	require.Equal(t, "ReadyForQuery I", got[len(got)-1])
	assert.Contains(t, got, "ParameterStatus session_authorization=web")
	res := c.query(`SELECT rolcanlogin, current_user FROM pg_roles WHERE rolname = 'web'`)
	assert.Contains(t, res, "DataRow t|reldb")
}
