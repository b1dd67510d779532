package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/engine"
	"github.com/stretchr/testify/require"
)

// The read benchmarks use a shelf of 1,000 authors × 10 books, every book
// with a decimal price, whose book ids are scattered over the key space: an
// author's books are not neighbours in the books tree, as in a table that
// has grown and shrunk. Each operation reads every column of what it finds
// into Go values, as an application does.

const (
	shelfAuthors = 1000
	shelfPer     = 10
	shelfBooks   = shelfAuthors * shelfPer
)

// shelfBookID is the id of author a's j-th book of a shelf of authors
// authors: a multiplicative permutation of [0, authors*shelfPer) spread by
// a large stride.
func shelfBookID(a, j, authors int64) int64 { return (a*shelfPer + j) * 7919 % (authors * shelfPer) }

type shelfBook struct {
	ID       int64       `reldb:"id"`
	AuthorID int64       `reldb:"author_id"`
	Title    string      `reldb:"title"`
	Price    apd.Decimal `reldb:"price"`
}

// createShelf creates the shelf's tables: authors(id, name) and
// books(id, author_id, title, price numeric(10,2)), books.author_id
// referencing authors ON DELETE CASCADE.
func createShelf(tx *engine.Tx) error {
	if err := tx.CreateTable(engine.Table{Name: "authors", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}}); err != nil {
		return err
	}
	if err := tx.CreateTable(engine.Table{Name: "books", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "author_id", Type: engine.Int, NotNull: true},
		{Name: "title", Type: engine.Text}, {Name: "price", Type: engine.Decimal, Precision: 10, Scale: 2}}}); err != nil {
		return err
	}
	return tx.CreateRelation(engine.Relation{Child: "books", Columns: []string{"author_id"}, Parent: "authors",
		ParentAs: "author", ChildrenAs: "books", OnDelete: engine.Cascade})
}

func openShelf(b testing.TB) *engine.DB {
	b.Helper()
	return openShelfWritten(b, shelfAuthors, false)
}

