package peers_test

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"testing"

	"github.com/reldb/reldb/examples/shop"
	"github.com/reldb/reldb/examples/shop/shoptest"
)

// shopFixtures is the example's fixture file, which examples/shop's own
// tests load from its testdata folder.
const shopFixtures = "../../examples/shop/testdata/fixtures.sql"

// TestShop_Postgres runs the shop example's test suite — the one
// examples/shop runs on reldbtest — on a real PostgreSQL: each test gets
// its own database, migrated with the same migration files and loaded
// with the same fixtures. The reldb-only tests skip.
func TestShop_Postgres(t *testing.T) {
	srv := postgres(t)
	fixtures, err := os.ReadFile(shopFixtures)
	if err != nil {
		t.Fatal(err)
	}
	ups, err := fs.Glob(shop.Migrations, "migrations/*.up.sql") // in version order
	if err != nil {
		t.Fatal(err)
	}
	shoptest.Run(t, func(t *testing.T) *sql.DB {
		ctx := context.Background()
		name := newDatabaseName("shop")
		if err := srv.CreateDatabase(ctx, name); err != nil {
			t.Fatal(err)
		}
		db := openPostgres(t, srv, name)
		t.Cleanup(func() {
			_ = db.Close()
			if err := srv.DropDatabase(context.Background(), name); err != nil {
				t.Error(err)
			}
		})
		for _, up := range ups {
			text, err := fs.ReadFile(shop.Migrations, up)
			if err != nil {
				t.Fatal(err)
			}
			// With no arguments, pgx sends the text in one simple-protocol
			// message, so a file of several statements runs as migrate
			// runs it.
			if _, err := db.ExecContext(ctx, string(text)); err != nil {
				t.Fatalf("%s: %v", up, err)
			}
		}
		if _, err := db.ExecContext(ctx, string(fixtures)); err != nil {
			t.Fatalf("fixtures: %v", err)
		}
		return db
	})
}
