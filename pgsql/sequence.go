package pgsql

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Sequences (CREATE SEQUENCE, nextval, currval, setval, lastval) are the
// SQL layer's alone, as views are: the engine never sees one.
//
// A sequence has two parts, kept apart because they follow different
// rules. Its definition (options, owner) is a declaration
// (tableDecl.seq), so CREATE, ALTER and DROP SEQUENCE are transactional
// like any DDL: made in the session's transaction, published when it
// commits, written into declTable by a durable DB, copied into a fork.
// Its value (the last value and whether it was handed out) is not
// transactional, as in PostgreSQL: nextval's values are never given back,
// whatever becomes of the transaction that drew them. The values live in
// the DB's seqStore, keyed by a state key the definition names; ALTER
// SEQUENCE RESTART gives the definition a new key holding the restart
// value, so that, as in PostgreSQL (a new relfilenode), a RESTART that
// rolls back leaves the sequence where it was.
//
// A durable DB logs the values in an engine table of its own, seqTable,
// one row per state key, written in a transaction of its own (never the
// session's) before a value is handed out. As PostgreSQL does
// (SEQ_LOG_VALS), a write covers the next seqLogAhead values, so most
// nextval calls write nothing; a crash loses at most those, leaving a gap
// and never a repeat. Closing the DB writes the exact values (seqStore's
// BeforeClose), so a clean restart continues without a gap.
//
// A serial column that is its table's whole primary key keeps the
// engine's faster per-table sequence (Column.AutoIncrement); every other
// serial or identity column is a sequence named <table>_<column>_seq,
// owned by the column, with DEFAULT nextval of it (serial.go).

// seqTable is the engine table of the durable sequence values.
const seqTable = reservedPrefix + "sequences"

var seqTableDef = engine.Table{
	Name: seqTable,
	Columns: []engine.Column{
		{Name: "key", Type: engine.Text, NotNull: true},
		{Name: "last", Type: engine.Int, NotNull: true},
		{Name: "called", Type: engine.Bool, NotNull: true},
	},
	PrimaryKey: []string{"key"},
}

// seqLogAhead is how many values one write of a durable sequence's row
// covers, PostgreSQL's SEQ_LOG_VALS.
const seqLogAhead = 32

// seqDef is a sequence's definition. It is immutable.
type seqDef struct {
	// uid identifies the sequence from its creation on, as PostgreSQL's
	// oid does: currval's session state is kept by it.
	uid string
	// key names the sequence's values in the seqStore; restart is the
	// last value a key starts from, not yet called.
	key                          string
	restart                      int64
	typ                          sqlType // smallint, integer or bigint
	start, incr, min, max, cache int64
	cycle                        bool
	// ownerTable and ownerColumn are OWNED BY's column, "" for none: the
	// sequence is dropped with it.
	ownerTable, ownerColumn string
}

// newSeqKey returns a fresh key or uid.
func newSeqKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// seqValue is one state key's value.
type seqValue struct {
	last   int64
	called bool
	// logged is how many more values may be handed out before the row
	// in seqTable must be written again; always 0 in memory.
	logged int64
}

// seqStore holds a DB's sequence values.
type seqStore struct {
	db *engine.DB
	mu struct {
		sync.Mutex
		values map[string]*seqValue // by state key
	}
	durable bool
	err     error // the values could not be read back
}

type seqStoreKey struct{}

// seqStoreOf returns db's sequence values, reading a durable DB's on
// first use.
func seqStoreOf(db *engine.DB) *seqStore {
	return db.Extension(seqStoreKey{}, func() any { return loadSeqStore(db) }).(*seqStore)
}

