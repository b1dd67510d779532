package engine

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/internal/catalog"
)

// TestTableCache checks that each name keeps one slot, with its catalog
// key, whether the cache is a list or, past maxListedTables names, a map
// as well; and that forget drops the tables and keeps the keys.
func TestTableCache(t *testing.T) {
	var c tableCache
	d := &catalog.Table{Name: "t"}
	const n = 3 * maxListedTables
	for round := range 2 {
		for i := range n {
			name := fmt.Sprintf("t%d", i)
			s := c.slot(name)
			require.Equal(t, name, s.name)
			require.Equal(t, catalog.CatalogKey(name), s.key)
			if round == 0 {
				require.Nil(t, s.def, name)
				s.def = d
			} else {
				require.Same(t, d, s.def, name)
			}
		}
		require.Len(t, c.slots, n, "one slot a name")
	}
	assert.Len(t, c.index, n)
	c.forget()
	for i := range n {
		s := c.slot(fmt.Sprintf("t%d", i))
		assert.Nil(t, s.def)
		assert.NotNil(t, s.key)
	}
	assert.Len(t, c.slots, n)
}
