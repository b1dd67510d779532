package peers

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
)

// pgxFloorCase is round-trip's floor with the client included: pgx's
// QueryRow of "SELECT $1::bigint" over loopback TCP, as on the wire
// systems, to a server that parses no SQL and keeps no data. It answers
// each message of PostgreSQL's extended protocol from memory (the one
// statement's description, the parameter echoed back as the row), writing
// once per Sync as a real server does. What pgx and the loopback cost a
// query is what is left; no wire system reached through pgx here answers
// faster.
func pgxFloorCase() (*Case, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // the listener is closed
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = cannedServe(c)
			}()
		}
	}()
	stop := func() error {
		err := ln.Close()
		wg.Wait()
		return err
	}
	conn, err := pgx.Connect(bg, fmt.Sprintf("postgres://floor@%s/floor?sslmode=disable", ln.Addr()))
	if err != nil {
		return nil, errors.Join(err, stop())
	}
	return echoCase(conn, stop), nil // wire.go
}

// cannedServe serves one connection of pgxFloorCase until the client
// ends it: trust authentication, then every statement is described as
// taking and returning one bigint, and every execution returns its
// parameter.
func cannedServe(c net.Conn) error {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	msg, err := be.ReceiveStartupMessage()
	for err == nil {
		if _, ok := msg.(*pgproto3.StartupMessage); ok {
			break
		}
		if _, err = c.Write([]byte("N")); err == nil { // no TLS, no GSS
			msg, err = be.ReceiveStartupMessage()
		}
	}
	if err != nil {
		return err
	}
	be.Send(&pgproto3.AuthenticationOk{})
	for _, p := range [][2]string{
		{"server_version", "15.0"}, {"client_encoding", "UTF8"}, {"standard_conforming_strings", "on"},
		{"DateStyle", "ISO, MDY"}, {"TimeZone", "UTC"}, {"integer_datetimes", "on"},
	} {
		be.Send(&pgproto3.ParameterStatus{Name: p[0], Value: p[1]})
	}
	be.Send(&pgproto3.BackendKeyData{ProcessID: 1, SecretKey: []byte{0, 0, 0, 1}})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if err := be.Flush(); err != nil {
		return err
	}
	var value []byte // the bound parameter, in the result's format
	for {
		msg, err := be.Receive()
		if err != nil {
			return err
		}
		switch m := msg.(type) {
		case *pgproto3.Parse:
			be.Send(&pgproto3.ParseComplete{})
		case *pgproto3.Describe:
			if m.ObjectType == 'S' {
				be.Send(&pgproto3.ParameterDescription{ParameterOIDs: []uint32{20}})
			}
			be.Send(&pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{
				{Name: []byte("int8"), DataTypeOID: 20, DataTypeSize: 8, TypeModifier: -1},
			}})
		case *pgproto3.Bind:
			if value, err = echoInt8(m, value); err != nil {
				return err
			}
			be.Send(&pgproto3.BindComplete{})
		case *pgproto3.Execute:
			be.Send(&pgproto3.DataRow{Values: [][]byte{value}})
			be.Send(&pgproto3.CommandComplete{CommandTag: []byte("SELECT 1")})
		case *pgproto3.Close:
			be.Send(&pgproto3.CloseComplete{})
		case *pgproto3.Sync:
			be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
			if err := be.Flush(); err != nil {
				return err
			}
		case *pgproto3.Terminate:
			return nil
		default:
			return fmt.Errorf("pgx floor: unexpected %T", msg)
		}
	}
}

// echoInt8 returns Bind's one bigint parameter in the format its result
// is asked in, appended to buf[:0].
func echoInt8(m *pgproto3.Bind, buf []byte) ([]byte, error) {
	if len(m.Parameters) != 1 {
		return nil, fmt.Errorf("pgx floor: %d parameters", len(m.Parameters))
	}
	in, out := int16(0), int16(0)
	if len(m.ParameterFormatCodes) > 0 {
		in = m.ParameterFormatCodes[0]
	}
	if len(m.ResultFormatCodes) > 0 {
		out = m.ResultFormatCodes[0]
	}
	p := m.Parameters[0]
	var n int64
	switch {
	case in == out:
		return append(buf[:0], p...), nil
	case in == 1 && len(p) == 8:
		n = int64(binary.BigEndian.Uint64(p))
	case in == 0:
		var err error
		if n, err = strconv.ParseInt(string(p), 10, 64); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("pgx floor: parameter %x", p)
	}
	if out == 1 {
		return binary.BigEndian.AppendUint64(buf[:0], uint64(n)), nil
	}
	return strconv.AppendInt(buf[:0], n, 10), nil
}
