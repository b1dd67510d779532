package pgwire

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/reldb/reldb/pgsql"
)

// COPY is served by the wire layer over pgsql statements, as pgsql's
// grammar has no COPY: COPY table [(columns)] FROM STDIN, in text or binary
// format, inserts each row through a prepared multi-row INSERT, all in one
// implicit block (or in the open transaction), so a bad row leaves nothing
// behind; COPY table [(columns)] | (query) TO STDOUT, in text format,
// sends the rows of the matching SELECT. Only a Query message holding
// nothing but the COPY statement is taken for one.

var (
	copyFromRE = regexp.MustCompile(`(?is)^\s*copy\s+(` + identRE + `(?:\s*\.\s*` + identRE + `)?)\s*(?:\(([^()]*)\))?\s*from\s+stdin\b\s*(.*?)\s*;?\s*$`)
	copyToRE   = regexp.MustCompile(`(?is)^\s*copy\s+(?:(` + identRE + `(?:\s*\.\s*` + identRE + `)?)\s*(?:\(([^()]*)\))?|\((.*)\))\s*to\s+stdout\b\s*(.*?)\s*;?\s*$`)
)

const identRE = `(?:"(?:[^"]|"")+"|[\pL_][\pL\pN_$]*)`

// copyFormat reads COPY's options: BINARY, or WITH (FORMAT text|binary);
// anything else (CSV, delimiters, ...) is 0A000.
func copyFormat(opts string) (int16, error) {
	o := strings.ToLower(strings.Join(strings.Fields(opts), " "))
	o = strings.TrimPrefix(o, "with ")
	switch o {
	case "", "(format text)", "(format 'text')", "text":
		return textFormat, nil
	case "binary", "(format binary)", "(format 'binary')":
		return binaryFormat, nil
	}
	return 0, &pgsql.Error{Code: "0A000", Message: "COPY option " + strings.TrimSpace(opts) + " is not supported"}
}

// tryCopy runs sql if it is a COPY from STDIN or to STDOUT, reporting
// whether it was one; the caller sends ReadyForQuery.
func (c *conn) tryCopy(sql string) bool {
	if t := strings.TrimSpace(sql); len(t) < 4 || !strings.EqualFold(t[:4], "copy") {
		return false
	}
	if m := copyFromRE.FindStringSubmatch(sql); m != nil {
		c.copyFrom(m[1], m[2], m[3])
		return true
	}
	if m := copyToRE.FindStringSubmatch(sql); m != nil {
		c.copyTo(m[1], m[2], m[3], m[4])
		return true
	}
	return false
}

// copyTo sends the rows of table (or of query) as COPY's text format.
func (c *conn) copyTo(table, cols, query, opts string) {
	if f, err := copyFormat(opts); err != nil || f != textFormat {
		if err == nil {
			err = &pgsql.Error{Code: "0A000", Message: "COPY TO in binary format is not supported"}
		}
		c.be.Send(errorResponse("ERROR", asSQLError(err)))
		return
	}
	if query == "" {
		list := "*"
		if strings.TrimSpace(cols) != "" {
			list = cols
		}
		query = "SELECT " + list + " FROM " + table
	}
	ctx, done := c.statementContext()
	defer done()
	var res pgsql.Result
	err := c.sess.ExecEach(ctx, query, func(r pgsql.Result) error {
		res = r
		return nil
	})
	if err == nil && res.Columns == nil {
		err = &pgsql.Error{Code: "42601", Message: "COPY query must have a RETURNING clause or return rows"}
	}
	if err != nil {
		c.be.Send(errorResponse("ERROR", asSQLError(err)))
		return
	}
	c.send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: make([]uint16, len(res.Columns))}, 0)
	var line []byte
	for _, row := range res.Rows {
		line = line[:0]
		for i, v := range row {
			if i > 0 {
				line = append(line, '\t')
			}
			text, null := res.Columns[i].Format(v)
			if null {
				line = append(line, `\N`...)
				continue
			}
			line = appendCopyEscaped(line, text)
		}
		line = append(line, '\n')
		c.send(&pgproto3.CopyData{Data: append([]byte(nil), line...)}, len(line))
	}
	c.send(&pgproto3.CopyDone{}, 0)
	c.send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.Itoa(len(res.Rows)))}, 0)
}

// appendCopyEscaped appends s with COPY text format's escapes.
func appendCopyEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			dst = append(dst, `\\`...)
		case '\t':
			dst = append(dst, `\t`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		default:
			dst = append(dst, s[i])
		}
	}
	return dst
}

