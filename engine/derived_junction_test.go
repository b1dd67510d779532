package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
)

// junctionDB opens a library of books and tags linked through book_tags:
// generated (keys alone, so kept in derived trees: index.NewDerivedTree),
// or explicit with a payload column (ordinary trees), the two otherwise
// alike: the same columns, keys, reverse index and cascading relations.
func junctionDB(t *testing.T, generated bool, dir string) *engine.DB {
	t.Helper()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, name := range []string{"books", "tags"} {
			if err := tx.CreateTable(engine.Table{Name: name, PrimaryKey: []string{"id"}, Columns: []engine.Column{
				{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}}); err != nil {
				return err
			}
		}
		if !generated {
			if err := tx.CreateTable(engine.Table{Name: "book_tags", PrimaryKey: []string{"books_id", "tags_id"},
				Columns: []engine.Column{{Name: "books_id", Type: engine.Int, NotNull: true}, {Name: "tags_id", Type: engine.Int, NotNull: true},
					{Name: "note", Type: engine.Text}},
				Indexes: []engine.Index{{Name: "book_tags_reverse_idx", Columns: []string{"tags_id", "books_id"}}}}); err != nil {
				return err
			}
			for _, r := range []engine.Relation{
				{Name: "book_tags_books_id_fkey", Child: "book_tags", Columns: []string{"books_id"}, Parent: "books", OnDelete: engine.Cascade, OnUpdate: engine.Cascade},
				{Name: "book_tags_tags_id_fkey", Child: "book_tags", Columns: []string{"tags_id"}, Parent: "tags", OnDelete: engine.Cascade, OnUpdate: engine.Cascade},
			} {
				if err := tx.CreateRelation(r); err != nil {
					return err
				}
			}
		}
		return tx.CreateManyToMany(engine.ManyToMany{Left: "books", Right: "tags", Through: "book_tags", LeftAs: "tags", RightAs: "books"})
	}))
	return db
}

// junctionState renders what a reader sees of the links: the junction's
// rows (its key columns), and each book's tags and each tag's books,
// related rows and links, through a prefetch and lazily.
func junctionState(t *testing.T, db *engine.DB) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		rows, err := tx.Query("book_tags").OrderBy("books_id", engine.Asc).OrderBy("tags_id", engine.Asc).All()
		require.NoError(t, err)
		for _, r := range rows {
			fmt.Fprintf(&b, "link %v-%v\n", r.Get("books_id"), r.Get("tags_id"))
		}
		for _, side := range []struct{ table, rel string }{{"books", "tags"}, {"tags", "books"}} {
			eager, err := tx.Query(side.table).OrderBy("id", engine.Asc).Prefetch(side.rel).All()
			require.NoError(t, err)
			lazy, err := tx.Query(side.table).OrderBy("id", engine.Asc).All()
			require.NoError(t, err)
			require.Len(t, lazy, len(eager))
			for i, r := range eager {
				fmt.Fprintf(&b, "%s %v %s:", side.table, r.Get("id"), side.rel)
				for _, rec := range []engine.Record{r, lazy[i]} {
					related, err := rec.Related(side.rel)
					require.NoError(t, err)
					for _, x := range related {
						fmt.Fprintf(&b, " %v", x.Get("id"))
					}
					b.WriteString(" |")
				}
				for _, rec := range []engine.Record{r, lazy[i]} {
					links, err := rec.Links(side.rel)
					require.NoError(t, err)
					for _, l := range links {
						fmt.Fprintf(&b, " %v-%v>%v", l.Via.Get("books_id"), l.Via.Get("tags_id"), l.To.Get("id"))
					}
					b.WriteString(" |")
				}
				b.WriteString("\n")
			}
		}
		return nil
	}))
	return b.String()
}

