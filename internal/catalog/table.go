package catalog

import (
	"fmt"
	"math"
	"slices"
	"sync/atomic"

	"github.com/reldb/reldb/txn"
)

// Column is a compiled column of a Table.
type Column struct {
	Table            string // the table's name, for error messages
	Name             string // the column's name
	Type             Type   // the stored type
	NotNull          bool   // NULL is refused (primary key columns always)
	Default          any    // the coerced default, or nil for NULL
	AutoInc          bool   // takes the table's sequence when an insert omits it
	Precision, Scale int    // numeric(Precision, Scale) for a Decimal; 0, 0: unconstrained
}

// Table is the immutable compiled form of an engine.Table. A schema change makes
// a new Table; the old one stays valid for snapshots that hold it.
type Table struct {
	Name    string
	Cols    []Column       // in declaration order; a row's values are in the same order
	ColIdx  map[string]int // column name -> position
	PK      []int          // column positions of the primary key
	PKName  string         // the primary key constraint's name, <table>_pkey
	Primary txn.TreeID     // the tree of rows by encoded primary key
	Indexes []*Index       // secondary indexes, unique constraints among them
	AutoInc int            // position of the auto-increment column, or -1
	// Seq is the table's sequence, shared by every version of the def. It
	// is not transactional (like PostgreSQL's nextval).
	Seq *atomic.Int64
	// FKs are the relations this table references (it is their child), in
	// declaration order: Refs are those that reference it (it is their
	// parent). A relation's *FK is shared by both tables' defs.
	FKs, Refs []*FK
	// M2M are the many-to-many relations this table is a side of.
	M2M []*ManyToMany
}

// Index is a compiled secondary index of a Table; see AppendIndexKey for
// its key layout.
type Index struct {
	Name    string
	Cols    []int      // positions of the indexed columns, in key order
	KeyCols []int      // the columns the planner may seek on: Cols, then Tail if not unique
	Unique  bool       // a unique constraint; NULLs are distinct
	Tree    txn.TreeID // the tree holding the index's entries
	// Tail is the primary key's columns that Cols lacks, in primary key
	// order: what an entry's key holds after Cols to tell rows apart. Set
	// by LayOut.
	Tail []int
}

// LayOut sets the key layout of ix, whose Name, Cols and Unique are set,
// from d's primary key: Tail and KeyCols.
//
// The primary key's columns that Cols already holds are not repeated: a
// junction's reverse index (right, left) over a primary key (left, right)
// has keys of two values, not four. Rows with equal Cols agree on those
// columns, so the tail orders them as the whole primary key would.
func (d *Table) LayOut(ix *Index) {
	ix.Tail = nil
	for _, c := range d.PK {
		if !slices.Contains(ix.Cols, c) {
			ix.Tail = append(ix.Tail, c)
		}
	}
	ix.KeyCols = slices.Clone(ix.Cols)
	if !ix.Unique {
		ix.KeyCols = append(ix.KeyCols, ix.Tail...)
	}
}

// PKAt returns how many encoded values precede a row's primary key in the
// keys of tree, the primary tree or one of d's indexes: 0 for the primary
// tree, the index's column count when its keys end with the whole primary
// key, and -1 when they do not (a unique index, or one over some of the
// primary key's columns).
func (d *Table) PKAt(tree txn.TreeID) int {
	for _, ix := range d.Indexes {
		if ix.Tree == tree {
			if ix.Unique || len(ix.Tail) != len(d.PK) {
				return -1
			}
			return len(ix.Cols)
		}
	}
	return 0
}

// Column returns the position of the named column. Rows are read by column
// name on every Record.Get, and tables are narrow: for a few columns,
// comparing names (a length check, mostly) beats hashing the name.
func (d *Table) Column(name string) (int, bool) {
	if len(d.Cols) <= linearColumns {
		for i := range d.Cols {
			if d.Cols[i].Name == name {
				return i, true
			}
		}
		return 0, false
	}
	i, ok := d.ColIdx[name]
	return i, ok
}

// linearColumns is the widest table whose columns column scans instead of
// hashing.
const linearColumns = 8

// ColNames returns the names of the columns at positions pos.
func (d *Table) ColNames(pos []int) []string {
	names := make([]string, len(pos))
	for i, p := range pos {
		names[i] = d.Cols[p].Name
	}
	return names
}

// Positions resolves column names, refusing unknown and repeated ones.
func (d *Table) Positions(names []string) ([]int, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no columns")
	}
	pos := make([]int, len(names))
	for i, n := range names {
		p, ok := d.ColIdx[n]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrNoColumn, n)
		}
		if slices.Contains(pos[:i], p) {
			return nil, fmt.Errorf("column %q repeated", n)
		}
		pos[i] = p
	}
	return pos, nil
}

