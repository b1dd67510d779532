package engine_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var relStressSeed = flag.Uint64("relstress.seed", 0, "seed for TestDB_Update_RelationStress (0: time-based)")

// rsTables is the three-level schema of the stress test: users; profiles
// and orders under users; items under orders.
func rsTables() []engine.Table {
	return []engine.Table{
		{Name: "users", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}},
		{Name: "profiles", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "user_id", Type: engine.Int, NotNull: true}}},
		{Name: "orders", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "user_id", Type: engine.Int}}},
		{Name: "items", PrimaryKey: []string{"id"}, Columns: []engine.Column{
			{Name: "id", Type: engine.Int}, {Name: "order_id", Type: engine.Int}}},
	}
}

// rsRelations relates the tables: a user has one profile (ON DELETE
// CASCADE) and many orders (ON DELETE ordersOnDelete); an order has many
// items (ON DELETE CASCADE, ON UPDATE CASCADE).
func rsRelations(ordersOnDelete engine.Action) []engine.Relation {
	return []engine.Relation{
		{Kind: engine.OneToOne, Child: "profiles", Columns: []string{"user_id"}, Parent: "users",
			ParentAs: "user", ChildrenAs: "profile", OnDelete: engine.Cascade},
		{Child: "orders", Columns: []string{"user_id"}, Parent: "users",
			ParentAs: "user", ChildrenAs: "orders", OnDelete: ordersOnDelete},
		{Child: "items", Columns: []string{"order_id"}, Parent: "orders",
			ParentAs: "order", ChildrenAs: "items", OnDelete: engine.Cascade, OnUpdate: engine.Cascade},
	}
}

