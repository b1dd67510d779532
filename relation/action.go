package relation

import (
	"fmt"
	"strconv"
)

// Action is what a foreign key does when the row it references is deleted
// or its referenced key changes.
type Action uint8

// Referential actions. The zero value is NoAction, PostgreSQL's default.
const (
	// NoAction refuses the change if referencing rows remain when the
	// check's turn comes in the statement (unless a parent holds the key
	// again by its end), or at commit when the constraint is deferred.
	NoAction Action = iota
	// Restrict refuses the change if referencing rows remain when the
	// check's turn comes. It is never deferred.
	Restrict
	// Cascade deletes the referencing rows, or updates their key columns
	// to the new values.
	Cascade
	// SetNull sets the referencing columns to NULL.
	SetNull
	// SetDefault sets the referencing columns to their defaults, which must
	// themselves reference an existing row.
	SetDefault
)

var _ fmt.Stringer = Cascade

var actionNames = [...]string{NoAction: "NO ACTION", Restrict: "RESTRICT", Cascade: "CASCADE", SetNull: "SET NULL", SetDefault: "SET DEFAULT"}

// String returns the action as SQL writes it, or "Action(n)".
func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// Valid reports whether a is one of the five actions.
func (a Action) Valid() bool { return a <= SetDefault }

// Match is how a composite foreign key treats NULLs.
type Match uint8

// Match kinds.
const (
	// MatchSimple (the default) does not check a row whose key has a NULL
	// in any column.
	MatchSimple Match = iota
	// MatchFull does not check a row whose key is entirely NULL, and
	// refuses one that mixes NULL and non-NULL values.
	MatchFull
)

var _ fmt.Stringer = MatchFull

// String returns "SIMPLE", "FULL", or "Match(n)".
func (m Match) String() string {
	switch m {
	case MatchSimple:
		return "SIMPLE"
	case MatchFull:
		return "FULL"
	}
	return "Match(" + strconv.Itoa(int(m)) + ")"
}