// TestDerivedJunction_AgainstOrdinary runs the same random transactions —
// links made and removed, books and tags inserted, renumbered and deleted
// (the cascades rewrite and remove links), savepoints rolled back,
// transactions rolled back — on a generated junction, kept in derived
// trees, and on an explicit one with a payload, kept in ordinary trees:
// every statement must succeed or fail alike (SQLSTATE) and readers must
// see the same links after every transaction. The derived library is
// durable and must read the same after a reopen.
func TestDerivedJunction_AgainstOrdinary(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			dir := t.TempDir()
			dbs := []*engine.DB{junctionDB(t, true, dir), junctionDB(t, false, "")}
			require.Equal(t, []bool{true, true}, engine.TreesDerived(dbs[0], "book_tags"), "the generated junction's trees")
			require.Equal(t, []bool{false, false}, engine.TreesDerived(dbs[1], "book_tags"), "the junction with a payload's")
			r := rand.New(rand.NewPCG(seed, 3))
			failed, mostLinks := 0, 0
			for step := range 150 {
				n := 1 + r.IntN(6)
				ops := make([]func(tx *engine.Tx) error, n)
				for i := range ops {
					ops[i] = randomJunctionOp(r)
				}
				savepointAt, undo, commit := r.IntN(n+1), r.IntN(2) == 0, r.IntN(5) > 0
				var outcomes [2]string
				for d, db := range dbs {
					tx, err := db.Begin(ctx, engine.TxOptions{})
					require.NoError(t, err)
					var out strings.Builder
					var sp engine.Savepoint
					for i, op := range ops {
						if i == savepointAt {
							sp, err = tx.Savepoint()
							require.NoError(t, err)
						}
						err := op(tx)
						if err != nil && d == 0 {
							failed++
						}
						fmt.Fprintf(&out, "%q ", engine.SQLState(err))
					}
					if savepointAt < n && undo {
						require.NoError(t, tx.RollbackTo(sp))
					}
					if commit {
						fmt.Fprintf(&out, "commit %q", engine.SQLState(tx.Commit()))
					} else {
						require.NoError(t, tx.Rollback())
					}
					outcomes[d] = out.String()
				}
				require.Equal(t, outcomes[1], outcomes[0], "step %d: statements' outcomes", step)
				state := junctionState(t, dbs[0])
				require.Equal(t, junctionState(t, dbs[1]), state, "step %d", step)
				mostLinks = max(mostLinks, strings.Count(state, "link "))
			}
			require.Positive(t, failed, "statements collide")
			require.GreaterOrEqual(t, mostLinks, 8, "the library fills with links")
			want := junctionState(t, dbs[0])
			if seed%2 == 0 {
				require.NoError(t, dbs[0].Checkpoint()) // recovery from a snapshot file, not the log alone
			}
			require.NoError(t, dbs[0].Close())
			reopened, err := engine.Open(engine.Options{Dir: dir})
			require.NoError(t, err)
			defer reopened.Close()
			require.Equal(t, want, junctionState(t, reopened), "after a reopen")
			require.NoError(t, reopened.Check(), "the reopened library's trees agree")
			require.Equal(t, []bool{true, true}, engine.TreesDerived(reopened, "book_tags"), "recovered derived")
			// A column added to the junction gives it a payload: its rows
			// move to ordinary trees, and drop it again, back to derived ones.
			for _, db := range []*engine.DB{reopened, dbs[1]} {
				require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
					return tx.AddColumn("book_tags", engine.Column{Name: "extra", Type: engine.Text})
				}))
			}
			require.Equal(t, junctionState(t, dbs[1]), junctionState(t, reopened), "a column added")
			require.Equal(t, []bool{false, false}, engine.TreesDerived(reopened, "book_tags"), "a payload: ordinary trees")
			require.NoError(t, reopened.Update(ctx, func(tx *engine.Tx) error { return tx.DropColumn("book_tags", "extra") }))
			require.Equal(t, want, junctionState(t, reopened), "the column dropped")
			require.Equal(t, []bool{true, true}, engine.TreesDerived(reopened, "book_tags"), "keys alone again")
			require.NoError(t, reopened.Check())
		})
	}
}