// rsOpenDB opens the schema with the given options and relations.
func rsOpenDB(t *testing.T, opts engine.Options, ordersOnDelete engine.Action) *engine.DB {
	t.Helper()
	db := testutil.OpenDBWith(t, opts, rsTables()...)
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, r := range rsRelations(ordersOnDelete) {
			if err := tx.CreateRelation(r); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// rsInvariants returns every relation invariant broken in tx's snapshot:
// a profile, order or item whose parent is missing, and a user with more
// than one profile.
func rsInvariants(tx *engine.Tx) ([]string, error) {
	rows := make(map[string][]engine.Record, 4)
	for _, table := range []string{"users", "profiles", "orders", "items"} {
		all, err := tx.Query(table).All()
		if err != nil {
			return nil, err
		}
		rows[table] = all
	}
	users := make(map[int64]bool, len(rows["users"]))
	for _, u := range rows["users"] {
		users[u.ID().(int64)] = true
	}
	var problems []string
	profiles := make(map[int64]int)
	for _, p := range rows["profiles"] {
		uid, ok := p.Get("user_id").(int64)
		if !ok || !users[uid] {
			problems = append(problems, fmt.Sprintf("orphan %v", p))
		}
		if profiles[uid]++; profiles[uid] == 2 {
			problems = append(problems, fmt.Sprintf("user %d has more than one profile", uid))
		}
	}
	orders := make(map[int64]bool, len(rows["orders"]))
	for _, o := range rows["orders"] {
		orders[o.ID().(int64)] = true
		if uid := o.Get("user_id"); uid != nil && !users[uid.(int64)] {
			problems = append(problems, fmt.Sprintf("orphan %v", o))
		}
	}
	for _, it := range rows["items"] {
		if oid := it.Get("order_id"); oid != nil && !orders[oid.(int64)] {
			problems = append(problems, fmt.Sprintf("orphan %v", it))
		}
	}
	return problems, nil
}

// rsOp is one kind of random operation of the stress test.
type rsOp uint8

const (
	rsInsertUser rsOp = iota
	rsInsertProfile
	rsInsertOrder
	rsInsertItem
	rsDeleteUser
	rsDeleteOrder
	rsRenameOrder          // change an order's primary key: ON UPDATE CASCADE moves its items
	rsDeleteUserThenInsert // insert an order and a profile under a user deleted earlier in the tx
	rsDeleteOrderThenInsert
	rsNumOps
)

var rsOpNames = [rsNumOps]string{"insert user", "insert profile", "insert order", "insert item", "delete user",
	"delete order", "rename order", "delete user, insert under it", "delete order, insert under it"}

// rsWeights is how often each operation is drawn, out of the sum.
var rsWeights = [rsNumOps]int{14, 10, 18, 26, 5, 5, 8, 3, 4}

// rsOutcome is what a statement did, counted per operation.
type rsOutcome uint8

const (
	rsApplied  rsOutcome = iota // the operation changed the database
	rsRefused                   // a constraint refused it, as the transaction's view predicted
	rsNotFound                  // its target was absent from the view
	rsNumOutcomes
)

// errRSStop ends a transaction whose statement broke an expectation (the
// failure is already reported).
var errRSStop = errors.New("relation stress: expectation failed")

// rsStress is the shared state of the random stress run.
type rsStress struct {
	t *testing.T
	// Fresh primary keys for each table but users, whose keys are drawn
	// from a small range so that writers collide.
	profileSeq, orderSeq, itemSeq atomic.Int64
	users                         int64

	// mu guards recent: the keys of the orders committed last (inserted or
	// renamed to), where writers look for parents. Some have been deleted
	// or renamed since: those are the just-deleted parents.
	mu struct {
		sync.Mutex
		recent [24]int64
		n      int
	}
}

// noteOrders remembers orders a committed transaction created.
func (s *rsStress) noteOrders(ids []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		s.mu.recent[s.mu.n%len(s.mu.recent)] = id
		s.mu.n++
	}
}

// rsWriter is one writer goroutine's state. fn may run several times per
// Update, so outcomes are gathered per attempt and counted after success.
type rsWriter struct {
	*rsStress
	rng      *rand.Rand
	outcomes []rsCount
	created  []int64 // orders this attempt created
}

type rsCount struct {
	op rsOp
	o  rsOutcome
}

// expect checks a statement's error against what the transaction's view
// predicts (want nil: it must succeed). A conflict is returned as is, for
// Update to retry; a mismatch fails the test and returns errRSStop.
func (w *rsWriter) expect(err, want error, format string, args ...any) error {
	if errors.Is(err, engine.ErrConflict) {
		return err
	}
	if (want == nil && err == nil) || (want != nil && errors.Is(err, want)) {
		return nil
	}
	w.t.Errorf("%s: got error %v, want %v", fmt.Sprintf(format, args...), err, want)
	return errRSStop
}

// exists looks a row up, reporting whether the transaction sees it.
func (w *rsWriter) exists(tx *engine.Tx, table string, id int64) (bool, error) {
	_, err := tx.Get(table, id)
	if err == nil || errors.Is(err, engine.ErrNotFound) {
		return err == nil, nil
	}
	if errors.Is(err, engine.ErrConflict) {
		return false, err
	}
	w.t.Errorf("get %s %d: %v", table, id, err)
	return false, errRSStop
}

// childIDs returns the primary keys of table's rows whose col equals key.
func (w *rsWriter) childIDs(tx *engine.Tx, table, col string, key int64) ([]int64, error) {
	rows, err := tx.Query(table).Where(engine.Eq(col, key)).All()
	if err != nil {
		w.t.Errorf("query %s where %s = %d: %v", table, col, key, err)
		return nil, errRSStop
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID().(int64)
	}
	return ids, nil
}

// insert inserts a row with a fresh primary key whose outcome the view
// predicts (want), and checks that a refused insert left nothing behind.
func (w *rsWriter) insert(tx *engine.Tx, table string, row engine.Row, want error) error {
	_, err := tx.Insert(table, row)
	if err := w.expect(err, want, "insert %s %v", table, row); err != nil {
		return err
	}
	if want != nil {
		if ok, err := w.exists(tx, table, row["id"].(int64)); err != nil || ok {
			if err == nil {
				w.t.Errorf("insert %s %v was refused but left its row", table, row)
				err = errRSStop
			}
			return err
		}
	}
	return nil
}

func (w *rsWriter) user() int64 { return 1 + w.rng.Int64N(w.users) }

// recentOrder draws an order key among those committed last: most exist,
// some were deleted or renamed.
func (w *rsWriter) recentOrder() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.mu.recent[w.rng.IntN(min(w.mu.n, len(w.mu.recent)))]
}

