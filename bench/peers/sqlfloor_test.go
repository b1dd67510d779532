package peers_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/reldb/reldb/bench/peers"
	"github.com/stretchr/testify/require"
)

// BenchmarkDatabaseSQLFloor is the cost database/sql itself adds to a
// prepared point lookup: the point-lookup workload's QueryRow and Scan of
// one book (id, author_id, title and a numeric price as decimal text,
// scanned into an apd.Decimal as reldb-sql does) through a driver that
// does no work at all. No SQL system reached through database/sql can
// answer a point lookup faster than this.
func BenchmarkDatabaseSQLFloor(b *testing.B) {
	db := sql.OpenDB(floorConnector{})
	defer db.Close()
	st, err := db.Prepare("SELECT id, author_id, title, price FROM books WHERE id = $1")
	require.NoError(b, err)
	defer st.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		var bk peers.Book
		if err := st.QueryRow(int64(i)).Scan(&bk.ID, &bk.AuthorID, &bk.Title, &bk.Price); err != nil {
			b.Fatal(err)
		}
		if bk.ID != 7 || bk.Price.Cmp(floorPrice) != 0 {
			b.Fatalf("scanned %+v", bk)
		}
	}
}

var floorPrice = apd.New(1250, -2)

// floorConnector is a database/sql driver whose every query returns the
// same one book.
type floorConnector struct{}

func (floorConnector) Connect(context.Context) (driver.Conn, error) { return floorConn{}, nil }
func (floorConnector) Driver() driver.Driver                        { return nil }

type floorConn struct{}

func (floorConn) Prepare(string) (driver.Stmt, error) { return floorStmt{}, nil }
func (floorConn) Close() error                        { return nil }
func (floorConn) Begin() (driver.Tx, error)           { return nil, driver.ErrSkip }

type floorStmt struct{}

func (floorStmt) Close() error                               { return nil }
func (floorStmt) NumInput() int                              { return 1 }
func (floorStmt) Exec([]driver.Value) (driver.Result, error) { return nil, driver.ErrSkip }
func (floorStmt) Query([]driver.Value) (driver.Rows, error)  { return &floorRows{}, nil }

type floorRows struct{ done bool }

var floorColumns = []string{"id", "author_id", "title", "price"}

func (r *floorRows) Columns() []string { return floorColumns }
func (r *floorRows) Close() error      { return nil }
func (r *floorRows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	dest[0], dest[1], dest[2], dest[3] = int64(7), int64(1), "The Left Hand of Darkness", "12.50"
	return nil
}
