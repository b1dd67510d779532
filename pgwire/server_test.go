package pgwire

import (
	"context"
	"encoding/binary"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// Ensure startup reports the parameters pgx and lib/pq need, a key for
// cancelling and an idle session.
func TestServer_Startup(t *testing.T) {
	s := newServer(t, Options{})
	_, got := connect(t, s, "app")
	assert.Equal(t, []string{
		"AuthenticationOk",
		"ParameterStatus server_version=" + ServerVersion,
		"ParameterStatus server_encoding=UTF8",
		"ParameterStatus client_encoding=UTF8",
		"ParameterStatus DateStyle=ISO, MDY",
		"ParameterStatus IntervalStyle=postgres",
		"ParameterStatus TimeZone=UTC",
		"ParameterStatus integer_datetimes=on",
		"ParameterStatus standard_conforming_strings=on",
		"ParameterStatus is_superuser=on",
		"ParameterStatus session_authorization=reldb",
		"ParameterStatus application_name=test",
		"BackendKeyData",
		"ReadyForQuery I",
	}, got)
}

// Ensure SSLRequest and GSSEncRequest are refused with 'N' and startup
// goes on unencrypted.
func TestServer_Startup_SSLRequestRefused(t *testing.T) {
	s := newServer(t, Options{})
	c := dial(t, s)
	for _, code := range []uint32{80877103, 80877104} { // SSLRequest, GSSEncRequest
		msg := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 8), code)
		_, err := c.nc.Write(msg)
		require.NoError(t, err)
		b := make([]byte, 1)
		_, err = io.ReadFull(c.nc, b)
		require.NoError(t, err)
		assert.Equal(t, "N", string(b))
	}
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "u"}})
	got := c.untilReady()
	assert.Equal(t, "ReadyForQuery I", got[len(got)-1])
}

// Ensure each database name is its own database.
func TestServer_DatabasesByName(t *testing.T) {
	s := newServer(t, Options{})
	a, _ := connect(t, s, "a")
	b, _ := connect(t, s, "b")
	a.query(`CREATE TABLE t (id int PRIMARY KEY)`)
	assert.Equal(t, "ERROR 42P01", b.query(`SELECT * FROM t`)[0])
	a2, _ := connect(t, s, "a")
	assert.Equal(t, "CommandComplete SELECT 0", a2.query(`SELECT * FROM t`)[1])
}

// Ensure a simple query of several statements answers each one in turn
// and stops at the first error, rolling back its implicit block.
func TestServer_SimpleQuery_MultiStatement(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	assert.Equal(t, []string{
		"CommandComplete CREATE TABLE",
		"CommandComplete INSERT 0 2",
		"RowDescription id:23/0 name:25/0",
		"DataRow 1|a",
		"DataRow 2|NULL",
		"CommandComplete SELECT 2",
		"ReadyForQuery I",
	}, c.query(`CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, NULL); SELECT * FROM t ORDER BY id`))
	assert.Equal(t, []string{
		"CommandComplete INSERT 0 1",
		"ERROR 22012",
		"ReadyForQuery I",
	}, c.query(`INSERT INTO t VALUES (3, 'c'); SELECT 1/0; SELECT 2`))
	assert.Equal(t, []string{"RowDescription count:20/0", "DataRow 2", "CommandComplete SELECT 1", "ReadyForQuery I"}, c.query(`SELECT count(*) FROM t`))
	assert.Equal(t, []string{"EmptyQueryResponse", "ReadyForQuery I"}, c.query(` -- nothing`))
	assert.Equal(t, []string{"Notice WARNING 25P01", "CommandComplete COMMIT", "ReadyForQuery I"}, c.query(`COMMIT`))
}

