package relation

import (
	"fmt"
	"slices"
)

// FK is one foreign key as the planner sees it. An FK is immutable once
// built and shared by every snapshot whose schema holds it.
type FK struct {
	Name   string // constraint name
	Child  string // referencing table
	Parent string // referenced table
	// ChildCols are the referencing columns and ParentCols the referenced
	// ones (a primary or unique key), as positions in their tables' rows,
	// pairwise.
	ChildCols  []int
	ParentCols []int
	OnDelete   Action
	OnUpdate   Action
	// SetCols are the child columns that ON DELETE SET NULL or SET DEFAULT
	// changes (a subset of ChildCols, as PostgreSQL 15 allows); nil means
	// all of ChildCols.
	SetCols []int
	Match   Match
	// Deferrable constraints may have their NO ACTION checks deferred to
	// commit; InitiallyDeferred ones are deferred unless a transaction says
	// otherwise.
	Deferrable        bool
	InitiallyDeferred bool
}

// ParentKey returns the referenced values of a parent row.
func (fk *FK) ParentKey(row []any) []any { return pick(row, fk.ParentCols) }

// ChildKey returns the referencing values of a child row and whether the
// row must reference an existing parent under the foreign key's MATCH
// rule: MATCH SIMPLE skips a key with any NULL, MATCH FULL skips an all-NULL
// key and refuses a partly NULL one with a *MatchError.
func (fk *FK) ChildKey(row []any) (key []any, check bool, err error) {
	return fk.ChildKeyInto(nil, row)
}

// ChildKeyInto is ChildKey with the key in buf's memory, reused when
// large enough, for a caller that keeps neither the key nor the error
// past the next call.
func (fk *FK) ChildKeyInto(buf, row []any) (key []any, check bool, err error) {
	key = pickInto(buf, row, fk.ChildCols)
	nulls := 0
	for _, v := range key {
		if v == nil {
			nulls++
		}
	}
	switch {
	case nulls == 0:
		return key, true, nil
	case fk.Match == MatchFull && nulls < len(key):
		return key, false, &MatchError{FK: fk, Key: key}
	default:
		return key, false, nil
	}
}

// MatchError reports a MATCH FULL key that mixes NULL and non-NULL values.
type MatchError struct {
	FK  *FK
	Key []any
}

func (e *MatchError) Error() string {
	return fmt.Sprintf("reldb: foreign key %q is MATCH FULL and does not allow mixing of null and nonnull key values %v", e.FK.Name, e.Key)
}

func pick(row []any, pos []int) []any { return pickInto(nil, row, pos) }

// pickInto is pick into buf's memory, reused when large enough.
func pickInto(buf, row []any, pos []int) []any {
	out := slices.Grow(buf[:0], len(pos))[:len(pos)]
	for i, p := range pos {
		out[i] = row[p]
	}
	return out
}

func hasNull(vals []any) bool {
	for _, v := range vals {
		if v == nil {
			return true
		}
	}
	return false
}
