package engine_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/engine/internal/testutil"
)

// semValues has one nullable column of every type, and a numeric(5,2).
func semValues() engine.Table {
	return engine.Table{
		Name: "vals",
		Columns: semCols(
			engine.Column{Name: "i", Type: engine.Int},
			engine.Column{Name: "f", Type: engine.Float},
			engine.Column{Name: "s", Type: engine.Text},
			engine.Column{Name: "b", Type: engine.Bool},
			engine.Column{Name: "y", Type: engine.Bytes},
			engine.Column{Name: "t", Type: engine.Time},
			engine.Column{Name: "d", Type: engine.Decimal},
			engine.Column{Name: "n", Type: engine.Decimal, Precision: 5, Scale: 2},
		),
		PrimaryKey: []string{"id"},
	}
}

// semDec parses a decimal for test input.
func semDec(s string) *apd.Decimal {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestTx_Insert_Coerce ensures each column type accepts exactly the Go
// values documented for it, stores them in its canonical Go type, and
// refuses the rest with ErrType (or ErrNumericOverflow) leaving nothing
// behind.
func TestTx_Insert_Coerce(t *testing.T) {
	var nilInt *int
	var nilDec *apd.Decimal
	at := time.Date(2024, 2, 29, 12, 30, 0, 123456789, time.UTC)
	tests := []struct {
		col     string
		in      any
		want    any   // the stored value; a string for decimals (their String form)
		wantErr error // nil, ErrType or ErrNumericOverflow
	}{
		{"i", int(-1), int64(-1), nil},
		{"i", int8(math.MinInt8), int64(math.MinInt8), nil},
		{"i", int16(math.MaxInt16), int64(math.MaxInt16), nil},
		{"i", int32(math.MinInt32), int64(math.MinInt32), nil},
		{"i", int64(math.MaxInt64), int64(math.MaxInt64), nil},
		{"i", uint8(255), int64(255), nil},
		{"i", uint16(65535), int64(65535), nil},
		{"i", uint32(math.MaxUint32), int64(math.MaxUint32), nil},
		{"i", uint(7), int64(7), nil},
		{"i", uint64(math.MaxInt64), int64(math.MaxInt64), nil},
		{"i", uint64(math.MaxInt64 + 1), nil, engine.ErrType},
		{"i", uint(math.MaxUint), nil, engine.ErrType},
		{"i", "1", nil, engine.ErrType},
		{"i", 1.0, nil, engine.ErrType},
		{"i", true, nil, engine.ErrType},
		{"i", nil, nil, nil},
		{"i", nilInt, nil, nil},
		{"f", 1.5, 1.5, nil},
		{"f", float32(0.1), float64(float32(0.1)), nil},
		{"f", 3, 3.0, nil},
		{"f", int64(-4), -4.0, nil},
		{"f", uint16(9), 9.0, nil},
		{"f", math.Inf(-1), math.Inf(-1), nil},
		{"f", "1.5", nil, engine.ErrType},
		{"f", semDec("1.5"), nil, engine.ErrType},
		{"s", "héllo", "héllo", nil},
		{"s", "", "", nil},
		{"s", []byte("x"), nil, engine.ErrType},
		{"s", 1, nil, engine.ErrType},
		{"b", true, true, nil},
		{"b", false, false, nil},
		{"b", 1, nil, engine.ErrType},
		{"b", "true", nil, engine.ErrType},
		{"y", []byte{0, 1, 2}, []byte{0, 1, 2}, nil},
		{"y", []byte{}, []byte{}, nil},
		{"y", []byte(nil), nil, nil},
		{"y", "x", nil, engine.ErrType},
		{"t", at, time.Date(2024, 2, 29, 12, 30, 0, 123457000, time.UTC), nil}, // rounded to µs, as timestamptz
		{"t", at.Format(time.RFC3339), nil, engine.ErrType},
		{"t", at.Unix(), nil, engine.ErrType},
		{"d", "1.5", "1.5", nil},
		{"d", " 2.50 ", "2.50", nil},
		{"d", 7, "7", nil},
		{"d", int64(-12), "-12", nil},
		{"d", uint8(3), "3", nil},
		{"d", semDec("1.000"), "1.000", nil},
		{"d", *semDec("0.25"), "0.25", nil},
		{"d", "1e3", "1E+3", nil},
		{"d", "NaN", "NaN", nil},
		{"d", "Infinity", "Infinity", nil},
		{"d", "-Infinity", "-Infinity", nil},
		{"d", "-0", "0", nil},
		{"d", nilDec, nil, nil},
		{"d", 1.5, nil, engine.ErrType},
		{"d", float32(1.5), nil, engine.ErrType},
		{"d", "abc", nil, engine.ErrType},
		{"d", true, nil, engine.ErrType},
		{"n", "1.005", "1.01", nil},
		{"n", "-1.005", "-1.01", nil},
		{"n", "1.004", "1.00", nil},
		{"n", "1.5", "1.50", nil},
		{"n", 12, "12.00", nil},
		{"n", "0.001", "0.00", nil},
		{"n", "-0.00", "0.00", nil},
		{"n", "-0.001", "0.00", nil},
		{"n", "-0.004", "0.00", nil},
		{"n", "999.994", "999.99", nil},
		{"n", "-999.99", "-999.99", nil},
		{"n", "1E+2", "100.00", nil},
		{"n", "NaN", "NaN", nil},
		{"n", "999.995", nil, engine.ErrNumericOverflow},
		{"n", "-999.995", nil, engine.ErrNumericOverflow},
		{"n", "1000", nil, engine.ErrNumericOverflow},
		{"n", "Infinity", nil, engine.ErrNumericOverflow},
		{"n", "-Infinity", nil, engine.ErrNumericOverflow},
		{"n", 1.5, nil, engine.ErrType},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %T %v", tc.col, tc.in, tc.in), func(t *testing.T) {
			db := testutil.OpenDB(t, semValues())
			semInsert(t, db, "vals", engine.Row{"id": 1})
			seeded := testutil.Dump(t, db)
			var got any
			err := db.Update(semCtx, func(tx *engine.Tx) error {
				r, err := tx.Insert("vals", engine.Row{"id": 2, tc.col: tc.in})
				got = r.Get(tc.col)
				return err
			})
			require.ErrorIs(t, err, tc.wantErr)
			if tc.wantErr != nil {
				assert.Equal(t, seeded, testutil.Dump(t, db))
				// Update refuses the value the same way.
				err = db.Update(semCtx, func(tx *engine.Tx) error {
					_, err := tx.Update("vals", 1, engine.Row{tc.col: tc.in})
					return err
				})
				require.ErrorIs(t, err, tc.wantErr)
				assert.Equal(t, seeded, testutil.Dump(t, db))
				return
			}
			semView(t, db, func(tx *engine.Tx) error {
				r, err := tx.Get("vals", 2)
				require.NoError(t, err)
				stored := r.Get(tc.col)
				if d, ok := stored.(*apd.Decimal); ok {
					assert.Equal(t, tc.want, d.String())
					if d.IsZero() {
						assert.False(t, d.Negative, "PostgreSQL has no negative zero numeric")
					}
				} else {
					assert.Equal(t, tc.want, stored)
				}
				assert.Equal(t, fmt.Sprint(stored), fmt.Sprint(got), "Insert returned what it stored")
				return nil
			})
		})
	}
}