// existingUser draws users until the view holds one, or gives up.
func (w *rsWriter) existingUser(tx *engine.Tx) (int64, bool, error) {
	for range 5 {
		u := w.user()
		ok, err := w.exists(tx, "users", u)
		if err != nil || ok {
			return u, ok, err
		}
	}
	return 0, false, nil
}

// existingOrder draws recent orders until the view holds one, or gives up.
func (w *rsWriter) existingOrder(tx *engine.Tx) (int64, bool, error) {
	for range 5 {
		o := w.recentOrder()
		ok, err := w.exists(tx, "orders", o)
		if err != nil || ok {
			return o, ok, err
		}
	}
	return 0, false, nil
}

// run performs one operation in tx, checking every statement against what
// the transaction's own view predicts, and records its outcome.
func (w *rsWriter) run(tx *engine.Tx, op rsOp) error {
	outcome := rsApplied
	err := w.runOp(tx, op, &outcome)
	if err == nil {
		w.outcomes = append(w.outcomes, rsCount{op, outcome})
	}
	return err
}

func (w *rsWriter) runOp(tx *engine.Tx, op rsOp, outcome *rsOutcome) error {
	refusedIf := func(cond bool, err error) error {
		if cond {
			*outcome = rsRefused
			return err
		}
		return nil
	}
	switch op {
	case rsInsertUser:
		u := w.user()
		taken, err := w.exists(tx, "users", u)
		if err != nil {
			return err
		}
		// Not w.insert: a refused user insert leaves the row it collided with.
		_, err = tx.Insert("users", engine.Row{"id": u})
		return w.expect(err, refusedIf(taken, engine.ErrUnique), "insert user %d", u)

	case rsInsertProfile:
		// Only for a user the view holds; a second profile is a unique violation.
		u, ok, err := w.existingUser(tx)
		if err != nil || !ok {
			*outcome = rsNotFound
			return err
		}
		has, err := w.childIDs(tx, "profiles", "user_id", u)
		if err != nil {
			return err
		}
		row := engine.Row{"id": w.profileSeq.Add(1), "user_id": u}
		return w.insert(tx, "profiles", row, refusedIf(len(has) > 0, engine.ErrUnique))

	case rsInsertOrder:
		row := engine.Row{"id": w.orderSeq.Add(1), "user_id": nil}
		ok := true
		if w.rng.IntN(10) > 0 { // else NULL, which MATCH SIMPLE does not check
			u := w.user()
			var err error
			if ok, err = w.exists(tx, "users", u); err != nil {
				return err
			}
			row["user_id"] = u
		}
		if err := w.insert(tx, "orders", row, refusedIf(!ok, engine.ErrForeignKey)); err != nil || !ok {
			return err
		}
		w.created = append(w.created, row["id"].(int64))
		return nil

	case rsInsertItem:
		row := engine.Row{"id": w.itemSeq.Add(1), "order_id": nil}
		if w.rng.IntN(20) == 0 {
			return w.insert(tx, "items", row, nil)
		}
		o := w.recentOrder()
		ok, err := w.exists(tx, "orders", o)
		if err != nil {
			return err
		}
		row["order_id"] = o
		return w.insert(tx, "items", row, refusedIf(!ok, engine.ErrForeignKey))

	case rsDeleteUser:
		u := w.user()
		ok, err := w.exists(tx, "users", u)
		if err != nil {
			return err
		}
		if !ok {
			*outcome = rsNotFound
			return w.expect(tx.Delete("users", u), engine.ErrNotFound, "delete absent user %d", u)
		}
		return w.deleteUser(tx, u)

	case rsDeleteOrder:
		o := w.recentOrder()
		ok, err := w.exists(tx, "orders", o)
		if err != nil {
			return err
		}
		if !ok {
			*outcome = rsNotFound
			return w.expect(tx.Delete("orders", o), engine.ErrNotFound, "delete absent order %d", o)
		}
		return w.deleteOrder(tx, o)

	case rsRenameOrder:
		o := w.recentOrder()
		ok, err := w.exists(tx, "orders", o)
		if err != nil {
			return err
		}
		n := w.orderSeq.Add(1)
		if !ok {
			*outcome = rsNotFound
			_, err := tx.Update("orders", o, engine.Row{"id": n})
			return w.expect(err, engine.ErrNotFound, "rename absent order %d", o)
		}
		if err := w.renameOrder(tx, o, n); err != nil {
			return err
		}
		w.created = append(w.created, n)
		return nil

	case rsDeleteUserThenInsert:
		u, ok, err := w.existingUser(tx)
		if err != nil || !ok {
			*outcome = rsNotFound
			return err
		}
		if err := w.deleteUser(tx, u); err != nil {
			return err
		}
		*outcome = rsRefused
		if err := w.insert(tx, "orders", engine.Row{"id": w.orderSeq.Add(1), "user_id": u}, engine.ErrForeignKey); err != nil {
			return err
		}
		return w.insert(tx, "profiles", engine.Row{"id": w.profileSeq.Add(1), "user_id": u}, engine.ErrForeignKey)

	case rsDeleteOrderThenInsert:
		o, ok, err := w.existingOrder(tx)
		if err != nil || !ok {
			*outcome = rsNotFound
			return err
		}
		if err := w.deleteOrder(tx, o); err != nil {
			return err
		}
		*outcome = rsRefused
		return w.insert(tx, "items", engine.Row{"id": w.itemSeq.Add(1), "order_id": o}, engine.ErrForeignKey)
	}
	panic(fmt.Sprintf("relation stress: unknown op %d", op))
}

