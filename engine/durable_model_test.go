package engine_test

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/require"
)

var durableSeed = flag.Uint64("durable.seed", 0, "seed of TestDB_Open_Durable_Random (0: time)")

// TestDB_Open_Durable_Random runs random transactions on the canonical
// schema — inserts, key updates, cascading deletes, unique values moving
// between rows, failing statements, index changes — and at random points
// checkpoints, or closes and reopens the directory and compares what it
// recovers with what the database held before closing.
func TestDB_Open_Durable_Random(t *testing.T) {
	seed := *durableSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (-durable.seed)", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	txns := 400
	if testing.Short() {
		txns = 100
	}
	dir := t.TempDir()
	opts := engine.Options{Dir: dir, CheckpointBytes: 8 << 10}
	db, err := engine.Open(opts)
	require.NoError(t, err)
	require.NoError(t, db.Update(durCtx, durSchema))
	require.NoError(t, db.Update(durCtx, durSeed))
	reopens, ok := 0, 0
	for i := range txns {
		err := db.Update(durCtx, func(tx *engine.Tx) error {
			for range 1 + rng.IntN(4) {
				if durRandomStatement(tx, rng) == nil { // a failed statement changes nothing
					ok++
				}
			}
			return nil
		})
		if !errors.Is(err, engine.ErrForeignKey) { // a deferred check may refuse the commit
			require.NoError(t, err, "txn %d", i)
		}
		switch rng.IntN(40) {
		case 0:
			require.NoError(t, db.Checkpoint())
		case 1, 2:
			want := durState(t, db)
			require.NoError(t, db.Check())
			require.NoError(t, db.Close())
			db, err = engine.Open(opts)
			require.NoError(t, err, "txn %d", i)
			require.Equal(t, want, durState(t, db), "txn %d", i)
			reopens++
		}
	}
	want := durState(t, db)
	require.NoError(t, db.Close())
	db, err = engine.Open(opts)
	require.NoError(t, err)
	require.Equal(t, want, durState(t, db))
	require.NoError(t, db.Check())
	require.NoError(t, db.Close())
	t.Logf("%d transactions, %d statements that succeeded, %d reopens", txns, ok, reopens+1)
}

// durRandomStatement runs one random statement; it may fail.
func durRandomStatement(tx *engine.Tx, rng *rand.Rand) error {
	n := func(k int) int64 { return rng.Int64N(int64(k)) }
	email := func() any {
		if rng.IntN(4) == 0 {
			return nil
		}
		return fmt.Sprintf("u%d@x", n(6))
	}
	ins := func(table string, row engine.Row) error {
		_, err := tx.Insert(table, row)
		return err
	}
	upd := func(table string, key any, row engine.Row) error {
		_, err := tx.Update(table, key, row)
		return err
	}
	switch rng.IntN(22) {
	case 0:
		return ins("authors", engine.Row{"name": fmt.Sprintf("author %d", n(100))})
	case 1:
		return upd("authors", n(12), engine.Row{"id": 20 + n(20)}) // cascades to books
	case 2:
		return tx.Delete("authors", n(12)) // cascades to books and books_tags
	case 3, 4:
		return ins("books", engine.Row{"id": n(40), "author_id": n(12), "publisher_id": n(3), "title": fmt.Sprintf("t%d", n(10)),
			"price": fmt.Sprintf("%d.%02d", n(100), n(100)), "rating": float64(n(50)) / 10})
	case 5:
		return upd("books", n(40), engine.Row{"title": fmt.Sprintf("t%d", n(10)), "price": fmt.Sprintf("-%d.5", n(9))})
	case 6:
		return tx.Delete("books", n(40))
	case 7:
		return ins("publishers", engine.Row{"id": 1 + n(3), "name": "p"})
	case 8:
		return tx.Delete("publishers", 1+n(3)) // SET DEFAULT
	case 9:
		return ins("tags", engine.Row{"name": fmt.Sprintf("tag%d", n(6))})
	case 10:
		return ins("books_tags", engine.Row{"books_id": n(40), "tags_name": fmt.Sprintf("tag%d", n(6))})
	case 11:
		return tx.Delete("tags", fmt.Sprintf("tag%d", n(6)))
	case 12:
		return ins("users", engine.Row{"id": n(10), "email": email()})
	case 13:
		return upd("users", n(10), engine.Row{"email": email()}) // unique values move
	case 14:
		return tx.Delete("users", n(10)) // profiles cascade, orders SET NULL
	case 15:
		return ins("profiles", engine.Row{"id": n(10), "user_id": n(10), "bio": "b"})
	case 16:
		return ins("orders", engine.Row{"id": n(20), "user_id": n(10), "total": fmt.Sprintf("%d.%03d", n(1000), n(1000))})
	case 17:
		return ins("students", engine.Row{"id": n(8)})
	case 18:
		return ins("enrollments", engine.Row{"student_id": n(8), "dept": "cs", "num": 101, "grade": fmt.Sprintf("%d.%d", n(5), n(10))})
	case 19:
		return tx.Delete("students", n(8))
	case 20:
		if err := tx.DropIndex("books", "books_rating_idx"); err == nil {
			return nil
		}
		return tx.CreateIndex("books", engine.Index{Name: "books_rating_idx", Columns: []string{"rating", "title"}})
	default:
		return upd("books", n(40), engine.Row{"id": n(40)}) // primary key moves
	}
}
