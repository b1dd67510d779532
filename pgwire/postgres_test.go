package pgwire

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/internal/pgserver"
)

// exchange is a batch of messages a client sends before reading answers
// up to ReadyForQuery.
type exchange []pgproto3.FrontendMessage

func q(sql string) exchange { return exchange{&pgproto3.Query{String: sql}} }

// wireScenarios are conversations whose every answer must be the same
// from reldb as from PostgreSQL: message kinds, SQLSTATEs, column names,
// type OIDs and formats, rows in text and binary, command tags and
// transaction states.
var wireScenarios = []struct {
	name      string
	exchanges []exchange
}{
	{"trigger notices and COPY", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, name text, n int)`),
		q(`CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.n < 0 THEN RAISE EXCEPTION 'negative'; END IF; RAISE NOTICE 'row %', NEW.id; RAISE WARNING 'w'; NEW.name := upper(NEW.name); RETURN NEW; END $$`),
		q(`CREATE TRIGGER f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`),
		q(`INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2)`),
		copyStdin(`COPY t FROM STDIN`, "3\tc\t3\n4\td\t4\n"),
		copyStdin(`COPY t FROM STDIN`, "5\te\t5\n6\tf\t-6\n"),
		q(`SELECT * FROM t ORDER BY id`),
	}},
	{"simple multi-statement", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, name varchar(10), price numeric(6,2)); INSERT INTO t VALUES (1, 'a', 1.5), (2, NULL, NULL); SELECT * FROM t ORDER BY id`),
		q(`INSERT INTO t VALUES (3, 'c', 0); SELECT 1/0; SELECT 2`),
		q(`SELECT count(*) FROM t`),
		q(` -- nothing`),
		q(`COMMIT`),
		q(`INSERT INTO t VALUES (4, 'd', 4); COMMIT; INSERT INTO t VALUES (4, 'd', 4)`),
		q(`SELECT id FROM t ORDER BY id`),
	}},
	{"transaction states", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY)`),
		q(`BEGIN`), q(`INSERT INTO t VALUES (1)`), q(`INSERT INTO t VALUES (1)`), q(`SELECT 1`), q(`ROLLBACK`),
		q(`START TRANSACTION; INSERT INTO t VALUES (2); SAVEPOINT s; INSERT INTO t VALUES (2)`),
		q(`ROLLBACK TO SAVEPOINT s`), q(`RELEASE SAVEPOINT s`), q(`COMMIT`), q(`SELECT * FROM t`),
		q(`SELECT 1; SAVEPOINT x`),
	}},
	{"extended row limit", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')`),
		{
			&pgproto3.Parse{Name: "q", Query: `SELECT id, name FROM t WHERE id >= $1 ORDER BY id LIMIT $2`},
			&pgproto3.Describe{ObjectType: 'S', Name: "q"},
			&pgproto3.Bind{PreparedStatement: "q", Parameters: [][]byte{[]byte("1"), []byte("10")}},
			&pgproto3.Describe{ObjectType: 'P'},
			&pgproto3.Execute{MaxRows: 2},
			&pgproto3.Execute{MaxRows: 2},
			&pgproto3.Sync{},
		},
		{
			&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "q", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 0, 0, 2}, {0, 0, 0, 0, 0, 0, 0, 9}}, ResultFormatCodes: []int16{1, 0}},
			&pgproto3.Describe{ObjectType: 'P', Name: "p"},
			&pgproto3.Execute{Portal: "p"},
			&pgproto3.Close{ObjectType: 'P', Name: "p"},
			&pgproto3.Close{ObjectType: 'S', Name: "q"},
			&pgproto3.Close{ObjectType: 'S', Name: "never"},
			&pgproto3.Sync{},
		},
		{&pgproto3.Bind{PreparedStatement: "q"}, &pgproto3.Sync{}},
	}},
	{"extended errors skip to Sync", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY)`),
		{
			&pgproto3.Parse{Query: `INSERT INTO t VALUES ($1)`},
			&pgproto3.Bind{Parameters: [][]byte{[]byte("1")}},
			&pgproto3.Execute{},
			&pgproto3.Bind{Parameters: [][]byte{[]byte("1")}},
			&pgproto3.Execute{},
			&pgproto3.Bind{Parameters: [][]byte{[]byte("2")}},
			&pgproto3.Execute{},
			&pgproto3.Sync{},
		},
		q(`SELECT count(*) FROM t`),
		{&pgproto3.Parse{Query: `SELECT 1; SELECT 2`}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Query: ``}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Name: "a", Query: `SELECT 1`}, &pgproto3.Parse{Name: "a", Query: `SELECT 2`}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Query: `INSERT INTO t VALUES ($1)`}, &pgproto3.Bind{Parameters: [][]byte{[]byte("x")}}, &pgproto3.Sync{}},
		{&pgproto3.Execute{Portal: "nope"}, &pgproto3.Sync{}},
		q(`BEGIN`),
		{&pgproto3.Parse{Query: `SELECT nope FROM t`}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Query: `ROLLBACK`}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{}},
	}},
	{"parameter inference", []exchange{
		q(`CREATE TABLE t (id bigint PRIMARY KEY, name varchar(20), flag boolean, at timestamptz, n numeric)`),
		{&pgproto3.Parse{Query: `INSERT INTO t (name, id, flag, at, n) VALUES ($1, $2, $3, $4, $5) RETURNING id, name`}, &pgproto3.Describe{ObjectType: 'S'}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Query: `SELECT id FROM t WHERE name = $1 AND flag = $2 OR id IN ($3, $4) LIMIT $5 OFFSET $6`}, &pgproto3.Describe{ObjectType: 'S'}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Query: `UPDATE t SET name = $1 WHERE id = $2`}, &pgproto3.Describe{ObjectType: 'S'}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Query: `SELECT $1::int4, $2::text`}, &pgproto3.Describe{ObjectType: 'S'}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Query: `SELECT $1 = 'x'`, ParameterOIDs: []uint32{25}}, &pgproto3.Describe{ObjectType: 'S'}, &pgproto3.Sync{}},
	}},
	{"binary results of every type", []exchange{
		q(`CREATE TABLE v (i2 smallint, i4 int PRIMARY KEY, i8 bigint, f4 real, f8 float8, n numeric(10,3), t text, vc varchar(5), bc char(3), b bool, by bytea, ts timestamp, tz timestamptz)`),
		q(`INSERT INTO v VALUES (-7, 42, 1099511627776, 1.5, -2.25e-5, -1234.5, 'héllo', 'abc', 'xy', true, '\x0001ff', '2024-02-29 13:14:15.123456', '1999-12-31 23:59:59.5+00'), (0, 0, 0, 0, 0, 0, '', '', '', false, '', '2000-01-01', '1900-06-01 00:00:00+00')`),
		q(`INSERT INTO v (i4, n) VALUES (1, 0.001), (2, 100000.1), (3, 9999999.999), (4, -0.5)`),
		{&pgproto3.Parse{Query: `SELECT * FROM v ORDER BY i4`}, &pgproto3.Bind{ResultFormatCodes: []int16{1}}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{}},
		q(`SELECT * FROM v ORDER BY i4`),
	}},
	{"binary parameters of every type", []exchange{
		q(`CREATE TABLE v (i2 smallint, i4 int PRIMARY KEY, i8 bigint, f4 real, f8 float8, n numeric(12,4), t text, vc varchar(5), bc char(3), b bool, by bytea, ts timestamp, tz timestamptz)`),
		{
			&pgproto3.Parse{Name: "ins", Query: `INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING i4, n`},
			&pgproto3.Describe{ObjectType: 'S', Name: "ins"},
			binaryBind("ins", int64(-7), int64(42), int64(-1)<<40, 1.5, -2.25e-5, "-1234.5678", "héllo", "abc", "xy", true, []byte{0, 1, 255}, "2024-02-29T13:14:15.123456Z", "1969-07-20T20:17:40Z"),
			&pgproto3.Execute{MaxRows: 1},
			binaryBind("ins", int64(1), int64(1), int64(0), 0.0, 0.0, "0.0001", "", "", "", false, []byte{}, "1900-01-01T00:00:00Z", "2100-12-31T23:59:59.999999Z"),
			&pgproto3.Execute{},
			binaryBind("ins", int64(2), int64(2), int64(9), 0.0, 0.0, "12345678.9", "", "", "", false, []byte{}, "2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z"),
			&pgproto3.Execute{},
			&pgproto3.Sync{},
		},
		q(`SELECT * FROM v ORDER BY i4`),
	}},
	{"copy", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, name text, n numeric(6,2), at timestamptz)`),
		{
			&pgproto3.Query{String: `COPY t (id, name, n, at) FROM STDIN`},
			&pgproto3.CopyData{Data: []byte("1\ta\\tb\t1.5\t2024-01-02 03:04:05+00\n2\t\\N\t")},
			&pgproto3.CopyData{Data: []byte("\\N\t\\N\n")},
			&pgproto3.CopyDone{},
		},
		{
			&pgproto3.Query{String: `copy "t" from stdin`},
			&pgproto3.CopyData{Data: []byte("3\tc\t3\t\\N\n1\tdup\t1\t\\N\n")},
			&pgproto3.CopyDone{},
		},
		{
			&pgproto3.Query{String: `COPY t FROM STDIN`},
			&pgproto3.CopyData{Data: []byte("4\td\n")},
			&pgproto3.CopyDone{},
		},
		{
			&pgproto3.Query{String: `COPY t FROM STDIN`},
			&pgproto3.CopyData{Data: []byte("5\te\t5\t\\N\n")},
			&pgproto3.CopyFail{Message: "client gave up"},
		},
		q(`COPY t TO STDOUT`),
		q(`COPY (SELECT id, name FROM t WHERE id > 1) TO STDOUT`),
		q(`BEGIN`),
		{
			&pgproto3.Query{String: `COPY t (id) FROM STDIN`},
			&pgproto3.CopyData{Data: []byte("6\n7\n")},
			&pgproto3.CopyDone{},
		},
		q(`SELECT count(*) FROM t`),
		q(`ROLLBACK`),
		q(`SELECT count(*) FROM t`),
	}},
	{"create and drop database", []exchange{
		q(`CREATE DATABASE wire_made`),
		q(`CREATE DATABASE "wire_made"`),
		q(`DROP DATABASE IF EXISTS wire_never`),
		q(`DROP DATABASE wire_never`),
		q(`BEGIN`), q(`DROP DATABASE wire_made`), q(`ROLLBACK`),
		q(`DROP DATABASE wire_made WITH (FORCE)`),
		q(`DROP DATABASE IF EXISTS wire_made`),
	}},
	{"foreign key error fields", []exchange{
		q(`CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int CONSTRAINT b_a_fk REFERENCES a)`),
		q(`INSERT INTO b VALUES (1, 7)`),
	}},
}

