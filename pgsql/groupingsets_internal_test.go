package pgsql

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reldb/reldb/pgsql/internal/ir"
)

// Ensure GROUP BY items multiply out into PostgreSQL's grouping sets.
func TestExpandGrouping(t *testing.T) {
	a, b, c := &ir.ColumnRef{Column: "a"}, &ir.ColumnRef{Column: "b"}, &ir.ColumnRef{Column: "c"}
	rollup := func(items ...ir.Expr) ir.Expr { return &ir.GroupingSet{Kind: ir.GroupingRollup, Items: items} }
	cube := func(items ...ir.Expr) ir.Expr { return &ir.GroupingSet{Kind: ir.GroupingCube, Items: items} }
	sets := func(items ...ir.Expr) ir.Expr { return &ir.GroupingSet{Kind: ir.GroupingSets, Items: items} }
	simple := func(items ...ir.Expr) ir.Expr { return &ir.GroupingSet{Kind: ir.GroupingSimple, Items: items} }
	tests := []struct {
		name  string
		items []ir.Expr
		want  string
		found bool
	}{
		{"plain", []ir.Expr{a, b}, "(a b)", false},
		{"rollup", []ir.Expr{rollup(a, b)}, "(a b) (a) ()", true},
		{"cube", []ir.Expr{cube(a, b)}, "(a b) (a) (b) ()", true},
		{"rollup of a list", []ir.Expr{rollup(simple(a, b), c)}, "(a b c) (a b) ()", true},
		{"sets with nesting", []ir.Expr{sets(a, rollup(b), simple())}, "(a) (b) () ()", true},
		{"product", []ir.Expr{a, rollup(b), cube(c)}, "(a b c) (a b) (a c) (a)", true},
		{"parenthesized list", []ir.Expr{simple(a, b)}, "(a b)", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, found := expandGrouping(tc.items)
			var parts []string
			for _, s := range got {
				var names []string
				for _, e := range s {
					names = append(names, e.String())
				}
				parts = append(parts, "("+strings.Join(names, " ")+")")
			}
			assert.Equal(t, tc.want, strings.Join(parts, " "))
			assert.Equal(t, tc.found, found)
		})
	}
}
