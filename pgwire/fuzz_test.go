package pgwire

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql"
)

// scriptConn is a connection whose client side is a fixed byte stream:
// reads return it and then EOF; writes are dropped.
type scriptConn struct {
	io.Reader
}

func (scriptConn) Write(p []byte) (int, error)      { return len(p), nil }
func (scriptConn) Close() error                     { return nil }
func (scriptConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (scriptConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (scriptConn) SetDeadline(time.Time) error      { return nil }
func (scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (scriptConn) SetWriteDeadline(time.Time) error { return nil }

// encode returns messages as a client sends them.
func encode(t testing.TB, msgs ...pgproto3.FrontendMessage) []byte {
	var out []byte
	for _, m := range msgs {
		var err error
		out, err = m.Encode(out)
		require.NoError(t, err)
	}
	return out
}

// FuzzServeConn feeds arbitrary bytes after a valid startup to a
// connection: the server must neither panic nor hang, whatever the
// messages, and must end the connection at the end of the stream.
func FuzzServeConn(f *testing.F) {
	f.Add(encode(f, &pgproto3.Query{String: "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1); SELECT * FROM t"}))
	f.Add(encode(f,
		&pgproto3.Parse{Name: "s", Query: "SELECT $1::int + 1"},
		&pgproto3.Describe{ObjectType: 'S', Name: "s"},
		&pgproto3.Bind{PreparedStatement: "s", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 0, 0, 7}}, ResultFormatCodes: []int16{1}},
		&pgproto3.Execute{MaxRows: 1},
		&pgproto3.Sync{},
	))
	f.Add(encode(f, &pgproto3.Bind{PreparedStatement: "missing"}, &pgproto3.Execute{}, &pgproto3.Sync{}))
	f.Add(encode(f,
		&pgproto3.Query{String: "CREATE TABLE c (id int PRIMARY KEY, b bytea)"},
		&pgproto3.Query{String: "COPY c FROM STDIN BINARY"},
		&pgproto3.CopyData{Data: append([]byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00"), 2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 1, 7, 0xff, 0xff)},
		&pgproto3.CopyDone{},
		&pgproto3.Query{String: "COPY c FROM STDIN"},
		&pgproto3.CopyData{Data: []byte("2\t\\x01\n")},
		&pgproto3.CopyDone{},
		&pgproto3.Query{String: "COPY c TO STDOUT"},
	))
	f.Add([]byte{'B', 0, 0, 0, 9, 'x', 0, 0, 0, 0})
	f.Add([]byte{'Q', 0xff, 0xff, 0xff, 0xff})
	startup := encode(f, &pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "fuzz"}})
	s := New(Options{MaxMessageSize: 1 << 16})
	f.Cleanup(func() { _ = s.Close() })
	f.Fuzz(func(t *testing.T, data []byte) {
		s.ServeConn(scriptConn{bytes.NewReader(append(append([]byte{}, startup...), data...))})
	})
}

// FuzzDecodeBinary decodes arbitrary bytes as each type's binary format:
// no panic, and a value that decodes encodes to bytes that decode and
// encode to the same bytes.
func FuzzDecodeBinary(f *testing.F) {
	f.Add(uint8(0), []byte{0, 0, 0, 1})
	f.Add(uint8(5), []byte{0, 2, 0, 0, 0x40, 0, 0, 3, 0, 12, 0x13, 0x88})
	f.Add(uint8(5), []byte{0, 1, 0xff, 0xfe, 0, 0, 0, 8, 0, 5})
	f.Add(uint8(11), []byte{0, 0, 0, 0, 0, 0, 0, 1})
	oids := []uint32{pgsql.OIDInt2, pgsql.OIDInt4, pgsql.OIDInt8, pgsql.OIDFloat4, pgsql.OIDFloat8, pgsql.OIDNumeric,
		pgsql.OIDText, pgsql.OIDVarchar, pgsql.OIDBool, pgsql.OIDBytea, pgsql.OIDTimestamp, pgsql.OIDTimestamptz, pgsql.OIDDate, pgsql.OIDInterval}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		oid := oids[int(which)%len(oids)]
		v, err := decodeBinary(oid, data)
		if err != nil {
			return
		}
		if oid == pgsql.OIDBool {
			v = data[0] != 0
		}
		b, err := appendBinary(nil, oid, v)
		if err != nil {
			return // a timestamp beyond PostgreSQL's range
		}
		w, err := decodeBinary(oid, b)
		require.NoError(t, err)
		again, err := appendBinary(nil, oid, w)
		require.NoError(t, err)
		assert.Equal(t, b, again) // bytes, so that NaN equals NaN
	})
}