// Ensure reldb's server answers every scenario exactly as PostgreSQL
// does, message by message (error messages aside: their SQLSTATE and
// fields are compared, not their wording).
func TestWire_MatchesPostgres(t *testing.T) {
	pg := pgserver.StartTB(t, pgserver.Options{})
	type scenario struct {
		name      string
		exchanges []exchange
		messages  bool // compare errors' wording too: message, detail, hint, context
	}
	var all []scenario
	for _, sc := range wireScenarios {
		all = append(all, scenario{sc.name, sc.exchanges, false})
	}
	for _, sc := range copyScenarios {
		all = append(all, scenario{sc.name, sc.exchanges, true})
	}
	for i, sc := range all {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			db := fmt.Sprintf("wire%d", i)
			require.NoError(t, pg.CreateDatabase(ctx, db))
			nc, err := net.Dial("tcp", net.JoinHostPort(pg.Host(), strconv.Itoa(pg.Port())))
			require.NoError(t, err)
			defer nc.Close()
			want := &client{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
			want.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": pgserver.Superuser, "database": db}})
			require.Equal(t, "ReadyForQuery I", last(want.untilReady()))

			got, _ := connect(t, newServer(t, Options{}), db)
			for j, ex := range sc.exchanges {
				want.send(ex...)
				got.send(ex...)
				assert.Equal(t, transcript(t, want, sc.messages), transcript(t, got, sc.messages), "exchange %d", j)
			}
		})
	}
}

