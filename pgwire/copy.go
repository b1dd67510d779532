package pgwire

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/reldb/reldb/pgsql"
)

// COPY is served by the wire layer over pgsql statements, as pgsql's
// grammar has no COPY: COPY table [(columns)] FROM STDIN, in text, CSV or
// binary format, inserts each row through a prepared multi-row INSERT, all
// in one implicit block (or in the open transaction), so a bad row leaves
// nothing behind; COPY table [(columns)] | (query) TO STDOUT, in any of
// the three, sends the rows of the matching SELECT. Only a Query message
// holding nothing but the COPY statement is taken for one. The options
// (copy_options.go) and the formats (copy_format.go) are PostgreSQL's.

var (
	copyFromRE = regexp.MustCompile(`(?is)^\s*copy\s+(` + identRE + `(?:\s*\.\s*` + identRE + `)?)\s*(?:\(([^()]*)\))?\s*from\s+stdin\b\s*(.*?)\s*;?\s*$`)
	copyToRE   = regexp.MustCompile(`(?is)^\s*copy\s+(?:(` + identRE + `(?:\s*\.\s*` + identRE + `)?)\s*(?:\(([^()]*)\))?|\((.*)\))\s*to\s+stdout\b\s*(.*?)\s*;?\s*$`)
)

const identRE = `(?:"(?:[^"]|"")+"|[\pL_][\pL\pN_$]*)`

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

// relationName is the name PostgreSQL's COPY messages give a table named
// as ref: its last part, unquoted or folded to lower case.
func relationName(ref string) string {
	name := ""
	for s := strings.TrimSpace(ref); s != ""; {
		if s[0] == '"' {
			v, n, ok := scanQuoted(s, '"', false /* escapes */)
			if !ok {
				return s
			}
			name, s = v, s[n:]
		} else {
			i := strings.IndexByte(s, '.')
			if i < 0 {
				i = len(s)
			}
			name, s = strings.ToLower(strings.TrimSpace(s[:i])), s[i:]
		}
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "."))
	}
	return name
}

// copyError is an error in COPY FROM's data with its CONTEXT line.
type copyError struct {
	err   *pgsql.Error
	where string
}

func (e *copyError) Error() string { return e.err.Error() }
func (e *copyError) Unwrap() error { return e.err }

// whereOf is the CONTEXT line err carries, if any.
func whereOf(err error) string {
	var ce *copyError
	if errors.As(err, &ce) {
		return ce.where
	}
	return ""
}

// sendError sends err as an ErrorResponse with where as its CONTEXT.
func (c *conn) sendError(err error, where string) {
	e := errorResponse("ERROR", asSQLError(err))
	e.Where = where
	c.be.Send(e)
}

// checkForced returns the indexes among cols of the columns an option
// names (FORCE_QUOTE and the like), or PostgreSQL's error for a name that
// is not among them: 42P10 for a column of the table the COPY does not
// list, 42703 for one the table does not have (all: its columns; nil for
// a query).
func checkForced(option string, names []string, cols, all []string, rel string) ([]bool, error) {
	if names == nil {
		return nil, nil
	}
	flags := make([]bool, len(cols))
	for _, n := range names {
		i := slices.Index(cols, n)
		if i >= 0 {
			flags[i] = true
			continue
		}
		if all != nil && slices.Contains(all, n) {
			return nil, &pgsql.Error{Code: "42P10", Message: option + ` column "` + n + `" not referenced by COPY`}
		}
		if rel == "" {
			return nil, &pgsql.Error{Code: "42703", Message: `column "` + n + `" does not exist`}
		}
		return nil, &pgsql.Error{Code: "42703", Message: `column "` + n + `" of relation "` + rel + `" does not exist`}
	}
	return flags, nil
}

// tableColumns returns the names of table's columns.
func (c *conn) tableColumns(ctx context.Context, table string) ([]string, error) {
	p, err := c.sess.Prepare(ctx, "SELECT * FROM "+table, nil)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, col := range p.Columns() {
		names = append(names, col.Name)
	}
	return names, nil
}

