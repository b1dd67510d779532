package pgsql_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// BenchmarkSession_JoinOnPrimaryKey joins 50 children to their parents
// by the parents' primary key and counts the result: one point lookup per
// outer row.
func BenchmarkSession_JoinOnPrimaryKey(b *testing.B) {
	db, err := engine.Open(engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := pgsql.NewSession(db)
	ctx := context.Background()
	for _, stmt := range []string{
		`CREATE TABLE p (id bigserial PRIMARY KEY, name text)`,
		`CREATE TABLE c (id bigserial PRIMARY KEY, parent_id bigint NOT NULL REFERENCES p, name text)`,
	} {
		if _, err := s.Exec(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
	for i := 1; i <= 50; i++ {
		if _, err := s.Exec(ctx, fmt.Sprintf(`INSERT INTO p (name) VALUES ('p%d'); INSERT INTO c (parent_id, name) VALUES (%d, 'c%d')`, i, i, i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.Exec(ctx, `SELECT count(*) FROM c JOIN p ON p.id = c.parent_id`)
		if err != nil || res.Rows[0][0].(int64) != 50 {
			b.Fatal(err, res.Rows)
		}
	}
}
