package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/relation"
	"github.com/reldb/reldb/txn"
)

// Action is what a relation does to referencing rows when the row they
// reference is deleted or its key changes: NoAction (the default),
// Restrict, Cascade, SetNull or SetDefault, with PostgreSQL's semantics.
type Action = relation.Action

// Referential actions.
const (
	NoAction   = relation.NoAction
	Restrict   = relation.Restrict
	Cascade    = relation.Cascade
	SetNull    = relation.SetNull
	SetDefault = relation.SetDefault
)

// Match is how a composite foreign key treats NULLs: MatchSimple (the
// default) or MatchFull.
type Match = relation.Match

// Match kinds.
const (
	MatchSimple = relation.MatchSimple
	MatchFull   = relation.MatchFull
)

var _ fmt.Stringer = OneToOne

// RelationKind is the shape of a relation: OneToMany or OneToOne. Its
// String method returns "one-to-many" or "one-to-one".
type RelationKind = catalog.RelationKind

// Relation kinds.
const (
	// OneToMany: many child rows reference one parent row.
	OneToMany = catalog.OneToMany
	// OneToOne: at most one child row references a parent row; the
	// foreign key's columns get a unique index.
	OneToOne = catalog.OneToOne
)

// Relation declares a foreign key from a child table to a parent table and
// names it from both sides: a book has an "author", an author has "books".
type Relation struct {
	// Name is the constraint's name; empty means <child>_<columns>_fkey,
	// as PostgreSQL names it.
	Name string
	// Kind is OneToMany (the default) or OneToOne, which adds a unique
	// index on the child's columns.
	Kind RelationKind
	// Child and Columns are the referencing table and columns.
	Child   string
	Columns []string
	// Parent and References are the referenced table and columns; empty
	// References means the parent's primary key. They must be the primary
	// key or a unique index, in that order, and of the same types.
	Parent     string
	References []string
	// ParentAs names the parent as seen from a child row ("author");
	// ChildrenAs names the children as seen from a parent row ("books").
	ParentAs, ChildrenAs string
	// OnDelete and OnUpdate are the actions when a referenced parent row
	// is deleted or its referenced key updated: NoAction (the default),
	// Restrict, Cascade, SetNull or SetDefault, as PostgreSQL's.
	OnDelete, OnUpdate Action
	// SetColumns limits ON DELETE SET NULL / SET DEFAULT to some of
	// Columns (PostgreSQL 15); empty means all of them.
	SetColumns []string
	// Match is MatchSimple (the default: a key with any NULL is not
	// checked) or MatchFull (all NULL or none).
	Match Match
	// Deferrable lets a transaction defer the NO ACTION checks of this
	// relation to commit (Tx.SetConstraints); InitiallyDeferred defers them
	// unless the transaction says otherwise, and implies Deferrable (as
	// INITIALLY DEFERRED does in PostgreSQL). Actions other than NO ACTION
	// run at once whatever the setting, as in PostgreSQL.
	Deferrable, InitiallyDeferred bool
}

// CreateRelation declares a relation. The child's rows must already satisfy
// it. An index on the child's columns is created when none starts with
// them (a unique one for OneToOne). Returns ErrNoTable, ErrNoColumn,
// ErrSchema or ErrExists for a bad declaration, and a *ConstraintError
// (ErrForeignKey) naming an orphan row, changing nothing.
func (tx *Tx) CreateRelation(r Relation) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	return tx.createRelationStmt(r)
}

// createRelationStmt is CreateRelation inside a statement the caller entered.
func (tx *Tx) createRelationStmt(r Relation) error {
	mark := tx.t.Mark()
	if err := tx.createRelation(r); err != nil {
		tx.undo(mark)
		return fmt.Errorf("create relation: %w", err)
	}
	return nil
}