// Index returns the secondary index named name, or nil.
func (d *Table) Index(name string) *Index {
	for _, ix := range d.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

// Clone returns a copy of d that can be changed without affecting d.
func (d *Table) Clone() *Table {
	c := *d
	c.Indexes = slices.Clone(d.Indexes)
	return &c
}

// ID returns the primary key of a row of d as Record.ID does.
func (d *Table) ID(vals []any) any {
	if len(d.PK) == 1 {
		return ExportValue(vals[d.PK[0]])
	}
	k := make(Key, len(d.PK))
	for i, p := range d.PK {
		k[i] = ExportValue(vals[p])
	}
	return k
}

// NextID takes the next value of the table's sequence. Like PostgreSQL's
// nextval it fails, with SQLSTATE 2200H, once the sequence is exhausted.
func (d *Table) NextID() (int64, error) {
	for {
		cur := d.Seq.Load()
		if cur == math.MaxInt64 {
			return 0, &ConstraintError{Kind: ErrNumericOverflow, Table: d.Name, Columns: []string{d.Cols[d.AutoInc].Name},
				SQLState: StateSequenceLimit, Message: fmt.Sprintf("nextval: reached maximum value of sequence of %s.%s", d.Name, d.Cols[d.AutoInc].Name)}
		}
		if d.Seq.CompareAndSwap(cur, cur+1) {
			return cur + 1, nil
		}
	}
}

// AdvanceSeq moves the sequence past an explicit key, so that generated
// keys never collide with it.
func (d *Table) AdvanceSeq(id int64) {
	for cur := d.Seq.Load(); id > cur && !d.Seq.CompareAndSwap(cur, id); cur = d.Seq.Load() {
	}
}

// NewTable validates and compiles a table named name with the given
// columns (their Table field is set here and their Default is coerced to
// the column's type) and primary key, allocating tree IDs from next.
// Returns an error wrapping ErrSchema for an invalid definition.
func NewTable(name string, cols []Column, primaryKey []string, next func() txn.TreeID) (*Table, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: table %q: %s", ErrSchema, name, fmt.Sprintf(format, args...))
	}
	if err := CheckName("table", name); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, bad("no columns")
	}
	d := &Table{Name: name, ColIdx: make(map[string]int, len(cols)), AutoInc: -1, PKName: name + "_pkey", Seq: new(atomic.Int64)}
	for i, c := range cols {
		if c.Name == "" {
			return nil, bad("column %d has no name", i)
		}
		if _, dup := d.ColIdx[c.Name]; dup {
			return nil, bad("column %q declared twice", c.Name)
		}
		cd, err := CompileColumn(name, c)
		if err != nil {
			return nil, err
		}
		d.ColIdx[c.Name] = i
		d.Cols = append(d.Cols, cd)
	}
	if len(primaryKey) == 0 {
		return nil, bad("no primary key")
	}
	var err error
	if d.PK, err = d.Positions(primaryKey); err != nil {
		return nil, fmt.Errorf("%w: table %q: primary key: %w", ErrSchema, name, err)
	}
	for _, p := range d.PK {
		d.Cols[p].NotNull = true // primary key columns are NOT NULL, as in SQL
	}
	for i, c := range d.Cols {
		if !c.AutoInc {
			continue
		}
		if len(d.PK) != 1 || d.PK[0] != i || c.Type != Int {
			return nil, bad("auto-increment column %q must be the table's whole primary key and of type int", c.Name)
		}
		d.AutoInc = i
	}
	d.Primary = next()
	return d, nil
}

// CompileColumn validates a column of the table named table and returns it
// compiled: its Table field set and its Default coerced to its type.
// Returns an error wrapping ErrSchema for an invalid column.
func CompileColumn(table string, c Column) (Column, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: table %q: %s", ErrSchema, table, fmt.Sprintf(format, args...))
	}
	if c.Name == "" {
		return Column{}, bad("a column has no name")
	}
	if err := CheckName("column", c.Name); err != nil {
		return Column{}, fmt.Errorf("table %q: %w", table, err)
	}
	if !c.Type.Valid() {
		if c.Type == 0 {
			return Column{}, bad("column %q has no type: set Column.Type (Int, Float, Text, Bool, Bytes, Time or Decimal)", c.Name)
		}
		return Column{}, bad("column %q has invalid type %v", c.Name, c.Type)
	}
	if c.Precision < 0 || c.Scale < 0 || c.Scale > c.Precision || c.Precision > MaxPrecision || (c.Precision > 0 && c.Type != Decimal) {
		return Column{}, bad("column %q: precision %d, scale %d: want 0 <= scale <= precision <= 1000, on a decimal column", c.Name, c.Precision, c.Scale)
	}
	def := c.Default
	c.Table, c.Default = table, nil
	if def != nil {
		if c.AutoInc {
			return Column{}, bad("column %q is auto-increment and has a default", c.Name)
		}
		v, err := Coerce(&c, def)
		if err != nil {
			return Column{}, fmt.Errorf("%w: table %q: column %q default: %w", ErrSchema, table, c.Name, err)
		}
		c.Default = v
	}
	return c, nil
}

// AddIndex compiles a secondary index named name over the columns cols
// into d, which must not be published yet, allocating its tree from next.
// Returns an error wrapping ErrSchema for an invalid index, ErrExists for a
// name d already uses.
func (d *Table) AddIndex(name string, cols []string, unique bool, next func() txn.TreeID) (*Index, error) {
	if err := CheckName("index", name); err != nil {
		return nil, fmt.Errorf("table %q: %w", d.Name, err)
	}
	if name == d.PKName || d.Index(name) != nil {
		return nil, fmt.Errorf("%w: index %q on table %q", ErrExists, name, d.Name)
	}
	pos, err := d.Positions(cols)
	if err != nil {
		return nil, fmt.Errorf("%w: table %q: index %q: %w", ErrSchema, d.Name, name, err)
	}
	// A unique index's keys end with the primary key only for rows with a
	// NULL (see AppendIndexKey): the planner may not seek on it.
	id := &Index{Name: name, Cols: pos, Unique: unique, Tree: next()}
	d.LayOut(id)
	d.Indexes = append(d.Indexes, id)
	return id, nil
}
