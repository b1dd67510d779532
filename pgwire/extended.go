package pgwire

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/reldb/reldb/pgsql"
)

// The extended query protocol: Parse makes a statement (pgsql.Prepare),
// Bind a portal (the statement with its arguments), Execute runs the
// portal and sends its rows, at most a row limit at a time, and Sync ends
// the implicit block the messages since the last Sync ran in. A portal
// that returns rows runs at its first Describe or Execute and keeps its
// result, from which each Execute sends the next rows; its
// RowDescription is that result's columns, so it always matches the rows.

// statement is a prepared statement of a connection.
type statement struct {
	prep *pgsql.Prepared
}

// portal is a bound statement of a connection.
type portal struct {
	stmt    *statement
	args    []any
	formats []int16 // result formats, as Bind gave them

	ran  bool
	res  pgsql.Result
	next int  // the next row to send
	done bool // CommandComplete was sent
}

func (c *conn) parse(m *pgproto3.Parse) {
	if m.Name != "" {
		if _, ok := c.stmts[m.Name]; ok {
			c.fail(&pgsql.Error{Code: "42P05", Message: `prepared statement "` + m.Name + `" already exists`})
			return
		}
	}
	ctx := c.statementContext()
	prep, err := c.sess.Prepare(ctx, m.Query, m.ParameterOIDs)
	c.endStatement()
	if err != nil {
		c.fail(err)
		return
	}
	c.stmts[m.Name] = &statement{prep: prep}
	c.send(&pgproto3.ParseComplete{})
}

func (c *conn) bind(m *pgproto3.Bind) {
	st, ok := c.stmts[m.PreparedStatement]
	if !ok {
		c.fail(&pgsql.Error{Code: "26000", Message: `prepared statement "` + m.PreparedStatement + `" does not exist`})
		return
	}
	if m.DestinationPortal != "" {
		if _, ok := c.portals[m.DestinationPortal]; ok {
			c.fail(&pgsql.Error{Code: "42P03", Message: `portal "` + m.DestinationPortal + `" already exists`})
			return
		}
	}
	oids := st.prep.ParamOIDs()
	if len(m.Parameters) != len(oids) {
		c.fail(protocolError("bind message supplies %d parameters, but prepared statement %q requires %d", len(m.Parameters), m.PreparedStatement, len(oids)))
		return
	}
	if err := checkFormats(m.ParameterFormatCodes, len(oids), "parameter"); err != nil {
		c.fail(err)
		return
	}
	if err := checkFormats(m.ResultFormatCodes, len(st.prep.Columns()), "result"); err != nil && len(st.prep.Columns()) > 0 {
		c.fail(err)
		return
	}
	args := make([]any, len(oids))
	for i, oid := range oids {
		v, err := decodeParam(oid, formatAt(m.ParameterFormatCodes, i), m.Parameters[i], i)
		if err != nil {
			c.fail(err)
			return
		}
		args[i] = v
	}
	c.portals[m.DestinationPortal] = &portal{stmt: st, args: args, formats: append([]int16(nil), m.ResultFormatCodes...)}
	c.send(&pgproto3.BindComplete{})
}

func (c *conn) describe(m *pgproto3.Describe) {
	switch m.ObjectType {
	case 'S':
		st, ok := c.stmts[m.Name]
		if !ok {
			c.fail(&pgsql.Error{Code: "26000", Message: `prepared statement "` + m.Name + `" does not exist`})
			return
		}
		c.send(&pgproto3.ParameterDescription{ParameterOIDs: st.prep.ParamOIDs()})
		if cols := st.prep.Columns(); cols != nil {
			c.send(rowDescription(cols, nil))
		} else {
			c.send(&pgproto3.NoData{})
		}
	case 'P':
		p, ok := c.portals[m.Name]
		if !ok {
			c.fail(&pgsql.Error{Code: "34000", Message: `portal "` + m.Name + `" does not exist`})
			return
		}
		if p.stmt.prep.Columns() == nil {
			c.send(&pgproto3.NoData{})
			return
		}
		if !c.run(p) {
			return
		}
		c.send(rowDescription(p.res.Columns, p.formats))
	default:
		c.fail(protocolError("invalid DESCRIBE message subtype %d", m.ObjectType))
	}
}

