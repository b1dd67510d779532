package shop_test

import (
	"database/sql"
	"os"
	"testing"

	"github.com/reldb/reldb/examples/shop"
	"github.com/reldb/reldb/examples/shop/shoptest"
	"github.com/reldb/reldb/reldbtest"
)

// tmpl is the migrated database with the fixtures, built once for the
// package; every test forks it.
var tmpl = reldbtest.NewTemplate(
	reldbtest.Migrations(shop.Migrations, "migrations"),
	reldbtest.SQLFiles(os.DirFS("testdata"), "fixtures.sql"),
)

// TestShop runs the shop's suite on reldb. bench/peers runs the same suite
// on PostgreSQL.
func TestShop(t *testing.T) {
	shoptest.Run(t, func(t *testing.T) *sql.DB { return reldbtest.New(t, tmpl) })
}
