package peers

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// reldbSQLSchema is the library in PostgreSQL's dialect, as an
// application written for PostgreSQL declares it.
const reldbSQLSchema = `
CREATE TABLE authors (id bigint PRIMARY KEY, name text);
CREATE TABLE books (
	id bigint PRIMARY KEY,
	author_id bigint NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
	title text,
	price numeric(10,2)
);
CREATE INDEX books_author_id ON books (author_id);
CREATE TABLE tags (id bigint PRIMARY KEY, name text);
CREATE TABLE book_tags (
	book_id bigint NOT NULL REFERENCES books (id) ON DELETE CASCADE,
	tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	PRIMARY KEY (book_id, tag_id)
);
CREATE INDEX book_tags_tag_id ON book_tags (tag_id, book_id);
`

// reldbSQLPeer is reldb through SQL: its database/sql driver (package
// pgsql) over one engine.DB shared by the pool's connections, with every
// statement prepared once and reused, the way code written for PostgreSQL
// with database/sql runs on reldb. Prices are numeric(10,2), scanned into
// an apd.Decimal (which implements sql.Scanner) from the decimal text the
// driver returns, as PostgreSQL's drivers return it; the IN lists of the
// eager walk are = ANY($1) with a slice, as pgx's documentation does
// them.
type reldbSQLPeer struct {
	edb *engine.DB
	db  *sql.DB
	st  struct {
		insAuthor, insBook, insTag, insLink *sql.Stmt
		get, children, del, setTitle        *sql.Stmt
		authors, tagsOf, join               *sql.Stmt
		booksOf, tagsOfBooks                *sql.Stmt
	}
}

var (
	_ Peer   = (*reldbSQLPeer)(nil)
	_ Joiner = (*reldbSQLPeer)(nil)
)

func openReldbSQL(readers int) (Peer, error) {
	edb, err := engine.Open(engine.Options{})
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(pgsql.NewConnector(edb))
	db.SetMaxOpenConns(readers + 1)
	db.SetMaxIdleConns(readers + 1)
	p := &reldbSQLPeer{edb: edb, db: db}
	if err := p.init(); err != nil {
		p.Close()
		return nil, fmt.Errorf("reldb-sql: %w", err)
	}
	return p, nil
}

func (p *reldbSQLPeer) init() error {
	if _, err := p.db.Exec(reldbSQLSchema); err != nil {
		return err
	}
	const book = "SELECT id, author_id, title, price FROM books"
	for _, s := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&p.st.insAuthor, "INSERT INTO authors (id, name) VALUES ($1, $2)"},
		{&p.st.insBook, "INSERT INTO books (id, author_id, title, price) VALUES ($1, $2, $3, $4)"},
		{&p.st.insTag, "INSERT INTO tags (id, name) VALUES ($1, $2)"},
		{&p.st.insLink, "INSERT INTO book_tags (book_id, tag_id) VALUES ($1, $2)"},
		{&p.st.get, book + " WHERE id = $1"},
		{&p.st.children, book + " WHERE author_id = $1"},
		{&p.st.del, "DELETE FROM authors WHERE id = $1"},
		{&p.st.setTitle, "UPDATE books SET title = $1 WHERE id = $2"},
		{&p.st.authors, "SELECT id, name FROM authors WHERE id < $1 ORDER BY id"},
		{&p.st.tagsOf, "SELECT t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = $1"},
		{&p.st.booksOf, book + " WHERE author_id = ANY($1)"},
		{&p.st.tagsOfBooks, "SELECT bt.book_id, t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = ANY($1)"},
		{&p.st.join, `SELECT a.id, a.name, b.id, b.title, b.price, t.id, t.name
FROM authors a
LEFT JOIN books b ON b.author_id = a.id
LEFT JOIN book_tags bt ON bt.book_id = b.id
LEFT JOIN tags t ON t.id = bt.tag_id
WHERE a.id < $1
ORDER BY a.id, b.id`},
	} {
		var err error
		if *s.stmt, err = p.db.Prepare(s.sql); err != nil {
			return fmt.Errorf("prepare %q: %w", s.sql, err)
		}
	}
	return nil
}

