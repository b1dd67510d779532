package engine

import (
	"fmt"
	"sync/atomic"

	"github.com/reldb/reldb/index"
	"github.com/reldb/reldb/internal/catalog"
	"github.com/reldb/reldb/txn"
)

// Fork returns a new in-memory database holding db's latest committed
// state: its tables, rows, indexes and relations, and each table's
// sequence at its current value. The two are independent from then on —
// a commit to one is never seen by the other — and a Fork costs O(tables),
// not O(rows): the fork shares db's copy-on-write trees, and either side
// copies only the tree nodes it later changes. Forking a loaded template
// is how a test gets a fresh database in microseconds (see reldbtest).
//
// opts configures the fork as Open would, except that it must be in
// memory: a non-empty Dir is ErrInvalidArgument. Types registered with
// Register on db are registered on the fork too. db may be durable, and
// may be in use by other goroutines; Fork does not block them. It returns
// ErrClosed if db is closed.
func (db *DB) Fork(opts Options) (*DB, error) {
	if db.closed.Load() {
		return nil, ErrClosed
	}
	if opts.Dir != "" {
		return nil, fmt.Errorf("%w: fork into %q: a fork is in memory; leave Options.Dir empty", ErrInvalidArgument, opts.Dir)
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	snap := db.oracle.Latest()
	// Table definitions are immutable and may be shared, except for the
	// sequence, which is not transactional and belongs to one database:
	// each forked table gets its own, starting where db's stands now.
	cat := index.NewTree()
	snap.Tree(catalog.CatalogTree).Ascend(nil, nil, func(e index.Entry) bool {
		d := *catalog.TableOf(e.Val)
		d.Seq = new(atomic.Int64)
		d.Seq.Store(catalog.TableOf(e.Val).Seq.Load())
		cat.Put(index.Entry{Key: e.Key, Val: catalog.TableVal(&d)})
		return true
	})
	f := &DB{opts: opts}
	f.locklessHook = f.checkLockless
	f.nextTree.Store(db.nextTree.Load())
	f.oracle = txn.NewOracleFrom(snap, map[txn.TreeID]*index.Tree{catalog.CatalogTree: cat})
	db.models.Range(func(k, v any) bool {
		f.models.Store(k, v)
		return true
	})
	f.modelList.Store(db.modelList.Load()) // immutable: additions copy it
	db.ext.Range(func(k, v any) bool {
		if fv, ok := v.(Forker); ok {
			f.ext.Store(k, fv.Fork())
		}
		return true
	})
	return f, nil
}

// Extension returns the state a layer above the engine keeps with db under
// key, making it with init on first use (when two goroutines race to make
// it, init may run twice and one result is kept). The SQL layer keeps its column declarations this way, so
// they live and die with the DB. A state that implements Forker is carried
// into a Fork by its Fork method; any other state is not. key should be a
// value of an unexported type of the calling package, as with
// context.Context values.
func (db *DB) Extension(key any, init func() any) any {
	if v, ok := db.ext.Load(key); ok {
		return v
	}
	v, _ := db.ext.LoadOrStore(key, init())
	return v
}

// Forker is implemented by an Extension's state that a Fork should carry:
// Fork returns the state for the new database, independent of the old
// one's. Fork may be called while other goroutines use the state.
type Forker interface {
	Fork() any
}
