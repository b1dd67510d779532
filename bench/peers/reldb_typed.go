package peers

import (
	"context"
	"errors"

	"github.com/reldb/reldb/engine"
)

// reldbTyped is reldb through its typed API: the library's structs
// registered with engine.Register, written with engine.Insert, Update and
// Delete, read with engine.Get, Find, QueryOf + All (with Prefetch, which
// fills Author.Books and Book.Tags) and Related.
type reldbTyped struct {
	db  *engine.DB
	ctx context.Context
}

var _ Peer = (*reldbTyped)(nil)

func openReldbTyped(int) (Peer, error) {
	db, err := openReldbDB()
	if err != nil {
		return nil, err
	}
	err = errors.Join(
		engine.Register[Author](db, "authors"),
		engine.Register[Book](db, "books"),
		engine.Register[Tag](db, "tags"),
		engine.Register[Link](db, "books_tags"),
	)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &reldbTyped{db: db, ctx: context.Background()}, nil
}

func (p *reldbTyped) Load(d *Data) (int, error) {
	n := 0
	err := p.db.Update(p.ctx, func(tx *engine.Tx) error {
		n = 0
		for i := range d.Tags {
			if err := engine.Insert(tx, &d.Tags[i]); err != nil {
				return err
			}
			n++
		}
		for i := range d.Families {
			if err := insertFamilyTyped(tx, &d.Families[i]); err != nil {
				return err
			}
			n += d.Families[i].Rows()
		}
		return nil
	})
	return n, err
}

// insertFamilyTyped inserts the family's own objects, as a program
// inserts the structs it holds (Insert copies the stored row back into
// each: the same values).
func insertFamilyTyped(tx *engine.Tx, fam *Family) error {
	if err := engine.Insert(tx, &fam.Author); err != nil {
		return err
	}
	for i := range fam.Books {
		if err := engine.Insert(tx, &fam.Books[i]); err != nil {
			return err
		}
	}
	for i := range fam.Links {
		if err := engine.Insert(tx, &fam.Links[i]); err != nil {
			return err
		}
	}
	return nil
}

func (p *reldbTyped) Count(table string) (int, error) {
	if table == "links" {
		table = "books_tags"
	}
	n := 0
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		var err error
		n, err = tx.Query(table).Count()
		return err
	})
	return n, err
}

// copyBook copies a book's columns out of the transaction's object.
func copyBook(dst, src *Book) {
	dst.ID, dst.AuthorID, dst.Title = src.ID, src.AuthorID, src.Title
	dst.Price.Set(&src.Price)
}

func (p *reldbTyped) Get(id int64) (Book, error) {
	var b Book
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		got, err := engine.Get[Book](tx, id)
		if err != nil {
			return err
		}
		copyBook(&b, got)
		return nil
	})
	return b, err
}

// Children returns the transaction's objects: once the View has ended
// they are the caller's.
func (p *reldbTyped) Children(author int64) ([]*Book, error) {
	var books []*Book
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		var err error
		books, err = engine.All[Book](tx.Bind(booksOf, author)) // reldb.go's prepared query
		return err
	})
	return books, err
}

func (p *reldbTyped) Add(fam *Family) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error { return insertFamilyTyped(tx, fam) })
}

func (p *reldbTyped) Delete(author int64) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error { return engine.Delete(tx, &Author{ID: author}) })
}

// Lazy loads each author's books and each book's tags with engine.Related
// and hangs them on the objects.
func (p *reldbTyped) Lazy(n int) ([]*Author, error) {
	var authors []*Author
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		var err error
		authors, err = engine.All[Author](engine.QueryOf[Author](tx).Where(engine.Lt("id", n)))
		if err != nil {
			return err
		}
		for _, a := range authors {
			if a.Books, err = engine.Related[Book](tx, a, "books"); err != nil {
				return err
			}
			for _, b := range a.Books {
				if b.Tags, err = engine.Related[Tag](tx, b, "tags"); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return authors, err
}

// Eager prefetches books.tags: All fills Author.Books and Book.Tags.
func (p *reldbTyped) Eager(n int) ([]*Author, error) {
	var authors []*Author
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		var err error
		authors, err = engine.All[Author](engine.QueryOf[Author](tx).Where(engine.Lt("id", n)).Prefetch("books.tags"))
		return err
	})
	return authors, err
}

func (p *reldbTyped) SetTitle(id int64, title string) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error {
		b, err := engine.Get[Book](tx, id)
		if err != nil {
			return err
		}
		b.Title = title
		return engine.Update(tx, b)
	})
}

func (p *reldbTyped) Close() error { return p.db.Close() }
