package pgsql

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure sortRows orders rows stably by their keys, with NULLs where each
// term places them, whether the rows come in order already (left as they
// are), in reverse or nearly in order.
func TestSortRows_Order(t *testing.T) {
	asc := []orderTerm{{target: 0}, {target: 1}}
	nullsFirst := []orderTerm{{target: 0, nullsFirst: true}}
	desc := []orderTerm{{target: 0, desc: true, nullsFirst: true}}
	for _, c := range []struct {
		name  string
		order []orderTerm
		keys  [][]any // the second value of a row is its key's second term
		want  []int   // the rows' first positions, in order
	}{
		{"in order, ties kept", asc, [][]any{{int64(1), "a"}, {int64(1), "a"}, {int64(2), "a"}, {nil, "a"}}, []int{0, 1, 2, 3}},
		{"reversed", asc, [][]any{{nil, "a"}, {int64(2), "b"}, {int64(2), "a"}, {int64(1), "z"}}, []int{3, 2, 1, 0}},
		{"one out of place, stable", asc, [][]any{{int64(1), "a"}, {int64(3), "a"}, {int64(2), "a"}, {int64(3), "a"}}, []int{0, 2, 1, 3}},
		{"NULLS FIRST after values", nullsFirst, [][]any{{int64(1)}, {nil}, {int64(2)}}, []int{1, 0, 2}},
		{"DESC, NULLs first", desc, [][]any{{int64(1)}, {int64(3)}, {nil}}, []int{2, 1, 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows := make([][]any, len(c.keys))
			for i := range rows {
				rows[i] = []any{i}
			}
			require.NoError(t, sortRows(rows, c.keys, c.order, nil, nil))
			got := make([]int, len(rows))
			for i, r := range rows {
				got[i] = r[0].(int)
			}
			assert.Equal(t, c.want, got)
		})
	}
}
