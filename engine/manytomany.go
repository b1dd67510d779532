package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reldb/reldb/internal/catalog"
)

// ManyToMany declares a many-to-many relation between two tables through a
// junction table, named from both sides: books have "tags", tags have
// "books". The junction is either generated — a table of the two keys with
// primary key (left, right), an index (right, left), and ON DELETE CASCADE
// relations to both sides — or an explicit table the caller created, which
// may carry payload columns (an enrollment's grade), with one relation to
// each side declared by the caller with whatever actions it needs.
type ManyToMany struct {
	// Name names the relation; empty means <left>_<right>.
	Name string
	// Left and Right are the related tables.
	Left, Right string
	// LeftAs names the right-hand rows as seen from a left row ("tags"),
	// RightAs the left-hand rows as seen from a right row ("books").
	LeftAs, RightAs string
	// Through is the junction table. If no table of that name exists, one
	// is generated, with columns <left>_<pk column> and <right>_<pk column>;
	// empty means <left>_<right>.
	Through string
	// LeftRelation and RightRelation name the junction's relations to Left
	// and Right in an explicit junction; empty means the only relation from
	// the junction to that table.
	LeftRelation, RightRelation string
}

// CreateManyToMany declares a many-to-many relation, generating its
// junction table when Through names no table. Returns ErrNoTable,
// ErrSchema or ErrExists for a bad declaration, changing nothing.
func (tx *Tx) CreateManyToMany(m ManyToMany) error {
	if err := tx.enter(); err != nil {
		return err
	}
	defer tx.leave()
	mark := tx.t.Mark()
	if err := tx.createManyToMany(m); err != nil {
		tx.undo(mark)
		return fmt.Errorf("create many-to-many %s-%s: %w", m.Left, m.Right, err)
	}
	return nil
}

func (tx *Tx) createManyToMany(m ManyToMany) error {
	left, err := tx.table(m.Left)
	if err != nil {
		return err
	}
	right, err := tx.table(m.Right)
	if err != nil {
		return err
	}
	if m.Name == "" {
		m.Name = m.Left + "_" + m.Right
	} else if err := catalog.CheckName("many-to-many relation", m.Name); err != nil {
		return err
	}
	if m.Through == "" {
		m.Through = m.Left + "_" + m.Right
	}
	for _, d := range []*catalog.Table{left, right} {
		for _, x := range d.M2M {
			if x.Name == m.Name {
				return fmt.Errorf("%w: many-to-many relation %q", ErrExists, m.Name)
			}
		}
	}
	def := &catalog.ManyToMany{Name: m.Name, Left: m.Left, Right: m.Right, LeftAs: m.LeftAs, RightAs: m.RightAs, Through: m.Through}
	if _, err := tx.table(m.Through); err != nil {
		names, err := tx.generateJunction(m, left, right)
		if err != nil {
			return err
		}
		m.LeftRelation, m.RightRelation = names[0], names[1]
		def.Generated = true
	}
	j, err := tx.table(m.Through)
	if err != nil {
		return err
	}
	if def.ToLeft, err = junctionRelation(j, m.Left, m.LeftRelation); err != nil {
		return err
	}
	if def.ToRight, err = junctionRelation(j, m.Right, m.RightRelation); err != nil {
		return err
	}
	if def.ToLeft == def.ToRight {
		return fmt.Errorf("%w: both sides of %q use relation %q", ErrSchema, m.Name, def.ToLeft.Name)
	}
	// Both directions are one prefix scan: the junction needs an index that
	// starts with each side's columns.
	for _, fk := range []*catalog.FK{def.ToLeft, def.ToRight} {
		if findIndexPrefix(j, fk.ChildCols) == 0 {
			return fmt.Errorf("%w: junction %q has no index starting with %v", ErrSchema, j.Name, j.ColNames(fk.ChildCols))
		}
	}
	for _, name := range []string{m.Left, m.Right} {
		d, err := tx.table(name)
		if err != nil {
			return err
		}
		nd := d.Clone()
		nd.M2M = append(slices.Clip(nd.M2M), def)
		tx.putTable(nd)
		if m.Left == m.Right {
			break // self-referencing: one table, one entry
		}
	}
	return nil
}

// generateJunction creates the junction table of a many-to-many relation
// and its two cascading relations, and returns the relations' names.
func (tx *Tx) generateJunction(m ManyToMany, left, right *catalog.Table) ([2]string, error) {
	t := Table{Name: m.Through}
	var leftCols, rightCols []string
	for i, side := range []struct {
		d    *catalog.Table
		cols *[]string
	}{{left, &leftCols}, {right, &rightCols}} {
		for _, p := range side.d.PK {
			c := side.d.Cols[p]
			name := side.d.Name + "_" + c.Name
			if i == 1 && m.Left == m.Right {
				name = "related_" + c.Name // a self-referencing relation needs two names
			}
			*side.cols = append(*side.cols, name)
			t.Columns = append(t.Columns, Column{Name: name, Type: c.Type, NotNull: true, Precision: c.Precision, Scale: c.Scale})
		}
	}
	t.PrimaryKey = append(slices.Clone(leftCols), rightCols...)
	t.Indexes = []Index{{Name: m.Through + "_reverse_idx", Columns: append(slices.Clone(rightCols), leftCols...)}}
	if err := tx.createTableStmt(t); err != nil {
		return [2]string{}, err
	}
	// Named as PostgreSQL would name them, and by name, since both lead
	// to one table when the relation is self-referencing.
	var names [2]string
	for i, r := range []Relation{
		{Child: m.Through, Columns: leftCols, Parent: m.Left, OnDelete: Cascade, OnUpdate: Cascade},
		{Child: m.Through, Columns: rightCols, Parent: m.Right, OnDelete: Cascade, OnUpdate: Cascade},
	} {
		r.Name = m.Through + "_" + strings.Join(r.Columns, "_") + "_fkey"
		if err := tx.createRelationStmt(r); err != nil {
			return [2]string{}, err
		}
		names[i] = r.Name
	}
	return names, nil
}

// junctionRelation finds the junction's relation to parent: the named one,
// or the only one.
func junctionRelation(j *catalog.Table, parent, name string) (*catalog.FK, error) {
	var found *catalog.FK
	for _, fk := range j.FKs {
		if fk.Parent != parent || (name != "" && fk.Name != name) {
			continue
		}
		if found != nil && name == "" {
			return nil, fmt.Errorf("%w: junction %q has several relations to %q: name one", ErrSchema, j.Name, parent)
		}
		if found == nil {
			found = fk
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%w: junction %q has no relation to %q", ErrSchema, j.Name, parent)
	}
	return found, nil
}

// ManyToManys returns the many-to-many relations of a table, from either
// side, as declared (Through filled in). Returns ErrNoTable for an unknown
// table.
func (tx *Tx) ManyToManys(table string) ([]ManyToMany, error) {
	if err := tx.live(); err != nil {
		return nil, err
	}
	d, err := tx.table(table)
	if err != nil {
		return nil, err
	}
	out := make([]ManyToMany, 0, len(d.M2M))
	for _, x := range d.M2M {
		out = append(out, ManyToMany{Name: x.Name, Left: x.Left, Right: x.Right, LeftAs: x.LeftAs, RightAs: x.RightAs,
			Through: x.Through, LeftRelation: x.ToLeft.Name, RightRelation: x.ToRight.Name})
	}
	return out, nil
}