// TestTx_Insert_NumericOverflow ensures a decimal that does not fit
// numeric(p,s) is a ConstraintError with SQLSTATE 22003 naming the table
// and column (not a key: the column is a plain one) and the value.
func TestTx_Insert_NumericOverflow(t *testing.T) {
	db := testutil.OpenDB(t, semValues())
	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("vals", engine.Row{"id": 1, "n": "999.995"})
		return err
	})
	semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrNumericOverflow, Table: "vals", Columns: []string{"n"},
		SQLState: "22003"})
	assert.ErrorContains(t, err, "999.995", "the message names the value")
	assert.Equal(t, seeded, testutil.Dump(t, db))
}

// TestRecord_Get_BytesCopy ensures stored bytes are private: changing the
// slice given to Insert or Update, or one returned by Get, Values or Row,
// does not change the stored row.
func TestRecord_Get_BytesCopy(t *testing.T) {
	db := testutil.OpenDB(t, semValues())
	in := []byte("abc")
	semUpdate(t, db, func(tx *engine.Tx) error {
		r, err := tx.Insert("vals", engine.Row{"id": 1, "y": in})
		require.NoError(t, err)
		in[0] = 'X'
		r.Get("y").([]byte)[1] = 'X'
		r.Values()[5].([]byte)[2] = 'X'
		r.Row()["y"].([]byte)[0] = 'X'
		return nil
	})
	upd := []byte("def")
	semUpdate(t, db, func(tx *engine.Tx) error {
		_, err := tx.Insert("vals", engine.Row{"id": 2})
		require.NoError(t, err)
		_, err = tx.Update("vals", 2, engine.Row{"y": upd})
		upd[0] = 'X'
		return err
	})
	semView(t, db, func(tx *engine.Tx) error {
		r, err := tx.Get("vals", 1)
		require.NoError(t, err)
		assert.Equal(t, []byte("abc"), r.Get("y"))
		r, err = tx.Get("vals", 2)
		require.NoError(t, err)
		assert.Equal(t, []byte("def"), r.Get("y"))
		return nil
	})
}

