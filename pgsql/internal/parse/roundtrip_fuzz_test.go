package parse

import (
	"testing"

	"github.com/reldb/reldb/pgsql/internal/ir"
)

// FuzzRoundTrip checks, for any text that parses into queries or DML,
// that the canonical form parses back to the same canonical form.
func FuzzRoundTrip(f *testing.F) {
	for _, sql := range roundTripSQL {
		f.Add(sql)
	}
	f.Add("SELECT a FROM t WHERE b = $1 ORDER BY 1")
	f.Add("INSERT INTO t (a) VALUES (DEFAULT) ON CONFLICT (a) DO UPDATE SET a = excluded.a RETURNING *")
	f.Add(`SELECT "user", trim(both 'x' FROM a), '1'::interval hour to minute FROM "order"`)
	f.Fuzz(func(t *testing.T, sql string) {
		stmts, err := Parse(sql)
		if err != nil {
			return
		}
		for _, s := range stmts {
			switch s.(type) {
			case *ir.Select, *ir.Insert, *ir.Update, *ir.Delete:
			default:
				continue
			}
			text := s.String()
			again, err := Parse(text)
			if err != nil {
				t.Fatalf("canonical form of %q does not parse: %q: %v", sql, text, err)
			}
			if len(again) != 1 || again[0].String() != text {
				t.Fatalf("canonical form of %q changes on reparse:\n%s\n%v", sql, text, again)
			}
		}
	})
}