// deleteUser deletes a user the view holds and checks the actions in the
// same view: its profile is gone, its orders remain with user_id NULL.
func (w *rsWriter) deleteUser(tx *engine.Tx, u int64) error {
	orders, err := w.childIDs(tx, "orders", "user_id", u)
	if err != nil {
		return err
	}
	if err := w.expect(tx.Delete("users", u), nil, "delete user %d", u); err != nil {
		return err
	}
	if left, err := w.childIDs(tx, "profiles", "user_id", u); err != nil || len(left) > 0 {
		if err == nil {
			w.t.Errorf("delete user %d left profiles %v (ON DELETE CASCADE)", u, left)
			err = errRSStop
		}
		return err
	}
	for _, o := range orders {
		r, err := tx.Get("orders", o)
		if err := w.expect(err, nil, "get order %d after deleting user %d", o, u); err != nil {
			return err
		}
		if r.Get("user_id") != nil {
			w.t.Errorf("delete user %d left %v (ON DELETE SET NULL)", u, r)
			return errRSStop
		}
	}
	return nil
}

// deleteOrder deletes an order the view holds and checks, in the same
// view, that its items went with it.
func (w *rsWriter) deleteOrder(tx *engine.Tx, o int64) error {
	items, err := w.childIDs(tx, "items", "order_id", o)
	if err != nil {
		return err
	}
	if err := w.expect(tx.Delete("orders", o), nil, "delete order %d", o); err != nil {
		return err
	}
	for _, it := range items {
		if ok, err := w.exists(tx, "items", it); err != nil || ok {
			if err == nil {
				w.t.Errorf("delete order %d left item %d (ON DELETE CASCADE)", o, it)
				err = errRSStop
			}
			return err
		}
	}
	return nil
}

// renameOrder changes an order's key from o to n and checks, in the same
// view, that its items followed.
func (w *rsWriter) renameOrder(tx *engine.Tx, o, n int64) error {
	items, err := w.childIDs(tx, "items", "order_id", o)
	if err != nil {
		return err
	}
	_, err = tx.Update("orders", o, engine.Row{"id": n})
	if err := w.expect(err, nil, "rename order %d to %d", o, n); err != nil {
		return err
	}
	moved, err := w.childIDs(tx, "items", "order_id", n)
	if err != nil {
		return err
	}
	if left, err := w.childIDs(tx, "items", "order_id", o); err != nil || len(left) > 0 || !slices.Equal(items, moved) {
		if err == nil {
			w.t.Errorf("rename order %d to %d: items %v under the old key, %v under the new, want %v (ON UPDATE CASCADE)", o, n, left, moved, items)
			err = errRSStop
		}
		return err
	}
	return nil
}

// TestDB_Update_RelationStress ensures referential integrity holds under
// concurrent serializable writers: no snapshot ever shows an orphan or a
// user with two profiles, every statement behaves as its transaction's view
// predicts, and a child inserted under a parent being deleted concurrently
// makes one of the two transactions fail with ErrConflict.
func TestDB_Update_RelationStress(t *testing.T) {
	t.Run("random", testRelationStressRandom)
	t.Run("child vs parent", testRelationStressRace)
}