// TestRecord_Get_DecimalCopy ensures a stored decimal is private: changing
// the *apd.Decimal given to Insert or returned by Get does not change it,
// in an unconstrained column or a numeric(5,2) one it already fits.
func TestRecord_Get_DecimalCopy(t *testing.T) {
	db := testutil.OpenDB(t, semValues())
	in, inN := semDec("1.25"), semDec("1.25")
	semUpdate(t, db, func(tx *engine.Tx) error {
		r, err := tx.Insert("vals", engine.Row{"id": 1, "d": in, "n": inN})
		require.NoError(t, err)
		in.SetInt64(9)
		inN.SetInt64(9)
		r.Get("d").(*apd.Decimal).SetInt64(9)
		r.Get("n").(*apd.Decimal).SetInt64(9)
		return nil
	})
	semView(t, db, func(tx *engine.Tx) error {
		r, err := tx.Get("vals", 1)
		require.NoError(t, err)
		assert.Equal(t, "1.25", r.Get("d").(*apd.Decimal).String())
		assert.Equal(t, "1.25", r.Get("n").(*apd.Decimal).String())
		return nil
	})
}

// TestTx_Insert_TimeUTC ensures times are stored as instants in UTC without
// a monotonic reading, and equal instants in different zones are one key
// (timestamptz semantics).
func TestTx_Insert_TimeUTC(t *testing.T) {
	db := testutil.OpenDB(t, semValues(), engine.Table{
		Name: "events", Columns: []engine.Column{{Name: "at", Type: engine.Time}}, PrimaryKey: []string{"at"},
	})
	zone := time.FixedZone("UTC+5", 5*3600)
	now := time.Now().In(zone) // carries a monotonic reading
	semInsert(t, db, "vals", engine.Row{"id": 1, "t": now})
	semView(t, db, func(tx *engine.Tx) error {
		r, err := tx.Get("vals", 1)
		require.NoError(t, err)
		got, ok := r.Get("t").(time.Time)
		require.True(t, ok)
		assert.Equal(t, time.UTC, got.Location())
		assert.Equal(t, now.UTC().Round(time.Microsecond), got, "stored in UTC rounded to microseconds, without the monotonic reading")
		n, err := tx.Query("vals").Where(engine.Eq("t", now.In(time.UTC))).Count()
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		return nil
	})

	semInsert(t, db, "events", engine.Row{"at": now})
	semView(t, db, func(tx *engine.Tx) error {
		_, err := tx.Get("events", now.In(time.FixedZone("UTC-3", -3*3600)))
		require.NoError(t, err, "the same instant in another zone is the same key")
		return nil
	})
	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("events", engine.Row{"at": now.In(time.FixedZone("UTC-3", -3*3600))})
		return err
	})
	require.ErrorIs(t, err, engine.ErrUnique)
	assert.Equal(t, seeded, testutil.Dump(t, db))
}

