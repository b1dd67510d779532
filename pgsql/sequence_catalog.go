package pgsql

import (
	"slices"
	"strings"

	"github.com/reldb/reldb/engine"
)

// catalogSeq is a sequence as the catalog shows it: one CREATE SEQUENCE
// or a serial or identity column made, or the engine's sequence of a
// serial column that is its table's whole primary key (auto set), which
// has the options of a default sequence of the column's type.
type catalogSeq struct {
	oid  int64
	name string
	def  *seqDef
	// auto is the table whose AutoIncrement column the sequence stands
	// for; nil for a sequence of the SQL layer.
	auto *catalogTable
}

// catalogSequences lists the sequences tx sees, by name.
func (s *Session) catalogSequences(tx *engine.Tx, c *catalogSnapshot) []*catalogSeq {
	var out []*catalogSeq
	for _, t := range c.tables {
		for i, col := range t.ts.def.Columns {
			if !col.AutoIncrement {
				continue
			}
			name := t.name() + "_" + col.Name + "_seq"
			_, hi := typeRange(t.ts.types[i])
			def := &seqDef{typ: t.ts.types[i], start: 1, incr: 1, min: 1, max: hi, cache: 1,
				ownerTable: t.name(), ownerColumn: col.Name}
			out = append(out, &catalogSeq{oid: objectOID("S", name), name: name, def: def, auto: t})
		}
	}
	for _, name := range s.sequenceNames(tx) {
		def, _ := s.sequenceNamed(tx, name)
		out = append(out, &catalogSeq{oid: objectOID("S", name), name: name, def: def})
	}
	slices.SortFunc(out, func(a, b *catalogSeq) int { return strings.Compare(a.name, b.name) })
	return out
}

// value returns the sequence's last value and whether nextval handed it
// out; an engine sequence is called once a row took a value.
func (q *catalogSeq) value(c *catalogSnapshot) (int64, bool) {
	if q.auto == nil {
		v := seqStoreOf(c.s.db).current(q.def)
		return v.last, v.called
	}
	return 0, false
}

// identitySequence returns the definition of the sequence of identity
// column col of t, or nil.
func (c *catalogSnapshot) identitySequence(t *catalogTable, col string) *seqDef {
	for _, q := range c.seqs {
		if q.def.ownerTable == t.name() && q.def.ownerColumn == col {
			return q.def
		}
	}
	return nil
}

// serialSequence returns the sequence that column col of t is the
// serial or identity column of: the engine's (AutoIncrement), or the one
// OWNED BY it.
func (c *catalogSnapshot) serialSequence(t *catalogTable, col string) (string, bool) {
	for _, q := range c.seqs {
		if q.def.ownerTable == t.name() && q.def.ownerColumn == col {
			return q.name, true
		}
	}
	return "", false
}
