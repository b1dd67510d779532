package engine_test

import (
	"fmt"
	"testing"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCreateManyToMany_SelfGenerated ensures a generated many-to-many from
// a table to itself can be declared and traversed both ways.
func TestCreateManyToMany_SelfGenerated(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{Name: "people", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}})
	err := db.Update(trCtx, func(tx *engine.Tx) error {
		if err := tx.CreateManyToMany(engine.ManyToMany{Left: "people", Right: "people", LeftAs: "following", RightAs: "followers"}); err != nil {
			return err
		}
		for id := 1; id <= 3; id++ {
			if _, err := tx.Insert("people", engine.Row{"id": id}); err != nil {
				return err
			}
		}
		for _, f := range [][2]int{{1, 2}, {1, 3}, {2, 3}} {
			if _, err := tx.Insert("people_people", engine.Row{"people_id": f[0], "related_id": f[1]}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	for _, prefetch := range []bool{false, true} {
		require.NoError(t, db.View(trCtx, func(tx *engine.Tx) error {
			q := tx.Query("people")
			if prefetch {
				q = q.Prefetch("following", "followers")
			}
			people, err := q.All()
			require.NoError(t, err)
			var got []string
			for _, p := range people {
				following, err := p.Related("following")
				require.NoError(t, err)
				followers, err := p.Related("followers")
				require.NoError(t, err)
				got = append(got, fmt.Sprintf("%v follows [%s], followed by [%s]", p.ID(), ids(following), ids(followers)))
			}
			assert.Equal(t, []string{"1 follows [2,3], followed by []", "2 follows [3], followed by [1]", "3 follows [], followed by [1,2]"}, got)
			return nil
		}))
	}
}