func (p *reldbSQLPeer) Load(d *Data) (int, error) {
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

func (p *reldbSQLPeer) addFamily(a, b, l *sql.Stmt, fam *Family) error {
	if _, err := a.Exec(fam.Author.ID, fam.Author.Name); err != nil {
		return err
	}
	for i := range fam.Books {
		bk := &fam.Books[i]
		if _, err := b.Exec(bk.ID, bk.AuthorID, bk.Title, &bk.Price); err != nil {
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

func (p *reldbSQLPeer) Count(table string) (int, error) {
	if table == "links" {
		table = "book_tags"
	}
	var n int
	err := p.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
	return n, err
}

// scanSQLBook scans the columns id, author_id, title, price.
func scanSQLBook(s interface{ Scan(...any) error }, b *Book) error {
	return s.Scan(&b.ID, &b.AuthorID, &b.Title, &b.Price)
}

func (p *reldbSQLPeer) Get(id int64) (Book, error) {
	var b Book
	err := scanSQLBook(p.st.get.QueryRow(id), &b)
	return b, err
}

func (p *reldbSQLPeer) children(author int64) ([]Book, error) {
	rows, err := p.st.children.Query(author)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var books []Book
	for rows.Next() {
		books = append(books, Book{})
		if err := scanSQLBook(rows, &books[len(books)-1]); err != nil {
			return nil, err
		}
	}
	return books, rows.Err()
}

func (p *reldbSQLPeer) Children(author int64) ([]Book, error) { return p.children(author) }

func (p *reldbSQLPeer) Add(fam *Family) error {
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

func (p *reldbSQLPeer) Delete(author int64) error {
	res, err := p.st.del.Exec(author)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, fmt.Errorf("peers: deleted %d authors, want 1", n))
	}
	return nil
}

func (p *reldbSQLPeer) SetTitle(id int64, title string) error {
	res, err := p.st.setTitle.Exec(title, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, fmt.Errorf("peers: updated %d books, want 1", n))
	}
	return nil
}

func (p *reldbSQLPeer) authors(n int) ([]*Author, error) {
	rows, err := p.st.authors.Query(n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
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

// Lazy runs one query for the authors, one per author for its books and
// one per book for its tags, building the graph.
func (p *reldbSQLPeer) Lazy(n int) ([]*Author, error) {
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

// Eager runs one query per level, with = ANY($1) over the ids of the
// level above, building the graph with one *Tag per tag.
func (p *reldbSQLPeer) Eager(n int) ([]*Author, error) {
	authors, err := p.authors(n)
	if err != nil || len(authors) == 0 {
		return authors, err
	}
	byID := make(map[int64]*Author, len(authors))
	ids := make([]int64, len(authors))
	for i, a := range authors {
		byID[a.ID] = a
		ids[i] = a.ID
	}
	rows, err := p.st.booksOf.Query(ids)
	if err != nil {
		return nil, err
	}
	books := make(map[int64]*Book)
	ids = ids[:0]
	for rows.Next() {
		b := &Book{}
		if err := scanSQLBook(rows, b); err != nil {
			rows.Close()
			return nil, err
		}
		a := byID[b.AuthorID]
		a.Books = append(a.Books, b)
		books[b.ID] = b
		ids = append(ids, b.ID)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return authors, nil
	}
	rows, err = p.st.tagsOfBooks.Query(ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tags := make(map[int64]*Tag)
	for rows.Next() {
		var book int64
		var t Tag
		if err := rows.Scan(&book, &t.ID, &t.Name); err != nil {
			return nil, err
		}
		tp, ok := tags[t.ID]
		if !ok {
			tp = &t
			tags[t.ID] = tp
		}
		b := books[book]
		b.Tags = append(b.Tags, tp)
	}
	return authors, rows.Err()
}

// Join walks the traversal as one LEFT JOIN query.
func (p *reldbSQLPeer) Join(n int) ([]*Author, error) {
	rows, err := p.st.join.Query(n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var authors []*Author
	var a *Author
	var b *Book
	tags := make(map[int64]*Tag)
	for rows.Next() {
		var aID int64
		var aName string
		var bID, tID sql.NullInt64
		var bTitle, tName sql.NullString
		var price sql.Null[string]
		if err := rows.Scan(&aID, &aName, &bID, &bTitle, &price, &tID, &tName); err != nil {
			return nil, err
		}
		if a == nil || a.ID != aID {
			a = &Author{ID: aID, Name: aName}
			authors = append(authors, a)
			b = nil
		}
		if !bID.Valid {
			continue
		}
		if b == nil || b.ID != bID.Int64 {
			b = &Book{ID: bID.Int64, AuthorID: aID, Title: bTitle.String}
			if _, _, err := b.Price.SetString(price.V); err != nil {
				return nil, err
			}
			a.Books = append(a.Books, b)
		}
		if !tID.Valid {
			continue
		}
		t, ok := tags[tID.Int64]
		if !ok {
			t = &Tag{ID: tID.Int64, Name: tName.String}
			tags[tID.Int64] = t
		}
		b.Tags = append(b.Tags, t)
	}
	return authors, rows.Err()
}

func (p *reldbSQLPeer) Close() error { return errors.Join(p.db.Close(), p.edb.Close()) }
