package pgsql

import (
	"strconv"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// CREATE TABLE name [(columns)] AS query [WITH [NO] DATA] and SELECT ...
// INTO name: the query runs, and a table of its output columns, named as
// the query names them (or by the column list) and typed as it types them
// (an untyped literal's column is text), is made and filled with its rows.
// The table has no primary key, no constraints and no defaults, as in
// PostgreSQL: reldb keys its rows by the hidden ctid (schema.go). WITH NO
// DATA makes it empty without reading any row. The command tag is SELECT
// and the row count, or CREATE TABLE AS for WITH NO DATA and for IF NOT
// EXISTS when the table exists (then nothing runs).

func (s *Session) createTableAs(tx *engine.Tx, st *ir.CreateTableAs, ev *evaluator) (Result, error) {
	res := Result{Tag: "CREATE TABLE AS"}
	name, err := tableName(st.Table)
	if err != nil {
		return res, err
	}
	if st.IfNotExists {
		if taken, err := s.claimRelation(tx, name, true /* if not exists */); taken || err != nil {
			return res, err // PostgreSQL's NOTICE: already exists, skipping
		}
	}
	if err := s.createAsDomainError(st); err != nil { // domain.go
		return res, err
	}
	qev := ev
	if st.NoData {
		// Typed as Prepare types a query: its tables read no rows.
		qev = &evaluator{params: ev.params, q: &queryEnv{s: s, tx: tx, describe: true}}
	}
	out, err := s.query(tx, st.Query, qev)
	if err != nil {
		return res, err
	}
	if len(st.Columns) > len(out.Columns) {
		return res, pgerr.New(pgerr.SyntaxError, "too many column names were specified")
	}
	ct := &ir.CreateTable{Table: st.Table}
	for i, c := range out.Columns {
		cd := ir.ColumnDef{Name: c.Name}
		if i < len(st.Columns) {
			cd.Name = st.Columns[i]
		}
		if cd.Type, err = columnTypeName(c.typ); err != nil {
			return res, err
		}
		ct.Columns = append(ct.Columns, cd)
	}
	if _, err := s.createTable(tx, ct); err != nil {
		return res, err
	}
	if st.NoData {
		return res, nil
	}
	ts, err := s.schemaOf(tx, name)
	if err != nil {
		return res, err
	}
	rows := make([]engine.Row, len(out.Rows))
	for r, vals := range out.Rows {
		row := make(engine.Row, len(vals))
		for j, v := range vals {
			if row[ct.Columns[j].Name], err = assign(v, out.Columns[j].typ, ts, ts.index[ct.Columns[j].Name]); err != nil {
				return res, err
			}
		}
		rows[r] = row
	}
	if len(rows) > 0 {
		if _, err := tx.InsertRows(name, rows...); err != nil {
			return res, err
		}
	}
	res.Tag = "SELECT " + strconv.Itoa(len(rows))
	return res, nil
}

// columnTypeName is the type name of a column of type t, as CREATE TABLE
// reads it; an untyped column is text.
func columnTypeName(t sqlType) (ir.TypeName, error) {
	tn := ir.TypeName{Location: -1}
	if t.array {
		tn.ArrayDims = 1
	}
	if t.vector || t.record {
		return tn, pgerr.Unsupported("CREATE TABLE AS of a column of type " + t.String())
	}
	switch t.kind {
	case kUnknown:
		tn.Name = "text"
	case kEnum:
		tn.Name = t.enum.name
	case kVarchar, kBpchar:
		tn.Name = kindNames[t.kind]
		if t.length > 0 {
			tn.Mods = []int64{int64(t.length)}
		}
	case kNumeric:
		tn.Name = "numeric"
		if t.prec > 0 {
			tn.Mods = []int64{int64(t.prec), int64(t.scale)}
		}
	case kTime:
		tn.Name = "time"
		if t.prec > 0 {
			tn.Mods = []int64{int64(t.prec - 1)}
		}
	case kInterval:
		if t.length > 0 || t.prec > 0 {
			return tn, pgerr.Unsupported("CREATE TABLE AS of a column of type " + t.String())
		}
		tn.Name = "interval"
	default:
		tn.Name = kindNames[t.kind]
	}
	return tn, nil
}
