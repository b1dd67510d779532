package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ensure Inspect reaches every subexpression in order, stays out of
// subqueries, and prunes when told to.
func TestInspect_Order(t *testing.T) {
	col := func(name string) *ColumnRef { return &ColumnRef{Column: name} }
	sub := &Select{Targets: []Target{{Expr: col("hidden")}}}
	e := &Logic{Op: And, Args: []Expr{
		&Binary{Op: "=", Left: col("a"), Right: &Param{Number: 1}},
		&Quantified{Left: col("b"), Op: "=", Quant: Any, Query: sub},
		&Func{Name: "count", Args: []Expr{col("c")}, OrderBy: []OrderItem{{Expr: col("d")}}},
		&Case{Whens: []When{{Cond: col("e"), Result: col("f")}}, Else: &Cast{Arg: col("g")}},
		&Exists{Query: sub},
	}}
	var seen []string
	Inspect(e, func(x Expr) bool {
		if c, ok := x.(*ColumnRef); ok {
			seen = append(seen, c.Column)
		}
		return true
	})
	assert.Equal(t, []string{"a", "b", "c", "d", "e", "f", "g"}, seen)

	var funcs, cols int
	Inspect(e, func(x Expr) bool {
		switch x.(type) {
		case *Func:
			funcs++
			return false // do not look inside the aggregate
		case *ColumnRef:
			cols++
		}
		return true
	})
	assert.Equal(t, 1, funcs)
	assert.Equal(t, 5, cols)

	Inspect(nil, func(Expr) bool { t.Fatal("visited nil"); return true })
}
