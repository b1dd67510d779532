// Package peers runs reldb's workloads on reldb and on its peers — SQLite in
// memory through two drivers (github.com/mattn/go-sqlite3, cgo, and
// modernc.org/sqlite, pure Go) and github.com/hashicorp/go-memdb — so that
// reldb's figures have something to be measured against.
//
// It is its own Go module so that reldb's go.mod never depends on SQLite or
// go-memdb. Every system loads the same library (authors 1—N books N—M tags
// through a junction with ON DELETE CASCADE), checks foreign keys (SQLite
// with foreign_keys=ON; go-memdb by hand in the same transaction) and runs
// each [Workload] through a [Peer]. Every operation's result count is
// checked: a wrong count is an error, not a fast figure.
//
// `make peers` (cmd/peers) prints one table of medians and peer/reldb
// ratios; `go test -bench .` here gives BenchmarkPeers/<workload>/<system>.
package peers