func (tx *Tx) createRelation(r Relation) error {
	child, err := tx.table(r.Child)
	if err != nil {
		return err
	}
	parent, err := tx.table(r.Parent)
	if err != nil {
		return err
	}
	where := fmt.Sprintf("relation %s(%s) -> %s", r.Child, strings.Join(r.Columns, ", "), r.Parent)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrSchema, where, fmt.Sprintf(format, args...))
	}
	cols, err := child.Positions(r.Columns)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrSchema, where, err)
	}
	refs := parent.PK
	if len(r.References) > 0 {
		if refs, err = parent.Positions(r.References); err != nil {
			return fmt.Errorf("%w: %s: references: %w", ErrSchema, where, err)
		}
	}
	if len(refs) != len(cols) {
		return bad("%d columns reference %d", len(cols), len(refs))
	}
	for i := range cols {
		if ct, pt := child.Cols[cols[i]].Type, parent.Cols[refs[i]].Type; ct != pt {
			return bad("column %q is %s but references %q of type %s", child.Cols[cols[i]].Name, ct, parent.Cols[refs[i]].Name, pt)
		}
	}
	for _, a := range []Action{r.OnDelete, r.OnUpdate} {
		if !a.Valid() {
			return bad("invalid action %v", a)
		}
	}
	if r.Match != MatchSimple && r.Match != MatchFull {
		return bad("invalid match %v", r.Match)
	}
	if r.Kind != OneToMany && r.Kind != OneToOne {
		return bad("invalid kind %v", r.Kind)
	}
	if r.InitiallyDeferred {
		r.Deferrable = true // as in PostgreSQL, INITIALLY DEFERRED implies DEFERRABLE
	}
	name := r.Name
	if name == "" {
		// Generated, as PostgreSQL generates it (which shortens what
		// passes 63 bytes; reldb keeps it whole).
		name = r.Child + "_" + strings.Join(r.Columns, "_") + "_fkey"
	} else if err := catalog.CheckName("relation", name); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if tx.relationNamed(name) != nil {
		return fmt.Errorf("%w: relation %q", ErrExists, name)
	}
	fk := &relation.FK{Name: name, Child: r.Child, Parent: r.Parent, ChildCols: cols, ParentCols: refs,
		OnDelete: r.OnDelete, OnUpdate: r.OnUpdate, Match: r.Match, Deferrable: r.Deferrable, InitiallyDeferred: r.InitiallyDeferred}
	if len(r.SetColumns) > 0 {
		if r.OnDelete != SetNull && r.OnDelete != SetDefault {
			return bad("SetColumns needs ON DELETE SET NULL or SET DEFAULT, not %v", r.OnDelete)
		}
		set, err := child.Positions(r.SetColumns)
		if err != nil {
			return fmt.Errorf("%w: %s: set columns: %w", ErrSchema, where, err)
		}
		for _, c := range set {
			if !slices.Contains(cols, c) {
				return bad("set column %q is not a referencing column", child.Cols[c].Name)
			}
		}
		fk.SetCols = set
	}
	def := &catalog.FK{FK: fk, Seq: uint64(tx.db.newTreeID()), Kind: r.Kind, ParentAs: r.ParentAs, ChildrenAs: r.ChildrenAs}
	switch {
	case slices.Equal(refs, parent.PK):
		def.ParentTree = parent.Primary
	default:
		for _, ix := range parent.Indexes {
			if ix.Unique && slices.Equal(ix.Cols, refs) {
				def.ParentTree = ix.Tree
			}
		}
		if def.ParentTree == 0 {
			return bad("there is no unique constraint matching the referenced columns of %q", r.Parent)
		}
	}

	// The child side: an index whose key starts with the columns.
	nc := child.Clone()
	def.ChildTree = childTreeFor(nc, r.Kind, cols)
	if def.ChildTree == 0 {
		ixName := r.Child + "_" + strings.Join(r.Columns, "_") + "_idx"
		if r.Kind == OneToOne {
			ixName = r.Child + "_" + strings.Join(r.Columns, "_") + "_key"
		}
		if err := tx.createIndexStmt(r.Child, Index{Name: ixName, Columns: r.Columns, Unique: r.Kind == OneToOne}); err != nil {
			return err
		}
		if nc, err = tx.table(r.Child); err != nil {
			return err
		}
		nc = nc.Clone()
		def.ChildTree = nc.Index(ixName).Tree
	}
	def.PKAt = nc.PKAt(def.ChildTree)
	nc.FKs = append(slices.Clip(nc.FKs), def)
	if r.Parent == r.Child {
		nc.Refs = append(slices.Clip(nc.Refs), def)
	} else {
		np := parent.Clone()
		np.Refs = append(slices.Clip(np.Refs), def)
		tx.putTable(np)
	}
	tx.putTable(nc)

	// Existing rows must satisfy the new constraint now, deferrable or not
	// (as ALTER TABLE ADD CONSTRAINT checks them).
	var orphan error
	tx.t.Scan(nc.Primary, nil, nil, false, func(e index.Entry) bool {
		row := catalog.RowOf(e.Val)
		key, check, err := def.ChildKey(row)
		switch {
		case err != nil:
			orphan = matchFullError(nc, def, key)
		case check && !tx.parentExists(def, key):
			orphan = parentMissing(nc, def, key)
		}
		return orphan == nil
	})
	return orphan
}

// childTreeFor returns the tree that finds the child rows of a relation
// of kind over cols of d: for OneToOne, the one that makes them unique
// (findUniqueIndex), else one whose keys start with them
// (findIndexPrefix); or 0.
func childTreeFor(d *catalog.Table, kind RelationKind, cols []int) txn.TreeID {
	if kind == OneToOne {
		return findUniqueIndex(d, cols)
	}
	return findIndexPrefix(d, cols)
}

// findIndexPrefix returns the tree whose keys start with cols: the primary
// key or a non-unique index (a unique index's keys start with its columns
// too), or 0.
func findIndexPrefix(d *catalog.Table, cols []int) txn.TreeID {
	if len(d.PK) >= len(cols) && slices.Equal(d.PK[:len(cols)], cols) {
		return d.Primary
	}
	for _, ix := range d.Indexes {
		if len(ix.Cols) >= len(cols) && slices.Equal(ix.Cols[:len(cols)], cols) {
			return ix.Tree
		}
	}
	return 0
}