// openShelfWritten is openShelf with authors authors, their books
// inserted in one transaction, or, overTime, one a transaction as an
// application writes them over time, so that an author's books lie apart
// in memory too.
func openShelfWritten(b testing.TB, authors int64, overTime bool) *engine.DB {
	b.Helper()
	db, err := engine.Open(engine.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	require.NoError(b, db.Update(ctx, createShelf))
	book := func(a, j int64) engine.Row {
		id := shelfBookID(a, j, authors)
		price, _, _ := apd.NewFromString(fmt.Sprintf("%d.%02d", 5+id%40, id%100))
		return engine.Row{"id": id, "author_id": a, "title": fmt.Sprintf("book %d", id), "price": price}
	}
	require.NoError(b, db.Update(ctx, func(tx *engine.Tx) error {
		for a := range authors {
			if _, err := tx.Insert("authors", engine.Row{"id": a, "name": fmt.Sprintf("author %d", a)}); err != nil {
				return err
			}
			for j := range int64(shelfPer) {
				if overTime {
					continue
				}
				if _, err := tx.Insert("books", book(a, j)); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	if overTime {
		// Each author's j-th book, then each one's next: an author's books
		// are written authors transactions apart.
		for j := range int64(shelfPer) {
			for a := range authors {
				require.NoError(b, db.Update(ctx, func(tx *engine.Tx) error {
					_, err := tx.Insert("books", book(a, j))
					return err
				}))
			}
		}
	}
	require.NoError(b, engine.Register[shelfBook](db, "books"))
	return db
}

// readBook reads every column of r by name, as Record's documentation
// shows.
func readBook(r engine.Record) shelfBook {
	bk := shelfBook{ID: r.Get("id").(int64), AuthorID: r.Get("author_id").(int64), Title: r.Get("title").(string)}
	bk.Price.Set(r.Get("price").(*apd.Decimal))
	return bk
}

// scanBook reads every column of r by position with Record.Scan.
func scanBook(r engine.Record, bk *shelfBook) error {
	return r.Scan(&bk.ID, &bk.AuthorID, &bk.Title, &bk.Price)
}

// BenchmarkRead_PointGet reads one book by primary key, every column, in
// its own read transaction.
func BenchmarkRead_PointGet(b *testing.B) {
	db := openShelf(b)
	ctx := context.Background()
	check := func(b *testing.B, i int, bk *shelfBook) {
		if want := int64(i) * 31 % shelfBooks; bk.ID != want || bk.Price.IsZero() {
			b.Fatalf("read %+v, want book %d", bk, want)
		}
	}
	b.Run("api=get", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var bk shelfBook
			err := db.View(ctx, func(tx *engine.Tx) error {
				r, err := tx.Get("books", int64(i)*31%shelfBooks)
				if err == nil {
					bk = readBook(r)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			check(b, i, &bk)
		}
	})
	b.Run("api=scan", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var bk shelfBook
			err := db.View(ctx, func(tx *engine.Tx) error {
				r, err := tx.Get("books", int64(i)*31%shelfBooks)
				if err == nil {
					err = scanBook(r, &bk)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			check(b, i, &bk)
		}
	})
	b.Run("api=typed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var bk shelfBook
			err := db.View(ctx, func(tx *engine.Tx) error {
				p, err := engine.Get[shelfBook](tx, int64(i)*31%shelfBooks)
				if err == nil {
					bk = *p
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			check(b, i, &bk)
		}
	})
}

// BenchmarkRead_Children reads the 10 books of one author through the
// foreign-key index, every column.
func BenchmarkRead_Children(b *testing.B) {
	benchChildren(b, openShelf(b), shelfAuthors)
}

// BenchmarkRead_ChildrenWrittenOverTime is BenchmarkRead_Children of
// 10,000 authors' books inserted one a transaction, each author's ten
// 10,000 transactions apart: the rows of one author's books lie apart in
// memory, as those of a table an application writes to over time do, and
// the library (about 30 MB) is larger than the processor's caches.
func BenchmarkRead_ChildrenWrittenOverTime(b *testing.B) {
	const authors = 10 * shelfAuthors
	benchChildren(b, openShelfWritten(b, authors, true), authors)
}

// benchChildren runs the children benchmarks on db, a shelf of authors.
func benchChildren(b *testing.B, db *engine.DB, authors int64) {
	ctx := context.Background()
	check := func(b *testing.B, i int, books []shelfBook) {
		a := int64(i) * 31 % authors
		if len(books) != shelfPer || books[0].AuthorID != a || books[shelfPer-1].Price.IsZero() {
			b.Fatalf("author %d: read %d books", a, len(books))
		}
	}
	b.Run("api=get", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var books []shelfBook
			err := db.View(ctx, func(tx *engine.Tx) error {
				recs, err := tx.Query("books").Where(engine.Eq("author_id", int64(i)*31%authors)).All()
				books = make([]shelfBook, len(recs))
				for k, r := range recs {
					books[k] = readBook(r)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			check(b, i, books)
		}
	})
	// scanned reads every book of each author the query gives with Scan.
	scanned := func(query func(tx *engine.Tx, author int64) *engine.Query) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				var books []shelfBook
				err := db.View(ctx, func(tx *engine.Tx) error {
					recs, err := query(tx, int64(i)*31%authors).All()
					books = make([]shelfBook, len(recs))
					for k, r := range recs {
						if err := scanBook(r, &books[k]); err != nil {
							return err
						}
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				check(b, i, books)
			}
		}
	}
	b.Run("api=scan", scanned(func(tx *engine.Tx, author int64) *engine.Query {
		return tx.Query("books").Where(engine.Eq("author_id", author))
	}))
	byAuthor := engine.Prepare("books", engine.Eq("author_id", engine.Param(1)))
	b.Run("api=prepared", scanned(func(tx *engine.Tx, author int64) *engine.Query {
		return tx.Bind(byAuthor, author)
	}))
	b.Run("api=typed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var books []*shelfBook
			err := db.View(ctx, func(tx *engine.Tx) error {
				var err error
				books, err = engine.Find[shelfBook](tx, engine.Eq("author_id", int64(i)*31%authors))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			vals := make([]shelfBook, len(books))
			for k, p := range books {
				vals[k] = *p
			}
			check(b, i, vals)
		}
	})
}

// BenchmarkRead_CascadeScattered deletes an author whose 10 books lie
// scattered over the books tree, and inserts it back untimed, so the
// tables shrink and grow around the same size.
func BenchmarkRead_CascadeScattered(b *testing.B) {
	db := openShelf(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a := int64(i) * 31 % shelfAuthors
		var saved []engine.Row
		b.StopTimer()
		require.NoError(b, db.View(ctx, func(tx *engine.Tx) error {
			recs, err := tx.Query("books").Where(engine.Eq("author_id", a)).All()
			for _, r := range recs {
				saved = append(saved, r.Row())
			}
			return err
		}))
		b.StartTimer()
		if err := db.Update(ctx, func(tx *engine.Tx) error { return tx.Delete("authors", a) }); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		require.Len(b, saved, shelfPer)
		require.NoError(b, db.Update(ctx, func(tx *engine.Tx) error {
			if _, err := tx.Insert("authors", engine.Row{"id": a, "name": fmt.Sprintf("author %d", a)}); err != nil {
				return err
			}
			for _, row := range saved {
				if _, err := tx.Insert("books", row); err != nil {
					return err
				}
			}
			return nil
		}))
		b.StartTimer()
	}
}
