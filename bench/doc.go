// Package bench holds reldb's workloads: each is a Config struct and a
// Run function that times the path a user calls and checks its result.
// Go benchmarks (go test -bench ./bench) and the reldb CLI's bench
// command run them; peers (SQLite, go-memdb) live in the separate module
// bench/peers so that embedding reldb never pulls them in.
//
// The traversal workload is the canonical library: authors, each with
// books, each book with tags out of a small shared set through a
// generated junction. It walks authors → books → tags lazily (one load per
// access: the N+1 pattern) or eagerly (one prefetch: 1 + 2 loads at any
// size), through the dynamic Record API or typed structs.
package bench
