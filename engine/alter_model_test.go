package engine_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/require"
)

// alterModel is the state TestTx_Alter_Model expects: two tables, parent
// and child (child.pid references parent ON DELETE CASCADE while the
// column exists), under their current names, with their columns in order
// and their rows by id.
type alterModel struct {
	names [2]string // current names of parent and child
	cols  [2][]string
	rows  [2]map[int64]map[string]any
	fk    bool // the relation still exists
}

func (m *alterModel) clone() *alterModel {
	c := &alterModel{names: m.names, fk: m.fk}
	for i := range 2 {
		c.cols[i] = slices.Clone(m.cols[i])
		c.rows[i] = map[int64]map[string]any{}
		for id, r := range m.rows[i] {
			c.rows[i][id] = maps.Clone(r)
		}
	}
	return c
}

// dump renders the model as testutil.Dump renders the database.
func (m *alterModel) dump() string {
	order := []int{0, 1}
	if m.names[1] < m.names[0] {
		order = []int{1, 0}
	}
	var b strings.Builder
	for _, t := range order {
		b.WriteString(m.names[t])
		ids := slices.Sorted(maps.Keys(m.rows[t]))
		if len(ids) == 0 {
			b.WriteString(": empty\n")
			continue
		}
		b.WriteString(":\n")
		for _, id := range ids {
			parts := make([]string, len(m.cols[t]))
			for i, c := range m.cols[t] {
				v := m.rows[t][id][c]
				if v == nil {
					parts[i] = c + "=NULL"
				} else {
					parts[i] = fmt.Sprintf("%s=%v", c, v)
				}
			}
			fmt.Fprintf(&b, "  %s(%s)\n", m.names[t], strings.Join(parts, ", "))
		}
	}
	return b.String()
}

// TestTx_Alter_Model runs random inserts, deletes and schema changes
// (add, drop and rename columns, rename tables), some rolled back, against
// a map model, comparing every table and running DB.Check after each step.
func TestTx_Alter_Model(t *testing.T) {
	seed := *modelSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (rerun with -engine.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	steps := 300
	if testing.Short() {
		steps = 60
	}
	ctx := context.Background()
	db := testutil.OpenDB(t,
		engine.Table{Name: "parent", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "a", Type: engine.Int}}},
		engine.Table{Name: "child", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}, {Name: "pid", Type: engine.Int}, {Name: "b", Type: engine.Int}},
			Indexes: []engine.Index{{Name: "child_b_idx", Columns: []string{"b"}}}},
	)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		return tx.CreateRelation(engine.Relation{Child: "child", Columns: []string{"pid"}, Parent: "parent", OnDelete: engine.Cascade})
	}))
	m := &alterModel{names: [2]string{"parent", "child"}, cols: [2][]string{{"id", "a"}, {"id", "pid", "b"}},
		rows: [2]map[int64]map[string]any{{}, {}}, fk: true}
	fresh := 0
	var history []string
	for step := range steps {
		next := m.clone()
		var desc string
		var op func(tx *engine.Tx) error
		t0 := rng.IntN(2)
		name := next.names[t0]
		// Columns other than the key (and, for the parent, the one the
		// relation references: the key).
		others := next.cols[t0][1:]
		switch k := rng.IntN(10); {
		case k < 4: // insert
			id := int64(rng.IntN(20))
			if _, taken := next.rows[t0][id]; taken {
				continue
			}
			row := engine.Row{"id": id}
			mr := map[string]any{"id": id}
			for _, c := range others {
				v := int64(rng.IntN(5))
				if c == "pid" {
					if len(next.rows[0]) == 0 {
						continue
					}
					v = slices.Sorted(maps.Keys(next.rows[0]))[rng.IntN(len(next.rows[0]))]
				}
				row[c], mr[c] = v, v
			}
			next.rows[t0][id] = mr
			desc, op = fmt.Sprintf("insert %s %v", name, row), func(tx *engine.Tx) error { _, err := tx.Insert(name, row); return err }
		case k < 5: // delete
			if len(next.rows[t0]) == 0 {
				continue
			}
			id := slices.Sorted(maps.Keys(next.rows[t0]))[rng.IntN(len(next.rows[t0]))]
			delete(next.rows[t0], id)
			if t0 == 0 && next.fk {
				for cid, r := range next.rows[1] {
					if r["pid"] == id {
						delete(next.rows[1], cid)
					}
				}
			}
			desc, op = fmt.Sprintf("delete %s %d", name, id), func(tx *engine.Tx) error { return tx.Delete(name, id) }
		case k < 7: // add column
			fresh++
			col := engine.Column{Name: fmt.Sprintf("c%d", fresh), Type: engine.Int}
			var def any
			if rng.IntN(2) == 0 {
				def = int64(rng.IntN(100))
				col.Default, col.NotNull = def, rng.IntN(2) == 0
			}
			next.cols[t0] = append(next.cols[t0], col.Name)
			for _, r := range next.rows[t0] {
				r[col.Name] = def
			}
			desc, op = fmt.Sprintf("add column %s %+v", name, col), func(tx *engine.Tx) error { return tx.AddColumn(name, col) }
		case k < 8: // drop column
			if len(others) == 0 {
				continue
			}
			c := others[rng.IntN(len(others))]
			next.cols[t0] = slices.DeleteFunc(next.cols[t0], func(x string) bool { return x == c })
			for _, r := range next.rows[t0] {
				delete(r, c)
			}
			if c == "pid" {
				next.fk = false
			}
			desc, op = fmt.Sprintf("drop column %s.%s", name, c), func(tx *engine.Tx) error { return tx.DropColumn(name, c) }
		case k < 9: // rename column
			if len(others) == 0 || slices.Contains(others, "pid") && rng.IntN(2) == 0 {
				continue
			}
			c := others[rng.IntN(len(others))]
			if c == "pid" {
				continue // the model finds the relation's column by name
			}
			fresh++
			nn := fmt.Sprintf("r%d", fresh)
			next.cols[t0][slices.Index(next.cols[t0], c)] = nn
			for _, r := range next.rows[t0] {
				r[nn] = r[c]
				delete(r, c)
			}
			desc, op = fmt.Sprintf("rename column %s.%s to %s", name, c, nn), func(tx *engine.Tx) error { return tx.RenameColumn(name, c, nn) }
		default: // rename table
			fresh++
			nn := fmt.Sprintf("t%d", fresh)
			next.names[t0] = nn
			desc, op = fmt.Sprintf("rename table %s to %s", name, nn), func(tx *engine.Tx) error { return tx.RenameTable(name, nn) }
		}
		rollback := rng.IntN(5) == 0
		if rollback {
			desc += " (rolled back)"
			tx, err := db.Begin(ctx, engine.TxOptions{})
			require.NoError(t, err)
			require.NoError(t, op(tx), desc)
			require.NoError(t, tx.Rollback())
		} else {
			require.NoError(t, db.Update(ctx, op), "seed %d step %d: %s", seed, step, desc)
			m = next
		}
		history = append(history, desc)
		msg := fmt.Sprintf("seed %d step %d\n%s", seed, step, strings.Join(history, "\n"))
		require.Equal(t, m.dump(), testutil.Dump(t, db), msg)
		require.NoError(t, db.Check(), msg)
	}
}