// copyTo sends the rows of table (or of query) in the format opts asks.
func (c *conn) copyTo(table, cols, query, optText string) {
	o, err := parseCopyOptions(optText, false /* from */)
	if err != nil {
		c.sendError(err, "")
		return
	}
	if query == "" {
		list := "*"
		if strings.TrimSpace(cols) != "" {
			list = cols
		}
		query = "SELECT " + list + " FROM " + table
	}
	ctx := c.statementContext()
	defer c.endStatement()
	var res pgsql.Result
	err = c.sess.ExecEach(ctx, query, func(r pgsql.Result) error {
		res = r
		return nil
	})
	if err == nil && res.Columns == nil {
		err = &pgsql.Error{Code: "42601", Message: "COPY query must have a RETURNING clause or return rows"}
	}
	var names []string
	for _, col := range res.Columns {
		names = append(names, col.Name)
	}
	var force []bool
	if err == nil && !o.forceQuoteAll {
		var all []string
		rel := ""
		if table != "" {
			rel = relationName(table)
			all, err = c.tableColumns(ctx, table)
		}
		if err == nil {
			force, err = checkForced("FORCE_QUOTE", o.forceQuote, names, all, rel)
		}
	}
	if err != nil {
		c.sendError(err, "")
		return
	}
	format := textFormat
	if o.kind == copyBinary {
		format = binaryFormat
	}
	formats := make([]uint16, len(res.Columns))
	for i := range formats {
		formats[i] = uint16(format)
	}
	c.send(&pgproto3.CopyOutResponse{OverallFormat: byte(format), ColumnFormatCodes: formats})
	var line []byte
	if o.kind == copyBinary {
		// The signature goes out with the first row, as PostgreSQL's.
		line = append(line, binarySignature...)
		line = binary.BigEndian.AppendUint32(line, 0) // flags
		line = binary.BigEndian.AppendUint32(line, 0) // header extension
	} else if o.header != headerNone {
		for i, n := range names {
			if i > 0 {
				line = append(line, o.delim)
			}
			if o.kind == copyCSV {
				line = appendCSV(line, n, o, false /* force */, len(names) == 1)
			} else {
				line = appendText(line, n, o.delim)
			}
		}
		line = append(line, '\n')
	}
	if len(line) > 0 && o.kind != copyBinary {
		c.send(&pgproto3.CopyData{Data: line})
		line = nil
	}
	for _, row := range res.Rows {
		if o.kind == copyBinary {
			line = binary.BigEndian.AppendUint16(line, uint16(len(row)))
		}
		for i, v := range row {
			if o.kind == copyBinary {
				if v == nil {
					line = binary.BigEndian.AppendUint32(line, 0xffffffff)
					continue
				}
				at := len(line)
				line = append(line, 0, 0, 0, 0)
				if res.Columns[i].BinaryIsText() { // an enum: its label
					text, _ := res.Columns[i].Format(v)
					line = append(line, text...)
				} else if line, err = appendBinary(line, res.Columns[i].OID(), v); err != nil {
					c.sendError(err, "")
					return
				}
				binary.BigEndian.PutUint32(line[at:], uint32(len(line)-at-4))
				continue
			}
			if i > 0 {
				line = append(line, o.delim)
			}
			text, null := res.Columns[i].Format(v)
			switch {
			case null:
				line = append(line, o.null...)
			case o.kind == copyCSV:
				line = appendCSV(line, text, o, o.forceQuoteAll || force != nil && force[i], len(row) == 1)
			default:
				line = appendText(line, text, o.delim)
			}
		}
		if o.kind != copyBinary {
			line = append(line, '\n')
		}
		c.send(&pgproto3.CopyData{Data: line})
		line = nil
	}
	if o.kind == copyBinary {
		line = append(line, 0xff, 0xff)
		c.send(&pgproto3.CopyData{Data: line})
	}
	c.send(&pgproto3.CopyDone{})
	c.send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.Itoa(len(res.Rows)))})
}