func loadSeqStore(db *engine.DB) *seqStore {
	st := &seqStore{db: db}
	st.mu.values = map[string]*seqValue{}
	storage, err := db.Storage()
	if err != nil {
		st.err = err
		return st
	}
	st.durable = storage.Dir != ""
	if !st.durable {
		return st
	}
	ctx := context.Background()
	found := false
	err = db.View(ctx, func(tx *engine.Tx) error {
		if _, err := tx.Table(seqTable); err != nil {
			if errors.Is(err, engine.ErrNoTable) {
				return nil
			}
			return err
		}
		found = true
		return tx.Query(seqTable).Each(func(r engine.Record) error {
			key, _ := r.Get("key").(string)
			last, _ := r.Get("last").(int64)
			called, _ := r.Get("called").(bool)
			st.mu.values[key] = &seqValue{last: last, called: called}
			return nil
		})
	})
	if err == nil && !found {
		err = db.Update(ctx, func(tx *engine.Tx) error {
			if _, err := tx.Table(seqTable); err == nil {
				return nil
			}
			return tx.CreateTable(seqTableDef)
		})
		if errors.Is(err, engine.ErrReadOnly) {
			err = nil // opened read-only: nextval will say so
		}
	}
	st.err = err
	return st
}

// Fork copies the values for a forked DB, which is in memory.
func (st *seqStore) Fork() any {
	st.mu.Lock()
	defer st.mu.Unlock()
	f := &seqStore{err: st.err}
	f.mu.values = make(map[string]*seqValue, len(st.mu.values))
	for k, v := range st.mu.values {
		f.mu.values[k] = &seqValue{last: v.last, called: v.called}
	}
	return f
}

// BeforeClose writes the exact value of every sequence that handed out
// values its row covered in advance, so that a clean restart leaves no gap.
func (st *seqStore) BeforeClose(db *engine.DB) error {
	if !st.durable || st.err != nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var keys []string
	for k, v := range st.mu.values {
		if v.logged > 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, k := range keys {
			v := st.mu.values[k]
			if _, err := tx.Upsert(seqTable, engine.Row{"key": k, "last": v.last, "called": v.called}); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		for _, k := range keys {
			st.mu.values[k].logged = 0
		}
	}
	return err
}

var (
	_ engine.Forker = (*seqStore)(nil)
	_ engine.Closer = (*seqStore)(nil)
)

// valueLocked returns def's value, making it on first use.
func (st *seqStore) valueLocked(def *seqDef) *seqValue {
	v := st.mu.values[def.key]
	if v == nil {
		v = &seqValue{last: def.restart}
		st.mu.values[def.key] = v
	}
	return v
}

// writeLocked writes key's row in a transaction of its own.
func (st *seqStore) writeLocked(key string, last int64, called bool) error {
	if !st.durable {
		return nil
	}
	return st.db.Update(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Upsert(seqTable, engine.Row{"key": key, "last": last, "called": called})
		return err
	})
}