// Ensure an empty value stays apart from NULL in every row, also after a
// row too big for the output buffer a connection keeps between writes.
func TestServer_DataRow_EmptyIsNotNull(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	assert.Equal(t, []string{
		"RowDescription a:25/0 b:25/0 c:25/0",
		"DataRow |NULL|z",
		"CommandComplete SELECT 1",
		"ReadyForQuery I",
	}, c.query(`SELECT ''::text AS a, NULL::text AS b, 'z'::text AS c`))
	big := strings.Repeat("x", maxOutBuffer+1)
	assert.Equal(t, []string{
		"RowDescription v:25/0",
		"DataRow " + big,
		"DataRow ",
		"DataRow NULL",
		"DataRow y",
		"CommandComplete SELECT 4",
		"ReadyForQuery I",
	}, c.query(`SELECT v FROM (VALUES (1, '`+big+`'), (2, ''), (3, NULL), (4, 'y')) AS t(k, v) ORDER BY k`))
}

// Ensure rows that fill the output buffer several times over arrive
// whole and in order, between their RowDescription and CommandComplete.
func TestServer_DataRow_ManyFlushes(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	const n = 20000 // about 5 flushes of flushAt bytes
	got := c.query(`SELECT i, 'vvvvvvvvvv'::text AS v FROM generate_series(1, ` + strconv.Itoa(n) + `) AS i`)
	require.Len(t, got, n+3)
	assert.Equal(t, "RowDescription i:23/0 v:25/0", got[0])
	for i := 1; i <= n; i++ {
		if got[i] != "DataRow "+strconv.Itoa(i)+"|vvvvvvvvvv" {
			require.Failf(t, "row out of place", "message %d is %q", i, got[i])
		}
	}
	assert.Equal(t, []string{"CommandComplete SELECT " + strconv.Itoa(n), "ReadyForQuery I"}, got[n+1:])
}

// Ensure ReadyForQuery reports the true transaction state: idle, in a
// transaction, failed.
func TestServer_ReadyForQuery_Status(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	c.query(`CREATE TABLE t (id int PRIMARY KEY)`)
	assert.Equal(t, []string{"CommandComplete BEGIN", "ReadyForQuery T"}, c.query(`BEGIN`))
	assert.Equal(t, []string{"CommandComplete INSERT 0 1", "ReadyForQuery T"}, c.query(`INSERT INTO t VALUES (1)`))
	assert.Equal(t, []string{"ERROR 23505", "ReadyForQuery E"}, c.query(`INSERT INTO t VALUES (1)`))
	assert.Equal(t, []string{"ERROR 25P02", "ReadyForQuery E"}, c.query(`SELECT 1`))
	assert.Equal(t, []string{"CommandComplete ROLLBACK", "ReadyForQuery I"}, c.query(`ROLLBACK`))
}