// copyBatch is how many rows one INSERT of a COPY FROM carries at most.
const copyBatch = 256

// copyFrom receives rows from the client and inserts them into table.
func (c *conn) copyFrom(table, cols, optText string) {
	o, err := parseCopyOptions(optText, true /* from */)
	if err != nil {
		c.sendError(err, "")
		return
	}
	ctx := c.statementContext()
	defer c.endStatement()
	in, err := c.newCopyIn(ctx, table, cols, o)
	if err != nil {
		c.sendError(err, "")
		return
	}
	format := textFormat
	if o.kind == copyBinary {
		format = binaryFormat
	}
	formats := make([]uint16, len(in.oids))
	for i := range formats {
		formats[i] = uint16(format)
	}
	c.send(&pgproto3.CopyInResponse{OverallFormat: byte(format), ColumnFormatCodes: formats})
	if c.flush() != nil {
		return
	}
	// The batches are one statement: foreign keys are checked after the
	// last row, as PostgreSQL checks a COPY's.
	failed := c.sess.InOneStatement(ctx, func() error {
		failed := in.receive(c)
		if failed == nil && !in.ended && o.kind == copyBinary && len(in.buf) > 0 {
			failed = badCopy("unexpected EOF in COPY data")
		}
		if failed == nil {
			failed = in.flush()
		}
		return failed
	})
	if failed == nil {
		failed = c.sess.EndImplicit()
	} else {
		where := whereOf(failed)
		failed = c.sess.Fail(failed) // nothing of the COPY stays
		c.sendError(failed, where)
		return
	}
	if failed != nil {
		c.sendError(failed, "")
		return
	}
	c.send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.Itoa(in.count))})
}

// copyIn is a COPY FROM in progress.
type copyIn struct {
	ctx    context.Context
	sess   *pgsql.Session
	opts   *copyOptions
	rel    string   // the table's name, for CONTEXT lines
	insert string   // INSERT INTO table (columns) VALUES, without the rows
	names  []string // the columns
	oids   []uint32 // the columns' types
	stmts  map[int]*pgsql.Prepared
	rows   []any // the arguments of the rows not yet inserted
	count  int
	// sources says where each row not yet inserted came from, for the
	// CONTEXT line of an error the INSERT raises for it; text holds their
	// lines (text and CSV).
	sources []rowSource
	text    []byte
	tuples  int // binary tuples read

	notNull, null []bool // FORCE_NOT_NULL and FORCE_NULL, by column

	lines  lineReader // text and CSV
	buf    []byte     // binary data received and not yet decoded
	header bool       // the header (binary, or HEADER's line) was read
	ended  bool       // the end marker was read
}