// copyBatch is how many rows one INSERT of a COPY FROM carries at most.
const copyBatch = 256

// copyFrom receives rows from the client and inserts them into table.
func (c *conn) copyFrom(table, cols, opts string) {
	format, err := copyFormat(opts)
	if err != nil {
		c.be.Send(errorResponse("ERROR", asSQLError(err)))
		return
	}
	ctx, done := c.statementContext()
	defer done()
	in, err := c.newCopyIn(ctx, table, cols, format)
	if err != nil {
		c.be.Send(errorResponse("ERROR", asSQLError(err)))
		return
	}
	c.send(&pgproto3.CopyInResponse{OverallFormat: byte(format), ColumnFormatCodes: make([]uint16, len(in.oids))}, 0)
	if c.flush() != nil {
		return
	}
	failed := in.receive(c)
	if failed == nil && !in.ended && in.format == binaryFormat && len(in.buf) > 0 {
		failed = &pgsql.Error{Code: "22P04", Message: "unexpected EOF in COPY data"}
	}
	if failed == nil {
		failed = in.flush()
	}
	if failed == nil {
		failed = c.sess.EndImplicit()
	} else {
		failed = c.sess.Fail(failed) // nothing of the COPY stays
	}
	if failed != nil {
		c.be.Send(errorResponse("ERROR", asSQLError(failed)))
		return
	}
	c.send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.Itoa(in.count))}, 0)
}

// copyIn is a COPY FROM in progress.
type copyIn struct {
	ctx    context.Context
	sess   *pgsql.Session
	format int16
	insert string   // INSERT INTO table (columns) VALUES, without the rows
	width  int      // the number of columns
	oids   []uint32 // the columns' types
	stmts  map[int]*pgsql.Prepared
	rows   []any // the arguments of the rows not yet inserted
	count  int
	buf    []byte // data received and not yet decoded
	header bool   // the binary header was read
	ended  bool   // the end marker was read
}

func (c *conn) newCopyIn(ctx context.Context, table, cols string, format int16) (*copyIn, error) {
	list := strings.TrimSpace(cols)
	if list == "" {
		list = "*"
	}
	probe, err := c.sess.Prepare(ctx, "SELECT "+list+" FROM "+table, nil)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, col := range probe.Columns() {
		names = append(names, `"`+strings.ReplaceAll(col.Name, `"`, `""`)+`"`)
	}
	in := &copyIn{ctx: ctx, sess: c.sess, format: format, stmts: map[int]*pgsql.Prepared{}, width: len(names),
		insert: "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") VALUES "}
	one, err := in.prepare(1)
	if err != nil {
		return nil, err
	}
	in.oids = one.ParamOIDs()
	c.sess.StartImplicit()
	return in, nil
}

// prepare returns the INSERT of n rows.
func (in *copyIn) prepare(n int) (*pgsql.Prepared, error) {
	if p, ok := in.stmts[n]; ok {
		return p, nil
	}
	width := in.width
	var b strings.Builder
	b.WriteString(in.insert)
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i := range width {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", r*width+i+1)
		}
		b.WriteByte(')')
	}
	p, err := in.sess.Prepare(in.ctx, b.String(), nil)
	if err != nil {
		return nil, err
	}
	in.stmts[n] = p
	return p, nil
}

// receive reads CopyData up to CopyDone or CopyFail, inserting rows as
// batches fill; it returns the first error, after which it still reads
// up to CopyDone or CopyFail.
func (in *copyIn) receive(c *conn) error {
	var failed error
	for {
		msg, err := c.be.Receive()
		if err != nil {
			c.writeErr = err // the connection is gone or broken: end it
			return protocolError("COPY from stdin failed: %v", err)
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			if failed == nil {
				failed = in.data(m.Data)
			}
		case *pgproto3.CopyDone:
			if failed == nil && len(in.buf) > 0 && !in.ended && in.format == textFormat {
				failed = in.line(in.buf) // a last line without its newline
			}
			return failed
		case *pgproto3.CopyFail:
			return &pgsql.Error{Code: "57014", Message: "COPY from stdin failed: " + m.Message}
		case *pgproto3.Flush, *pgproto3.Sync:
			// Ignored during COPY, as PostgreSQL does.
		default:
			return protocolError("unexpected message %T during COPY from stdin", msg)
		}
	}
}

