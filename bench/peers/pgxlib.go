package peers

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/cockroachdb/apd/v3"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The library's statements as the wire systems send them: the same text
// to reldb's server and to PostgreSQL.
const (
	pgxBook        = "SELECT id, author_id, title, price FROM books"
	pgxGet         = pgxBook + " WHERE id = $1"
	pgxChildren    = pgxBook + " WHERE author_id = $1"
	pgxBooksOf     = pgxBook + " WHERE author_id = ANY($1)"
	pgxInsAuthor   = "INSERT INTO authors (id, name) VALUES ($1, $2)"
	pgxInsBook     = "INSERT INTO books (id, author_id, title, price) VALUES ($1, $2, $3, $4)"
	pgxInsLink     = "INSERT INTO book_tags (book_id, tag_id) VALUES ($1, $2)"
	pgxDelete      = "DELETE FROM authors WHERE id = $1"
	pgxSetTitle    = "UPDATE books SET title = $1 WHERE id = $2"
	pgxAuthors     = "SELECT id, name FROM authors WHERE id < $1 ORDER BY id"
	pgxTagsOf      = "SELECT t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = $1"
	pgxTagsOfBooks = "SELECT bt.book_id, t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = ANY($1)"
	pgxJoin        = `SELECT a.id, a.name, b.id, b.title, b.price, t.id, t.name
FROM authors a
LEFT JOIN books b ON b.author_id = a.id
LEFT JOIN book_tags bt ON bt.book_id = b.id
LEFT JOIN tags t ON t.id = bt.tag_id
WHERE a.id < $1
ORDER BY a.id, b.id`
)

// pgxDB is what the library uses of a *pgx.Conn or a *pgxpool.Pool.
type pgxDB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

var (
	_ pgxDB = (*pgx.Conn)(nil)
	_ pgxDB = (*pgxpool.Pool)(nil)
)

// pgxLibrary is the library run through pgx's native API over PostgreSQL's
// wire protocol, shared by the systems that do so (reldb's pgwire server
// and PostgreSQL): the same Go code sending the same SQL to both. It uses
// pgx the way its documentation recommends for speed: the default query
// mode, which prepares each statement on first use on a connection and
// keeps it in a per-connection cache; CopyFrom for the bulk load; one
// Batch, a single round trip run as one implicit transaction, for a
// family's inserts; = ANY($1) with an []int64 for the eager walk's
// batches. Without readers it holds one pgx.Conn; with readers, a
// pgxpool.Pool of readers+1 connections, all opened before it returns.
//
// Prices are numeric(10,2), sent and read in the binary format through
// pgtype.Numeric (pgDecimal), exactly.
type pgxLibrary struct {
	name string
	db   pgxDB
	conn *pgx.Conn     // without readers
	pool *pgxpool.Pool // with readers
	// release drops the database, or stops the server, when the library
	// is closed.
	release func() error
	// analyze makes settle run ANALYZE, as PostgreSQL's documentation
	// recommends after a bulk load (its planner has no statistics
	// before); reldb has no statistics to gather.
	analyze bool
}

var (
	_ Peer    = (*pgxLibrary)(nil)
	_ Joiner  = (*pgxLibrary)(nil)
	_ settler = (*pgxLibrary)(nil)
)

// bg is the context of every call: the workloads have no deadlines.
var bg = context.Background()

// openPgx connects to dsn with readers+1 connections (one without
// readers) and creates the library's schema. release is called by Close,
// or here on failure.
func openPgx(name, dsn string, readers int, release func() error, analyze bool) (*pgxLibrary, error) {
	p := &pgxLibrary{name: name, release: release, analyze: analyze}
	if err := p.connect(dsn, readers); err != nil {
		return nil, errors.Join(fmt.Errorf("%s: %w", name, err), p.Close())
	}
	if _, err := p.db.Exec(bg, reldbSQLSchema); err != nil {
		return nil, errors.Join(fmt.Errorf("%s: schema: %w", name, err), p.Close())
	}
	return p, nil
}

