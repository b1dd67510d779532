package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// NewRow builds a stored row from an insert's values.
func (d *Table) NewRow(vals []any, row map[string]any) ([]any, error) {
	given := 0
	for i := range d.Cols {
		c := &d.Cols[i]
		v, ok := row[c.Name]
		if !ok {
			vals[i] = c.Default
			continue
		}
		given++
		cv, err := Coerce(c, v)
		if err != nil {
			return nil, err
		}
		vals[i] = cv
	}
	if given < len(row) {
		if err := d.UnknownColumn(row); err != nil {
			return nil, err
		}
	}
	return d.FinishRow(vals)
}

// FinishRow completes a new row whose given values are in place, coerced,
// and whose other columns hold their defaults: it generates the
// auto-increment key where it is NULL (or advances the sequence past a
// given one) and checks NOT NULL.
func (d *Table) FinishRow(vals []any) ([]any, error) {
	if d.AutoInc >= 0 {
		if vals[d.AutoInc] == nil {
			id, err := d.NextID()
			if err != nil {
				return nil, err
			}
			vals[d.AutoInc] = id
		} else {
			d.AdvanceSeq(vals[d.AutoInc].(int64))
		}
	}
	if err := d.CheckNotNull(vals); err != nil {
		return nil, err
	}
	return vals, nil
}

// UnknownColumn returns ErrNoColumn for the first (in name order) column of
// row that the table lacks.
func (d *Table) UnknownColumn(row map[string]any) error {
	var unknown []string
	for name := range row {
		if _, ok := d.ColIdx[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("%w: %q", ErrNoColumn, unknown[0])
}

// CheckNotNull returns a *ConstraintError (ErrNotNull) for the first NOT
// NULL column of vals that holds NULL.
func (d *Table) CheckNotNull(vals []any) error {
	for i := range d.Cols {
		if vals[i] == nil && d.Cols[i].NotNull {
			return &ConstraintError{Kind: ErrNotNull, Table: d.Name, Columns: []string{d.Cols[i].Name}, SQLState: StateNotNull,
				Message: fmt.Sprintf("null value in column %q of relation %q violates not-null constraint", d.Cols[i].Name, d.Name),
				Detail:  "failing row contains " + renderRow(vals), Row: slices.Clone(vals)}
		}
	}
	return nil
}

// UniqueError returns the *ConstraintError (ErrUnique) for a duplicate of
// vals in the unique constraint named constraint over cols.
func (d *Table) UniqueError(constraint string, cols []int, vals []any) error {
	names := d.ColNames(cols)
	key := RenderKey(names, Pick(vals, cols))
	return &ConstraintError{Kind: ErrUnique, Constraint: constraint, Table: d.Name, Columns: names, Key: key, SQLState: StateUnique,
		Message: fmt.Sprintf("duplicate key value violates unique constraint %q", constraint),
		Detail:  fmt.Sprintf("key %s already exists", key)}
}

// ApplySet fills vals, of old's length, with old's values and set's
// columns changed.
func (d *Table) ApplySet(vals, old []any, set map[string]any) ([]any, error) {
	copy(vals, old)
	// Visit columns in a fixed order so the first error is deterministic.
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		i, ok := d.ColIdx[name]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrNoColumn, name)
		}
		v, err := Coerce(&d.Cols[i], set[name])
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	if err := d.CheckNotNull(vals); err != nil {
		return nil, err
	}
	return vals, nil
}

// renderRow renders a row's values as PostgreSQL's "failing row contains"
// detail does: (1, null, Le Guin).
func renderRow(vals []any) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		if v == nil {
			b.WriteString("null")
		} else {
			b.WriteString(FormatValue(v))
		}
	}
	b.WriteByte(')')
	return b.String()
}
