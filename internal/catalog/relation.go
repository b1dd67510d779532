package catalog

import (
	"fmt"

	"github.com/reldb/reldb/relation"
	"github.com/reldb/reldb/txn"
)

// RelationKind is the shape of a relation.
type RelationKind uint8

// Relation kinds.
const (
	// OneToMany: many child rows reference one parent row.
	OneToMany RelationKind = iota
	// OneToOne: at most one child row references a parent row; the
	// foreign key's columns get a unique index.
	OneToOne
)

// String returns "one-to-many", "one-to-one", or "RelationKind(n)".
func (k RelationKind) String() string {
	switch k {
	case OneToMany:
		return "one-to-many"
	case OneToOne:
		return "one-to-one"
	}
	return fmt.Sprintf("RelationKind(%d)", uint8(k))
}

// FK is a compiled relation: the planner's FK plus how to find rows on
// each side.
type FK struct {
	*relation.FK
	Seq                  uint64       // declaration order across the database
	Kind                 RelationKind // one-to-many or one-to-one
	ParentAs, ChildrenAs string       // the relation's names from the child's side and from the parent's
	// ChildTree holds the child rows by a key that starts with the foreign
	// key's columns (the primary tree or an index): ParentTree finds a
	// parent by the referenced columns.
	ChildTree, ParentTree txn.TreeID
	// PKAt is how many encoded values precede the child's primary key in
	// a ChildTree key, or -1 when the key does not end with it (see
	// Table.PKAt).
	PKAt int
}

// ManyToMany is a compiled many-to-many relation: the two relations of its
// junction.
type ManyToMany struct {
	Name            string // the relation's name
	Left, Right     string // the two tables it joins
	LeftAs, RightAs string // the names that reach Left from Right's rows and Right from Left's
	Through         string // the junction table
	ToLeft, ToRight *FK    // the junction's relations to Left and to Right
	Generated       bool   // the junction was generated, not declared by the user
}
