// Package peers runs reldb's workloads on reldb — through its dynamic API
// and its typed API — and on its peers: SQLite in memory through two
// drivers (github.com/mattn/go-sqlite3, cgo, and modernc.org/sqlite, pure
// Go) and github.com/hashicorp/go-memdb; and on a floor, the same
// operations on bare github.com/google/btree trees with the same keys, to
// show how far reldb is from the structure it is built on; and on a
// snapshot floor, the same trees publishing a copy-on-write snapshot
// after every write as an engine whose readers never wait must.
//
// Two wire systems run the same workloads as a client of a server does:
// through pgx's native API (github.com/jackc/pgx/v5) over loopback TCP,
// "reldb-wire" on reldb's pgwire server in this process, "postgres" on a
// real PostgreSQL (internal/pgserver: a throwaway server, fsync off; where
// PostgreSQL is not installed its Open returns ErrUnavailable and the
// command leaves it out). Both are one Go type, pgxLibrary, sending the
// same SQL; a "connect" workload times connection setup to the first
// query's answer on them.
//
// It is its own Go module so that reldb's go.mod never depends on SQLite or
// go-memdb. The comparison is meant to be fair before it is evidence:
//
//   - Every system loads the same library (authors 1—N books N—M tags
//     through a junction with ON DELETE CASCADE; books carry a
//     numeric(10,2) price) and checks foreign keys (SQLite with
//     foreign_keys=ON; go-memdb and the floor by hand in the same
//     transaction).
//   - Book ids are scattered over the key space, so one author's rows lie
//     all over every tree; the cascade deletes existing authors and adds
//     them back untimed, so tables shrink and grow. In
//     "cascade-delete/serial" the families come back under new ids, as
//     rows with serial keys do, so deleted keys never return. "/contiguous"
//     workloads keep the old, kinder shape.
//   - Every read returns every column of every row as Go values — the
//     price as an exact apd.Decimal — and every traversal builds the same
//     Author→Books→Tags objects; the children of a parent come back as
//     []*Book, the objects a program holds (reldb's typed API returns its
//     own, every other system fills an array). Results are checked by
//     value against what the generator made (Case.Check, untimed); a
//     wrong count or value fails the run.
//   - Each peer is used the fastest way its docs recommend: go-memdb with
//     hand-written indexers, SQLite with statements prepared once, pgx
//     with its statement cache, CopyFrom, Batch and = ANY($1).
//   - A loaded machine gives noisy figures, never a failed run.
//
// `make peers` (cmd/peers) prints one table of medians of interleaved runs,
// ratios to the best peer, the floor and the machine's load, a second one
// of the wire systems with PostgreSQL's time over reldb's, then the
// memory each in-process system holds per row (MeasureMemory). `go test -bench .`
// here gives BenchmarkPeers/<workload>/<system>.
package peers
