package reldbtest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reldb/reldb/reldbtest"
)

// benchSchema is 20 tables, each but the first referencing the one before
// it, with 50 rows each: 1,000 fixture rows.
func benchSchema() string {
	var b strings.Builder
	for i := range 20 {
		fmt.Fprintf(&b, "CREATE TABLE t%02d (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()", i)
		if i > 0 {
			fmt.Fprintf(&b, ", parent_id bigint NOT NULL REFERENCES t%02d ON DELETE CASCADE", i-1)
		}
		b.WriteString(");\n")
		for r := 1; r <= 50; r++ {
			if i == 0 {
				fmt.Fprintf(&b, "INSERT INTO t%02d (name) VALUES ('row %d');\n", i, r)
			} else {
				fmt.Fprintf(&b, "INSERT INTO t%02d (name, parent_id) VALUES ('row %d', %d);\n", i, r, r)
			}
		}
	}
	return b.String()
}

// BenchmarkNew is the cost of a fresh database per test: a fork of a
// template of 20 tables and 1,000 rows, opened as a *sql.DB, and one query.
func BenchmarkNew(b *testing.B) {
	tmpl := reldbtest.NewTemplate(reldbtest.SQL(benchSchema()))
	if err := tmpl.Build(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		// Each iteration is one test: its database is closed at its end.
		tb := &iterTB{TB: b}
		db := reldbtest.New(tb, tmpl)
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM t19 WHERE parent_id = 1`).Scan(&n); err != nil || n != 1 {
			b.Fatal(n, err)
		}
		tb.end()
	}
}

// iterTB is one benchmark iteration as a test: Cleanup runs at end.
type iterTB struct {
	testing.TB
	cleanups []func()
}

func (t *iterTB) Cleanup(fn func()) { t.cleanups = append(t.cleanups, fn) }

func (t *iterTB) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