// TestTx_Insert_DecimalScale ensures an unconstrained decimal keeps the
// scale it was given, while equality ignores scale (PostgreSQL numeric):
// 1.0 and 1.00 collide in a unique index and in a primary key.
func TestTx_Insert_DecimalScale(t *testing.T) {
	db := testutil.OpenDB(t,
		engine.Table{
			Name:       "uniq",
			Columns:    semCols(engine.Column{Name: "d", Type: engine.Decimal}),
			PrimaryKey: []string{"id"},
			Indexes:    []engine.Index{{Name: "uniq_d", Columns: []string{"d"}, Unique: true}},
		},
		engine.Table{
			Name:       "keyed",
			Columns:    []engine.Column{{Name: "d", Type: engine.Decimal}, {Name: "v", Type: engine.Text}},
			PrimaryKey: []string{"d"},
		},
	)
	semInsert(t, db, "uniq", engine.Row{"id": 1, "d": "1.000"}, engine.Row{"id": 2, "d": "2.0"})
	semInsert(t, db, "keyed", engine.Row{"d": "1.0", "v": "one"})
	assert.Equal(t, "keyed:\n  keyed(d=1.0, v=one)\nuniq:\n  uniq(id=1, d=1.000)\n  uniq(id=2, d=2.0)\n", testutil.Dump(t, db))

	seeded := testutil.Dump(t, db)
	for _, tc := range []struct {
		name  string
		table string
		row   engine.Row
		want  engine.ConstraintError
	}{
		{"unique index", "uniq", engine.Row{"id": 3, "d": "1.00"}, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "uniq_d",
			Table: "uniq", Columns: []string{"d"}, Key: "(d)=(1.00)", SQLState: "23505"}},
		{"unique index, integer", "uniq", engine.Row{"id": 3, "d": 2}, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "uniq_d",
			Table: "uniq", Columns: []string{"d"}, Key: "(d)=(2)", SQLState: "23505"}},
		{"primary key", "keyed", engine.Row{"d": "1.00", "v": "again"}, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "keyed_pkey",
			Table: "keyed", Columns: []string{"d"}, Key: "(d)=(1.00)", SQLState: "23505"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(semCtx, func(tx *engine.Tx) error {
				_, err := tx.Insert(tc.table, tc.row)
				return err
			})
			semAssertConstraint(t, err, tc.want)
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}

	semView(t, db, func(tx *engine.Tx) error {
		r, err := tx.Get("keyed", "1")
		require.NoError(t, err, "a key equal by value finds the row")
		assert.Equal(t, "1.0", r.Get("d").(*apd.Decimal).String(), "the row keeps its scale")
		got, err := tx.Query("uniq").Where(engine.Eq("d", 1)).All()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(1)}, semIDs(got))
		return nil
	})
}

// TestTx_Get_DecimalKeyExact ensures a lookup by a numeric(p,s) primary key
// compares the given value exactly, as WHERE d = 1.005 does in PostgreSQL
// and as Query does: 1.005 does not find the row stored as 1.01, and a value
// too large for the column finds nothing rather than failing.
func TestTx_Get_DecimalKeyExact(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name:       "money",
		Columns:    []engine.Column{{Name: "d", Type: engine.Decimal, Precision: 5, Scale: 2}, {Name: "v", Type: engine.Text}},
		PrimaryKey: []string{"d"},
	})
	semInsert(t, db, "money", engine.Row{"d": "1.01", "v": "x"})
	semView(t, db, func(tx *engine.Tx) error {
		for _, key := range []any{"1.01", "1.010", semDec("1.0100")} {
			r, err := tx.Get("money", key)
			require.NoError(t, err, "%v", key)
			assert.Equal(t, "1.01", r.Get("d").(*apd.Decimal).String())
		}
		n, err := tx.Query("money").Where(engine.Eq("d", "1.005")).Count()
		require.NoError(t, err)
		assert.Zero(t, n)
		for _, key := range []any{"1.005", "1.0149", "99999"} {
			_, err := tx.Get("money", key)
			assert.ErrorIs(t, err, engine.ErrNotFound, "Get(%v)", key)
		}
		return nil
	})
	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error { return tx.Delete("money", "1.005") })
	require.ErrorIs(t, err, engine.ErrNotFound)
	assert.Equal(t, seeded, testutil.Dump(t, db))
}

