package engine_test

import (
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

var modelSeed = flag.Int64("engine.seed", 0, "seed of the randomized model test; 0 picks one from the clock")

// modelTable has nullable columns, a NOT NULL column with a default, a
// unique index over a nullable column and a composite secondary index.
func modelTable() engine.Table {
	return engine.Table{
		Name: "m",
		Columns: []engine.Column{
			{Name: "id", Type: engine.Int},
			{Name: "a", Type: engine.Int},
			{Name: "b", Type: engine.Text},
			{Name: "u", Type: engine.Int},
			{Name: "s", Type: engine.Text, NotNull: true, Default: "s0"},
		},
		PrimaryKey: []string{"id"},
		Indexes: []engine.Index{
			{Name: "m_u", Columns: []string{"u"}, Unique: true},
			{Name: "m_ab", Columns: []string{"a", "b"}},
		},
	}
}

// model is the reference: rows by primary key, with the table's semantics
// written out by hand.
type model map[int64]engine.Row

var modelCols = []string{"id", "a", "b", "u", "s"}

// full fills the columns row omits with their defaults.
func (m model) full(row engine.Row) engine.Row {
	out := engine.Row{"id": nil, "a": nil, "b": nil, "u": nil, "s": "s0"}
	for k, v := range row {
		out[k] = modelNorm(v)
	}
	return out
}

// modelNorm converts an input value to its stored form.
func modelNorm(v any) any {
	if i, ok := v.(int); ok {
		return int64(i)
	}
	return v
}

// check returns the error a write of row (replacing the row with key self,
// if any) must fail with, or nil.
func (m model) check(row engine.Row, self any) error {
	if row["id"] == nil || row["s"] == nil {
		return engine.ErrNotNull
	}
	id := row["id"].(int64)
	if _, taken := m[id]; taken && (self == nil || id != self.(int64)) {
		return engine.ErrUnique
	}
	if u := row["u"]; u != nil {
		for k, r := range m {
			if (self == nil || k != self.(int64)) && r["u"] == u {
				return engine.ErrUnique
			}
		}
	}
	return nil
}

func (m model) insert(row engine.Row) (engine.Row, error) {
	r := m.full(row)
	if err := m.check(r, nil); err != nil {
		return nil, err
	}
	m[r["id"].(int64)] = r
	return r, nil
}

func (m model) update(key int64, set engine.Row) (engine.Row, error) {
	old, ok := m[key]
	if !ok {
		return nil, engine.ErrNotFound
	}
	r := maps.Clone(old)
	for k, v := range set {
		r[k] = modelNorm(v)
	}
	if err := m.check(r, key); err != nil {
		return nil, err
	}
	delete(m, key)
	m[r["id"].(int64)] = r
	return r, nil
}

func (m model) upsert(row engine.Row) (engine.Row, error) {
	if id, ok := row["id"]; ok && id != nil {
		if _, exists := m[modelNorm(id).(int64)]; exists {
			return m.update(modelNorm(id).(int64), row)
		}
	}
	return m.insert(row)
}

func (m model) rows() []engine.Row {
	out := []engine.Row{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

func (m model) clone() model {
	c := make(model, len(m))
	for k, r := range m {
		c[k] = maps.Clone(r)
	}
	return c
}

// modelGen draws random operations over small domains, so that keys and
// unique values collide often.
type modelGen struct{ r *rand.Rand }

func (g modelGen) id() int { return g.r.IntN(25) }

func (g modelGen) value(col string) any {
	switch col {
	case "id":
		return g.id()
	case "a":
		if g.r.IntN(5) == 0 {
			return nil
		}
		return g.r.IntN(4)
	case "b":
		if g.r.IntN(5) == 0 {
			return nil
		}
		return []string{"p", "q", "r", ""}[g.r.IntN(4)]
	case "u":
		if g.r.IntN(3) == 0 {
			return nil
		}
		return g.r.IntN(12)
	case "s":
		if g.r.IntN(10) == 0 {
			return nil // NOT NULL violation
		}
		return []string{"s1", "s2"}[g.r.IntN(2)]
	}
	panic(col)
}

// row returns values for a random subset of the columns; id is present
// unless omitID.
func (g modelGen) row(omitID bool) engine.Row {
	row := engine.Row{}
	for _, c := range modelCols {
		if c == "id" && !omitID || c != "id" && g.r.IntN(3) > 0 {
			row[c] = g.value(c)
		}
	}
	return row
}

func (g modelGen) filters() []semFilter {
	var out []semFilter
	for range g.r.IntN(4) {
		col := modelCols[g.r.IntN(len(modelCols))]
		v := g.value(col)
		if g.r.IntN(8) == 0 {
			v = nil
		}
		switch op := []string{"=", "<", "<=", ">", ">=", "IN", "NULL", "NOTNULL"}[g.r.IntN(8)]; op {
		case "IN":
			out = append(out, semFilter{col, op, []any{v, g.value(col), g.value(col)}[:g.r.IntN(4)]})
		case "NULL", "NOTNULL":
			out = append(out, semFilter{col, op, nil})
		default:
			out = append(out, semFilter{col, op, []any{v}})
		}
	}
	return out
}

func (g modelGen) order() []semOrder {
	var out []semOrder
	for range g.r.IntN(3) {
		out = append(out, semOrder{[]string{"a", "b", "u", "s"}[g.r.IntN(4)], engine.Order(g.r.IntN(2))})
	}
	// The primary key last makes the order total, so results compare exactly.
	return append(out, semOrder{"id", engine.Order(g.r.IntN(2))})
}

// TestTx_Model_RandomOperations ensures random inserts, updates (moving
// primary keys too), deletes, upserts, savepoints, commits, rollbacks and
// queries leave reldb in the same state, and return the same rows and
// errors, as a plain map with the same semantics. Failed statements change
// nothing in either.
func TestTx_Model_RandomOperations(t *testing.T) {
	seed := *modelSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (rerun with -engine.seed=%d)", seed, seed)
	steps := 3000
	if testing.Short() {
		steps = 300
	}
	g := modelGen{rand.New(rand.NewPCG(uint64(seed), 0))}
	db := testutil.OpenDB(t, modelTable())

	committed := model{}
	var history []string // the current transaction's statements, for failure messages
	for step := 0; step < steps; {
		tx := semBegin(t, db)
		work := committed.clone()
		history = history[:0]
		type savepoint struct {
			sp    engine.Savepoint
			state model
		}
		var sps []savepoint
		for n := 1 + g.r.IntN(12); n > 0 && step < steps; n-- {
			step++
			var (
				desc    string
				got     engine.Record
				err     error
				want    engine.Row
				wantErr error
			)
			switch op := g.r.IntN(100); {
			case op < 30:
				row := g.row(g.r.IntN(20) == 0)
				desc = fmt.Sprintf("insert %v", row)
				got, err = tx.Insert("m", row)
				want, wantErr = work.insert(row)
			case op < 55:
				key := g.id()
				set := g.row(g.r.IntN(5) > 0) // one in five moves the key
				desc = fmt.Sprintf("update %d set %v", key, set)
				got, err = tx.Update("m", key, set)
				want, wantErr = work.update(int64(key), set)
			case op < 65:
				key := g.id()
				desc = fmt.Sprintf("delete %d", key)
				err = tx.Delete("m", key)
				if _, ok := work[int64(key)]; ok {
					delete(work, int64(key))
				} else {
					wantErr = engine.ErrNotFound
				}
			case op < 80:
				row := g.row(g.r.IntN(20) == 0)
				desc = fmt.Sprintf("upsert %v", row)
				got, err = tx.Upsert("m", row)
				want, wantErr = work.upsert(row)
			case op < 85:
				desc = "savepoint"
				sp, err := tx.Savepoint()
				require.NoError(t, err)
				sps = append(sps, savepoint{sp, work.clone()})
			case op < 88 && len(sps) > 0:
				i := g.r.IntN(len(sps))
				desc = fmt.Sprintf("rollback to savepoint %d", i)
				require.NoError(t, tx.RollbackTo(sps[i].sp))
				work = sps[i].state.clone()
				sps = sps[:i+1]
			default:
				filters, order := g.filters(), g.order()
				limit, offset := g.r.IntN(8)-1, g.r.IntN(3)
				desc = fmt.Sprintf("query %v order %v limit %d offset %d", filters, order, limit, offset)
				history = append(history, desc)
				recs, err := semQuery(tx, "m", filters, order).Limit(limit).Offset(offset).All()
				require.NoError(t, err, "seed %d step %d\n%s", seed, step, strings.Join(history, "\n"))
				require.Equal(t, semBrute(work.rows(), filters, order, offset, limit), semRows(recs),
					"seed %d step %d\n%s", seed, step, strings.Join(history, "\n"))
				continue
			}
			history = append(history, desc)
			msg := fmt.Sprintf("seed %d step %d\n%s", seed, step, strings.Join(history, "\n"))
			require.ErrorIs(t, err, wantErr, msg)
			if want != nil {
				require.Equal(t, want, got.Row(), msg)
			}
			require.Equal(t, work.rows(), semRows(semAll(t, tx)), msg)
		}
		if g.r.IntN(5) == 0 {
			require.NoError(t, tx.Rollback())
		} else {
			require.NoError(t, tx.Commit())
			committed = work
		}
		semView(t, db, func(tx *engine.Tx) error {
			require.Equal(t, committed.rows(), semRows(semAll(t, tx)), "seed %d step %d: committed state", seed, step)
			filters, order := g.filters(), g.order()
			recs, err := semQuery(tx, "m", filters, order).All()
			require.NoError(t, err)
			require.Equal(t, semBrute(committed.rows(), filters, order, 0, -1), semRows(recs),
				"seed %d step %d: query %v order %v", seed, step, filters, order)
			return nil
		})
	}
	require.NoError(t, db.Check())
}

// semAll returns every row of m in primary key order.
func semAll(tb testing.TB, tx *engine.Tx) []engine.Record {
	tb.Helper()
	recs, err := tx.Query("m").OrderBy("id", engine.Asc).All()
	require.NoError(tb, err)
	return recs
}
