package peers

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// sqlLibrary is the library run as SQL through database/sql, shared by
// the systems that do so (SQLite, reldb's SQL layer): the statements each
// prepares once in its own dialect, and the workloads whose Go code is the
// same on both. A system says how it stores a price (priceArg) and reads
// one back (scanBook).
type sqlLibrary struct {
	db *sql.DB
	st struct {
		insAuthor, insBook, insTag, insLink *sql.Stmt
		get, children, del, setTitle        *sql.Stmt
		authors, tagsOf, join               *sql.Stmt
	}
	// priceArg is the argument a book's price is inserted as.
	priceArg func(*apd.Decimal) (any, error)
	// scanBook scans the columns id, author_id, title and price.
	scanBook func(s interface{ Scan(...any) error }, b *Book) error
}

// prepare prepares each statement of stmts into its field.
func (p *sqlLibrary) prepare(stmts []preparedSQL) error {
	for _, s := range stmts {
		var err error
		if *s.stmt, err = p.db.Prepare(s.sql); err != nil {
			return fmt.Errorf("prepare %q: %w", s.sql, err)
		}
	}
	return nil
}

// preparedSQL is a statement's text and where its prepared form goes.
type preparedSQL struct {
	stmt **sql.Stmt
	sql  string
}

func (p *sqlLibrary) Load(d *Data) (int, error) {
	tx, err := p.db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n := 0
	ins := tx.Stmt(p.st.insTag)
	for _, t := range d.Tags {
		if _, err := ins.Exec(t.ID, t.Name); err != nil {
			return 0, err
		}
		n++
	}
	a, b, l := tx.Stmt(p.st.insAuthor), tx.Stmt(p.st.insBook), tx.Stmt(p.st.insLink)
	for i := range d.Families {
		if err := p.addFamily(a, b, l, &d.Families[i]); err != nil {
			return 0, err
		}
		n += d.Families[i].Rows()
	}
	return n, tx.Commit()
}

func (p *sqlLibrary) addFamily(a, b, l *sql.Stmt, fam *Family) error {
	if _, err := a.Exec(fam.Author.ID, fam.Author.Name); err != nil {
		return err
	}
	for i := range fam.Books {
		bk := &fam.Books[i]
		price, err := p.priceArg(&bk.Price)
		if err != nil {
			return err
		}
		if _, err := b.Exec(bk.ID, bk.AuthorID, bk.Title, price); err != nil {
			return err
		}
	}
	for _, lk := range fam.Links {
		if _, err := l.Exec(lk.BookID, lk.TagID); err != nil {
			return err
		}
	}
	return nil
}

func (p *sqlLibrary) Count(table string) (int, error) {
	if table == "links" {
		table = "book_tags"
	}
	var n int
	err := p.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
	return n, err
}

func (p *sqlLibrary) Get(id int64) (Book, error) {
	var b Book
	err := p.scanBook(p.st.get.QueryRow(id), &b)
	return b, err
}

// children returns the books of author.
func (p *sqlLibrary) children(author int64) ([]Book, error) {
	rows, err := p.st.children.Query(author)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var books []Book
	for rows.Next() {
		books = append(books, Book{})
		if err := p.scanBook(rows, &books[len(books)-1]); err != nil {
			return nil, err
		}
	}
	return books, rows.Err()
}

func (p *sqlLibrary) Children(author int64) ([]*Book, error) {
	books, err := p.children(author)
	return pointers(books), err
}

func (p *sqlLibrary) Add(fam *Family) error {
	tx, err := p.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := p.addFamily(tx.Stmt(p.st.insAuthor), tx.Stmt(p.st.insBook), tx.Stmt(p.st.insLink), fam); err != nil {
		return err
	}
	return tx.Commit()
}

func (p *sqlLibrary) Delete(author int64) error {
	res, err := p.st.del.Exec(author)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, fmt.Errorf("peers: deleted %d authors, want 1", n))
	}
	return nil
}

func (p *sqlLibrary) SetTitle(id int64, title string) error {
	res, err := p.st.setTitle.Exec(title, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, fmt.Errorf("peers: updated %d books, want 1", n))
	}
	return nil
}

// authors returns the authors with ids [0, n).
func (p *sqlLibrary) authors(n int) ([]*Author, error) {
	rows, err := p.st.authors.Query(n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanAuthors(rows)
}

// Lazy runs one query for the authors, one per author for its books and
// one per book for its tags (through the junction), building the graph.
func (p *sqlLibrary) Lazy(n int) ([]*Author, error) {
	authors, err := p.authors(n)
	if err != nil {
		return nil, err
	}
	for _, a := range authors {
		books, err := p.children(a.ID)
		if err != nil {
			return nil, err
		}
		a.Books = make([]*Book, len(books))
		for i := range books {
			b := &books[i]
			a.Books[i] = b
			rows, err := p.st.tagsOf.Query(b.ID)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				t := &Tag{}
				if err := rows.Scan(&t.ID, &t.Name); err != nil {
					rows.Close()
					return nil, err
				}
				b.Tags = append(b.Tags, t)
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
		}
	}
	return authors, nil
}

// eagerBooks hangs the books rows holds on their authors, found in byID,
// and returns them by id, with their ids in order. It closes rows.
func (p *sqlLibrary) eagerBooks(rows *sql.Rows, byID map[int64]*Author) (map[int64]*Book, []int64, error) {
	defer rows.Close()
	books := make(map[int64]*Book)
	var ids []int64
	for rows.Next() {
		b := &Book{}
		if err := p.scanBook(rows, b); err != nil {
			return nil, nil, err
		}
		a := byID[b.AuthorID]
		a.Books = append(a.Books, b)
		books[b.ID] = b
		ids = append(ids, b.ID)
	}
	return books, ids, rows.Close()
}

// eagerTags hangs the (book id, tag id, tag name) rows of rows on the
// books, one *Tag per tag. It closes rows.
func eagerTags(rows *sql.Rows, books map[int64]*Book) error {
	defer rows.Close()
	tags := make(map[int64]*Tag)
	for rows.Next() {
		var book int64
		var t Tag
		if err := rows.Scan(&book, &t.ID, &t.Name); err != nil {
			return err
		}
		tp, ok := tags[t.ID]
		if !ok {
			tp = &t
			tags[t.ID] = tp
		}
		b := books[book]
		b.Tags = append(b.Tags, tp)
	}
	return rows.Err()
}

// rowScanner is what scanAuthors reads: database/sql's rows and pgx's.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanAuthors reads rows of (id, name) into authors.
func scanAuthors(rows rowScanner) ([]*Author, error) {
	var authors []*Author
	for rows.Next() {
		a := &Author{}
		if err := rows.Scan(&a.ID, &a.Name); err != nil {
			return nil, err
		}
		authors = append(authors, a)
	}
	return authors, rows.Err()
}