func (p *pgxLibrary) connect(dsn string, readers int) error {
	if readers == 0 {
		conn, err := pgx.Connect(bg, dsn)
		if err != nil {
			return err
		}
		p.conn, p.db = conn, conn
		return nil
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return err
	}
	cfg.MaxConns = int32(readers + 1)
	pool, err := pgxpool.NewWithConfig(bg, cfg)
	if err != nil {
		return err
	}
	p.pool, p.db = pool, pool
	// Open every connection now, not in the first timed reads.
	conns := make([]*pgxpool.Conn, 0, readers+1)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	for range readers + 1 {
		c, err := pool.Acquire(bg)
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	return nil
}

// settle runs ANALYZE when the system wants it; loaded calls it after the
// load, untimed.
func (p *pgxLibrary) settle() error {
	if !p.analyze {
		return nil
	}
	_, err := p.db.Exec(bg, "ANALYZE")
	return err
}

func (p *pgxLibrary) Load(d *Data) (int, error) {
	tx, err := p.db.Begin(bg)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(bg)
	copyRows := func(table string, cols []string, n int, row func(i int) []any) (int, error) {
		i := 0
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			return row(i - 1), nil
		})
		c, err := tx.CopyFrom(bg, pgx.Identifier{table}, cols, src)
		if err != nil {
			return 0, fmt.Errorf("copy %s: %w", table, err)
		}
		return int(c), nil
	}
	total := 0
	add := func(n int, err error) error {
		total += n
		return err
	}
	fams := d.Families
	if err := add(copyRows("tags", []string{"id", "name"}, len(d.Tags), func(i int) []any {
		return []any{d.Tags[i].ID, d.Tags[i].Name}
	})); err != nil {
		return 0, err
	}
	if err := add(copyRows("authors", []string{"id", "name"}, len(fams), func(i int) []any {
		return []any{fams[i].Author.ID, fams[i].Author.Name}
	})); err != nil {
		return 0, err
	}
	// Books and links are numbered family by family.
	books := len(fams[0].Books)
	if err := add(copyRows("books", []string{"id", "author_id", "title", "price"}, len(fams)*books, func(i int) []any {
		b := &fams[i/books].Books[i%books]
		return []any{b.ID, b.AuthorID, b.Title, (*pgDecimal)(&b.Price)}
	})); err != nil {
		return 0, err
	}
	links := len(fams[0].Links)
	if err := add(copyRows("book_tags", []string{"book_id", "tag_id"}, len(fams)*links, func(i int) []any {
		l := &fams[i/links].Links[i%links]
		return []any{l.BookID, l.TagID}
	})); err != nil {
		return 0, err
	}
	return total, tx.Commit(bg)
}

func (p *pgxLibrary) Count(table string) (int, error) {
	if table == "links" {
		table = "book_tags"
	}
	var n int
	err := p.db.QueryRow(bg, "SELECT count(*) FROM "+table).Scan(&n)
	return n, err
}

// bookScan returns the scan targets of the columns id, author_id, title,
// price into b.
func bookScan(b *Book) []any {
	return []any{&b.ID, &b.AuthorID, &b.Title, (*pgDecimal)(&b.Price)}
}

func (p *pgxLibrary) Get(id int64) (Book, error) {
	var b Book
	err := p.db.QueryRow(bg, pgxGet, id).Scan(bookScan(&b)...)
	return b, err
}