func (c *conn) newCopyIn(ctx context.Context, table, cols string, o *copyOptions) (*copyIn, error) {
	list := strings.TrimSpace(cols)
	if list == "" {
		list = "*"
	}
	probe, err := c.sess.Prepare(ctx, "SELECT "+list+" FROM "+table, nil)
	if err != nil {
		return nil, err
	}
	var quoted, names []string
	for _, col := range probe.Columns() {
		names = append(names, col.Name)
		quoted = append(quoted, `"`+strings.ReplaceAll(col.Name, `"`, `""`)+`"`)
	}
	in := &copyIn{ctx: ctx, sess: c.sess, opts: o, rel: relationName(table), stmts: map[int]*pgsql.Prepared{}, names: names,
		// COPY FROM stores the values it is given, a GENERATED ALWAYS
		// identity column's too, as PostgreSQL's does.
		insert: "INSERT INTO " + table + " (" + strings.Join(quoted, ", ") + ") OVERRIDING SYSTEM VALUE VALUES ",
		lines:  lineReader{csv: o.kind == copyCSV, quote: o.quote, escape: o.escape}}
	if o.forceNotNull != nil || o.forceNull != nil {
		all, err := c.tableColumns(ctx, table)
		if err != nil {
			return nil, err
		}
		if in.notNull, err = checkForced("FORCE_NOT_NULL", o.forceNotNull, names, all, in.rel); err != nil {
			return nil, err
		}
		if in.null, err = checkForced("FORCE_NULL", o.forceNull, names, all, in.rel); err != nil {
			return nil, err
		}
	}
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
	width := len(in.names)
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
				failed = in.data(m.Data, false /* eof */)
			}
		case *pgproto3.CopyDone:
			if failed == nil && in.opts.kind != copyBinary {
				failed = in.data(nil, true /* eof */)
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

// data takes one CopyData's bytes, or the end of the data (eof).
func (in *copyIn) data(b []byte, eof bool) error {
	if in.opts.kind == copyBinary {
		in.buf = append(in.buf, b...)
		return in.binaryRows()
	}
	if in.ended {
		return nil // PostgreSQL ignores what follows the end marker
	}
	in.lines.buf = append(in.lines.buf, b...)
	for !in.ended {
		line, marker, more, err := in.lines.next(eof)
		if err != nil {
			return &copyError{err: err.(*pgsql.Error), where: copyContext(in.rel, in.lines.lineno+1, "", nil, nil)}
		}
		if more {
			return nil
		}
		if marker {
			in.ended = true
			if len(line) == 0 {
				in.lines.buf = nil
				return nil
			}
		}
		if err := in.line(line); err != nil {
			return err
		}
		if in.ended {
			in.lines.buf = nil
		}
	}
	return nil
}

// rowSource is where a row of COPY FROM came from: its line (the tuple's
// number in the binary format), and for text and CSV the end of the line
// in copyIn.text, which starts where the previous row's ends.
type rowSource struct {
	lineno, end int
}

// line decodes one line of the text or CSV format: the header, or a row.
func (in *copyIn) line(line []byte) error {
	o := in.opts
	lineErr := func(e *pgsql.Error) error {
		return &copyError{err: e, where: copyContext(in.rel, in.lines.lineno, "", nil, line)}
	}
	fields, err := in.split(line)
	if err != nil {
		return lineErr(err.(*pgsql.Error))
	}
	if !in.header && o.header != headerNone {
		in.header = true
		if o.header == headerMatch {
			return in.matchHeader(fields, lineErr)
		}
		return nil
	}
	if len(fields) > len(in.names) {
		return lineErr(badCopy("extra data after last expected column"))
	}
	for i, name := range in.names {
		if i >= len(fields) {
			return lineErr(badCopy(`missing data for column "` + name + `"`))
		}
		f := in.field(fields, i)
		if f.null {
			in.rows = append(in.rows, nil)
			continue
		}
		v, err := pgsql.ParseParam(in.oids[i], f.value)
		if err != nil {
			return &copyError{err: asSQLError(err), where: copyContext(in.rel, in.lines.lineno, name, &f.value, nil)}
		}
		in.rows = append(in.rows, v)
	}
	in.text = append(in.text, line...)
	in.sources = append(in.sources, rowSource{lineno: in.lines.lineno, end: len(in.text)})
	return in.maybeFlush()
}

// split splits a line of the text or CSV format into its fields.
func (in *copyIn) split(line []byte) ([]copyField, error) {
	o := in.opts
	if o.kind == copyCSV {
		return splitCSV(line, o.delim, o.quote, o.escape, o.null)
	}
	return splitText(line, o.delim, o.null), nil
}

// field is the i'th field of a row, after FORCE_NOT_NULL and FORCE_NULL.
func (in *copyIn) field(fields []copyField, i int) copyField {
	f := fields[i]
	switch {
	case f.null && in.notNull != nil && in.notNull[i]:
		f = copyField{value: in.opts.null}
	case !f.null && in.null != nil && in.null[i] && f.value == in.opts.null:
		f = copyField{null: true}
	}
	return f
}

// matchHeader checks HEADER MATCH's line names the columns, in order.
func (in *copyIn) matchHeader(fields []copyField, lineErr func(*pgsql.Error) error) error {
	if len(fields) != len(in.names) {
		return lineErr(badCopy(fmt.Sprintf("wrong number of fields in header line: got %d, expected %d", len(fields), len(in.names))))
	}
	for i, f := range fields {
		switch {
		case f.null:
			return lineErr(badCopy(fmt.Sprintf(`column name mismatch in header line field %d: got null value ("%s"), expected "%s"`, i+1, in.opts.null, in.names[i])))
		case f.value != in.names[i]:
			return lineErr(badCopy(fmt.Sprintf(`column name mismatch in header line field %d: got "%s", expected "%s"`, i+1, f.value, in.names[i])))
		}
	}
	return nil
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
			return badCopy("COPY file signature not recognized")
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
		lineno := in.tuples + 1
		if n != len(in.oids) {
			return &copyError{err: badCopy(fmt.Sprintf("row field count is %d, expected %d", n, len(in.oids))), where: binaryContext(in.rel, lineno, "")}
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
				return &copyError{err: badCopy("invalid field size"), where: binaryContext(in.rel, lineno, in.names[i])}
			}
			if len(in.buf) < pos+size {
				return nil
			}
			v, err := decodeBinary(in.oids[i], in.buf[pos:pos+size])
			if err != nil {
				return &copyError{err: &pgsql.Error{Code: "22P03", Message: fmt.Sprintf("incorrect binary data format in COPY column %d", i+1), Detail: err.Error()},
					where: binaryContext(in.rel, lineno, in.names[i])}
			}
			row = append(row, v)
			pos += size
		}
		in.buf = in.buf[pos:]
		in.tuples++
		in.rows = append(in.rows, row...)
		in.sources = append(in.sources, rowSource{lineno: lineno})
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
	for done := 0; len(in.rows) > 0; {
		n := min(len(in.rows)/width, in.batch())
		p, err := in.prepare(n)
		if err != nil {
			return err
		}
		if _, err := in.sess.ExecPrepared(in.ctx, p, in.rows[:n*width]); err != nil {
			return in.rowError(err, done)
		}
		in.rows = in.rows[n*width:]
		in.count += n
		done += n
	}
	in.sources, in.text = in.sources[:0], in.text[:0]
	return nil
}

