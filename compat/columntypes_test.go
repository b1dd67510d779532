package compat

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/internal/pgserver"
	"github.com/reldb/reldb/pgsql"
	"github.com/reldb/reldb/pgwire"
)

const columnTypesSchema = `CREATE TABLE coltypes (
	id bigint PRIMARY KEY, i integer NOT NULL, s smallint, t text, v varchar(10), c char(3),
	n numeric(8,2), nu numeric, f double precision, r real, b boolean, ba bytea,
	d date, ts timestamp, tz timestamptz, u uuid, iv interval, tm time, tp time(3))`

// describeColumns renders what database/sql's ColumnTypes say of a
// query's columns.
func describeColumns(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	require.NoError(t, err)
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	require.NoError(t, err)
	var out []string
	for _, ct := range cts {
		length, lok := ct.Length()
		prec, scale, dok := ct.DecimalSize()
		nullable, nok := ct.Nullable()
		out = append(out, fmt.Sprintf("%s %s length=%d,%v decimal=%d,%d,%v nullable=%v,%v scan=%v",
			ct.Name(), ct.DatabaseTypeName(), length, lok, prec, scale, dok, nullable, nok, ct.ScanType()))
	}
	return out
}

// TestColumnTypes_AsPgx: reldb's database/sql driver, and pgx's stdlib on
// reldb's server, describe result columns as pgx's stdlib does on
// PostgreSQL: type names, lengths, precision and scale, scan types.
func TestColumnTypes_AsPgx(t *testing.T) {
	ctx := context.Background()
	pg, err := pgserver.Start(ctx, pgserver.Options{})
	pgserver.SkipOrFatal(t, err)
	t.Cleanup(func() { _ = pg.Close() })
	require.NoError(t, pg.CreateDatabase(ctx, "coltypes"))
	srv, err := pgwire.Listen("", pgwire.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	edb, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = edb.Close() })

	dbs := map[string]*sql.DB{}
	for name, open := range map[string]func() (*sql.DB, error){
		"postgres":   func() (*sql.DB, error) { return sql.Open("pgx", pg.ConnString("coltypes")) },
		"reldb wire": func() (*sql.DB, error) { return sql.Open("pgx", srv.DSN("coltypes")) },
		"reldb":      func() (*sql.DB, error) { return sql.OpenDB(pgsql.NewConnector(edb)), nil },
	} {
		db, err := open()
		require.NoError(t, err)
		t.Cleanup(func() { _ = db.Close() })
		_, err = db.Exec(columnTypesSchema)
		require.NoError(t, err, name)
		dbs[name] = db
	}
	for _, q := range []string{
		`SELECT * FROM coltypes`,
		`SELECT id + 1 AS next, v || 'x' AS vx, n * 2 AS n2, CAST(t AS varchar(4)) AS t4, 1.5 AS lit, NULL::numeric(4,1) AS k FROM coltypes`,
	} {
		want := describeColumns(t, dbs["postgres"], q)
		for _, name := range []string{"reldb", "reldb wire"} {
			assert.Equal(t, want, describeColumns(t, dbs[name], q), "%s: %s", name, q)
		}
	}
}