// findUniqueIndex returns the tree that makes cols unique: the primary key
// or a unique index on exactly those columns, or 0.
func findUniqueIndex(d *catalog.Table, cols []int) txn.TreeID {
	if slices.Equal(d.PK, cols) {
		return d.Primary
	}
	for _, ix := range d.Indexes {
		if ix.Unique && slices.Equal(ix.Cols, cols) {
			return ix.Tree
		}
	}
	return 0
}

// relationNamed finds a relation by constraint name among the tables the
// transaction sees.
func (tx *Tx) relationNamed(name string) *catalog.FK {
	var found *catalog.FK
	tx.t.Scan(catalog.CatalogTree, nil, nil, false, func(e index.Entry) bool {
		for _, fk := range catalog.TableOf(e.Val).FKs {
			if fk.Name == name {
				found = fk
				return false
			}
		}
		return true
	})
	return found
}

// ownKey encodes values as an immutable key, which reads may keep in the
// read set: from the read-key arena in a write transaction.
func (tx *Tx) ownKey(vals []any) ([]byte, error) {
	if tx.writeState == nil {
		return index.AppendKey(nil, vals...)
	}
	var err error
	tx.scratch, err = index.AppendKey(tx.scratch[:0], vals...)
	if err != nil {
		return nil, err
	}
	return tx.readKeys.Own(tx.scratch), nil
}

var _ relation.Reader = (*reader)(nil)

// relationOf returns the declaration a compiled relation came from, with
// its generated name and referenced columns filled in.
func relationOf(fk *catalog.FK, child, parent *catalog.Table) Relation {
	r := Relation{Name: fk.Name, Kind: fk.Kind, Child: fk.Child, Columns: child.ColNames(fk.ChildCols),
		Parent: fk.Parent, References: parent.ColNames(fk.ParentCols), ParentAs: fk.ParentAs, ChildrenAs: fk.ChildrenAs,
		OnDelete: fk.OnDelete, OnUpdate: fk.OnUpdate, Match: fk.Match, Deferrable: fk.Deferrable, InitiallyDeferred: fk.InitiallyDeferred}
	if fk.SetCols != nil {
		r.SetColumns = child.ColNames(fk.SetCols)
	}
	return r
}

// Relations returns the relations of a table, from both sides: those it
// references (it is the child) and those that reference it (the parent),
// in declaration order. An empty table name returns every relation of the
// schema. Returns ErrNoTable for an unknown table.
func (tx *Tx) Relations(table string) ([]Relation, error) {
	if err := tx.live(); err != nil {
		return nil, err
	}
	var fks []*catalog.FK
	if table == "" {
		tx.t.Scan(catalog.CatalogTree, nil, nil, false, func(e index.Entry) bool {
			fks = append(fks, catalog.TableOf(e.Val).FKs...)
			return true
		})
	} else {
		d, err := tx.table(table)
		if err != nil {
			return nil, err
		}
		fks = append(slices.Clone(d.FKs), d.Refs...)
	}
	slices.SortFunc(fks, func(a, b *catalog.FK) int { return cmp.Compare(a.Seq, b.Seq) })
	fks = slices.Compact(fks) // a self-reference is on both sides
	out := make([]Relation, 0, len(fks))
	for _, fk := range fks {
		child, parent := tx.tableOrNil(fk.Child), tx.tableOrNil(fk.Parent)
		if child != nil && parent != nil {
			out = append(out, relationOf(fk, child, parent))
		}
	}
	return out, nil
}

// DropRelation removes a relation by name; its index stays. Returns
// ErrSchema when there is no such relation.
func (tx *Tx) DropRelation(name string) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	fk := tx.relationNamed(name)
	if fk == nil {
		return fmt.Errorf("drop relation: %w: no relation %q", ErrSchema, name)
	}
	child, err := tx.table(fk.Child)
	if err != nil {
		return fmt.Errorf("drop relation: %w", err)
	}
	nc := child.Clone()
	nc.FKs = slices.DeleteFunc(slices.Clone(child.FKs), func(x *catalog.FK) bool { return x == fk })
	if fk.Parent == fk.Child {
		nc.Refs = slices.DeleteFunc(slices.Clone(child.Refs), func(x *catalog.FK) bool { return x == fk })
	} else {
		parent, err := tx.table(fk.Parent)
		if err != nil {
			return fmt.Errorf("drop relation: %w", err)
		}
		np := parent.Clone()
		np.Refs = slices.DeleteFunc(slices.Clone(parent.Refs), func(x *catalog.FK) bool { return x == fk })
		tx.putTable(np)
	}
	tx.putTable(nc)
	return nil
}

// tableOrNil returns the named table's definition, or nil.
func (tx *Tx) tableOrNil(name string) *catalog.Table {
	d, _ := tx.table(name)
	return d
}