// testRelationStressRandom runs random operations from concurrent writers
// through DB.Update while readers check every snapshot they take.
func testRelationStressRandom(t *testing.T) {
	seed := *relStressSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -relstress.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	const writers, readers = 6, 2
	ops := 3000
	if testing.Short() {
		ops = 600
	}
	ctx := context.Background()
	db := rsOpenDB(t, engine.Options{Retry: engine.RetryPolicy{MaxAttempts: 10_000}}, engine.SetNull)
	s := &rsStress{t: t, users: 20}

	// Half the users, a profile for every other one, orders and their items.
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for u := int64(1); u <= s.users/2; u++ {
			if _, err := tx.Insert("users", engine.Row{"id": u}); err != nil {
				return err
			}
			if u%2 == 1 {
				if _, err := tx.Insert("profiles", engine.Row{"id": s.profileSeq.Add(1), "user_id": u}); err != nil {
					return err
				}
			}
		}
		for range 20 {
			o := s.orderSeq.Add(1)
			s.noteOrders([]int64{o})
			if _, err := tx.Insert("orders", engine.Row{"id": o, "user_id": 1 + rng.Int64N(s.users/2)}); err != nil {
				return err
			}
			for range rng.IntN(4) {
				if _, err := tx.Insert("items", engine.Row{"id": s.itemSeq.Add(1), "order_id": o}); err != nil {
					return err
				}
			}
		}
		return nil
	}))

	var (
		total     atomic.Int64 // operations run
		calls     atomic.Int64 // Update calls
		attempts  atomic.Int64 // runs of an Update function
		snapshots atomic.Int64 // snapshots checked by readers
		counts    [rsNumOps][rsNumOutcomes]atomic.Int64
	)

	writersDone := make(chan struct{})
	var readersWG sync.WaitGroup
	for range readers {
		readersWG.Go(func() {
			// At least one snapshot, however fast the writers are.
			for {
				err := db.View(ctx, func(tx *engine.Tx) error {
					problems, err := rsInvariants(tx)
					if err != nil {
						return err
					}
					if len(problems) > 0 {
						t.Errorf("snapshot version %d breaks relations:\n%s", tx.Version(), strings.Join(problems, "\n"))
						return errRSStop
					}
					return nil
				})
				if err != nil {
					assert.ErrorIs(t, err, errRSStop)
					return
				}
				snapshots.Add(1)
				select {
				case <-writersDone:
					return
				default:
				}
			}
		})
	}

	var cumulative [rsNumOps]int
	sum := 0
	for i, wgt := range rsWeights {
		sum += wgt
		cumulative[i] = sum
	}
	var writersWG sync.WaitGroup
	for wi := range writers {
		w := &rsWriter{rsStress: s, rng: rand.New(rand.NewPCG(seed, uint64(wi)+1))}
		writersWG.Go(func() {
			for done := 0; done < ops/writers; {
				// One to three operations per transaction, drawn before the
				// first attempt so that a retry runs the same ones.
				plan := make([]rsOp, min(1+w.rng.IntN(3), ops/writers-done))
				for i := range plan {
					n := w.rng.IntN(sum)
					plan[i] = rsOp(slices.IndexFunc(cumulative[:], func(c int) bool { return n < c }))
				}
				done += len(plan)
				calls.Add(1)
				err := db.Update(ctx, func(tx *engine.Tx) error {
					attempts.Add(1)
					w.outcomes, w.created = w.outcomes[:0], w.created[:0]
					for _, op := range plan {
						if err := w.run(tx, op); err != nil {
							return err
						}
						runtime.Gosched() // let other writers commit in between: more races
					}
					return nil
				})
				if err != nil {
					if !errors.Is(err, errRSStop) {
						t.Errorf("update %v: %v", plan, err)
					}
					return
				}
				total.Add(int64(len(plan)))
				s.noteOrders(w.created)
				for _, c := range w.outcomes {
					counts[c.op][c.o].Add(1)
				}
			}
		})
	}
	writersWG.Wait()
	close(writersDone)
	readersWG.Wait()

	var summary strings.Builder
	for op := range rsNumOps {
		fmt.Fprintf(&summary, "\n  %-30s applied %4d, refused %4d, target absent %4d", rsOpNames[op],
			counts[op][rsApplied].Load(), counts[op][rsRefused].Load(), counts[op][rsNotFound].Load())
	}
	t.Logf("%d operations in %d transactions, %d attempts (%d retried after conflicts); %d reader snapshots checked%s",
		total.Load(), calls.Load(), attempts.Load(), attempts.Load()-calls.Load(), snapshots.Load(), summary.String())
	if t.Failed() {
		return
	}
	require.Equal(t, int64(ops/writers*writers), total.Load(), "every writer ran all its operations")
	assert.Positive(t, snapshots.Load())

	// The final state too, and DB.Check at cleanup.
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		problems, err := rsInvariants(tx)
		assert.Empty(t, problems)
		return err
	}))
}