// books runs a query of books.
func (p *pgxLibrary) books(sql string, arg any) ([]Book, error) {
	rows, err := p.db.Query(bg, sql, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var books []Book
	for rows.Next() {
		books = append(books, Book{})
		if err := rows.Scan(bookScan(&books[len(books)-1])...); err != nil {
			return nil, err
		}
	}
	return books, rows.Err()
}

func (p *pgxLibrary) Children(author int64) ([]*Book, error) {
	books, err := p.books(pgxChildren, author)
	return pointers(books), err
}

// Add sends the family's inserts as one Batch: one round trip, run by the
// server as one implicit transaction (pgx's SendBatch), so that a failed
// foreign key leaves nothing behind.
func (p *pgxLibrary) Add(fam *Family) error {
	b := &pgx.Batch{}
	b.Queue(pgxInsAuthor, fam.Author.ID, fam.Author.Name)
	for i := range fam.Books {
		bk := &fam.Books[i]
		b.Queue(pgxInsBook, bk.ID, bk.AuthorID, bk.Title, (*pgDecimal)(&bk.Price))
	}
	for _, l := range fam.Links {
		b.Queue(pgxInsLink, l.BookID, l.TagID)
	}
	return p.db.SendBatch(bg, b).Close()
}

// execOne runs sql, which must change one row.
func (p *pgxLibrary) execOne(sql string, args ...any) error {
	tag, err := p.db.Exec(bg, sql, args...)
	if err != nil {
		return err
	}
	if n := tag.RowsAffected(); n != 1 {
		return fmt.Errorf("peers: %q changed %d rows, want 1", tag, n)
	}
	return nil
}

func (p *pgxLibrary) Delete(author int64) error { return p.execOne(pgxDelete, author) }

func (p *pgxLibrary) SetTitle(id int64, title string) error {
	return p.execOne(pgxSetTitle, title, id)
}

// authors returns the authors with ids [0, n).
func (p *pgxLibrary) authors(n int) ([]*Author, error) {
	rows, err := p.db.Query(bg, pgxAuthors, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanAuthors(rows)
}

// Lazy runs one query for the authors, one per author for its books and
// one per book for its tags (through the junction), building the graph.
func (p *pgxLibrary) Lazy(n int) ([]*Author, error) {
	authors, err := p.authors(n)
	if err != nil {
		return nil, err
	}
	for _, a := range authors {
		books, err := p.books(pgxChildren, a.ID)
		if err != nil {
			return nil, err
		}
		a.Books = make([]*Book, len(books))
		for i := range books {
			b := &books[i]
			a.Books[i] = b
			if err := p.tagsOf(b); err != nil {
				return nil, err
			}
		}
	}
	return authors, nil
}

// tagsOf reads the tags of b into b.Tags.
func (p *pgxLibrary) tagsOf(b *Book) error {
	rows, err := p.db.Query(bg, pgxTagsOf, b.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		t := &Tag{}
		if err := rows.Scan(&t.ID, &t.Name); err != nil {
			return err
		}
		b.Tags = append(b.Tags, t)
	}
	return rows.Err()
}

// Eager runs one query per level, with = ANY($1) over the ids of the
// level above, building the graph with one *Tag per tag.
func (p *pgxLibrary) Eager(n int) ([]*Author, error) {
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
	books, ids, err := p.eagerBooks(ids, byID)
	if err != nil || len(ids) == 0 {
		return authors, err
	}
	return authors, p.eagerTags(ids, books)
}

// eagerBooks reads the books of the authors ids, hangs them on their
// authors, found in byID, and returns them by id, with their ids in order.
func (p *pgxLibrary) eagerBooks(authors []int64, byID map[int64]*Author) (map[int64]*Book, []int64, error) {
	rows, err := p.db.Query(bg, pgxBooksOf, authors)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	books := make(map[int64]*Book)
	var ids []int64
	for rows.Next() {
		b := &Book{}
		if err := rows.Scan(bookScan(b)...); err != nil {
			return nil, nil, err
		}
		a := byID[b.AuthorID]
		a.Books = append(a.Books, b)
		books[b.ID] = b
		ids = append(ids, b.ID)
	}
	return books, ids, rows.Err()
}

// eagerTags reads the (book id, tag id, tag name) rows of the books ids
// and hangs them on the books, one *Tag per tag.
func (p *pgxLibrary) eagerTags(ids []int64, books map[int64]*Book) error {
	rows, err := p.db.Query(bg, pgxTagsOfBooks, ids)
	if err != nil {
		return err
	}
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

// Join walks the traversal as one LEFT JOIN query.
func (p *pgxLibrary) Join(n int) ([]*Author, error) {
	rows, err := p.db.Query(bg, pgxJoin, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var g joinGraph
	for rows.Next() {
		var aID int64
		var aName string
		var bID, tID pgtype.Int8
		var bTitle, tName pgtype.Text
		var price pgtype.Numeric
		if err := rows.Scan(&aID, &aName, &bID, &bTitle, &price, &tID, &tName); err != nil {
			return nil, err
		}
		if b := g.row(aID, aName, bID.Int64, bID.Valid, bTitle.String, tID.Int64, tID.Valid, tName.String); b != nil {
			if err := (*pgDecimal)(&b.Price).ScanNumeric(price); err != nil {
				return nil, err
			}
		}
	}
	return g.authors, rows.Err()
}

func (p *pgxLibrary) Close() error {
	var err error
	switch {
	case p.conn != nil:
		err = p.conn.Close(bg)
	case p.pool != nil:
		p.pool.Close()
	}
	if p.release != nil {
		err = errors.Join(err, p.release())
		p.release = nil
	}
	return err
}

// pgDecimal is an apd.Decimal as pgx sends and reads a numeric: through
// pgtype.Numeric, a big.Int coefficient and an exponent, in the binary
// format. Both ways are exact and keep the exponent, so 12.50 stays
// 1250×10⁻².
type pgDecimal apd.Decimal

var (
	_ pgtype.NumericScanner = (*pgDecimal)(nil)
	_ pgtype.NumericValuer  = (*pgDecimal)(nil)
)

// ScanNumeric sets d to n, which must be a finite number.
func (d *pgDecimal) ScanNumeric(n pgtype.Numeric) error {
	switch {
	case !n.Valid:
		return errors.New("peers: NULL price")
	case n.NaN || n.InfinityModifier != pgtype.Finite:
		return errors.New("peers: price is not a finite number")
	}
	x := (*apd.Decimal)(d)
	if n.Int.IsInt64() {
		x.SetFinite(n.Int.Int64(), n.Exp)
		return nil
	}
	x.Form, x.Exponent, x.Negative = apd.Finite, n.Exp, n.Int.Sign() < 0
	x.Coeff.SetMathBigInt(new(big.Int).Abs(n.Int))
	return nil
}

// NumericValue returns d as a pgtype.Numeric.
func (d *pgDecimal) NumericValue() (pgtype.Numeric, error) {
	x := (*apd.Decimal)(d)
	if x.Form != apd.Finite {
		return pgtype.Numeric{}, fmt.Errorf("peers: price %s is not finite", x)
	}
	i := x.Coeff.MathBigInt()
	if x.Negative {
		i.Neg(i)
	}
	return pgtype.Numeric{Int: i, Exp: x.Exponent, Valid: true}, nil
}
