package engine_test

import (
	"context"
	"testing"

	"github.com/reldb/reldb/engine"
)

// shelfAuthor is an author of the read benchmarks' shelf, with its books.
type shelfAuthor struct {
	ID    int64        `reldb:"id"`
	Name  string       `reldb:"name"`
	Books []*shelfBook `rel:"books"`
}

// BenchmarkTyped_SetTitle changes one book's title per write transaction:
// through the dynamic API by a Row of the column, through the typed API by
// reading the object, changing its field and writing it back.
func BenchmarkTyped_SetTitle(b *testing.B) {
	db := openShelf(b)
	ctx := context.Background()
	b.Run("api=dynamic", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			err := db.Update(ctx, func(tx *engine.Tx) error {
				_, err := tx.Update("books", int64(i)*31%shelfBooks, engine.Row{"title": "new title"})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("api=typed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			err := db.Update(ctx, func(tx *engine.Tx) error {
				bk, err := engine.Get[shelfBook](tx, int64(i)*31%shelfBooks)
				if err != nil {
					return err
				}
				bk.Title = "new title"
				return engine.Update(tx, bk)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTyped_Lazy reads 100 authors and each one's books lazily, one
// load per author.
func BenchmarkTyped_Lazy(b *testing.B) {
	db := openShelf(b)
	if err := engine.Register[shelfAuthor](db, "authors"); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	const authors = 100
	b.Run("api=scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			err := db.View(ctx, func(tx *engine.Tx) error {
				recs, err := tx.Query("authors").Where(engine.Lt("id", authors)).All()
				if err != nil {
					return err
				}
				for _, r := range recs {
					a := new(shelfAuthor)
					if err := r.Scan(&a.ID, &a.Name); err != nil {
						return err
					}
					brs, err := r.Related("books")
					if err != nil {
						return err
					}
					books := make([]shelfBook, len(brs))
					a.Books = make([]*shelfBook, len(brs))
					for j, br := range brs {
						if err := scanBook(br, &books[j]); err != nil {
							return err
						}
						a.Books[j] = &books[j]
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("api=typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			err := db.View(ctx, func(tx *engine.Tx) error {
				as, err := engine.All[shelfAuthor](engine.QueryOf[shelfAuthor](tx).Where(engine.Lt("id", authors)))
				if err != nil {
					return err
				}
				for _, a := range as {
					if a.Books, err = engine.Related[shelfBook](tx, a, "books"); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
