package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/reldb/reldb/bench"
	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
	"github.com/stretchr/testify/require"
)

// The cascade fixture: authors 1—N books (ON DELETE CASCADE), books N—M
// tags through the junction book_tags(book_id, tag_id), whose primary key
// leads with book_id and which cascades from both sides.
const (
	rbTags        = 10
	rbTagsPerBook = 3
	rbAuthorBatch = 16 // authors per fixture transaction
)

// rbCascadeTables is the library's tables (bench.LibraryTables) and the
// explicit junction book_tags.
func rbCascadeTables() []engine.Table {
	return append(bench.LibraryTables(),
		engine.Table{Name: "book_tags", PrimaryKey: []string{"book_id", "tag_id"}, Columns: []engine.Column{
			{Name: "book_id", Type: engine.Int}, {Name: "tag_id", Type: engine.Int}}})
}

// rbCascadeDB opens the cascade schema with its tags and no authors.
func rbCascadeDB(b *testing.B) *engine.DB {
	b.Helper()
	db := testutil.OpenDB(b, rbCascadeTables()...)
	require.NoError(b, db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, r := range []engine.Relation{
			{Child: "books", Columns: []string{"author_id"}, Parent: "authors", ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade},
			{Child: "book_tags", Columns: []string{"book_id"}, Parent: "books", OnDelete: engine.Cascade},
			{Child: "book_tags", Columns: []string{"tag_id"}, Parent: "tags", OnDelete: engine.Cascade},
		} {
			if err := tx.CreateRelation(r); err != nil {
				return err
			}
		}
		for t := range rbTags {
			if _, err := tx.Insert("tags", engine.Row{"id": t, "name": fmt.Sprintf("tag %d", t)}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// rbAddAuthors inserts authors [from, to), each with books books of
// rbTagsPerBook tags.
func rbAddAuthors(b *testing.B, db *engine.DB, from, to, books int) {
	b.Helper()
	for lo := from; lo < to; lo += rbAuthorBatch {
		err := db.Update(context.Background(), func(tx *engine.Tx) error {
			for a := lo; a < min(lo+rbAuthorBatch, to); a++ {
				if _, err := tx.Insert("authors", engine.Row{"id": a, "name": "author"}); err != nil {
					return err
				}
				for j := range books {
					book := a*books + j
					if _, err := tx.Insert("books", engine.Row{"id": book, "author_id": a, "title": "title"}); err != nil {
						return err
					}
					for k := range rbTagsPerBook {
						if _, err := tx.Insert("book_tags", engine.Row{"book_id": book, "tag_id": (j + k) % rbTags}); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
		require.NoError(b, err)
	}
}

// rbCount returns the number of rows of each table, in order.
func rbCount(b *testing.B, db *engine.DB, tables ...string) []int {
	b.Helper()
	counts := make([]int, len(tables))
	require.NoError(b, db.View(context.Background(), func(tx *engine.Tx) error {
		for i, t := range tables {
			n, err := tx.Query(t).Count()
			if err != nil {
				return err
			}
			counts[i] = n
		}
		return nil
	}))
	return counts
}

// BenchmarkTx_Delete_Cascade deletes one author per transaction (commit
// included); the delete cascades to the author's books and from each book
// to its rbTagsPerBook junction rows. ns/row is the time per cascaded row.
// Alongside the deleted authors the database holds 256 others with their
// books and tags, so the trees are never small; the authors to delete are
// inserted untimed, at most 256 at a time.
func BenchmarkTx_Delete_Cascade(b *testing.B) {
	const base, pool = 256, 256
	for _, books := range []int{10, 100} {
		b.Run(fmt.Sprintf("books=%d/tags=%d", books, rbTagsPerBook), func(b *testing.B) {
			ctx := context.Background()
			cascaded := books * (1 + rbTagsPerBook)
			db := rbCascadeDB(b)
			rbAddAuthors(b, db, 0, base, books)
			runtime.GC()
			next, end := base, base
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if next == end {
					b.StopTimer()
					end = next + min(pool, b.N-i)
					rbAddAuthors(b, db, next, end, books)
					runtime.GC() // the fixture's garbage is not the delete's
					b.StartTimer()
				}
				if err := db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", next) }); err != nil {
					b.Fatal(err)
				}
				next++
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*cascaded), "ns/row")
			require.Equal(b, []int{base, base * books, base * books * rbTagsPerBook, rbTags},
				rbCount(b, db, "authors", "books", "book_tags", "tags"), "every deleted author's books and junction rows are gone")
		})
	}
}

// rbInsertDB opens authors(0..parents-1) and an empty books table whose
// author_id is indexed either way; fk adds the relation books → authors,
// so the only difference is the foreign-key check.
func rbInsertDB(b *testing.B, fk bool, parents int) *engine.DB {
	b.Helper()
	tables := rbCascadeTables()[:2]
	if !fk {
		tables[1].Indexes = []engine.Index{{Name: "books_author_id_idx", Columns: []string{"author_id"}}}
	}
	db, err := engine.Open(engine.Options{})
	require.NoError(b, err)
	require.NoError(b, db.Update(context.Background(), func(tx *engine.Tx) error {
		for _, t := range tables {
			if err := tx.CreateTable(t); err != nil {
				return err
			}
		}
		if fk {
			if err := tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors"}); err != nil {
				return err
			}
		}
		for a := range parents {
			if _, err := tx.Insert("authors", engine.Row{"id": a, "name": "author"}); err != nil {
				return err
			}
		}
		return nil
	}))
	return db
}

// BenchmarkTx_Insert_ForeignKey inserts 10,000 books into an empty table
// in one transaction, each referencing one of 1,000 existing authors, with
// the relation (fk=yes: every insert looks its author up) and without it
// (fk=no: the same index on author_id, no check). ns/row is the cost of
// one insert, commit included; a fresh database is built untimed for each
// iteration.
func BenchmarkTx_Insert_ForeignKey(b *testing.B) {
	const parents, n = 1_000, 10_000
	rows := make([]engine.Row, n)
	for i := range rows {
		rows[i] = engine.Row{"id": i, "author_id": (i * 7919) % parents, "title": "title"}
	}
	for _, fk := range []bool{true, false} {
		name := "fk=no"
		if fk {
			name = "fk=yes"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			var db *engine.DB
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db = rbInsertDB(b, fk, parents)
				runtime.GC() // the fixture's garbage and the last iteration's database
				b.StartTimer()
				err := db.Update(ctx, func(tx *engine.Tx) error {
					for _, r := range rows {
						if _, err := tx.Insert("books", r); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
			require.Equal(b, []int{parents, n}, rbCount(b, db, "authors", "books"))
			require.NoError(b, db.Check())
		})
	}
}

// BenchmarkTx_Delete_NoAction deletes one author without books per
// transaction (commit included) while 10,000 other authors have one book
// each. rel=none has no relation, so the delete skips the planner; the
// others declare books → authors with an ON DELETE action and pay for the
// plan and the check that no book references the author. The authors to
// delete are inserted untimed, 10,000 at a time.
func BenchmarkTx_Delete_NoAction(b *testing.B) {
	const base, pool = 10_000, 10_000
	for _, tc := range []struct {
		name   string
		rel    bool
		action engine.Action
	}{
		{"rel=none", false, engine.NoAction},
		{"rel=no-action", true, engine.NoAction},
		{"rel=restrict", true, engine.Restrict},
		{"rel=cascade", true, engine.Cascade},
		{"rel=set-null", true, engine.SetNull},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			tables := rbCascadeTables()[:2]
			tables[1].Columns[1].NotNull = false // SET NULL needs a nullable column
			if !tc.rel {
				tables[1].Indexes = []engine.Index{{Name: "books_author_id_idx", Columns: []string{"author_id"}}}
			}
			db := testutil.OpenDB(b, tables...)
			addAuthors := func(from, to int, withBook bool) {
				require.NoError(b, db.Update(ctx, func(tx *engine.Tx) error {
					for a := from; a < to; a++ {
						if _, err := tx.Insert("authors", engine.Row{"id": a, "name": "author"}); err != nil {
							return err
						}
						if withBook {
							if _, err := tx.Insert("books", engine.Row{"id": a, "author_id": a, "title": "title"}); err != nil {
								return err
							}
						}
					}
					return nil
				}))
			}
			if tc.rel {
				require.NoError(b, db.Update(ctx, func(tx *engine.Tx) error {
					return tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors", OnDelete: tc.action})
				}))
			}
			addAuthors(0, base, true)
			runtime.GC()
			next, end := base, base
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if next == end {
					b.StopTimer()
					end = next + min(pool, b.N-i)
					addAuthors(next, end, false)
					runtime.GC()
					b.StartTimer()
				}
				if err := db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", next) }); err != nil {
					b.Fatal(err)
				}
				next++
			}
			b.StopTimer()
			require.Equal(b, []int{base, base}, rbCount(b, db, "authors", "books"), "only the childless authors are gone")
		})
	}
}

// BenchmarkTx_Delete_CascadeLibrary is bench/peers' cascade-delete inside
// the engine: in the library of 1,000 authors × 10 books × 3 of 50 tags
// (bench.OpenLibrary), each operation deletes an author inserted untimed
// just before it, with its 10 books and 30 junction rows. Unlike
// BenchmarkTx_Delete_Cascade (10 tags, authors inserted 256 at a time, a GC
// before each batch), the 30 junction rows land under ~30 tags, so the
// reverse index (tags_id, books_id) has ~25 leaves and every upper node
// copied on each delete, and the insert before each delete keeps the
// collector busy: B/op (copy-on-write node copies, ~85% of it) drives the
// time. p50 and p90 are per-delete latencies: the mean is set by the deletes
// that run while the collector marks.
func BenchmarkTx_Delete_CascadeLibrary(b *testing.B) {
	const books, tagsPerBook, tags = 10, 3, 50
	const base = 1 << 40 // ids above the library's
	db, err := bench.OpenLibrary(bench.Library{Authors: 1000, BooksPerAuthor: books, Tags: tags, TagsPerBook: tagsPerBook})
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	insert := func(a int64) error {
		return db.Update(ctx, func(tx *engine.Tx) error {
			if _, err := tx.Insert("authors", engine.Row{"id": a, "name": "author"}); err != nil {
				return err
			}
			for j := range int64(books) {
				book := base + (a-base)*books + j
				if _, err := tx.Insert("books", engine.Row{"id": book, "author_id": a, "title": "title"}); err != nil {
					return err
				}
				for k := range int64(tagsPerBook) {
					if _, err := tx.Insert("books_tags", engine.Row{"books_id": book, "tags_id": (book*7 + k) % tags}); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		a := int64(base + i)
		b.StopTimer()
		if err := insert(a); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", a) }); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*9/10].Nanoseconds()), "p90-ns")
	require.Equal(b, []int{1000, 1000 * books, 1000 * books * tagsPerBook},
		rbCount(b, db, "authors", "books", "books_tags"), "every deleted author's books and junction rows are gone")
}
