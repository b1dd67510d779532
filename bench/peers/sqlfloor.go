package peers

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// The SQL floor: reldb-sql's library code (reldbSQLPeer: the same
// prepared statements, Scans and graph building) through database/sql,
// on a driver that parses and plans nothing. Each prepared statement is
// recognized by its text and answered from the btree-floor's trees, the
// arguments and results converted as any driver converts them (a price
// arrives as the *apd.Decimal database/sql passes through and is copied;
// it leaves as decimal text). No
// SQL system reached through database/sql can run these workloads faster
// on this machine: what is left between it and reldb-sql is reldb's SQL
// layer and engine.

// sqlFloorOp answers one recognized statement on the floor's trees. An
// Exec returns rows affected and no rows; a query returns its rows, each
// a row of driver values.
type sqlFloorOp func(c *sqlFloorConn, args []driver.NamedValue) (affected int64, rows [][]driver.Value, err error)

// sqlFloorStatement is a recognized statement: what the floor does for it
// and how many columns its rows have.
type sqlFloorStatement struct {
	op   sqlFloorOp
	cols int
}

// sqlFloorOps maps the text of every statement reldbSQLPeer prepares or
// runs to what the floor does for it.
var sqlFloorOps map[string]sqlFloorStatement

func init() {
	const book = "SELECT id, author_id, title, price FROM books"
	none := func(*sqlFloorConn, []driver.NamedValue) (int64, [][]driver.Value, error) { return 0, nil, nil }
	sqlFloorOps = map[string]sqlFloorStatement{
		reldbSQLSchema: {none, 0},
		"INSERT INTO authors (id, name) VALUES ($1, $2)":                                                               {floorInsAuthor, 0},
		"INSERT INTO books (id, author_id, title, price) VALUES ($1, $2, $3, $4)":                                      {floorInsBook, 0},
		"INSERT INTO tags (id, name) VALUES ($1, $2)":                                                                  {floorInsTag, 0},
		"INSERT INTO book_tags (book_id, tag_id) VALUES ($1, $2)":                                                      {floorInsLink, 0},
		book + " WHERE id = $1":                                                                                        {floorGet, 4},
		book + " WHERE author_id = $1":                                                                                 {floorChildren, 4},
		book + " WHERE author_id = ANY($1)":                                                                            {floorBooksOf, 4},
		"DELETE FROM authors WHERE id = $1":                                                                            {floorDelete, 0},
		"UPDATE books SET title = $1 WHERE id = $2":                                                                    {floorSetTitle, 0},
		"SELECT id, name FROM authors WHERE id < $1 ORDER BY id":                                                       {floorAuthors, 2},
		"SELECT t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = $1":                  {floorTagsOf, 2},
		"SELECT bt.book_id, t.id, t.name FROM book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = ANY($1)": {floorTagsOfBooks, 3},
		reldbSQLJoin: {floorJoin, 7},
	}
	for _, table := range []string{"authors", "books", "tags", "book_tags"} {
		name := table
		if name == "book_tags" {
			name = "links"
		}
		sqlFloorOps["SELECT count(*) FROM "+table] = sqlFloorStatement{func(c *sqlFloorConn, _ []driver.NamedValue) (int64, [][]driver.Value, error) {
			n, err := c.p.Count(name)
			return 0, [][]driver.Value{{int64(n)}}, err
		}, 1}
	}
}

func openSQLFloor(readers int) (Peer, error) {
	fp, err := openFloor(readers)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(sqlFloorConnector{fp.(*floorPeer)})
	db.SetMaxOpenConns(readers + 1)
	db.SetMaxIdleConns(readers + 1)
	p := &reldbSQLPeer{closeDB: func() error { return nil }}
	p.db, p.scanBook = db, scanSQLBook
	p.priceArg = func(d *apd.Decimal) (any, error) { return d, nil }
	if err := p.init(); err != nil {
		p.Close()
		return nil, fmt.Errorf("sql-floor: %w", err)
	}
	return p, nil
}