// TestTx_Upsert_DecimalKeyRounded ensures the key an insert or upsert
// writes into a numeric(p,s) primary key is first rounded to the column,
// as INSERT ... ON CONFLICT does in PostgreSQL: 1.005 conflicts with a
// stored 1.01, and Upsert updates that row.
func TestTx_Upsert_DecimalKeyRounded(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name:       "money",
		Columns:    []engine.Column{{Name: "d", Type: engine.Decimal, Precision: 5, Scale: 2}, {Name: "v", Type: engine.Text}},
		PrimaryKey: []string{"d"},
	})
	semInsert(t, db, "money", engine.Row{"d": "1.01", "v": "x"})
	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("money", engine.Row{"d": "1.005", "v": "y"})
		return err
	})
	semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "money_pkey", Table: "money",
		Columns: []string{"d"}, Key: "(d)=(1.01)", SQLState: "23505"})
	assert.Equal(t, seeded, testutil.Dump(t, db))

	semUpdate(t, db, func(tx *engine.Tx) error {
		_, err := tx.Upsert("money", engine.Row{"d": "1.005", "v": "y"})
		return err
	})
	assert.Equal(t, "money:\n  money(d=1.01, v=y)\n", testutil.Dump(t, db))
}

// TestTx_Insert_FloatSpecials ensures floats follow PostgreSQL's float8:
// -0 equals +0 and NaN equals NaN in filters and unique indexes, and NaN
// sorts after +Infinity.
func TestTx_Insert_FloatSpecials(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name:       "floats",
		Columns:    semCols(engine.Column{Name: "f", Type: engine.Float}, engine.Column{Name: "g", Type: engine.Float}),
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "floats_f", Columns: []string{"f"}, Unique: true}},
	})
	negZero := math.Copysign(0, -1)
	semInsert(t, db, "floats",
		engine.Row{"id": 1, "f": negZero, "g": negZero},
		engine.Row{"id": 2, "f": math.NaN(), "g": math.NaN()},
		engine.Row{"id": 3, "f": math.Inf(1), "g": math.Inf(1)},
		engine.Row{"id": 4, "f": -1.5, "g": -1.5},
		engine.Row{"id": 5, "f": nil, "g": nil},
		engine.Row{"id": 6, "f": math.Inf(-1), "g": math.Inf(-1)},
	)
	semView(t, db, func(tx *engine.Tx) error {
		for _, col := range []string{"f", "g"} { // through the unique index, and a plain scan
			for _, tc := range []struct {
				cond engine.Cond
				want []any
			}{
				{engine.Eq(col, 0.0), []any{int64(1)}},
				{engine.Eq(col, negZero), []any{int64(1)}},
				{engine.Eq(col, math.NaN()), []any{int64(2)}},
				{engine.In(col, math.NaN(), 0), []any{int64(1), int64(2)}},
				{engine.Gt(col, math.Inf(1)), []any{int64(2)}},
				{engine.Ge(col, 0), []any{int64(1), int64(2), int64(3)}},
				{engine.Lt(col, math.NaN()), []any{int64(1), int64(3), int64(4), int64(6)}},
			} {
				got, err := tx.Query("floats").Where(tc.cond).OrderBy("id", engine.Asc).All()
				require.NoError(t, err)
				assert.Equal(t, tc.want, semIDs(got), "%s %v", col, tc.cond)
			}
			got, err := tx.Query("floats").OrderBy(col, engine.Asc).All()
			require.NoError(t, err)
			assert.Equal(t, []any{int64(6), int64(4), int64(1), int64(3), int64(2), int64(5)}, semIDs(got), "order by %s", col)
		}
		return nil
	})

	seeded := testutil.Dump(t, db)
	for _, tc := range []struct {
		name string
		f    float64
		key  string
	}{{"+0 after -0", 0, "(f)=(0)"}, {"NaN after NaN", math.NaN(), "(f)=(NaN)"}} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(semCtx, func(tx *engine.Tx) error {
				_, err := tx.Insert("floats", engine.Row{"id": 9, "f": tc.f})
				return err
			})
			semAssertConstraint(t, err, engine.ConstraintError{Kind: engine.ErrUnique, Constraint: "floats_f", Table: "floats",
				Columns: []string{"f"}, Key: tc.key, SQLState: "23505"})
			assert.Equal(t, seeded, testutil.Dump(t, db))
		})
	}
}