// randomJunctionOp returns one statement on the library, with ids from
// small ranges so that statements collide: duplicates, orphans, links to
// rows deleted or renumbered.
func randomJunctionOp(r *rand.Rand) func(tx *engine.Tx) error {
	book, tag := int64(1+r.IntN(12)), int64(1+r.IntN(6))
	switch r.IntN(8) {
	case 0:
		return func(tx *engine.Tx) error {
			_, err := tx.Insert("books", engine.Row{"id": book, "name": fmt.Sprint("b", book)})
			return err
		}
	case 1:
		return func(tx *engine.Tx) error {
			_, err := tx.Insert("tags", engine.Row{"id": tag, "name": fmt.Sprint("t", tag)})
			return err
		}
	case 2, 3, 4:
		return func(tx *engine.Tx) error {
			_, err := tx.Insert("book_tags", engine.Row{"books_id": book, "tags_id": tag})
			return err
		}
	case 5:
		return func(tx *engine.Tx) error { return tx.Delete("book_tags", engine.Key{book, tag}) }
	case 6:
		table := []string{"books", "tags"}[r.IntN(2)]
		return func(tx *engine.Tx) error { return tx.Delete(table, book) }
	default:
		to := int64(1 + r.IntN(12))
		return func(tx *engine.Tx) error {
			_, err := tx.Update("books", book, engine.Row{"id": to})
			return err
		}
	}
}

// TestDerivedTree_SpilledSinceSnapshot: a key longer than a derived
// tree's elements, committed after a transaction began, turns the latest
// tree ordinary while the transaction's is still derived; a row nobody
// touched must still count as unchanged: RepeatableRead deletes it, and
// inserting its key again is a unique violation, not a serialization
// failure. A short key leaves both trees derived.
func TestDerivedTree_SpilledSinceSnapshot(t *testing.T) {
	ctx := context.Background()
	for _, other := range []string{"b", strings.Repeat("x", 20)} {
		for _, iso := range []engine.Isolation{engine.RepeatableRead, engine.Serializable} {
			t.Run(fmt.Sprintf("%d/%v", len(other), iso), func(t *testing.T) {
				db, err := engine.Open(engine.Options{})
				require.NoError(t, err)
				defer db.Close()
				require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
					if err := tx.CreateTable(engine.Table{Name: "tags", PrimaryKey: []string{"name"},
						Columns: []engine.Column{{Name: "name", Type: engine.Text}}}); err != nil {
						return err
					}
					_, err := tx.Insert("tags", engine.Row{"name": "a"})
					return err
				}))
				begin := func() *engine.Tx {
					tx, err := db.Begin(ctx, engine.TxOptions{Isolation: iso})
					require.NoError(t, err)
					_, err = tx.Get("tags", "a")
					require.NoError(t, err)
					return tx
				}
				dup, del := begin(), begin()
				defer del.Rollback()
				require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
					_, err := tx.Insert("tags", engine.Row{"name": other})
					return err
				}))
				_, err = dup.Insert("tags", engine.Row{"name": "a"})
				require.ErrorIs(t, err, engine.ErrUnique)
				require.NoError(t, dup.Rollback()) // and its lock on "a" with it
				require.NoError(t, del.Delete("tags", "a"))
				require.NoError(t, del.Commit())
			})
		}
	}
}

// TestDerivedJunction_SpillsLongKeys: ids too large for a derived tree's
// elements turn the junction's trees ordinary; the links already there
// and the new ones read back alike, and Check finds the trees agree.
func TestDerivedJunction_SpillsLongKeys(t *testing.T) {
	ctx := context.Background()
	db := junctionDB(t, true, "")
	big := int64(1) << 50
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		for _, id := range []int64{1, big} {
			for _, table := range []string{"books", "tags"} {
				if _, err := tx.Insert(table, engine.Row{"id": id}); err != nil {
					return err
				}
			}
		}
		_, err := tx.Insert("book_tags", engine.Row{"books_id": 1, "tags_id": 1})
		return err
	}))
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("book_tags", engine.Row{"books_id": big, "tags_id": big})
		return err
	}))
	require.Equal(t, []bool{false, false}, engine.TreesDerived(db, "book_tags"))
	require.NoError(t, db.Check())
	state := junctionState(t, db)
	require.Contains(t, state, "link 1-1\n")
	require.Contains(t, state, fmt.Sprintf("link %d-%d\n", big, big))
}