// Ensure the extended protocol describes a statement, sends rows up to
// Execute's limit with PortalSuspended, and completes the portal.
func TestServer_Extended_RowLimit(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	c.query(`CREATE TABLE t (id int PRIMARY KEY, name varchar(10)); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
	c.send(
		&pgproto3.Parse{Name: "q", Query: `SELECT id, name FROM t WHERE id >= $1 ORDER BY id`},
		&pgproto3.Describe{ObjectType: 'S', Name: "q"},
		&pgproto3.Bind{PreparedStatement: "q", Parameters: [][]byte{[]byte("1")}},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	)
	assert.Equal(t, []string{
		"ParseComplete",
		"ParameterDescription [23]",
		"RowDescription id:23/0 name:1043/0",
		"BindComplete",
		"RowDescription id:23/0 name:1043/0",
		"DataRow 1|a",
		"DataRow 2|b",
		"PortalSuspended",
		"DataRow 3|c",
		"CommandComplete SELECT 1",
		"CommandComplete SELECT 0",
		"ReadyForQuery I",
	}, c.untilReady())

	// A named statement outlives the Sync; the portal does not.
	c.send(
		&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "q", Parameters: [][]byte{[]byte("3")}},
		&pgproto3.Execute{Portal: "p"},
		&pgproto3.Close{ObjectType: 'P', Name: "p"},
		&pgproto3.Close{ObjectType: 'S', Name: "q"},
		&pgproto3.Sync{},
	)
	assert.Equal(t, []string{"BindComplete", "DataRow 3|c", "CommandComplete SELECT 1", "CloseComplete", "CloseComplete", "ReadyForQuery I"}, c.untilReady())
}

// Ensure an error in the extended protocol skips every message up to the
// next Sync, which rolls back the writes since the last one.
func TestServer_Extended_ErrorSkipsToSync(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	c.query(`CREATE TABLE t (id int PRIMARY KEY)`)
	c.send(
		&pgproto3.Parse{Query: `INSERT INTO t VALUES ($1)`},
		&pgproto3.Bind{Parameters: [][]byte{[]byte("1")}},
		&pgproto3.Execute{},
		&pgproto3.Parse{Name: "bad", Query: `SELECT nope FROM t`},
		&pgproto3.Bind{PreparedStatement: "bad"},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	)
	assert.Equal(t, []string{"ParseComplete", "BindComplete", "CommandComplete INSERT 0 1", "ERROR 42703", "ReadyForQuery I"}, c.untilReady())
	assert.Equal(t, "DataRow 0", c.query(`SELECT count(*) FROM t`)[1], "the insert before the error rolled back")

	c.send(
		&pgproto3.Bind{PreparedStatement: "missing"},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
		&pgproto3.Parse{Query: `INSERT INTO t VALUES ($1)`},
		&pgproto3.Bind{Parameters: [][]byte{[]byte("x")}},
		&pgproto3.Sync{},
		&pgproto3.Bind{Parameters: [][]byte{[]byte("5")}},
		&pgproto3.Execute{},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	)
	assert.Equal(t, []string{"ERROR 26000", "ReadyForQuery I"}, c.untilReady())
	assert.Equal(t, []string{"ParseComplete", "ERROR 22P02", "ReadyForQuery I"}, c.untilReady())
	assert.Equal(t, []string{"BindComplete", "CommandComplete INSERT 0 1", "ReadyForQuery I"}, c.untilReady(), "an executed portal does not run again")
}

// Ensure binary parameters and results round-trip every supported type.
func TestServer_Extended_BinaryFormats(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	c.query(`CREATE TABLE v (i2 smallint, i4 int PRIMARY KEY, i8 bigint, f4 real, f8 float8, n numeric(10,3), t text, vc varchar(5), bc char(3), b bool, by bytea, ts timestamp, tz timestamptz, iv interval)`)
	at := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	c.send(&pgproto3.Parse{Name: "ins", Query: `INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`}, &pgproto3.Describe{ObjectType: 'S', Name: "ins"}, &pgproto3.Sync{})
	got := c.untilReady()
	assert.Equal(t, "ParameterDescription [21 23 20 700 701 1700 25 1043 1042 16 17 1114 1184 1186]", got[1])
	vals := []any{int64(-7), int64(42), int64(1) << 40, float64(float32(1.5)), 2.25, mustDecimal(t, "-1234.5"), "héllo", "abc", "xy", true, []byte{0, 1, 255}, at, at,
		pgsql.Interval{Months: -14, Days: 3, Micros: 14706500000}}
	oids := []uint32{21, 23, 20, 700, 701, 1700, 25, 1043, 1042, 16, 17, 1114, 1184, 1186}
	params := make([][]byte, len(vals))
	for i, v := range vals {
		b, err := appendBinary(nil, oids[i], v)
		require.NoError(t, err)
		params[i] = b
	}
	c.send(&pgproto3.Bind{PreparedStatement: "ins", ParameterFormatCodes: []int16{1}, Parameters: params}, &pgproto3.Execute{}, &pgproto3.Sync{})
	assert.Equal(t, []string{"BindComplete", "CommandComplete INSERT 0 1", "ReadyForQuery I"}, c.untilReady())

	c.send(&pgproto3.Parse{Query: `SELECT * FROM v`}, &pgproto3.Bind{ResultFormatCodes: []int16{1}}, &pgproto3.Execute{}, &pgproto3.Sync{})
	var row *pgproto3.DataRow
	for {
		msg, err := c.fe.Receive()
		require.NoError(t, err)
		if d, ok := msg.(*pgproto3.DataRow); ok {
			row = &pgproto3.DataRow{Values: append([][]byte(nil), d.Values...)}
			for i := range row.Values {
				row.Values[i] = append([]byte(nil), d.Values[i]...)
			}
		}
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	require.NotNil(t, row)
	want := append([]any{}, vals...)
	want[5] = mustDecimal(t, "-1234.500")
	want[8] = "xy "
	for i, b := range row.Values {
		v, err := decodeBinary(oids[i], b)
		require.NoError(t, err, "column %d", i)
		assert.Equal(t, want[i], v, "column %d", i)
	}
	text := c.query(`SELECT * FROM v`)
	assert.Equal(t, `DataRow -7|42|1099511627776|1.5|2.25|-1234.500|héllo|abc|xy |t|\x0001ff|2024-02-29 13:14:15.123456|2024-02-29 13:14:15.123456+00|-1 years -2 mons +3 days 04:05:06.5`, text[1])
}

// Ensure a foreign-key error carries every field of the SQL error.
func TestServer_ErrorFields(t *testing.T) {
	s := newServer(t, Options{})
	c, _ := connect(t, s, "db")
	c.query(`CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a)`)
	c.send(&pgproto3.Query{String: `INSERT INTO b VALUES (1, 7)`})
	msg, err := c.fe.Receive()
	require.NoError(t, err)
	e, ok := msg.(*pgproto3.ErrorResponse)
	require.True(t, ok, "%T", msg)
	assert.Equal(t, "23503", e.Code)
	assert.Equal(t, "ERROR", e.Severity)
	assert.Equal(t, "b", e.TableName)
	assert.Equal(t, "public", e.SchemaName)
	assert.NotEmpty(t, e.ConstraintName)
	assert.NotEmpty(t, e.Message)
	c.untilReady()
}

// Ensure a CancelRequest with the connection's key cancels its running
// statement, and a wrong key does not.
func TestServer_CancelRequest(t *testing.T) {
	s := New(Options{})
	t.Cleanup(func() { _ = s.Close() })
	running := make(chan struct{})
	var blocking atomic.Bool
	s.beforeRun = func(ctx context.Context) {
		if !blocking.CompareAndSwap(true, false) {
			return
		}
		close(running)
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Second): // the test fails below
		}
	}
	c, _ := connect(t, s, "db")
	blocking.Store(true)
	c.send(&pgproto3.Query{String: `SELECT 1`})
	<-running
	wrong := dial(t, s)
	wrong.send(&pgproto3.CancelRequest{ProcessID: c.key.ProcessID, SecretKey: []byte{1, 2, 3, 4}})
	right := dial(t, s)
	right.send(&pgproto3.CancelRequest{ProcessID: c.key.ProcessID, SecretKey: c.key.SecretKey})
	assert.Equal(t, []string{"ERROR 57014", "ReadyForQuery I"}, c.untilReady())
	assert.Equal(t, "DataRow 2", c.query(`SELECT 2`)[1])
}

// Ensure a malformed message closes its own connection with 08P01 and no
// other.
func TestServer_MalformedMessage(t *testing.T) {
	s := newServer(t, Options{MaxMessageSize: 1 << 10})
	good, _ := connect(t, s, "db")
	good.query(`CREATE TABLE t (id int PRIMARY KEY)`)

	bad, _ := connect(t, s, "db")
	_, err := bad.nc.Write([]byte{'B', 0, 0, 0, 9, 'x', 0, 0, 0, 0}) // Bind cut short
	require.NoError(t, err)
	assert.Equal(t, []string{"FATAL 08P01"}, bad.untilReady())

	big, _ := connect(t, s, "db")
	big.send(&pgproto3.Query{String: "SELECT '" + string(make([]byte, 2<<10)) + "'"})
	assert.Equal(t, []string{"FATAL 08P01"}, big.untilReady())

	unknown, _ := connect(t, s, "db")
	_, err = unknown.nc.Write([]byte{'!', 0, 0, 0, 4})
	require.NoError(t, err)
	assert.Equal(t, []string{"FATAL 08P01"}, unknown.untilReady())

	assert.Equal(t, "CommandComplete INSERT 0 1", good.query(`INSERT INTO t VALUES (1)`)[0])
}

// Ensure connections beyond MaxConns are refused with 53300.
func TestServer_MaxConns(t *testing.T) {
	s := newServer(t, Options{MaxConns: 1})
	connect(t, s, "db")
	_, got := connect(t, s, "db")
	assert.Equal(t, []string{"FATAL 53300"}, got)
}

// Ensure a client that disconnects inside a transaction has it rolled
// back, and Close waits for that.
func TestServer_DisconnectRollsBack(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	defer db.Close()
	s := New(Options{Open: func(string) (*engine.DB, error) { return db, nil }})
	c, _ := connect(t, s, "db")
	c.query(`CREATE TABLE t (id int PRIMARY KEY)`)
	assert.Equal(t, "ReadyForQuery T", c.query(`BEGIN; INSERT INTO t VALUES (1)`)[2])
	require.NoError(t, c.nc.Close())
	require.NoError(t, s.Close())

	res, err := pgsql.NewSession(db).Exec(context.Background(), `SELECT count(*) FROM t`)
	require.NoError(t, err)
	assert.Equal(t, [][]any{{int64(0)}}, res.Rows)
}

// Ensure password authentication accepts the right password and refuses
// a wrong one with 28P01, by cleartext and by SCRAM-SHA-256.
func TestServer_Authentication(t *testing.T) {
	for _, method := range []AuthMethod{AuthCleartext, AuthSCRAM} {
		t.Run(method.String(), func(t *testing.T) {
			s := newServer(t, Options{Users: map[string]string{"ann": "secret"}, Auth: method})
			for _, tc := range []struct{ password, want string }{{"secret", "ReadyForQuery I"}, {"wrong", "FATAL 28P01"}} {
				c := dial(t, s)
				c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "ann"}})
				got := c.authenticate(tc.password)
				assert.Equal(t, tc.want, got[len(got)-1], tc.password)
			}
		})
	}
}

// Ensure DROP DATABASE refuses a database in use, closes its connections
// WITH (FORCE), removes its directory, and a later connection to the name
// finds a new, empty database.
func TestServer_DropDatabase(t *testing.T) {
	dir := t.TempDir()
	s := newServer(t, Options{Dir: dir})
	admin, _ := connect(t, s, "admin")
	assert.Equal(t, []string{"CommandComplete CREATE DATABASE", "ReadyForQuery I"}, admin.query(`CREATE DATABASE shop`))
	user, _ := connect(t, s, "shop")
	user.query(`CREATE TABLE t (id int PRIMARY KEY)`)
	assert.DirExists(t, filepath.Join(dir, "shop"))

	assert.Equal(t, []string{"ERROR 55006", "ReadyForQuery I"}, admin.query(`DROP DATABASE shop`))
	assert.Equal(t, []string{"ERROR 55006", "ReadyForQuery I"}, user.query(`DROP DATABASE shop`), "the current database")
	assert.Equal(t, []string{"CommandComplete DROP DATABASE", "ReadyForQuery I"}, admin.query(`DROP DATABASE shop WITH (FORCE)`))
	_, err := user.fe.Receive()
	assert.Error(t, err, "the forced connection is closed")
	assert.NoDirExists(t, filepath.Join(dir, "shop"))

	again, _ := connect(t, s, "shop")
	assert.Equal(t, "ERROR 42P01", again.query(`SELECT * FROM t`)[0])
}

// Ensure a client asking for protocol 3.2 is told the server speaks 3.0
// and which protocol options it does not know, and goes on.
func TestServer_Startup_NegotiatesProtocol(t *testing.T) {
	s := newServer(t, Options{})
	c := dial(t, s)
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion32, Parameters: map[string]string{"user": "u", "_pq_.future": "on"}})
	msg, err := c.fe.Receive()
	require.NoError(t, err)
	assert.Equal(t, &pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: []string{"_pq_.future"}}, msg)
	assert.Equal(t, "ReadyForQuery I", last(c.untilReady()))
}

// Ensure CREATE DATABASE ... TEMPLATE forks the template's committed state,
// independent of it afterwards, refusing while anyone is connected to the
// template (as PostgreSQL does) and on a server with a directory.
func TestServer_CreateDatabaseTemplate(t *testing.T) {
	s := newServer(t, Options{})
	admin, _ := connect(t, s, "admin")
	tmpl, _ := connect(t, s, "tmpl")
	tmpl.query(`CREATE TABLE t (id serial PRIMARY KEY, v text)`)
	tmpl.query(`INSERT INTO t (v) VALUES ('a'), ('b')`)
	assert.Equal(t, "ERROR 55006", admin.query(`CREATE DATABASE test1 TEMPLATE tmpl`)[0], "the template has a connection")
	tmpl.send(&pgproto3.Terminate{})
	require.Eventually(t, func() bool {
		return admin.query(`CREATE DATABASE test1 TEMPLATE tmpl`)[0] == "CommandComplete CREATE DATABASE"
	}, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, "ERROR 42P04", admin.query(`CREATE DATABASE test1 TEMPLATE tmpl`)[0])
	assert.Equal(t, "ERROR 3D000", admin.query(`CREATE DATABASE test2 TEMPLATE nowhere`)[0])

	test1, _ := connect(t, s, "test1")
	assert.Contains(t, test1.query(`INSERT INTO t (v) VALUES ('c') RETURNING id`), "DataRow 3", "the sequence continues from the template's")
	test1.query(`DELETE FROM t WHERE id = 1`)
	again, _ := connect(t, s, "tmpl")
	assert.Contains(t, again.query(`SELECT count(*) FROM t`), "DataRow 2", "the template is untouched")

	durable := newServer(t, Options{Dir: t.TempDir()})
	d, _ := connect(t, durable, "admin")
	d.query(`CREATE DATABASE src`)
	assert.Equal(t, "ERROR 0A000", d.query(`CREATE DATABASE copy TEMPLATE src`)[0])
}

// Ensure a panic while a session runs a statement ends that connection
// with a FATAL XX000, and the server and its other sessions go on.
func TestServer_PanicEndsOneConnection(t *testing.T) {
	var fail atomic.Bool
	clock := func() time.Time {
		if fail.Load() {
			panic("clock broke")
		}
		return time.Unix(0, 0)
	}
	var opened []*engine.DB
	s := newServer(t, Options{Open: func(string) (*engine.DB, error) {
		db, err := engine.Open(engine.Options{Clock: clock})
		opened = append(opened, db)
		return db, err
	}})
	t.Cleanup(func() {
		for _, db := range opened {
			_ = db.Close()
		}
	})
	a, _ := connect(t, s, "db")
	b, _ := connect(t, s, "db")
	fail.Store(true)
	got := a.query(`SELECT now()`)
	require.NotEmpty(t, got)
	assert.Contains(t, strings.Join(got, "\n"), "XX000", "the panic's connection gets a FATAL internal error")
	fail.Store(false)
	assert.Contains(t, b.query(`SELECT 1`), "CommandComplete SELECT 1", "another session goes on")
	c, _ := connect(t, s, "db")
	assert.Contains(t, c.query(`SELECT 1`), "CommandComplete SELECT 1", "the server takes new connections")
}
