module github.com/reldb/reldb/pgsql/parsecheck

go 1.26

require (
	github.com/pganalyze/pg_query_go/v6 v6.2.5
	github.com/reldb/reldb v0.0.0
)

require (
	github.com/pgplex/pgparser v0.2.0 // indirect
	google.golang.org/protobuf v1.33.0 // indirect
)

replace github.com/reldb/reldb => ../..
