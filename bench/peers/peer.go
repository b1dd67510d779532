package peers

import "errors"

// Peer is one system holding one library. Tables are named by their role
// (authors, books, tags, links); each system names its junction its own way.
//
// Every read returns fully materialized rows — every column, the price as
// an exact apd.Decimal — that the caller owns. Methods other than Get and
// SetTitle are called from one goroutine at a time.
type Peer interface {
	// Load inserts every row of d in one transaction, checking every
	// foreign key, and returns how many rows it inserted.
	Load(d *Data) (int, error)
	// Count returns the number of rows of table: "authors", "books",
	// "tags" or "links".
	Count(table string) (int, error)
	// Get returns the book with primary key id. Safe for concurrent use.
	Get(id int64) (Book, error)
	// Children returns the books of author id, in any order, as the
	// objects a program would hold them in: pointers, which a system with
	// objects of its own (reldb's typed API) returns as they are.
	Children(author int64) ([]*Book, error)
	// Add inserts a family in one transaction, checking foreign keys.
	Add(fam *Family) error
	// Delete deletes author id in one transaction; the author's books and
	// their links go with it (ON DELETE CASCADE).
	Delete(author int64) error
	// Lazy reads the authors with ids [0, n), then each one's books, then
	// each book's tags, one query per access, and returns the object
	// graph: Author.Books, Book.Tags.
	Lazy(n int) ([]*Author, error)
	// Eager builds the same graph loading each level in one batch; a tag
	// shared by several books may be one object.
	Eager(n int) ([]*Author, error)
	// SetTitle changes a book's title in one transaction. Safe for
	// concurrent use with Get.
	SetTitle(id int64, title string) error
	// Close releases the peer.
	Close() error
}

// Joiner is a peer that can also build the traversal's graph from one
// JOIN query.
type Joiner interface {
	Join(n int) ([]*Author, error)
}

// System opens empty peers with the library's schema.
type System struct {
	Name string
	// Open returns an empty peer with the schema. readers is how many
	// goroutines will call Get while one calls SetTitle; 0 means a single
	// goroutine uses the peer.
	Open func(readers int) (Peer, error)
	// Floor marks the bare-structure floor: google/btree trees with the
	// same keys and no engine. It is printed apart and is nobody's peer.
	Floor bool
	// JoinIsEager makes the eager-join workload run Eager on a system
	// without a Joiner (reldb's prefetch, the floor's batched walk)
	// instead of skipping it.
	JoinIsEager bool
	// Server is set on a wire system, one a client reaches over
	// PostgreSQL's wire protocol (reldb's pgwire server, PostgreSQL): it
	// starts or finds the system's server, makes an empty database on it
	// (on PostgreSQL, a schema of its own) and returns a connection string
	// to it and a function that drops it. Open connects to such a
	// database.
	Server func() (dsn string, release func() error, err error)
}

// Wire reports whether the system is reached over PostgreSQL's wire
// protocol: reldb-wire and postgres, compared with each other apart from
// the in-process systems.
func (s System) Wire() bool { return s.Server != nil }

// Systems is every system compared: reldb's two APIs first, then its
// in-process peers, then the floors (bare google/btree, the same
// publishing snapshots, and database/sql over bare google/btree: see
// sqlfloor.go), then the wire systems: reldb's pgwire
// server and PostgreSQL, both through pgx over loopback TCP. The postgres
// system's Open returns an error wrapping ErrUnavailable where PostgreSQL
// is not installed.
func Systems() []System {
	return []System{
		{Name: "reldb", Open: openReldb, JoinIsEager: true},
		{Name: "reldb-typed", Open: openReldbTyped, JoinIsEager: true},
		{Name: "reldb-sql", Open: openReldbSQL},
		{Name: "go-memdb", Open: openMemdb},
		{Name: "sqlite-mattn", Open: func(readers int) (Peer, error) { return openSQLite(mattn, readers) }},
		{Name: "sqlite-modernc", Open: func(readers int) (Peer, error) { return openSQLite(modernc, readers) }},
		{Name: "btree-floor", Open: openFloor, Floor: true, JoinIsEager: true},
		{Name: "snapshot-floor", Open: openSnapshotFloor, Floor: true, JoinIsEager: true},
		{Name: "sql-floor", Open: openSQLFloor, Floor: true},
		{Name: "reldb-wire", Open: openReldbWire, Server: reldbWireServer},
		{Name: "postgres", Open: openPostgres, Server: postgresServer},
	}
}

// settler is a peer with work to do after a load and before the
// workloads read, untimed: PostgreSQL's ANALYZE.
type settler interface {
	settle() error
}

// ErrUnsupported is returned by Workload.Prepare for a workload a system
// has no way to run (a JOIN on go-memdb).
var ErrUnsupported = errors.New("peers: workload not supported by this system")
