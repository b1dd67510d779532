package reldbtest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/reldb/reldb/engine"
)

// State is a database's committed state at one moment, for Diff. It costs
// what a fork costs (O(tables)), whatever the database holds.
type State struct {
	db *engine.DB
}

// Capture returns db's committed state now. db is a *sql.DB from New.
func Capture(t testing.TB, db *sql.DB) *State {
	t.Helper()
	return CaptureEngine(t, Engine(db))
}

// CaptureEngine is Capture for an engine.DB.
func CaptureEngine(t testing.TB, db *engine.DB) *State {
	t.Helper()
	f, err := db.Fork(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return &State{db: f}
}

// Changes are the rows that differ between two States, per table.
type Changes struct {
	Tables []TableChanges // the tables with changes, by name
}

// TableChanges are one table's changes. Rows are matched by primary key:
// a row whose key changed is a delete and an insert.
type TableChanges struct {
	Table    string
	Columns  []string     // the table's columns, in order
	Inserted []engine.Row // rows only in the later state, by primary key
	Updated  []Update     // rows in both whose values differ
	Deleted  []engine.Row // rows only in the earlier state
}

// Update is a row before and after a change, and the columns it changed.
type Update struct {
	Before, After engine.Row
	Changed       []string // in column order
}

// Table returns the changes to the named table (none: the zero value).
func (c *Changes) Table(name string) TableChanges {
	for _, tc := range c.Tables {
		if tc.Table == name {
			return tc
		}
	}
	return TableChanges{Table: name}
}

// Empty reports whether nothing changed.
func (c *Changes) Empty() bool { return len(c.Tables) == 0 }

// Diff returns what changed from before to after, table by table: rows
// inserted, updated (with the columns that changed) and deleted. A table
// created or dropped in between shows all its rows inserted or deleted.
// Changes.String is stable, for golden files. O(rows of both states).
func Diff(t testing.TB, before, after *State) *Changes {
	t.Helper()
	c, err := diff(before.db, after.db)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Changed runs fn and returns what it changed in db (a *sql.DB from New).
func Changed(t testing.TB, db *sql.DB, fn func()) *Changes {
	t.Helper()
	before := Capture(t, db)
	fn()
	return Diff(t, before, Capture(t, db))
}

// tableRows is one table of one state: its columns and rows by key.
type tableRows struct {
	cols []string
	keys []string // primary keys, in the table's key order
	rows map[string]engine.Row
}

func readTables(db *engine.DB) (map[string]*tableRows, error) {
	out := map[string]*tableRows{}
	err := db.View(context.Background(), func(tx *engine.Tx) error {
		tables, err := tx.Tables()
		if err != nil {
			return err
		}
		for _, tb := range tables {
			tr := &tableRows{rows: map[string]engine.Row{}}
			for _, c := range tb.Columns {
				tr.cols = append(tr.cols, c.Name)
			}
			err := tx.Query(tb.Name).Each(func(r engine.Record) error {
				k := formatValue(r.ID())
				tr.keys = append(tr.keys, k)
				tr.rows[k] = r.Row()
				return nil
			})
			if err != nil {
				return err
			}
			out[tb.Name] = tr
		}
		return nil
	})
	return out, err
}

func diff(before, after *engine.DB) (*Changes, error) {
	b, err := readTables(before)
	if err != nil {
		return nil, err
	}
	a, err := readTables(after)
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := &Changes{}
	empty := &tableRows{rows: map[string]engine.Row{}}
	for _, n := range names {
		bt, at := b[n], a[n]
		tc := TableChanges{Table: n}
		switch {
		case at == nil:
			at, tc.Columns = empty, bt.cols
		case bt == nil:
			bt, tc.Columns = empty, at.cols
		default:
			tc.Columns = at.cols
		}
		for _, k := range at.keys {
			ar := at.rows[k]
			br, ok := bt.rows[k]
			if !ok {
				tc.Inserted = append(tc.Inserted, ar)
				continue
			}
			var changed []string
			for _, c := range tc.Columns {
				if !valueEqual(br[c], ar[c]) {
					changed = append(changed, c)
				}
			}
			if changed != nil {
				tc.Updated = append(tc.Updated, Update{Before: br, After: ar, Changed: changed})
			}
		}
		for _, k := range bt.keys {
			if _, ok := at.rows[k]; !ok {
				tc.Deleted = append(tc.Deleted, bt.rows[k])
			}
		}
		if tc.Inserted != nil || tc.Updated != nil || tc.Deleted != nil {
			out.Tables = append(out.Tables, tc)
		}
	}
	return out, nil
}

// String lists the changes, one row per line: + inserted, - deleted and ~
// updated (before → after for each changed column), tables by name and
// rows in primary key order.
func (c *Changes) String() string {
	if c.Empty() {
		return "no changes\n"
	}
	var b strings.Builder
	for _, tc := range c.Tables {
		b.WriteString(tc.String())
	}
	return b.String()
}

// String lists one table's changes as Changes.String does, under the
// table's name.
func (tc TableChanges) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", tc.Table)
	for _, r := range tc.Inserted {
		fmt.Fprintf(&b, "  + %s\n", formatRow(tc.Columns, r))
	}
	for _, u := range tc.Updated {
		var parts []string
		for _, col := range u.Changed {
			parts = append(parts, col+": "+formatValue(u.Before[col])+" → "+formatValue(u.After[col]))
		}
		fmt.Fprintf(&b, "  ~ %s: %s\n", formatRow(tc.Columns, u.Before), strings.Join(parts, ", "))
	}
	for _, r := range tc.Deleted {
		fmt.Fprintf(&b, "  - %s\n", formatRow(tc.Columns, r))
	}
	return b.String()
}

func formatRow(cols []string, r engine.Row) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + "=" + formatValue(r[c])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// formatValue writes a value as SQL would spell it: strings quoted,
// bytea in hex, times in UTC, NULL.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case []byte:
		return `'\x` + hex.EncodeToString(v) + "'"
	case time.Time:
		return "'" + v.UTC().Format("2006-01-02 15:04:05.999999Z07") + "'"
	case *apd.Decimal:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case engine.Key:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatValue(x)
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprint(v)
}

func valueEqual(a, b any) bool {
	switch a := a.(type) {
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	case time.Time:
		b, ok := b.(time.Time)
		return ok && a.Equal(b)
	case *apd.Decimal:
		b, ok := b.(*apd.Decimal)
		return ok && a.Cmp(b) == 0 && a.Exponent == b.Exponent
	case float64:
		b, ok := b.(float64)
		return ok && (a == b || a != a && b != b) // NaN equals NaN here, as in PostgreSQL
	}
	return a == b
}
