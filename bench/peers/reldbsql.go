package peers

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/cockroachdb/apd/v3"
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
	sqlLibrary
	closeDB              func() error // closes what the driver runs on
	booksOf, tagsOfBooks *sql.Stmt
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
	p := &reldbSQLPeer{closeDB: edb.Close}
	p.db, p.scanBook = db, scanSQLBook
	p.priceArg = func(d *apd.Decimal) (any, error) { return d, nil }
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
	return p.prepare([]preparedSQL{
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
		{&p.booksOf, book + " WHERE author_id = ANY($1)"},
		{&p.tagsOfBooks, "SELECT bt.book_id, t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = ANY($1)"},
		{&p.st.join, reldbSQLJoin},
	})
}

// reldbSQLJoin is the eager-join workload's one query.
const reldbSQLJoin = `SELECT a.id, a.name, b.id, b.title, b.price, t.id, t.name
FROM authors a
LEFT JOIN books b ON b.author_id = a.id
LEFT JOIN book_tags bt ON bt.book_id = b.id
LEFT JOIN tags t ON t.id = bt.tag_id
WHERE a.id < $1
ORDER BY a.id, b.id`

// scanSQLBook scans the columns id, author_id, title, price.
func scanSQLBook(s interface{ Scan(...any) error }, b *Book) error {
	return s.Scan(&b.ID, &b.AuthorID, &b.Title, &b.Price)
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
	rows, err := p.booksOf.Query(ids)
	if err != nil {
		return nil, err
	}
	books, ids, err := p.eagerBooks(rows, byID)
	if err != nil || len(ids) == 0 {
		return authors, err
	}
	if rows, err = p.tagsOfBooks.Query(ids); err != nil {
		return nil, err
	}
	return authors, eagerTags(rows, books)
}

// Join walks the traversal as one LEFT JOIN query.
func (p *reldbSQLPeer) Join(n int) ([]*Author, error) {
	rows, err := p.st.join.Query(n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var g joinGraph
	for rows.Next() {
		var aID int64
		var aName string
		var bID, tID sql.NullInt64
		var bTitle, tName sql.NullString
		var price sql.Null[string]
		if err := rows.Scan(&aID, &aName, &bID, &bTitle, &price, &tID, &tName); err != nil {
			return nil, err
		}
		if b := g.row(aID, aName, bID.Int64, bID.Valid, bTitle.String, tID.Int64, tID.Valid, tName.String); b != nil {
			if _, _, err := b.Price.SetString(price.V); err != nil {
				return nil, err
			}
		}
	}
	return g.authors, rows.Err()
}

func (p *reldbSQLPeer) Close() error { return errors.Join(p.db.Close(), p.closeDB()) }
