package peers

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/apd/v3"
	_ "github.com/mattn/go-sqlite3" // registers "sqlite3" (cgo)
	_ "modernc.org/sqlite"          // registers "sqlite" (pure Go)
)

// sqliteDriver is one of the two SQLite drivers.
type sqliteDriver struct {
	name  string // database/sql driver name
	extra string // driver-specific DSN parameters
	// memoryUsed returns the driver's sqlite3_memory_used(), or -1.
	memoryUsed func() int64
}

var (
	// mattn's connections are used by one goroutine at a time through
	// database/sql, so SQLite's per-connection mutex is not needed
	// (modernc has no such parameter).
	mattn   = sqliteDriver{name: "sqlite3", extra: "&_mutex=no", memoryUsed: mattnMemoryUsed}
	modernc = sqliteDriver{name: "sqlite"}
)

// shared numbers the in-memory databases shared by several connections.
var shared atomic.Int64

const sqliteSchema = `
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE books (
	id INTEGER PRIMARY KEY,
	author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
	title TEXT,
	price_cents INTEGER -- numeric(10,2) as exact cents
);
CREATE INDEX books_author_id ON books (author_id); -- SQLite appends the rowid: (author_id, id)
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE book_tags (
	book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
	tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	PRIMARY KEY (book_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX book_tags_tag_id ON book_tags (tag_id, book_id);
`

// sqlitePeer is SQLite in memory with foreign_keys=ON, through
// database/sql with every statement prepared once and reused (database/sql
// keeps each one prepared on every connection it ran on; Tx.Stmt reuses
// the connection's).
//
// The price, numeric(10,2), is stored as INTEGER cents and read back with
// apd.Decimal.SetFinite(cents, -2): exact, and the fastest exact way
// SQLite has, with no text to format on write or parse on read (a TEXT
// decimal would cost a string and an apd parse per row). SQLite's own
// NUMERIC affinity would store 12.50 as a REAL, which is not exact.
type sqlitePeer struct {
	sqlLibrary
	dir        string // the tmpfs directory of a shared database, removed by Close
	memoryUsed func() int64
	mu         struct {
		sync.Mutex
		in map[inKey]*sql.Stmt // IN-list statements
	}
}

var (
	_ Peer      = (*sqlitePeer)(nil)
	_ Joiner    = (*sqlitePeer)(nil)
	_ ownMemory = (*sqlitePeer)(nil)
)

// openSQLite opens an empty in-memory database. Without readers it is one
// private ":memory:" database on one connection (a pool of one: each
// connection to ":memory:" is a database of its own), with the in-memory
// rollback journal (journal_mode=MEMORY, ":memory:"'s only journal but
// OFF, which would make ROLLBACK undefined) and synchronous=OFF (nothing to
// sync). With readers it is one
// database shared by readers+1 connections: in WAL mode on a RAM-backed
// tmpfs (/dev/shm) when there is one, where readers neither block nor are
// blocked by the writer — SQLite's best for readers under a writer — and
// otherwise in the memdb VFS, whose rollback-journal locks make readers
// wait (in busy-handler sleeps) while the writer commits.
func openSQLite(drv sqliteDriver, readers int) (Peer, error) {
	params := "?_foreign_keys=1&_busy_timeout=10000" + drv.extra
	dsn := ":memory:" + params + "&_journal_mode=MEMORY&_synchronous=OFF"
	conns := 1
	var dir string
	if readers > 0 {
		conns = readers + 1
		dsn = fmt.Sprintf("file:/peers-%d%s&vfs=memdb&_journal_mode=MEMORY&_synchronous=OFF", shared.Add(1), params)
		if d, err := os.MkdirTemp("/dev/shm", "peers-"); err == nil {
			dir = d
			dsn = "file:" + filepath.Join(dir, "peers.db") + params + "&_journal_mode=WAL&_synchronous=OFF"
		}
	}
	db, err := sql.Open(drv.name, dsn)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// Keep every connection open: a private :memory: database, or a
	// shared one without connections, would be gone.
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	p := &sqlitePeer{dir: dir, memoryUsed: drv.memoryUsed}
	p.db, p.scanBook = db, scanBook
	p.priceArg = func(d *apd.Decimal) (any, error) { return centsOf(d) }
	if err := p.init(); err != nil {
		p.Close()
		return nil, fmt.Errorf("%s: %w", drv.name, err)
	}
	return p, nil
}