// run runs p's statement once, in the implicit block up to the next
// Sync; false after an error, which it has reported.
func (c *conn) run(p *portal) bool {
	if p.ran {
		return true
	}
	c.sess.StartImplicit()
	ctx := c.statementContext()
	res, err := c.sess.ExecPrepared(ctx, p.stmt.prep, p.args)
	c.endStatement()
	if err != nil {
		c.fail(err)
		return false
	}
	if want := p.stmt.prep.Columns(); want != nil && !sameNames(want, res.Columns) {
		// The tables changed since Parse (a column added, say): a client
		// decoding rows by the statement's description would misread
		// them. PostgreSQL's error, on which pgx drops its cached
		// statement; what the statement did is undone with it.
		c.fail(c.sess.Fail(&pgsql.Error{Code: "0A000", Message: "cached plan must not change result type"}))
		return false
	}
	if res.Columns != nil {
		if err := checkFormats(p.formats, len(res.Columns), "result"); err != nil {
			c.fail(err)
			return false
		}
	}
	p.ran, p.res = true, res
	return true
}

// sameNames reports whether a and b are columns of the same names.
func sameNames(a, b []pgsql.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

func (c *conn) execute(m *pgproto3.Execute) {
	p, ok := c.portals[m.Portal]
	if !ok {
		c.fail(&pgsql.Error{Code: "34000", Message: `portal "` + m.Portal + `" does not exist`})
		return
	}
	if p.stmt.prep.Empty() {
		c.send(&pgproto3.EmptyQueryResponse{})
		return
	}
	if !c.run(p) {
		return
	}
	if p.res.Columns == nil {
		if !p.done {
			p.done = true
			c.complete(p.res, p.res.Tag)
		}
		return
	}
	rows := p.res.Rows[p.next:]
	if m.MaxRows > 0 && int(m.MaxRows) < len(rows) {
		rows = rows[:m.MaxRows]
	}
	if err := c.sendRows(p.res.Columns, p.formats, rows); err != nil {
		c.fail(err)
		return
	}
	p.next += len(rows)
	if m.MaxRows > 0 && len(rows) == int(m.MaxRows) {
		// The limit reached: suspended, even if no row is left, as
		// PostgreSQL finds out only at the next Execute.
		c.send(&pgproto3.PortalSuspended{})
		return
	}
	tag := p.res.Tag
	if strings.HasPrefix(tag, "SELECT ") {
		// A query's tag counts the rows this Execute sent, as
		// PostgreSQL's does for a portal run in several fetches.
		tag = "SELECT " + strconv.Itoa(len(rows))
	}
	res := p.res
	if p.done {
		res.Warnings = nil
	}
	p.done = true
	c.complete(res, tag)
}

func (c *conn) close(m *pgproto3.Close) {
	switch m.ObjectType {
	case 'S':
		delete(c.stmts, m.Name)
	case 'P':
		delete(c.portals, m.Name)
	default:
		c.fail(protocolError("invalid CLOSE message subtype %d", m.ObjectType))
		return
	}
	c.send(&pgproto3.CloseComplete{})
}

// sync ends the implicit block, drops the portals when no transaction
// is left open (they live as long as their transaction) and reports
// ReadyForQuery.
func (c *conn) sync() {
	if err := c.sess.EndImplicit(); err != nil && !c.skipping {
		c.be.Send(errorResponse("ERROR", asSQLError(err)))
	}
	c.skipping = false
	if c.sess.TxStatus() == pgsql.TxIdle {
		clear(c.portals)
	}
	c.readyForQuery()
	_ = c.flush()
}