// next is nextval: the sequence's next value, 2200H past its bound
// without CYCLE.
func (st *seqStore) next(name string, def *seqDef) (int64, error) {
	if st.err != nil {
		return 0, st.err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	v := st.valueLocked(def)
	out := v.last
	if v.called {
		n, ok := def.step(v.last)
		if !ok {
			return 0, def.exhausted(name)
		}
		out = n
	}
	if st.durable && v.logged == 0 {
		ahead, k := out, int64(0)
		for k < seqLogAhead {
			n, ok := def.step(ahead)
			if !ok || !def.cycle && n == out {
				break
			}
			ahead, k = n, k+1
		}
		if err := st.writeLocked(def.key, ahead, true); err != nil {
			return 0, err
		}
		v.logged = k + 1
	}
	if v.logged > 0 {
		v.logged--
	}
	v.last, v.called = out, true
	return out, nil
}

// set is setval: it writes the value through at once.
func (st *seqStore) set(def *seqDef, last int64, called bool) error {
	if st.err != nil {
		return st.err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	v := st.valueLocked(def)
	if err := st.writeLocked(def.key, last, called); err != nil {
		return err
	}
	v.last, v.called, v.logged = last, called, 0
	return nil
}

// current returns def's value without changing it.
func (st *seqStore) current(def *seqDef) seqValue {
	st.mu.Lock()
	defer st.mu.Unlock()
	if v := st.mu.values[def.key]; v != nil {
		return *v
	}
	return seqValue{last: def.restart}
}

// step returns the value after last, wrapping to the other bound with
// CYCLE; ok is false past a bound without it.
func (def *seqDef) step(last int64) (int64, bool) {
	if def.incr > 0 {
		if last > def.max-def.incr || last+def.incr < last { // max-incr cannot overflow: max >= min+1
			if !def.cycle {
				return 0, false
			}
			return def.min, true
		}
		return last + def.incr, true
	}
	if last < def.min-def.incr || last+def.incr > last {
		if !def.cycle {
			return 0, false
		}
		return def.max, true
	}
	return last + def.incr, true
}

func (def *seqDef) exhausted(name string) *Error {
	if def.incr > 0 {
		return &Error{Code: "2200H", Message: "nextval: reached maximum value of sequence \"" + name + "\" (" + strconv.FormatInt(def.max, 10) + ")"}
	}
	return &Error{Code: "2200H", Message: "nextval: reached minimum value of sequence \"" + name + "\" (" + strconv.FormatInt(def.min, 10) + ")"}
}

// typeRange is the range of a sequence's type.
func typeRange(t sqlType) (int64, int64) {
	switch t.kind {
	case kInt2:
		return math.MinInt16, math.MaxInt16
	case kInt4:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

func badSeqOption(format string, args ...any) *Error {
	return pgerr.New(pgerr.InvalidParameterValue, format, args...)
}

// applySeqOptions returns the definition o makes of old (nil for CREATE
// SEQUENCE), checked as PostgreSQL's init_params checks it (22023). last
// is the current value of old, checked against new bounds.
func applySeqOptions(old *seqDef, o ir.SequenceOptions, last int64) (*seqDef, error) {
	def := &seqDef{typ: typInt8, incr: 1, cache: 1}
	create := old == nil
	if !create {
		d := *old
		def = &d
	}
	var resetMax, resetMin bool
	if o.As != nil {
		t, err := typeOf(*o.As)
		if err != nil {
			return nil, err
		}
		if !t.isInt() || t.array {
			return nil, badSeqOption("sequence type must be smallint, integer, or bigint")
		}
		if !create {
			// Bounds that were the old type's follow the new one.
			oldMin, oldMax := typeRange(def.typ)
			resetMax, resetMin = def.max == oldMax, def.min == oldMin
		}
		def.typ = t
	}
	if o.Increment != nil {
		if *o.Increment == 0 {
			return nil, badSeqOption("INCREMENT must not be zero")
		}
		def.incr = *o.Increment
	}
	if o.Cycle != nil {
		def.cycle = *o.Cycle
	}
	lo, hi := typeRange(def.typ)
	switch {
	case o.MaxValue != nil && !o.MaxValue.None:
		def.max = o.MaxValue.Value
	case create || o.MaxValue != nil || resetMax:
		if def.incr > 0 || resetMax {
			def.max = hi
		} else {
			def.max = -1
		}
	}
	switch {
	case o.MinValue != nil && !o.MinValue.None:
		def.min = o.MinValue.Value
	case create || o.MinValue != nil || resetMin:
		if def.incr < 0 || resetMin {
			def.min = lo
		} else {
			def.min = 1
		}
	}
	if def.max < lo || def.max > hi {
		return nil, badSeqOption("MAXVALUE (%d) is out of range for sequence data type %s", def.max, sqlDataType(def.typ))
	}
	if def.min < lo || def.min > hi {
		return nil, badSeqOption("MINVALUE (%d) is out of range for sequence data type %s", def.min, sqlDataType(def.typ))
	}
	if def.min >= def.max {
		return nil, badSeqOption("MINVALUE (%d) must be less than MAXVALUE (%d)", def.min, def.max)
	}
	switch {
	case o.Start != nil:
		def.start = *o.Start
	case create:
		if def.incr > 0 {
			def.start = def.min
		} else {
			def.start = def.max
		}
	}
	if def.start < def.min {
		return nil, badSeqOption("START value (%d) cannot be less than MINVALUE (%d)", def.start, def.min)
	}
	if def.start > def.max {
		return nil, badSeqOption("START value (%d) cannot be greater than MAXVALUE (%d)", def.start, def.max)
	}
	if o.Cache != nil {
		if *o.Cache <= 0 {
			return nil, badSeqOption("CACHE (%d) must be greater than zero", *o.Cache)
		}
		def.cache = *o.Cache
	}
	if create {
		def.uid, def.key, def.restart = newSeqKey(), newSeqKey(), def.start
		return def, nil
	}
	if o.Restart != nil {
		def.key, def.restart = newSeqKey(), def.start
		if !o.Restart.None {
			def.restart = o.Restart.Value
		}
		last = def.restart
	}
	if last < def.min {
		return nil, badSeqOption("RESTART value (%d) cannot be less than MINVALUE (%d)", last, def.min)
	}
	if last > def.max {
		return nil, badSeqOption("RESTART value (%d) cannot be greater than MAXVALUE (%d)", last, def.max)
	}
	return def, nil
}

// sequenceNamed returns the sequence named name as the session's
// transaction sees it.
func (s *Session) sequenceNamed(tx *engine.Tx, name string) (*seqDef, bool) {
	def := s.decl(name).seq
	if def == nil || exists(tx, name) {
		return nil, false
	}
	return def, true
}

// sequenceNames returns the names of the sequences the session's
// transaction sees, sorted.
func (s *Session) sequenceNames(tx *engine.Tx) []string {
	var out []string
	for _, name := range s.declaredNames() {
		if _, ok := s.sequenceNamed(tx, name); ok {
			out = append(out, name)
		}
	}
	return out
}

// declaredNames returns the names of every declaration the session's
// transaction sees, sorted.
func (s *Session) declaredNames() []string {
	seen := map[string]bool{}
	for name := range s.declTx {
		seen[name] = true
	}
	s.decls.mu.Lock()
	for name := range s.decls.tables {
		seen[name] = true
	}
	s.decls.mu.Unlock()
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func notASequence(name string) *Error {
	return &Error{Code: "42809", Message: `"` + name + `" is not a sequence`}
}

// createSequence is CREATE SEQUENCE.
func (s *Session) createSequence(tx *engine.Tx, st *ir.CreateSequence) (Result, error) {
	res := Result{Tag: "CREATE SEQUENCE"}
	name, err := tableName(st.Name)
	if err != nil {
		return res, err
	}
	if taken, err := s.claimRelation(tx, name, st.IfNotExists); taken || err != nil { // enum.go
		return res, err
	}
	return res, s.defineSequence(tx, name, nil, st.Options, 0)
}

// defineSequence declares sequence name with opts applied to old (nil:
// a new sequence) whose last value is last: CREATE and ALTER SEQUENCE.
func (s *Session) defineSequence(tx *engine.Tx, name string, old *seqDef, opts ir.SequenceOptions, last int64) error {
	if opts.Err != nil {
		return opts.Err
	}
	def, err := applySeqOptions(old, opts, last)
	if err != nil {
		return err
	}
	if opts.OwnedBySet {
		if def.ownerTable, def.ownerColumn, err = s.seqOwner(tx, opts.OwnedBy); err != nil {
			return err
		}
	}
	td := &tableDecl{seq: def}
	if old != nil {
		td = withPrivileges(td, s.decl(name)) // role_acl.go
	} else {
		td = s.withDefaultACL('S', td)
	}
	s.setDecl(name, td)
	return nil
}

// seqOwner resolves OWNED BY's [schema.]table.column.
func (s *Session) seqOwner(tx *engine.Tx, names []string) (string, string, error) {
	if len(names) == 0 {
		return "", "", nil
	}
	q := ir.QualName{Name: names[len(names)-2]}
	if len(names) == 3 {
		q.Schema = names[0]
	} else if len(names) > 3 {
		return "", "", pgerr.Unsupported("cross-database reference")
	}
	table, err := tableName(q)
	if err != nil {
		return "", "", err
	}
	col := names[len(names)-1]
	if !exists(tx, table) {
		if s.relationExists(tx, table) {
			return "", "", &Error{Code: "42809", Message: `sequence cannot be owned by relation "` + table + `"`,
				Detail: "This operation is not supported for this kind of relation."}
		}
		return "", "", pgerr.UndefinedTableError(table)
	}
	ts, err := s.schemaOf(tx, table)
	if err != nil {
		return "", "", err
	}
	if _, ok := ts.index[col]; !ok {
		return "", "", &Error{Code: pgerr.UndefinedColumn, Message: `column "` + col + `" of relation "` + table + `" does not exist`}
	}
	return table, col, nil
}

// alterSequence is ALTER SEQUENCE.
func (s *Session) alterSequence(tx *engine.Tx, st *ir.AlterSequence) (Result, error) {
	res := Result{Tag: "ALTER SEQUENCE"}
	name, err := tableName(st.Name)
	if err != nil {
		return res, err
	}
	old, ok := s.sequenceNamed(tx, name)
	if !ok {
		if s.relationExists(tx, name) {
			return res, notASequence(name)
		}
		if st.IfExists {
			return res, nil
		}
		return res, pgerr.UndefinedTableError(name)
	}
	if st.NewName != "" {
		return res, s.renameSequence(tx, name, st.NewName, old)
	}
	return res, s.defineSequence(tx, name, old, st.Options, seqStoreOf(s.db).current(old).last)
}

// renameSequence is ALTER SEQUENCE ... RENAME TO. PostgreSQL's DEFAULTs
// name a sequence by its oid, so they follow a rename: here a DEFAULT
// that is nextval of the sequence is rewritten to the new name. Its
// values and currval's session state are kept by key and uid, which do
// not change.
func (s *Session) renameSequence(tx *engine.Tx, name, newName string, def *seqDef) error {
	if err := s.relationNameError(newName); err != nil { // enum.go
		return err
	}
	if s.relationExists(tx, newName) {
		return pgerr.DuplicateTableError(newName)
	}
	if err := s.vacateImplicit(tx, newName); err != nil {
		return err
	}
	for _, table := range s.declaredNames() {
		td := s.decl(table)
		var moved map[string]ir.Expr
		for col, e := range td.defaults {
			if !slices.Contains(sequencesCalled(e), name) {
				continue
			}
			if f, ok := e.(*ir.Func); !ok || f.Name != "nextval" || len(f.Args) != 1 {
				return pgerr.Unsupported("RENAME of a sequence that DEFAULT " + e.String() + " of " + table + "." + col + " uses")
			}
			ne, err := nextvalDefault(newName)
			if err != nil {
				return err
			}
			if moved == nil {
				moved = maps.Clone(td.defaults)
			}
			moved[col] = ne
		}
		if moved != nil {
			nd := *td
			nd.defaults = moved
			s.setDecl(table, &nd)
		}
	}
	td := withPrivileges(&tableDecl{seq: def}, s.decl(name)) // role_acl.go
	s.setDecl(name, nil)
	s.setDecl(newName, td)
	return nil
}

// dropSequences is DROP SEQUENCE. A sequence a column's DEFAULT calls is
// 2BP01 to drop without CASCADE, which drops the DEFAULT.
func (s *Session) dropSequences(tx *engine.Tx, st *ir.Drop) (Result, error) {
	res := Result{Tag: "DROP SEQUENCE"}
	var names []string
	for _, q := range st.Names {
		name, err := tableName(q)
		if err != nil {
			return res, err
		}
		if _, ok := s.sequenceNamed(tx, name); !ok {
			if s.relationExists(tx, name) {
				return res, notASequence(name)
			}
			if st.IfExists {
				continue
			}
			return res, &Error{Code: pgerr.UndefinedTable, Message: `sequence "` + name + `" does not exist`}
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if err := s.dropDefaultsCalling(tx, names, st.Cascade); err != nil {
		return res, err
	}
	for _, n := range names {
		s.setDecl(n, nil)
	}
	return res, nil
}

// dropDefaultsCalling finds the column DEFAULTs that call one of the
// sequences: 2BP01 unless cascade, which drops them.
func (s *Session) dropDefaultsCalling(tx *engine.Tx, seqs []string, cascade bool) error {
	defs, err := tx.Tables()
	if err != nil {
		return err
	}
	for _, def := range defs {
		if reservedName(def.Name) {
			continue
		}
		td := s.decl(def.Name)
		var cols []string
		for col, e := range td.defaults {
			for _, ref := range sequencesCalled(e) {
				if slices.Contains(seqs, ref) && !slices.Contains(cols, col) {
					cols = append(cols, col)
				}
			}
		}
		if len(cols) == 0 {
			continue
		}
		slices.Sort(cols)
		if !cascade {
			seq := ""
			for _, ref := range sequencesCalled(td.defaults[cols[0]]) {
				if slices.Contains(seqs, ref) {
					seq = ref
					break
				}
			}
			return &Error{Code: "2BP01", Message: "cannot drop sequence " + seq + " because other objects depend on it",
				Detail: "default value for column " + cols[0] + " of table " + def.Name + " depends on sequence " + seq,
				Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
		}
		nd := *td
		nd.defaults = make(map[string]ir.Expr, len(td.defaults))
		for c, e := range td.defaults {
			if !slices.Contains(cols, c) {
				nd.defaults[c] = e
			}
		}
		s.setDecl(def.Name, &nd)
	}
	return nil
}

// dropOwnedSequences drops the sequences owned by a column of table
// (column "" for any), as dropping the column or table does.
func (s *Session) dropOwnedSequences(tx *engine.Tx, table, column string) {
	for _, name := range s.declaredNames() {
		def := s.decl(name).seq
		if def != nil && def.ownerTable == table && (column == "" || def.ownerColumn == column) {
			s.setDecl(name, nil)
		}
	}
}

// moveOwnedSequences makes the sequences owned by a column of table
// (column "" for any) owned by newTable's newColumn ("": the same
// column), as a rename of the table or the column leaves them owned by
// it: PostgreSQL's ownership is by the column's identity, not its name.
func (s *Session) moveOwnedSequences(table, column, newTable, newColumn string) {
	for _, name := range s.declaredNames() {
		def := s.decl(name).seq
		if def == nil || def.ownerTable != table || column != "" && def.ownerColumn != column {
			continue
		}
		nd := *def
		nd.ownerTable = newTable
		if newColumn != "" {
			nd.ownerColumn = newColumn
		}
		s.setDecl(name, withPrivileges(&tableDecl{seq: &nd}, s.decl(name)))
	}
}

// sequencesCalled returns the names of the sequences e's sequence
// function calls name with a constant: nextval('s'), nextval('s'::regclass).
func sequencesCalled(e ir.Expr) []string {
	var out []string
	ir.Inspect(e, func(x ir.Expr) bool {
		f, ok := x.(*ir.Func)
		if !ok || !sequenceFuncs[f.Name] || len(f.Args) == 0 || f.Schema != "" && f.Schema != "pg_catalog" {
			return true
		}
		arg := f.Args[0]
		if c, ok := arg.(*ir.Cast); ok && c.Type.Name == "regclass" {
			arg = c.Arg
		}
		if c, ok := arg.(*ir.Const); ok && c.Kind == ir.ConstString {
			_, name := splitQualified(c.Value)
			out = append(out, name)
		}
		return true
	})
	return out
}

// sequenceFuncs are the functions of sequences.
var sequenceFuncs = map[string]bool{"nextval": true, "currval": true, "setval": true, "lastval": true}

// seqSession is a session's state of the sequences: currval's values, by
// sequence uid, and lastval's sequence.
type seqSession struct {
	curr     map[string]int64
	lastUID  string
	lastName string
}

// sequenceFunc evaluates nextval, currval, setval and lastval; ok is
// false for another function.
func (ev *evaluator) sequenceFunc(f *ir.Func) (v any, t sqlType, ok bool, err error) {
	if !sequenceFuncs[f.Name] {
		return nil, typUnknown, false, nil
	}
	n := len(f.Args)
	switch {
	case f.Name == "lastval" && n == 0, f.Name == "setval" && (n == 2 || n == 3), (f.Name == "nextval" || f.Name == "currval") && n == 1:
	default:
		return nil, typUnknown, false, nil
	}
	if ev.q == nil || ev.q.tx == nil {
		return nil, typInt8, true, pgerr.Unsupported("function " + f.Name + " in this position")
	}
	s := ev.q.s
	if f.Name == "lastval" && ev.q.describe {
		return nil, typInt8, true, nil // see below
	}
	if f.Name == "lastval" {
		v, err := s.lastval(ev.q.tx)
		return v, typInt8, true, err
	}
	vals := make([]any, n)
	types := make([]sqlType, n)
	for i, a := range f.Args {
		if vals[i], types[i], err = ev.eval(a); err != nil {
			return nil, typInt8, true, err
		}
	}
	for _, v := range vals {
		if v == nil {
			return nil, typInt8, true, nil // strict
		}
	}
	name, def, err := ev.sequenceArg(vals[0], types[0])
	if err != nil {
		return nil, typInt8, true, err
	}
	if (f.Name == "nextval" || f.Name == "setval") && s.tx != nil && s.txOpts.ReadOnly {
		return nil, typInt8, true, &Error{Code: "25006", Message: "cannot execute " + f.Name + "() in a read-only transaction"}
	}
	if ev.q.describe {
		// Prepare's trial run (prepare.go) only types the query: it takes
		// no value from the sequence and reads no session state.
		return nil, typInt8, true, nil
	}
	switch f.Name {
	case "nextval":
		x, err := seqStoreOf(s.db).next(name, def)
		if err != nil {
			return nil, typInt8, true, err
		}
		s.seqs.remember(def, name, x, true /* last */)
		return x, typInt8, true, nil
	case "currval":
		x, ok := s.seqs.curr[def.uid]
		if !ok {
			return nil, typInt8, true, &Error{Code: "55000", Message: `currval of sequence "` + name + `" is not yet defined in this session`}
		}
		return x, typInt8, true, nil
	}
	x, err := cast(vals[1], types[1], typInt8, false /* explicit */)
	if err != nil {
		return nil, typInt8, true, err
	}
	called := true
	if n == 3 {
		b, ok := vals[2].(bool)
		if !ok {
			return nil, typInt8, true, pgerr.New(pgerr.UndefinedFunction, "function setval(regclass, bigint, %s) does not exist", types[2])
		}
		called = b
	}
	last := x.(int64)
	if last < def.min || last > def.max {
		return nil, typInt8, true, &Error{Code: "22003", Message: "setval: value " + strconv.FormatInt(last, 10) + " is out of bounds for sequence \"" + name +
			"\" (" + strconv.FormatInt(def.min, 10) + ".." + strconv.FormatInt(def.max, 10) + ")"}
	}
	if err := seqStoreOf(s.db).set(def, last, called); err != nil {
		return nil, typInt8, true, err
	}
	if called {
		s.seqs.remember(def, name, last, false /* last */)
	}
	return last, typInt8, true, nil
}

// remember records a value nextval or setval returned, for currval and,
// when last is set, lastval.
func (ss *seqSession) remember(def *seqDef, name string, v int64, last bool) {
	if ss.curr == nil {
		ss.curr = map[string]int64{}
	}
	ss.curr[def.uid] = v
	if last {
		ss.lastUID, ss.lastName = def.uid, name
	}
}

// lastval is lastval(): the value nextval last returned in the session,
// of a sequence that still exists.
func (s *Session) lastval(tx *engine.Tx) (int64, error) {
	undefined := &Error{Code: "55000", Message: "lastval is not yet defined in this session"}
	if s.seqs.lastUID == "" {
		return 0, undefined
	}
	def, ok := s.sequenceNamed(tx, s.seqs.lastName)
	if !ok || def.uid != s.seqs.lastUID {
		return 0, undefined
	}
	return s.seqs.curr[def.uid], nil
}

// sequenceArg resolves a sequence function's first argument, a regclass:
// an oid, or a name in text.
func (ev *evaluator) sequenceArg(v any, t sqlType) (string, *seqDef, error) {
	var name string
	switch {
	case t.isInt():
		snap, err := ev.catalog()
		if err != nil {
			return "", nil, err
		}
		name = snap.relationName(v.(int64))
		if name == "" {
			return "", nil, pgerr.New(pgerr.UndefinedTable, "could not open relation with OID %d", v.(int64))
		}
	case t.isText() || t.kind == kUnknown:
		schema, n := splitQualified(v.(string))
		if schema != "" && schema != "public" {
			return "", nil, pgerr.UndefinedTableError(v.(string))
		}
		name = n
	default:
		return "", nil, pgerr.New(pgerr.UndefinedFunction, "function nextval(%s) does not exist", t)
	}
	s := ev.q.s
	if def, ok := s.sequenceNamed(ev.q.tx, name); ok {
		return name, def, nil
	}
	if s.relationExists(ev.q.tx, name) {
		return "", nil, notASequence(name)
	}
	if snap, err := ev.catalog(); err == nil {
		for _, q := range snap.seqs {
			if q.name == name && q.auto != nil {
				// The engine's own sequence of a serial primary key.
				return "", nil, pgerr.Unsupported("sequence functions on " + name + ", the sequence of serial primary key " +
					q.def.ownerTable + "." + q.def.ownerColumn)
			}
		}
	}
	return "", nil, pgerr.UndefinedTableError(name)
}

// isSequence reports whether name is a sequence's.
func (s *Session) isSequence(tx *engine.Tx, name string) bool {
	_, ok := s.sequenceNamed(tx, name)
	return ok
}

// callsSequence reports whether e calls a sequence function.
func callsSequence(e ir.Expr) bool {
	found := false
	ir.Inspect(e, func(x ir.Expr) bool {
		if f, ok := x.(*ir.Func); ok && sequenceFuncs[f.Name] && (f.Schema == "" || f.Schema == "pg_catalog") {
			found = true
		}
		return !found
	})
	return found
}

// checkSequenceDefault checks, without calling it, a DEFAULT that calls
// a sequence function: the sequences it names must exist (42P01, 42809
// for another relation), as PostgreSQL resolves a regclass constant when
// it stores the default, and bigint must be assignable to the column.
// Only a call that names its sequence with a constant (nextval('s'),
// nextval('s'::regclass)) is supported, so that DROP SEQUENCE can find
// the defaults that call it.
func (s *Session) checkSequenceDefault(tx *engine.Tx, column string, e ir.Expr, typ sqlType) error {
	var err error
	ir.Inspect(e, func(x ir.Expr) bool {
		f, ok := x.(*ir.Func)
		if !ok || err != nil || !sequenceFuncs[f.Name] || f.Schema != "" && f.Schema != "pg_catalog" {
			return err == nil
		}
		names := sequencesCalled(f)
		if len(names) != 1 {
			err = pgerr.Unsupported("DEFAULT " + e.String() + " (a sequence named by a constant is supported)")
			return false
		}
		if !s.relationExists(tx, names[0]) {
			// Another relation passes, as its regclass does in
			// PostgreSQL; nextval fails on it.
			err = pgerr.UndefinedTableError(names[0])
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if _, ok := e.(*ir.Func); ok {
		if _, err := cast(int64(1), typInt8, typ, false /* explicit */); err != nil {
			return &Error{Code: pgerr.DatatypeMismatch, Message: `column "` + column + `" is of type ` + typ.String() +
				" but default expression is of type bigint", Hint: "You will need to rewrite or cast the expression."}
		}
	}
	return nil
}

// sequenceDefaultText is a DEFAULT that is one call of a sequence
// function on a constant name as PostgreSQL deparses it, with the name
// as a regclass: nextval('s'::regclass).
func sequenceDefaultText(e ir.Expr) (string, bool) {
	f, ok := e.(*ir.Func)
	if !ok || !sequenceFuncs[f.Name] || len(f.Args) != 1 {
		return "", false
	}
	names := sequencesCalled(f)
	if len(names) != 1 {
		return "", false
	}
	return f.Name + "('" + strings.ReplaceAll(ident(names[0]), "'", "''") + "'::regclass)", true
}
