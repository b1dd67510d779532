package pgwire

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
)

// newServer returns a server closed when the test ends.
func newServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// client is a protocol-level client over an in-memory pipe: it sends
// messages and reads the answers as a transcript of short lines.
type client struct {
	t   testing.TB
	nc  net.Conn
	fe  *pgproto3.Frontend
	key *pgproto3.BackendKeyData
}

// dial connects to s without starting up.
func dial(t testing.TB, s *Server) *client {
	t.Helper()
	nc, err := s.Dial(context.Background(), "", "")
	require.NoError(t, err)
	t.Cleanup(func() { _ = nc.Close() })
	return &client{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
}

// connect dials s and starts up as user reldb on database db, returning
// the startup transcript.
func connect(t testing.TB, s *Server, db string) (*client, []string) {
	t.Helper()
	c := dial(t, s)
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "reldb", "database": db, "application_name": "test"}})
	return c, c.untilReady()
}

func (c *client) send(msgs ...pgproto3.FrontendMessage) {
	c.t.Helper()
	for _, m := range msgs {
		c.fe.Send(m)
	}
	require.NoError(c.t, c.fe.Flush())
}

// untilReady reads up to and including ReadyForQuery (or a FATAL error,
// or the end of the connection).
func (c *client) untilReady() []string {
	c.t.Helper()
	var out []string
	for {
		msg, err := c.fe.Receive()
		if err != nil {
			return append(out, "EOF")
		}
		line := describeMsg(msg)
		if k, ok := msg.(*pgproto3.BackendKeyData); ok {
			c.key = &pgproto3.BackendKeyData{ProcessID: k.ProcessID, SecretKey: append([]byte(nil), k.SecretKey...)}
		}
		out = append(out, line)
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			return out
		}
		if e, ok := msg.(*pgproto3.ErrorResponse); ok && e.Severity == "FATAL" {
			return out
		}
	}
}

// query runs a simple query and returns its transcript.
func (c *client) query(sql string) []string {
	c.t.Helper()
	c.send(&pgproto3.Query{String: sql})
	return c.untilReady()
}

// describeMsg is a message as one short line.
func describeMsg(msg pgproto3.BackendMessage) string {
	switch m := msg.(type) {
	case *pgproto3.RowDescription:
		var f []string
		for _, d := range m.Fields {
			f = append(f, fmt.Sprintf("%s:%d/%d", d.Name, d.DataTypeOID, d.Format))
		}
		return "RowDescription " + strings.Join(f, " ")
	case *pgproto3.DataRow:
		var v []string
		for _, b := range m.Values {
			if b == nil {
				v = append(v, "NULL")
			} else {
				v = append(v, string(b))
			}
		}
		return "DataRow " + strings.Join(v, "|")
	case *pgproto3.CommandComplete:
		return "CommandComplete " + string(m.CommandTag)
	case *pgproto3.ReadyForQuery:
		return "ReadyForQuery " + string(m.TxStatus)
	case *pgproto3.ErrorResponse:
		return m.Severity + " " + m.Code
	case *pgproto3.NoticeResponse:
		return "Notice " + m.Severity + " " + m.Code
	case *pgproto3.ParameterStatus:
		return "ParameterStatus " + m.Name + "=" + m.Value
	case *pgproto3.ParameterDescription:
		return fmt.Sprint("ParameterDescription ", m.ParameterOIDs)
	case *pgproto3.BackendKeyData:
		return "BackendKeyData"
	case *pgproto3.NotificationResponse:
		return fmt.Sprintf("Notification %s %q", m.Channel, m.Payload)
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", msg), "*pgproto3.")
}

func mustDecimal(t testing.TB, s string) *apd.Decimal {
	t.Helper()
	d, _, err := apd.NewFromString(s)
	require.NoError(t, err)
	return d
}

// authenticate answers the server's password request, by cleartext or
// SCRAM-SHA-256 (client side of RFC 5802), and reads to ReadyForQuery.
func (c *client) authenticate(password string) []string {
	c.t.Helper()
	msg, err := c.fe.Receive()
	require.NoError(c.t, err)
	switch m := msg.(type) {
	case *pgproto3.AuthenticationCleartextPassword:
		c.send(&pgproto3.PasswordMessage{Password: password})
	case *pgproto3.AuthenticationSASL:
		require.Equal(c.t, []string{"SCRAM-SHA-256"}, m.AuthMechanisms)
		bare := "n=,r=clientnonce123"
		c.send(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("n,," + bare)})
		msg, err := c.fe.Receive()
		require.NoError(c.t, err)
		cont, ok := msg.(*pgproto3.AuthenticationSASLContinue)
		require.True(c.t, ok, "%T", msg)
		serverFirst := string(cont.Data)
		salt, err := base64.StdEncoding.DecodeString(scramAttr(serverFirst, "s"))
		require.NoError(c.t, err)
		salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
		require.NoError(c.t, err)
		withoutProof := "c=biws,r=" + scramAttr(serverFirst, "r")
		clientKey := hmacSHA256(salted, "Client Key")
		storedKey := sha256.Sum256(clientKey)
		sig := hmacSHA256(storedKey[:], bare+","+serverFirst+","+withoutProof)
		for i := range clientKey {
			clientKey[i] ^= sig[i]
		}
		c.send(&pgproto3.SASLResponse{Data: []byte(withoutProof + ",p=" + base64.StdEncoding.EncodeToString(clientKey))})
	default:
		c.t.Fatalf("unexpected %T", msg)
	}
	return c.untilReady()
}
