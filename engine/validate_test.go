package engine_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// TestTx_Insert_RefusesWhatPostgreSQLRefuses ensures values PostgreSQL
// would not store are refused with the matching sentinel and SQLSTATE and
// leave the database unchanged: a malformed decimal, times outside
// timestamptz's range.
func TestTx_Insert_RefusesWhatPostgreSQLRefuses(t *testing.T) {
	ctx := context.Background()
	db := testutil.OpenDB(t, engine.Table{Name: "v", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "d", Type: engine.Decimal}, {Name: "at", Type: engine.Time}}})
	seeded := testutil.Dump(t, db)
	badDecimal := apd.Decimal{}
	badDecimal.Coeff.SetInt64(-5) // the sign belongs in Negative
	tests := []struct {
		name      string
		row       engine.Row
		wantErr   error
		wantState string
	}{
		{"negative coefficient", engine.Row{"id": 1, "d": &badDecimal}, engine.ErrType, "42804"},
		{"time past 294276 AD", engine.Row{"id": 1, "at": time.Unix(math.MaxInt64/1000, 0)}, engine.ErrType, "22008"},
		{"time before 4713 BC", engine.Row{"id": 1, "at": time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC)}, engine.ErrType, "22008"},
		{"a bad decimal string", engine.Row{"id": 1, "d": "1.2.3"}, engine.ErrType, "22P02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(ctx, func(tx *engine.Tx) error {
				_, err := tx.Insert("v", tc.row)
				return err
			})
			require.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, tc.wantState, engine.SQLState(err), "%v", err)
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("v", engine.Row{"id": 2, "at": time.Date(294276, 12, 31, 0, 0, 0, 0, time.UTC)})
		return err
	}), "the last year PostgreSQL holds is accepted")
}

// TestTx_CreateTable_RefusesNamesPostgreSQLWouldChange ensures names that
// PostgreSQL truncates (over 63 bytes) or cannot hold (NUL, invalid UTF-8)
// and a precision over 1000 are ErrSchema, so the DDL export always loads
// into PostgreSQL as declared.
func TestTx_CreateTable_RefusesNamesPostgreSQLWouldChange(t *testing.T) {
	long := strings.Repeat("x", 64)
	id := engine.Column{Name: "id", Type: engine.Int}
	tests := []struct {
		name  string
		table engine.Table
	}{
		{"long table name", engine.Table{Name: long, PrimaryKey: []string{"id"}, Columns: []engine.Column{id}}},
		{"long column name", engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{id, {Name: long, Type: engine.Int}}}},
		{"NUL in a name", engine.Table{Name: "t\x00", PrimaryKey: []string{"id"}, Columns: []engine.Column{id}}},
		{"invalid UTF-8", engine.Table{Name: "t\xff", PrimaryKey: []string{"id"}, Columns: []engine.Column{id}}},
		{"long index name", engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{id},
			Indexes: []engine.Index{{Name: long, Columns: []string{"id"}}}}},
		{"numeric(5000, 2)", engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{id,
			{Name: "n", Type: engine.Decimal, Precision: 5000, Scale: 2}}}},
		{"a column without a type", engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{id, {Name: "n"}}}},
	}
	db := testutil.OpenDB(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(context.Background(), func(tx *engine.Tx) error { return tx.CreateTable(tc.table) })
			require.ErrorIs(t, err, engine.ErrSchema)
		})
	}
	err := db.Update(context.Background(), func(tx *engine.Tx) error {
		return tx.CreateTable(engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{id, {Name: "n"}}})
	})
	assert.ErrorContains(t, err, `column "n" has no type`)
}

// TestQuery_InvalidArguments ensures a negative offset and an unknown sort
// direction are ErrInvalidArgument.
func TestQuery_InvalidArguments(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{{Name: "id", Type: engine.Int}}})
	require.NoError(t, db.View(context.Background(), func(tx *engine.Tx) error {
		_, err := tx.Query("t").Offset(-1).All()
		require.ErrorIs(t, err, engine.ErrInvalidArgument)
		_, err = tx.Query("t").OrderBy("id", engine.Order(9)).All()
		require.ErrorIs(t, err, engine.ErrInvalidArgument)
		_, err = tx.Query("t").Where(engine.Cond{}).All()
		require.ErrorIs(t, err, engine.ErrInvalidArgument)
		return nil
	}))
}
