package conformance_test

// The corpus on PostgreSQL: every file in testdata is played on a throwaway
// PostgreSQL server (internal/pgserver) and its outputs compared with the
// recorded ones. Like engine's conformance suite it runs only with
// RELDB_CONFORMANCE=1; without PostgreSQL it skips, except in CI (CI=true),
// where it fails. `-rewrite` records the outputs from PostgreSQL.

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/internal/pgserver"
	"github.com/reldb/reldb/pgsql/conformance"
)

const corpusDir = "testdata"

// TestCorpus_PostgreSQL plays every corpus file on PostgreSQL and requires
// the recorded outputs: the corpus is PostgreSQL's own behaviour.
func TestCorpus_PostgreSQL(t *testing.T) {
	if os.Getenv("RELDB_CONFORMANCE") != "1" {
		t.Skip("the PostgreSQL conformance suite runs with RELDB_CONFORMANCE=1: run `make conformance`")
	}
	srv := pgserver.StartTB(t, pgserver.Options{})
	conformance.Walk(t, corpusDir, func(t *testing.T, path string) conformance.Conn {
		ctx := context.Background()
		pg, err := conformance.NewPostgreSQL(ctx, srv, dbName(path), t.TempDir())
		require.NoError(t, err)
		t.Cleanup(func() {
			assert.NoError(t, pg.Close(ctx))
		})
		return pg
	})
}

var nameRE = regexp.MustCompile(`[^a-z0-9_]`)

// dbName names a corpus file's PostgreSQL database.
func dbName(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), ".txt")
	return "corpus_" + nameRE.ReplaceAllString(strings.ToLower(base), "_")
}