// data takes one CopyData's bytes.
func (in *copyIn) data(b []byte) error {
	in.buf = append(in.buf, b...)
	if in.format == binaryFormat {
		return in.binaryRows()
	}
	for {
		i := bytes.IndexByte(in.buf, '\n')
		if i < 0 {
			return nil
		}
		line := in.buf[:i]
		in.buf = in.buf[i+1:]
		if err := in.line(line); err != nil {
			return err
		}
	}
}

// line decodes one row of COPY's text format.
func (in *copyIn) line(line []byte) error {
	if in.ended {
		return nil
	}
	s := strings.TrimSuffix(string(line), "\r")
	if s == `\.` {
		in.ended = true
		return nil
	}
	fields := strings.Split(s, "\t")
	if len(fields) != len(in.oids) {
		return &pgsql.Error{Code: "22P04", Message: fmt.Sprintf("row %d has %d columns, expected %d", in.count+len(in.rows)/max(1, len(in.oids))+1, len(fields), len(in.oids))}
	}
	for i, f := range fields {
		if f == `\N` {
			in.rows = append(in.rows, nil)
			continue
		}
		v, err := pgsql.ParseParam(in.oids[i], unescapeCopy(f))
		if err != nil {
			return err
		}
		in.rows = append(in.rows, v)
	}
	return in.maybeFlush()
}

// unescapeCopy undoes COPY text format's backslash escapes.
func unescapeCopy(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// binarySignature starts COPY's binary format.
var binarySignature = []byte("PGCOPY\n\xff\r\n\x00")

// binaryRows decodes the complete tuples in buf.
func (in *copyIn) binaryRows() error {
	if !in.header {
		if len(in.buf) < len(binarySignature)+8 {
			return nil
		}
		if !bytes.Equal(in.buf[:len(binarySignature)], binarySignature) {
			return &pgsql.Error{Code: "22P04", Message: "COPY file signature not recognized"}
		}
		ext := int(binary.BigEndian.Uint32(in.buf[len(binarySignature)+4:]))
		if ext < 0 || len(in.buf) < len(binarySignature)+8+ext {
			return nil
		}
		in.buf = in.buf[len(binarySignature)+8+ext:]
		in.header = true
	}
	for len(in.buf) >= 2 && !in.ended {
		n := int(int16(binary.BigEndian.Uint16(in.buf)))
		if n == -1 {
			in.ended = true
			in.buf = nil
			return nil
		}
		if n != len(in.oids) {
			return &pgsql.Error{Code: "22P04", Message: fmt.Sprintf("row field count is %d, expected %d", n, len(in.oids))}
		}
		pos, row := 2, make([]any, 0, n)
		for i := range n {
			if len(in.buf) < pos+4 {
				return nil // the rest of the tuple is in a later CopyData
			}
			size := int(int32(binary.BigEndian.Uint32(in.buf[pos:])))
			pos += 4
			if size == -1 {
				row = append(row, nil)
				continue
			}
			if size < 0 {
				return &pgsql.Error{Code: "22P04", Message: "invalid field size"}
			}
			if len(in.buf) < pos+size {
				return nil
			}
			v, err := decodeBinary(in.oids[i], in.buf[pos:pos+size])
			if err != nil {
				return &pgsql.Error{Code: "22P03", Message: fmt.Sprintf("incorrect binary data format in COPY column %d", i+1), Detail: err.Error()}
			}
			row = append(row, v)
			pos += size
		}
		in.buf = in.buf[pos:]
		in.rows = append(in.rows, row...)
		if err := in.maybeFlush(); err != nil {
			return err
		}
	}
	return nil
}

// maybeFlush inserts the rows received once a batch is full.
func (in *copyIn) maybeFlush() error {
	if len(in.rows) >= in.batch()*len(in.oids) {
		return in.flush()
	}
	return nil
}

// batch is the rows per INSERT: copyBatch, fewer for wide rows.
func (in *copyIn) batch() int {
	return max(1, min(copyBatch, 65535/max(1, len(in.oids))))
}

// flush inserts the rows received.
func (in *copyIn) flush() error {
	width := max(1, len(in.oids))
	for len(in.rows) > 0 {
		n := min(len(in.rows)/width, in.batch())
		p, err := in.prepare(n)
		if err != nil {
			return err
		}
		if _, err := in.sess.ExecPrepared(in.ctx, p, in.rows[:n*width]); err != nil {
			return err
		}
		in.rows = in.rows[n*width:]
		in.count += n
	}
	return nil
}