// rsRaceCase is a child insert (T1) racing a parent change (T2) that must
// remove or refuse the child.
type rsRaceCase struct {
	name           string
	ordersOnDelete engine.Action
	parentTable    string
	parentKey      int64
	childTable     string
	child          engine.Row
	// parent is T2's statement on the parent.
	parent func(tx *engine.Tx) error
	// wantChildLate and wantParentLate are the errors of T1 run after T2
	// committed, and of T2 run after T1 committed (serial executions).
	wantChildLate, wantParentLate error
}

func rsRaceCases() []rsRaceCase {
	deleteUser := func(id int64) func(tx *engine.Tx) error {
		return func(tx *engine.Tx) error { return tx.Delete("users", id) }
	}
	var cases []rsRaceCase
	for _, a := range []struct {
		action engine.Action
		want   error
	}{{engine.NoAction, engine.ErrForeignKey}, {engine.Restrict, engine.ErrRestrict}, {engine.Cascade, nil}, {engine.SetNull, nil}} {
		cases = append(cases, rsRaceCase{
			name: fmt.Sprintf("order under deleted user/%v", a.action), ordersOnDelete: a.action,
			parentTable: "users", parentKey: 1, childTable: "orders", child: engine.Row{"id": 10, "user_id": 1},
			parent: deleteUser(1), wantChildLate: engine.ErrForeignKey, wantParentLate: a.want,
		})
	}
	return append(cases,
		rsRaceCase{
			name: "profile under deleted user", ordersOnDelete: engine.SetNull,
			parentTable: "users", parentKey: 1, childTable: "profiles", child: engine.Row{"id": 1, "user_id": 1},
			parent: deleteUser(1), wantChildLate: engine.ErrForeignKey,
		},
		rsRaceCase{
			name: "item under deleted order", ordersOnDelete: engine.SetNull,
			parentTable: "orders", parentKey: 20, childTable: "items", child: engine.Row{"id": 201, "order_id": 20},
			parent:        func(tx *engine.Tx) error { return tx.Delete("orders", 20) },
			wantChildLate: engine.ErrForeignKey,
		},
		rsRaceCase{
			// The order goes through a cascade from its user: T2 reads the
			// items only inside the planner.
			name: "item under order deleted by cascade", ordersOnDelete: engine.Cascade,
			parentTable: "orders", parentKey: 20, childTable: "items", child: engine.Row{"id": 201, "order_id": 20},
			parent: deleteUser(2), wantChildLate: engine.ErrForeignKey,
		},
		rsRaceCase{
			name: "item under renamed order", ordersOnDelete: engine.SetNull,
			parentTable: "orders", parentKey: 20, childTable: "items", child: engine.Row{"id": 201, "order_id": 20},
			parent: func(tx *engine.Tx) error {
				_, err := tx.Update("orders", 20, engine.Row{"id": 21})
				return err
			},
			wantChildLate: engine.ErrForeignKey,
		},
	)
}

