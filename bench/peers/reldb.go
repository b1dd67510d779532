package peers

import (
	"context"
	"fmt"

	"github.com/reldb/reldb/bench"
	"github.com/reldb/reldb/engine"
)

// reldbPeer is reldb through its dynamic API: Records, Query, Prefetch,
// Related.
type reldbPeer struct {
	db  *engine.DB
	ctx context.Context
}

var _ Peer = (*reldbPeer)(nil)

func openReldb(int) (Peer, error) {
	db, err := engine.Open(engine.Options{})
	if err != nil {
		return nil, err
	}
	p := &reldbPeer{db: db, ctx: context.Background()}
	err = db.Update(p.ctx, func(tx *engine.Tx) error {
		return bench.CreateLibrarySchema(tx)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (p *reldbPeer) Load(d *Data) (int, error) {
	n := 0
	err := p.db.Update(p.ctx, func(tx *engine.Tx) error {
		n = 0
		for _, t := range d.Tags {
			if _, err := tx.Insert("tags", engine.Row{"id": t.ID, "name": t.Name}); err != nil {
				return err
			}
			n++
		}
		for i := range d.Families {
			if err := insertFamily(tx, &d.Families[i]); err != nil {
				return err
			}
			n += d.Families[i].Rows()
		}
		return nil
	})
	return n, err
}

func insertFamily(tx *engine.Tx, fam *Family) error {
	if _, err := tx.Insert("authors", engine.Row{"id": fam.Author.ID, "name": fam.Author.Name}); err != nil {
		return err
	}
	for _, b := range fam.Books {
		if _, err := tx.Insert("books", engine.Row{"id": b.ID, "author_id": b.AuthorID, "title": b.Title}); err != nil {
			return err
		}
	}
	for _, l := range fam.Links {
		if _, err := tx.Insert("books_tags", engine.Row{"books_id": l.BookID, "tags_id": l.TagID}); err != nil {
			return err
		}
	}
	return nil
}

func (p *reldbPeer) Count(table string) (int, error) {
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

func bookOf(r engine.Record) Book {
	return Book{ID: r.Get("id").(int64), AuthorID: r.Get("author_id").(int64), Title: r.Get("title").(string)}
}

func (p *reldbPeer) Get(id int64) (Book, error) {
	var b Book
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		r, err := tx.Get("books", id)
		if err != nil {
			return err
		}
		b = bookOf(r)
		return nil
	})
	return b, err
}

func (p *reldbPeer) Children(author int64) ([]Book, error) {
	var books []Book
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		recs, err := tx.Query("books").Where(engine.Eq("author_id", author)).All()
		if err != nil {
			return err
		}
		books = make([]Book, len(recs))
		for i, r := range recs {
			books[i] = bookOf(r)
		}
		return nil
	})
	return books, err
}

func (p *reldbPeer) Add(fam *Family) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error { return insertFamily(tx, fam) })
}

func (p *reldbPeer) Delete(author int64) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error { return tx.Delete("authors", author) })
}

func (p *reldbPeer) Lazy(n int) (int, error) { return p.walk(n, false) }

func (p *reldbPeer) Eager(n int) (int, error) { return p.walk(n, true) }

// walk reads authors [0, n) and follows books and tags with Related: a load
// per access, or none after Prefetch("books.tags").
func (p *reldbPeer) walk(n int, prefetch bool) (int, error) {
	rows := 0
	err := p.db.View(p.ctx, func(tx *engine.Tx) error {
		q := tx.Query("authors").Where(engine.Lt("id", n))
		if prefetch {
			q = q.Prefetch("books.tags")
		}
		authors, err := q.All()
		if err != nil {
			return err
		}
		rows = len(authors)
		for _, a := range authors {
			books, err := a.Related("books")
			if err != nil {
				return err
			}
			rows += len(books)
			for _, b := range books {
				tags, err := b.Related("tags")
				if err != nil {
					return err
				}
				rows += len(tags)
			}
		}
		return nil
	})
	return rows, err
}

func (p *reldbPeer) SetTitle(id int64, title string) error {
	return p.db.Update(p.ctx, func(tx *engine.Tx) error {
		r, err := tx.Update("books", id, engine.Row{"title": title})
		if err == nil && r.Get("id").(int64) != id {
			err = fmt.Errorf("peers: updated book %v, want %d", r.Get("id"), id)
		}
		return err
	})
}

func (p *reldbPeer) Close() error { return p.db.Close() }