// int64Arg returns argument i, which must be an int64.
func int64Arg(args []driver.NamedValue, i int) (int64, error) {
	if i >= len(args) {
		return 0, fmt.Errorf("sql-floor: no argument $%d", i+1)
	}
	switch v := args[i].Value.(type) {
	case int64:
		return v, nil
	}
	return 0, fmt.Errorf("sql-floor: argument $%d is %T, want int64", i+1, args[i].Value)
}

// stringArg returns argument i, which must be a string.
func stringArg(args []driver.NamedValue, i int) (string, error) {
	if i >= len(args) {
		return "", fmt.Errorf("sql-floor: no argument $%d", i+1)
	}
	if s, ok := args[i].Value.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("sql-floor: argument $%d is %T, want string", i+1, args[i].Value)
}

// idsArg returns argument i, which must be an []int64 (= ANY($1)).
func idsArg(args []driver.NamedValue, i int) ([]int64, error) {
	if i < len(args) {
		if ids, ok := args[i].Value.([]int64); ok {
			return ids, nil
		}
	}
	return nil, fmt.Errorf("sql-floor: argument $%d is not an []int64", i+1)
}

// int64s reads the first n arguments as int64s.
func int64s(args []driver.NamedValue, n int) ([]int64, error) {
	out := make([]int64, n)
	for i := range out {
		var err error
		if out[i], err = int64Arg(args, i); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// idNameArgs reads the arguments (id, name) of an author's or a tag's
// INSERT.
func idNameArgs(args []driver.NamedValue) (int64, string, error) {
	id, err := int64Arg(args, 0)
	if err != nil {
		return 0, "", err
	}
	name, err := stringArg(args, 1)
	return id, name, err
}

func floorInsAuthor(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	id, name, err := idNameArgs(args)
	if err != nil {
		return 0, nil, err
	}
	return 1, nil, c.write(func(t *floorTables) error {
		if t.authors.Has(authorItem{id: id}) {
			return fmt.Errorf("sql-floor: duplicate author %d", id)
		}
		t.authors.ReplaceOrInsert(authorItem{id, &Author{ID: id, Name: name}})
		return nil
	}, func(t *floorTables) { t.authors.Delete(authorItem{id: id}) })
}

func floorInsBook(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	ids, err := int64s(args, 2)
	if err != nil {
		return 0, nil, err
	}
	title, err := stringArg(args, 2)
	if err != nil {
		return 0, nil, err
	}
	if len(args) < 4 {
		return 0, nil, errors.New("sql-floor: no argument $4")
	}
	b := &Book{ID: ids[0], AuthorID: ids[1], Title: title}
	// database/sql passes an *apd.Decimal through as it is (it has
	// Decompose); decimal text is parsed.
	switch v := args[3].Value.(type) {
	case *apd.Decimal:
		b.Price.Set(v)
	case string:
		if _, _, err := b.Price.SetString(v); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, fmt.Errorf("sql-floor: price is %T", v)
	}
	return 1, nil, c.write(func(t *floorTables) error {
		if !t.authors.Has(authorItem{id: b.AuthorID}) {
			return fmt.Errorf("%w: book %d author %d", errNoParent, b.ID, b.AuthorID)
		}
		if t.books.Has(bookItem{id: b.ID}) {
			return fmt.Errorf("sql-floor: duplicate book %d", b.ID)
		}
		t.books.ReplaceOrInsert(bookItem{b.ID, b})
		t.bookAuthors.ReplaceOrInsert(pair{b.AuthorID, b.ID})
		return nil
	}, func(t *floorTables) {
		t.books.Delete(bookItem{id: b.ID})
		t.bookAuthors.Delete(pair{b.AuthorID, b.ID})
	})
}

func floorInsTag(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	id, name, err := idNameArgs(args)
	if err != nil {
		return 0, nil, err
	}
	return 1, nil, c.write(func(t *floorTables) error {
		if t.tags.Has(tagItem{id: id}) {
			return fmt.Errorf("sql-floor: duplicate tag %d", id)
		}
		t.tags.ReplaceOrInsert(tagItem{id, &Tag{ID: id, Name: name}})
		return nil
	}, func(t *floorTables) { t.tags.Delete(tagItem{id: id}) })
}

func floorInsLink(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	k, err := int64s(args, 2)
	if err != nil {
		return 0, nil, err
	}
	return 1, nil, c.write(func(t *floorTables) error {
		if !t.books.Has(bookItem{id: k[0]}) || !t.tags.Has(tagItem{id: k[1]}) {
			return fmt.Errorf("%w: link (%d, %d)", errNoParent, k[0], k[1])
		}
		if _, dup := t.links.ReplaceOrInsert(pair{k[0], k[1]}); dup {
			return fmt.Errorf("sql-floor: duplicate link (%d, %d)", k[0], k[1])
		}
		t.linkTags.ReplaceOrInsert(pair{k[1], k[0]})
		return nil
	}, func(t *floorTables) {
		t.links.Delete(pair{k[0], k[1]})
		t.linkTags.Delete(pair{k[1], k[0]})
	})
}

// bookRow is a book as the driver returns it: the price as decimal text.
func bookRow(b *Book) []driver.Value {
	return []driver.Value{b.ID, b.AuthorID, b.Title, b.Price.String()}
}

func floorGet(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	id, err := int64Arg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	it, ok := c.p.cur.Load().books.Get(bookItem{id: id})
	if !ok {
		return 0, nil, nil
	}
	return 0, [][]driver.Value{bookRow(it.row)}, nil
}

// booksRows appends the rows of the books of author, in id order.
func booksRows(t *floorTables, author int64, rows [][]driver.Value) ([][]driver.Value, error) {
	var buf [16]int64
	for _, id := range keys(t.bookAuthors, author, buf[:0]) {
		it, ok := t.books.Get(bookItem{id: id})
		if !ok {
			return nil, fmt.Errorf("sql-floor: index names missing book %d", id)
		}
		rows = append(rows, bookRow(it.row))
	}
	return rows, nil
}

func floorChildren(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	author, err := int64Arg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	rows, err := booksRows(c.p.cur.Load(), author, nil)
	return 0, rows, err
}

func floorBooksOf(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	authors, err := idsArg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	t := c.p.cur.Load()
	var rows [][]driver.Value
	for _, a := range authors {
		if rows, err = booksRows(t, a, rows); err != nil {
			return 0, nil, err
		}
	}
	return 0, rows, nil
}

func floorDelete(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	author, err := int64Arg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	if c.inTx {
		return 0, nil, errors.New("sql-floor: DELETE in a transaction is not supported")
	}
	if err := c.p.Delete(author); err != nil {
		return 0, nil, nil // no such author: 0 rows, as SQL has it
	}
	return 1, nil, nil
}

func floorSetTitle(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	title, err := stringArg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	id, err := int64Arg(args, 1)
	if err != nil {
		return 0, nil, err
	}
	if c.inTx {
		return 0, nil, errors.New("sql-floor: UPDATE in a transaction is not supported")
	}
	if err := c.p.SetTitle(id, title); err != nil {
		return 0, nil, nil
	}
	return 1, nil, nil
}

func floorAuthors(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	n, err := int64Arg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	var rows [][]driver.Value
	c.p.cur.Load().authors.AscendRange(authorItem{id: 0}, authorItem{id: n}, func(it authorItem) bool {
		rows = append(rows, []driver.Value{it.id, it.row.Name})
		return true
	})
	return 0, rows, nil
}

// tagRows appends the rows of book's tags, in tag id order, each the
// book's id (with book) and the tag's id and name.
func tagRows(t *floorTables, book int64, withBook bool, rows [][]driver.Value) ([][]driver.Value, error) {
	var buf [16]int64
	for _, id := range keys(t.links, book, buf[:0]) {
		it, ok := t.tags.Get(tagItem{id: id})
		if !ok {
			return nil, fmt.Errorf("sql-floor: dangling link (%d, %d)", book, id)
		}
		if withBook {
			rows = append(rows, []driver.Value{book, id, it.row.Name})
		} else {
			rows = append(rows, []driver.Value{id, it.row.Name})
		}
	}
	return rows, nil
}

func floorTagsOf(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	book, err := int64Arg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	rows, err := tagRows(c.p.cur.Load(), book, false, nil)
	return 0, rows, err
}

func floorTagsOfBooks(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	books, err := idsArg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	t := c.p.cur.Load()
	var rows [][]driver.Value
	for _, b := range books {
		if rows, err = tagRows(t, b, true, rows); err != nil {
			return 0, nil, err
		}
	}
	return 0, rows, nil
}

// floorJoin is the LEFT JOIN of authors below $1, their books and their
// tags, ordered by author and book: an author without books, or a book
// without tags, is one row with NULLs for what it lacks.
func floorJoin(c *sqlFloorConn, args []driver.NamedValue) (int64, [][]driver.Value, error) {
	n, err := int64Arg(args, 0)
	if err != nil {
		return 0, nil, err
	}
	t := c.p.cur.Load()
	var rows [][]driver.Value
	t.authors.AscendRange(authorItem{id: 0}, authorItem{id: n}, func(a authorItem) bool {
		var bbuf [16]int64
		books := keys(t.bookAuthors, a.id, bbuf[:0])
		if len(books) == 0 {
			rows = append(rows, []driver.Value{a.id, a.row.Name, nil, nil, nil, nil, nil})
			return true
		}
		for _, id := range books {
			it, ok := t.books.Get(bookItem{id: id})
			if !ok {
				err = fmt.Errorf("sql-floor: index names missing book %d", id)
				return false
			}
			b := it.row
			price := b.Price.String()
			var tbuf [16]int64
			tags := keys(t.links, id, tbuf[:0])
			if len(tags) == 0 {
				rows = append(rows, []driver.Value{a.id, a.row.Name, b.ID, b.Title, price, nil, nil})
			}
			for _, tg := range tags {
				ti, ok := t.tags.Get(tagItem{id: tg})
				if !ok {
					err = fmt.Errorf("sql-floor: dangling link (%d, %d)", id, tg)
					return false
				}
				rows = append(rows, []driver.Value{a.id, a.row.Name, b.ID, b.Title, price, tg, ti.row.Name})
			}
		}
		return true
	})
	return 0, rows, err
}

// sqlFloorConnector opens connections to one floor.
type sqlFloorConnector struct{ p *floorPeer }

func (c sqlFloorConnector) Connect(context.Context) (driver.Conn, error) {
	return &sqlFloorConn{p: c.p}, nil
}
func (sqlFloorConnector) Driver() driver.Driver { return nil }

// sqlFloorConn is a connection. Each write statement takes effect at
// once; in a transaction the inserts also record how to take them back,
// which a rollback does (a refused family leaves nothing, as in the
// engines). DELETE and UPDATE, which the library never runs in a
// transaction, are refused there.
type sqlFloorConn struct {
	p    *floorPeer
	inTx bool
	undo []func(t *floorTables)
}

var (
	_ driver.ExecerContext     = (*sqlFloorConn)(nil)
	_ driver.QueryerContext    = (*sqlFloorConn)(nil)
	_ driver.NamedValueChecker = (*sqlFloorConn)(nil)
)

// write runs fn on the floor's trees as one statement, and in a
// transaction records undo to take it back on rollback.
func (c *sqlFloorConn) write(fn func(t *floorTables) error, undo func(t *floorTables)) error {
	if err := c.p.write(fn); err != nil {
		return err
	}
	if c.inTx {
		c.undo = append(c.undo, undo)
	}
	return nil
}

func (c *sqlFloorConn) Prepare(query string) (driver.Stmt, error) {
	st, ok := sqlFloorOps[query]
	if !ok {
		return nil, fmt.Errorf("sql-floor: statement not known: %q", firstLine(query))
	}
	return sqlFloorStmt{c, st}, nil
}

func (*sqlFloorConn) Close() error { return nil }

func (c *sqlFloorConn) Begin() (driver.Tx, error) {
	if c.inTx {
		return nil, errors.New("sql-floor: already in a transaction")
	}
	c.inTx, c.undo = true, c.undo[:0]
	return sqlFloorTx{c}, nil
}

func (c *sqlFloorConn) ExecContext(_ context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st, err := c.Prepare(query)
	if err != nil {
		return nil, err
	}
	return st.(sqlFloorStmt).ExecContext(context.Background(), args)
}

func (c *sqlFloorConn) QueryContext(_ context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	st, err := c.Prepare(query)
	if err != nil {
		return nil, err
	}
	return st.(sqlFloorStmt).QueryContext(context.Background(), args)
}

// CheckNamedValue passes an []int64 through, for = ANY($1), as reldb's
// driver and pgx's do; everything else is converted as database/sql
// converts it by default.
func (*sqlFloorConn) CheckNamedValue(nv *driver.NamedValue) error {
	if _, ok := nv.Value.([]int64); ok {
		return nil
	}
	v, err := driver.DefaultParameterConverter.ConvertValue(nv.Value)
	nv.Value = v
	return err
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

type sqlFloorTx struct{ c *sqlFloorConn }

func (tx sqlFloorTx) Commit() error {
	tx.c.inTx, tx.c.undo = false, tx.c.undo[:0]
	return nil
}

func (tx sqlFloorTx) Rollback() error {
	undo := tx.c.undo
	tx.c.inTx, tx.c.undo = false, tx.c.undo[:0]
	return tx.c.p.write(func(t *floorTables) error {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i](t)
		}
		return nil
	})
}

type sqlFloorStmt struct {
	c *sqlFloorConn
	sqlFloorStatement
}

var (
	_ driver.StmtExecContext  = sqlFloorStmt{}
	_ driver.StmtQueryContext = sqlFloorStmt{}
)

func (sqlFloorStmt) Close() error  { return nil }
func (sqlFloorStmt) NumInput() int { return -1 }

func (s sqlFloorStmt) Exec([]driver.Value) (driver.Result, error) {
	return nil, errors.New("sql-floor: Exec without context")
}

func (s sqlFloorStmt) Query([]driver.Value) (driver.Rows, error) {
	return nil, errors.New("sql-floor: Query without context")
}

func (s sqlFloorStmt) ExecContext(_ context.Context, args []driver.NamedValue) (driver.Result, error) {
	n, _, err := s.op(s.c, args)
	if err != nil {
		return nil, err
	}
	return driver.RowsAffected(n), nil
}

func (s sqlFloorStmt) QueryContext(_ context.Context, args []driver.NamedValue) (driver.Rows, error) {
	_, rows, err := s.op(s.c, args)
	if err != nil {
		return nil, err
	}
	return &sqlFloorRows{rows: rows, cols: s.cols}, nil
}

// sqlFloorRows returns rows already made. Its columns are not named: the
// library scans by position.
type sqlFloorRows struct {
	rows [][]driver.Value
	cols int
	next int
}

func (r *sqlFloorRows) Columns() []string { return make([]string, r.cols) }

func (r *sqlFloorRows) Close() error { return nil }

func (r *sqlFloorRows) Next(dest []driver.Value) error {
	if r.next >= len(r.rows) {
		return io.EOF
	}
	copy(dest, r.rows[r.next])
	r.next++
	return nil
}