// rsRaceDB opens the schema with users 1 and 2, user 2's profile 2, its
// order 20 and that order's item 200.
func rsRaceDB(t *testing.T, ordersOnDelete engine.Action) *engine.DB {
	t.Helper()
	db := rsOpenDB(t, engine.Options{}, ordersOnDelete)
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, ins := range []struct {
			table string
			row   engine.Row
		}{
			{"users", engine.Row{"id": 1}}, {"users", engine.Row{"id": 2}}, {"profiles", engine.Row{"id": 2, "user_id": 2}},
			{"orders", engine.Row{"id": 20, "user_id": 2}}, {"items", engine.Row{"id": 200, "order_id": 20}},
		} {
			if _, err := tx.Insert(ins.table, ins.row); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// rsChild is T1: optionally read the parent, then insert the child. A
// missing parent is not an error of the read: the insert reports it.
func (c *rsRaceCase) rsChild(readParent bool) func(tx *engine.Tx) error {
	return func(tx *engine.Tx) error {
		if readParent {
			if _, err := tx.Get(c.parentTable, c.parentKey); err != nil && !errors.Is(err, engine.ErrNotFound) {
				return err
			}
		}
		_, err := tx.Insert(c.childTable, c.child)
		return err
	}
}

// rsSerial runs fns one after the other, each in its own transaction, on a
// fresh database, and returns their errors and the final dump.
func rsSerial(t *testing.T, ordersOnDelete engine.Action, fns ...func(tx *engine.Tx) error) ([]error, string) {
	t.Helper()
	db := rsRaceDB(t, ordersOnDelete)
	errs := make([]error, len(fns))
	for i, fn := range fns {
		errs[i] = db.Update(context.Background(), fn)
	}
	return errs, testutil.Dump(t, db)
}

// testRelationStressRace interleaves T1, which inserts a child (after
// reading its parent, or relying on the foreign-key check alone), and T2,
// which deletes or re-keys the parent, on one snapshot, in every statement
// order and commit order. The first to commit wins and the other gets
// ErrConflict, so the state is the winner's alone; the loser retried is
// then exactly the serial execution winner-then-loser. Never an orphan.
func testRelationStressRace(t *testing.T) {
	ctx := context.Background()
	for _, tc := range rsRaceCases() {
		for _, readParent := range []bool{true, false} {
			for _, childStmtFirst := range []bool{true, false} {
				for _, childCommitsFirst := range []bool{true, false} {
					name := fmt.Sprintf("%s/read parent=%t/child statement first=%t/child commits first=%t",
						tc.name, readParent, childStmtFirst, childCommitsFirst)
					t.Run(name, func(t *testing.T) {
						child, parent := tc.rsChild(readParent), tc.parent
						db := rsRaceDB(t, tc.ordersOnDelete)
						t1, err := db.Begin(ctx, engine.TxOptions{})
						require.NoError(t, err)
						defer t1.Rollback()
						t2, err := db.Begin(ctx, engine.TxOptions{})
						require.NoError(t, err)
						defer t2.Rollback()

						// On the shared snapshot both statements succeed.
						if childStmtFirst {
							require.NoError(t, child(t1), "T1 child insert")
							require.NoError(t, parent(t2), "T2 parent change")
						} else {
							require.NoError(t, parent(t2), "T2 parent change")
							require.NoError(t, child(t1), "T1 child insert")
						}

						winner, loser := t1, t2
						winFn, loseFn, wantLate := child, parent, tc.wantParentLate
						if !childCommitsFirst {
							winner, loser = t2, t1
							winFn, loseFn, wantLate = parent, child, tc.wantChildLate
						}
						require.NoError(t, winner.Commit(), "the first commit wins")
						err = loser.Commit()
						require.ErrorIs(t, err, engine.ErrConflict, "the second commit must fail: both together would leave an orphan")
						assert.Equal(t, engine.StateSerialization, engine.SQLState(err))

						_, alone := rsSerial(t, tc.ordersOnDelete, winFn)
						assert.Equal(t, alone, testutil.Dump(t, db), "the state is the winner's alone")

						// Retried, the loser runs after the winner.
						lateErr := db.Update(ctx, loseFn)
						errs, serial := rsSerial(t, tc.ordersOnDelete, winFn, loseFn)
						require.NoError(t, errs[0])
						require.ErrorIs(t, lateErr, wantLate, "retried loser") // a nil target requires a nil error
						require.ErrorIs(t, errs[1], wantLate, "the serial execution agrees")
						assert.Equal(t, serial, testutil.Dump(t, db), "the state is the serial execution's")

						require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
							problems, err := rsInvariants(tx)
							assert.Empty(t, problems)
							return err
						}))
					})
				}
			}
		}
	}
}
