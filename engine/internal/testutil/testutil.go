// Package testutil holds helpers for reldb's own tests: a database that is
// checked for consistency when the test ends, and a canonical dump of every
// table for comparing states.
package testutil

import (
	"context"
	"strings"
	"testing"

	"github.com/reldb/reldb/engine"
)

// OpenDB opens an in-memory database, creates the given tables in one
// transaction, and registers a cleanup that fails the test if DB.Check finds
// a problem, then closes the database.
func OpenDB(tb testing.TB, tables ...engine.Table) *engine.DB {
	tb.Helper()
	return OpenDBWith(tb, engine.Options{}, tables...)
}

// OpenDBWith is OpenDB with options.
func OpenDBWith(tb testing.TB, opts engine.Options, tables ...engine.Table) *engine.DB {
	tb.Helper()
	db, err := engine.Open(opts)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Check(); err != nil {
			tb.Errorf("consistency check at end of test: %v", err)
		}
		db.Close()
	})
	if len(tables) > 0 {
		err = db.Update(context.Background(), func(tx *engine.Tx) error {
			for _, t := range tables {
				if err := tx.CreateTable(t); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("create tables: %v", err)
		}
	}
	return db
}

// Dump renders every table of the latest snapshot, in table-name order and
// each table's rows in primary-key order, one line per row:
//
//	authors:
//	  authors(id=1, name=Le Guin)
//	books: empty
func Dump(tb testing.TB, db *engine.DB) string {
	tb.Helper()
	var b strings.Builder
	err := db.View(context.Background(), func(tx *engine.Tx) error {
		tables, err := tx.Tables()
		if err != nil {
			return err
		}
		for _, t := range tables {
			rows, err := tx.Query(t.Name).All()
			if err != nil {
				return err
			}
			b.WriteString(t.Name)
			if len(rows) == 0 {
				b.WriteString(": empty\n")
				continue
			}
			b.WriteString(":\n")
			for _, r := range rows {
				b.WriteString("  ")
				b.WriteString(r.String())
				b.WriteByte('\n')
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("dump: %v", err)
	}
	return b.String()
}