// TestTx_Insert_DecimalNaN ensures numeric NaN equals NaN (PostgreSQL), so
// it collides in a unique index and matches Eq.
func TestTx_Insert_DecimalNaN(t *testing.T) {
	db := testutil.OpenDB(t, engine.Table{
		Name:       "nums",
		Columns:    semCols(engine.Column{Name: "d", Type: engine.Decimal, Precision: 5, Scale: 2}),
		PrimaryKey: []string{"id"},
		Indexes:    []engine.Index{{Name: "nums_d", Columns: []string{"d"}, Unique: true}},
	})
	semInsert(t, db, "nums", engine.Row{"id": 1, "d": "NaN"}, engine.Row{"id": 2, "d": "999.99"})
	seeded := testutil.Dump(t, db)
	err := db.Update(semCtx, func(tx *engine.Tx) error {
		_, err := tx.Insert("nums", engine.Row{"id": 3, "d": "NaN"})
		return err
	})
	require.ErrorIs(t, err, engine.ErrUnique)
	assert.Equal(t, seeded, testutil.Dump(t, db))
	semView(t, db, func(tx *engine.Tx) error {
		got, err := tx.Query("nums").Where(engine.Gt("d", "999.99")).All()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(1)}, semIDs(got), "NaN sorts above every number")
		return nil
	})
}

// TestType_String ensures every type prints its name and an unknown value
// prints as Type(n).
func TestType_String(t *testing.T) {
	for typ, want := range map[engine.Type]string{
		engine.Int: "int", engine.Float: "float", engine.Text: "text", engine.Bool: "bool",
		engine.Bytes: "bytes", engine.Time: "time", engine.Decimal: "decimal",
		engine.Type(0): "Type(0)", engine.Type(99): "Type(99)", engine.Type(255): "Type(255)",
	} {
		assert.Equal(t, want, typ.String())
		assert.Equal(t, want, fmt.Sprint(typ))
	}
}

// TestTx_Insert_NamedTypes checks that named types stand for their
// underlying values, as database/sql treats them, and that a pointer that
// points to itself is refused instead of recursing.
func TestTx_Insert_NamedTypes(t *testing.T) {
	type ID int64
	type Name string
	type self *self
	var loop self
	loop = &loop
	db := testutil.OpenDB(t, engine.Table{Name: "t", PrimaryKey: []string{"id"}, Columns: []engine.Column{
		{Name: "id", Type: engine.Int}, {Name: "name", Type: engine.Text}}})
	ctx := t.Context()
	id := ID(7)
	require.NoError(t, db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("t", engine.Row{"id": &id, "name": Name("seven")})
		return err
	}))
	require.NoError(t, db.View(ctx, func(tx *engine.Tx) error {
		r, err := tx.Get("t", ID(7))
		require.NoError(t, err)
		assert.Equal(t, "seven", r.Get("name"))
		return nil
	}))
	err := db.Update(ctx, func(tx *engine.Tx) error {
		_, err := tx.Insert("t", engine.Row{"id": 8, "name": loop})
		return err
	})
	require.ErrorIs(t, err, engine.ErrType)
}