// rowError gives err, an error of the INSERT of the rows from the
// done'th of those not yet inserted, the CONTEXT line PostgreSQL gives
// it. PostgreSQL checks a row's values and its NOT NULL and CHECK
// constraints as it reads the row, so their errors show the line, or the
// column and its value; but it inserts rows in batches and checks unique
// indexes then, when the line is gone, so a unique violation shows the
// line's number only; and foreign keys are checked once the COPY is
// done, without a CONTEXT.
func (in *copyIn) rowError(err error, done int) error {
	e := asSQLError(err)
	row, col := e.Row()
	if row <= 0 || done+row-1 >= len(in.sources) {
		return err
	}
	i := done + row - 1
	src := in.sources[i]
	if in.opts.kind == copyBinary {
		name := ""
		if col > 0 {
			name = in.names[col-1]
		}
		return &copyError{err: e, where: binaryContext(in.rel, src.lineno, name)}
	}
	start := 0
	if i > 0 {
		start = in.sources[i-1].end
	}
	line := in.text[start:src.end]
	switch {
	case e.Code == "23505":
		return &copyError{err: e, where: copyContext(in.rel, src.lineno, "", nil, nil)}
	case col > 0 && col <= len(in.names):
		fields, serr := in.split(line)
		if serr == nil && col <= len(fields) {
			var value *string // nil: null input
			if f := in.field(fields, col-1); !f.null {
				value = &f.value
			}
			return &copyError{err: e, where: copyContext(in.rel, src.lineno, in.names[col-1], value, nil)}
		}
	}
	return &copyError{err: e, where: copyContext(in.rel, src.lineno, "", nil, line)}
}