func (p *sqlitePeer) init() error {
	var fk int
	if err := p.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
		return err
	}
	if fk != 1 {
		return errors.New("peers: foreign_keys is off")
	}
	if p.dir != "" {
		var mode string
		if err := p.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			return err
		}
		if mode != "wal" {
			return fmt.Errorf("peers: journal_mode is %s, want wal", mode)
		}
	}
	if _, err := p.db.Exec(sqliteSchema); err != nil {
		return err
	}
	const book = "SELECT id, author_id, title, price_cents FROM books"
	err := p.prepare([]preparedSQL{
		{&p.st.insAuthor, "INSERT INTO authors (id, name) VALUES (?, ?)"},
		{&p.st.insBook, "INSERT INTO books (id, author_id, title, price_cents) VALUES (?, ?, ?, ?)"},
		{&p.st.insTag, "INSERT INTO tags (id, name) VALUES (?, ?)"},
		{&p.st.insLink, "INSERT INTO book_tags (book_id, tag_id) VALUES (?, ?)"},
		{&p.st.get, book + " WHERE id = ?"},
		{&p.st.children, book + " WHERE author_id = ?"},
		{&p.st.del, "DELETE FROM authors WHERE id = ?"},
		{&p.st.setTitle, "UPDATE books SET title = ? WHERE id = ?"},
		{&p.st.authors, "SELECT id, name FROM authors WHERE id < ? ORDER BY id"},
		{&p.st.tagsOf, "SELECT t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = ?"},
		{&p.st.join, `SELECT a.id, a.name, b.id, b.title, b.price_cents, t.id, t.name
FROM authors a
LEFT JOIN books b ON b.author_id = a.id
LEFT JOIN book_tags bt ON bt.book_id = b.id
LEFT JOIN tags t ON t.id = bt.tag_id
WHERE a.id < ?
ORDER BY a.id, b.id`},
	})
	if err != nil {
		return err
	}
	p.mu.in = make(map[inKey]*sql.Stmt)
	return nil
}

// centsOf returns a price with two digits after the point as cents.
func centsOf(d *apd.Decimal) (int64, error) {
	if d.Form != apd.Finite || d.Exponent != -2 || !d.Coeff.IsInt64() {
		return 0, fmt.Errorf("peers: price %s is not numeric(10,2)", d)
	}
	c := d.Coeff.Int64()
	if d.Negative {
		c = -c
	}
	return c, nil
}

// scanBook scans the columns id, author_id, title, price_cents.
func scanBook(s interface{ Scan(...any) error }, b *Book) error {
	var cents int64
	if err := s.Scan(&b.ID, &b.AuthorID, &b.Title, &cents); err != nil {
		return err
	}
	b.Price.SetFinite(cents, -2)
	return nil
}

// inKey names an IN-list statement: which query, how many placeholders.
type inKey struct {
	query int
	n     int
}

// The IN-list queries of Eager.
const (
	inBooks = iota
	inTags
)

var inQueries = [...]string{
	inBooks: "SELECT id, author_id, title, price_cents FROM books WHERE author_id IN (?)",
	inTags:  "SELECT bt.book_id, t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id IN (?)",
}

// in returns the prepared statement of query with its one "(?)" widened
// to an IN list of n placeholders, preparing it the first time.
func (p *sqlitePeer) in(query, n int) (*sql.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.mu.in[inKey{query, n}]; ok {
		return s, nil
	}
	q := strings.Replace(inQueries[query], "(?)", "(?"+strings.Repeat(", ?", n-1)+")", 1)
	s, err := p.db.Prepare(q)
	if err != nil {
		return nil, err
	}
	p.mu.in[inKey{query, n}] = s
	return s, nil
}

// Eager runs one query per level: the authors, their books with an IN
// list of author ids, then the tags of those books joined through the
// junction with an IN list of book ids, building the object graph with
// one *Tag per tag.
func (p *sqlitePeer) Eager(n int) ([]*Author, error) {
	authors, err := p.authors(n)
	if err != nil || len(authors) == 0 {
		return authors, err
	}
	byID := make(map[int64]*Author, len(authors))
	args := make([]any, len(authors))
	for i, a := range authors {
		byID[a.ID] = a
		args[i] = a.ID
	}
	st, err := p.in(inBooks, len(args))
	if err != nil {
		return nil, err
	}
	rows, err := st.Query(args...)
	if err != nil {
		return nil, err
	}
	books, ids, err := p.eagerBooks(rows, byID)
	if err != nil || len(ids) == 0 {
		return authors, err
	}
	args = args[:0]
	for _, id := range ids {
		args = append(args, id)
	}
	if st, err = p.in(inTags, len(args)); err != nil {
		return nil, err
	}
	if rows, err = st.Query(args...); err != nil {
		return nil, err
	}
	return authors, eagerTags(rows, books)
}

// Join reads the whole traversal in one query, authors LEFT JOIN books
// LEFT JOIN junction LEFT JOIN tags, and builds the same object graph from
// the flat rows.
func (p *sqlitePeer) Join(n int) ([]*Author, error) {
	rows, err := p.st.join.Query(n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var g joinGraph
	for rows.Next() {
		var aID int64
		var aName string
		var bID, bCents, tID sql.NullInt64
		var bTitle, tName sql.NullString
		if err := rows.Scan(&aID, &aName, &bID, &bTitle, &bCents, &tID, &tName); err != nil {
			return nil, err
		}
		if b := g.row(aID, aName, bID.Int64, bID.Valid, bTitle.String, tID.Int64, tID.Valid, tName.String); b != nil {
			b.Price.SetFinite(bCents.Int64, -2)
		}
	}
	return g.authors, rows.Err()
}

func (p *sqlitePeer) Close() error {
	err := p.db.Close()
	if p.dir != "" {
		err = errors.Join(err, os.RemoveAll(p.dir))
	}
	return err
}