func last(lines []string) string { return lines[len(lines)-1] }

// binaryBind binds the unnamed portal to stmt with every parameter in
// binary format, typed as the kinds table's columns are; a numeric is
// given as its text, a timestamp in RFC 3339.
func binaryBind(stmt string, vals ...any) *pgproto3.Bind {
	oids := []uint32{21, 23, 20, 700, 701, 1700, 25, 1043, 1042, 16, 17, 1114, 1184}
	params := make([][]byte, len(vals))
	for i, v := range vals {
		switch oids[i] {
		case 1700:
			d, _, err := apd.NewFromString(v.(string))
			if err != nil {
				panic(err)
			}
			v = d
		case 1114, 1184:
			at, err := time.Parse(time.RFC3339Nano, v.(string))
			if err != nil {
				panic(err)
			}
			v = at
		}
		b, err := appendBinary(nil, oids[i], v)
		if err != nil {
			panic(err)
		}
		params[i] = b
	}
	return &pgproto3.Bind{PreparedStatement: stmt, ParameterFormatCodes: []int16{1}, Parameters: params, ResultFormatCodes: []int16{1}}
}

// transcript reads answers up to ReadyForQuery in detail: binary values
// in hex, errors with their SQLSTATE and fields (and, with messages,
// their wording), COPY's data as quoted bytes.
func transcript(t *testing.T, c *client, messages bool) []string {
	t.Helper()
	var out []string
	for {
		msg, err := c.fe.Receive()
		require.NoError(t, err)
		line := describeMsg(msg)
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			var v []string
			for _, b := range m.Values {
				switch {
				case b == nil:
					v = append(v, "NULL")
				case isBinaryRow(out):
					v = append(v, hex.EncodeToString(b))
				default:
					v = append(v, string(b))
				}
			}
			line = "DataRow " + strings.Join(v, "|")
		case *pgproto3.ErrorResponse:
			line = fmt.Sprintf("%s %s schema=%s table=%s column=%s constraint=%s", m.Severity, m.Code, m.SchemaName, m.TableName, m.ColumnName, m.ConstraintName)
			if messages {
				line += fmt.Sprintf(" message=%q detail=%q hint=%q context=%q", m.Message, m.Detail, m.Hint, m.Where)
			}
		case *pgproto3.CopyData:
			line = fmt.Sprintf("CopyData %q", m.Data)
		case *pgproto3.CopyOutResponse:
			line = fmt.Sprint("CopyOutResponse ", m.OverallFormat, m.ColumnFormatCodes)
		case *pgproto3.CopyInResponse:
			line = fmt.Sprint("CopyInResponse ", m.OverallFormat, m.ColumnFormatCodes)
		case *pgproto3.RowDescription:
			var f []string
			for _, d := range m.Fields {
				f = append(f, fmt.Sprintf("%s:%d/%d/%d/%d", d.Name, d.DataTypeOID, d.DataTypeSize, d.TypeModifier, d.Format))
			}
			line = "RowDescription " + strings.Join(f, " ")
		}
		out = append(out, line)
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			return out
		}
	}
}

// isBinaryRow reports whether the last RowDescription of out asked for
// binary values (the scenarios ask for all binary or all text).
func isBinaryRow(out []string) bool {
	for i := len(out) - 1; i >= 0; i-- {
		if strings.HasPrefix(out[i], "RowDescription ") {
			return strings.HasSuffix(out[i], "/1")
		}
	}
	return false
}
