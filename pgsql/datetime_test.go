package pgsql_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// The expected values below are PostgreSQL 15's, with TimeZone UTC.

// Ensure date and time arithmetic gives PostgreSQL's values and types.
func TestSession_Exec_DateArithmetic(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT timestamp '2024-01-31' + interval '1 month', timestamp '2023-01-31' + interval '1 month', date '2024-01-31' + interval '1 month'",
			[]string{"2024-02-29 00:00:00", "2023-02-28 00:00:00", "2024-02-29 00:00:00"}},
		{"SELECT timestamp '2024-02-29' + interval '1 year', timestamp '2024-03-31' - interval '1 month', timestamptz '2024-01-31 10:00+00' + interval '1 mon 1 day 1 hour'",
			[]string{"2025-02-28 00:00:00", "2024-02-29 00:00:00", "2024-03-01 11:00:00+00"}},
		{"SELECT interval '1 day' + timestamp '2024-12-31 23:00', timestamp '2024-03-10' - interval '-1 days +02:00:00'",
			[]string{"2025-01-01 23:00:00", "2024-03-10 22:00:00"}},
		{"SELECT timestamp '2024-03-01' - timestamp '2024-01-01', timestamp '2024-01-01' - timestamp '2024-03-01 12:00', timestamp '2024-01-02 01:00' - timestamp '2024-01-01 02:00'",
			[]string{"60 days", "-60 days -12:00:00", "23:00:00"}},
		{"SELECT timestamptz '2024-01-01 00:00+00' - timestamp '2023-12-31', date '2024-01-02' - timestamp '2024-01-01'",
			[]string{"1 day", "1 day"}},
		{"SELECT date '2024-03-01' - date '2024-01-01', date '2024-01-01' + 1, 1 + date '2024-01-01', date '2024-01-01' - 1, date '2024-02-28' + 2::smallint",
			[]string{"60", "2024-01-02", "2024-01-02", "2023-12-31", "2024-03-01"}},
		{"SELECT interval '1 day' + interval '1 hour', interval '1 day' - interval '1 mon', '1 day' + interval '1 hour', '1 day' - interval '1 hour'",
			[]string{"1 day 01:00:00", "-1 mons +1 day", "1 day 01:00:00", "1 day -01:00:00"}},
		{"SELECT interval '1 mon 1 day 1 hour' * 1.5, 2 * interval '1 hour', interval '1 hour' * '2', '1' * interval '1 hour', interval '1 mon' / 7, interval '1 hour' / '2'",
			[]string{"1 mon 16 days 13:30:00", "02:00:00", "02:00:00", "01:00:00", "4 days 06:51:25.6896", "00:30:00"}},
		{"SELECT - interval '1 day 2 hours', -(interval '-1 mon')", []string{"-1 days -02:00:00", "1 mon"}},
		{"SELECT timestamp '2024-01-01' + NULL, NULL - interval '1 day', date '2024-01-01' - NULL::date", []string{"NULL", "NULL", "NULL"}},
		{"SELECT '2024-01-01' - timestamp '2023-01-01'", []string{"365 days"}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			assert.Equal(t, [][]string{tc.want}, texts(t, s, tc.sql))
		})
	}
}

// Ensure date and time operators PostgreSQL lacks or cannot choose fail
// with its SQLSTATEs.
func TestSession_Exec_DateArithmeticErrors(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT now() - '1 day'", "ERROR 22007"},
		{"SELECT date '2024-01-01' + '1'", "ERROR 42725"},
		{"SELECT '2' + date '2024-01-01'", "ERROR 42725"},
		{"SELECT date '2024-01-01' - '1'", "ERROR 22007"},
		{"SELECT timestamp '2024-01-01' + timestamp '2024-01-01'", "ERROR 42883"},
		{"SELECT timestamp '2024-01-01' * 2", "ERROR 42883"},
		{"SELECT interval '1 day' + 1", "ERROR 42883"},
		{"SELECT date '2024-01-01' + 1.5", "ERROR 42883"},
		{"SELECT date '2024-01-01' + 2::bigint", "ERROR 42883"},
		{"SELECT 2 / interval '1 hour'", "ERROR 42883"},
		{"SELECT '2' / interval '1 hour'", "ERROR 42883"},
		{"SELECT interval '1 hour' % 2", "ERROR 42883"},
		{"SELECT interval '1 day' / 0", "ERROR 22012"},
		{"SELECT interval '1 hour' * 1e308", "ERROR 22008"},
		{"SELECT interval '1 day' * 2147483648", "ERROR 22008"},
		{"SELECT -interval '-2147483648 months'", "ERROR 22008"},
		{"SELECT timestamp '9999-12-31' + interval '290000 years'", "ERROR 22008"},
		{"SELECT interval '1 day' < 1", "ERROR 42883"},
		{"SELECT 'abc'::date", "ERROR 22007"},
	}
	s := newSession(t)
	for _, tc := range tests {
		assert.Equal(t, tc.want, outcome(t, s, tc.sql), tc.sql)
	}
}

// Ensure extract, date_part, date_trunc and the other date functions give
// PostgreSQL's values and types.
func TestSession_Exec_DateFunctions(t *testing.T) {
	const ts = "timestamp '2024-02-29 13:14:15.123456'"
	const iv = "interval '1 year 14 mons 40 days 25:01:03.5'"
	tests := []struct {
		sql   string
		want  []string
		types []string
	}{
		{"SELECT extract(century FROM " + ts + "), extract(day FROM " + ts + "), extract(decade FROM " + ts + "), extract(dow FROM " + ts + "), extract(doy FROM " + ts + "), extract(epoch FROM " + ts + ")",
			[]string{"21", "29", "202", "4", "60", "1709212455.123456"}, []string{"numeric"}},
		{"SELECT extract(hour FROM " + ts + "), extract(isodow FROM " + ts + "), extract(isoyear FROM " + ts + "), extract(microseconds FROM " + ts + "), extract(millennium FROM " + ts + "), extract(milliseconds FROM " + ts + ")",
			[]string{"13", "4", "2024", "15123456", "3", "15123.456"}, nil},
		{"SELECT extract(minute FROM " + ts + "), extract(month FROM " + ts + "), extract(quarter FROM " + ts + "), extract(second FROM " + ts + "), extract(week FROM " + ts + "), extract(year FROM " + ts + "), extract(julian FROM " + ts + ")",
			[]string{"14", "2", "1", "15.123456", "9", "2024", "2460370.55156392888888888889"}, nil},
		{"SELECT extract(timezone FROM timestamptz '2024-01-01 00:00+05'), extract(epoch FROM timestamptz '2024-01-01 00:00+05'), extract('hour' FROM timestamptz '2024-01-01 00:00+05')",
			[]string{"0", "1704049200.000000", "19"}, nil},
		{"SELECT date_part('second', " + ts + "), date_part('epoch', " + ts + "), date_part('julian', " + ts + "), date_part('hour', date '2024-02-29')",
			[]string{"15.123456", "1709212455.123456", "2460370.551563929", "0"}, []string{"float8"}},
		{"SELECT extract(epoch FROM date '2024-02-29'), extract(week FROM date '2024-12-30'), extract(isoyear FROM date '2024-12-30'), extract(week FROM date '2021-01-03'), extract(isoyear FROM date '2021-01-03'), extract(julian FROM date '2024-02-29')",
			[]string{"1709164800", "1", "2025", "53", "2020", "2460370"}, nil},
		{"SELECT extract(century FROM date '2000-12-31'), extract(century FROM date '2001-01-01'), extract(millennium FROM date '2000-01-01'), extract(day FROM date '2024-02-29'), extract(doy FROM date '2024-12-31')",
			[]string{"20", "21", "2", "29", "366"}, nil},
		{"SELECT " + iv + ", extract(day FROM " + iv + "), extract(epoch FROM " + iv + "), extract(hour FROM " + iv + "), extract(milliseconds FROM " + iv + "), extract(month FROM " + iv + "), extract(year FROM " + iv + ")",
			[]string{"2 years 2 mons 40 days 25:01:03.5", "40", "71845263.500000", "25", "3500.000", "2", "2"}, nil},
		{"SELECT extract(year FROM interval '-14 mons'), extract(month FROM interval '-14 mons'), extract(quarter FROM interval '-14 mons'), extract(epoch FROM interval '-1 day -1 mon'), extract(decade FROM interval '-15 years')",
			[]string{"-1", "-2", "1", "-2678400.000000", "-1"}, nil},
		{"SELECT date_trunc('milliseconds', " + ts + "), date_trunc('second', " + ts + "), date_trunc('minute', " + ts + "), date_trunc('hour', " + ts + "), date_trunc('day', " + ts + ")",
			[]string{"2024-02-29 13:14:15.123", "2024-02-29 13:14:15", "2024-02-29 13:14:00", "2024-02-29 13:00:00", "2024-02-29 00:00:00"}, []string{"timestamp"}},
		{"SELECT date_trunc('week', " + ts + "), date_trunc('month', " + ts + "), date_trunc('quarter', " + ts + "), date_trunc('year', " + ts + "), date_trunc('decade', " + ts + "), date_trunc('century', " + ts + "), date_trunc('millennium', " + ts + ")",
			[]string{"2024-02-26 00:00:00", "2024-02-01 00:00:00", "2024-01-01 00:00:00", "2024-01-01 00:00:00", "2020-01-01 00:00:00", "2001-01-01 00:00:00", "2001-01-01 00:00:00"}, nil},
		{"SELECT date_trunc('week', date '2021-01-03'), date_trunc('DAYS', timestamptz '2024-02-29 23:14:15+00'), date_trunc('day', timestamptz '2024-02-29 23:14:15+00', 'Asia/Tokyo'), date_trunc('day', timestamptz '2024-02-29 23:14:15+00', '+05')",
			[]string{"2020-12-28 00:00:00+00", "2024-02-29 00:00:00+00", "2024-02-29 15:00:00+00", "2024-02-29 05:00:00+00"}, []string{"timestamptz"}},
		{"SELECT date_trunc('hour', interval '1 year 2 mons 3 days 04:05:06.5'), date_trunc('month', interval '-1 year -14 mons -3 days'), date_trunc('quarter', interval '5 mons 3 days'), date_trunc('millisecond', interval '1.2345 sec')",
			[]string{"1 year 2 mons 3 days 04:00:00", "-2 years -2 mons", "3 mons", "00:00:01.234"}, []string{"interval"}},
		{"SELECT age(timestamp '2024-03-01', timestamp '2024-01-31'), age(timestamp '2024-01-31', timestamp '2024-03-01'), age(timestamp '2001-04-10', timestamp '1957-06-13'), age(timestamptz '2024-03-01 10:00+00', timestamptz '2023-02-28 12:30:15.5+00')",
			[]string{"1 mon 1 day", "-1 mons -1 days", "43 years 9 mons 27 days", "1 year 21:29:44.5"}, []string{"interval"}},
		{"SELECT make_date(2024, 2, 29), make_timestamp(2024, 2, 29, 13, 14, 15.5), make_timestamptz(2024, 2, 29, 13, 14, 15.5, 'Asia/Tokyo'), make_interval(1, 2, 3, 4, 5, 6, 7.5), to_timestamp(1709212455.5)",
			[]string{"2024-02-29", "2024-02-29 13:14:15.5", "2024-02-29 04:14:15.5+00", "1 year 2 mons 25 days 05:06:07.5", "2024-02-29 13:14:15.5+00"}, []string{"date", "timestamp", "timestamptz", "interval", "timestamptz"}},
		{"SELECT make_interval(days => 3), make_interval(1, secs => 1.5), make_interval(hours => 2, mins => 30)",
			[]string{"3 days", "1 year 00:00:01.5", "02:30:00"}, []string{"interval"}},
		{"SELECT justify_hours(interval '50 hours'), justify_days(interval '35 days'), justify_interval(interval '1 mon -1 hour'), justify_interval(interval '-1 mon 1 hour')",
			[]string{"2 days 02:00:00", "1 mon 5 days", "29 days 23:00:00", "-29 days -23:00:00"}, nil},
		{"SELECT timestamptz '2024-02-29 23:14:15+00' AT TIME ZONE 'Asia/Tokyo', timestamp '2024-07-01 12:00' AT TIME ZONE 'America/New_York', timestamptz '2024-02-29 23:14:15+00' AT TIME ZONE 'UTC'",
			[]string{"2024-03-01 08:14:15", "2024-07-01 16:00:00+00", "2024-02-29 23:14:15"}, []string{"timestamp", "timestamptz", "timestamp"}},
		{"SELECT extract(day FROM NULL::date), date_trunc(NULL, " + ts + "), age(NULL::date, date '2024-01-01'), make_date(2024, NULL, 1)",
			[]string{"NULL", "NULL", "NULL", "NULL"}, []string{"numeric", "timestamp", "interval", "date"}},
	}
	for _, tc := range tests {
		t.Run(tc.sql, func(t *testing.T) {
			s := newSession(t)
			res, err := s.Exec(context.Background(), tc.sql)
			require.NoError(t, err)
			assert.Equal(t, [][]string{tc.want}, texts(t, s, tc.sql))
			for i, want := range tc.types {
				if len(tc.types) == 1 {
					for _, c := range res.Columns {
						assert.Equal(t, want, c.TypeName())
					}
					break
				}
				assert.Equal(t, want, res.Columns[i].TypeName(), "column %d", i)
			}
		})
	}
}

// Ensure unknown and unsupported fields, and arguments no function
// takes, fail with PostgreSQL's SQLSTATEs.
func TestSession_Exec_DateFunctionErrors(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT extract(foo FROM timestamp '2024-01-01')", "ERROR 22023"},
		{"SELECT date_part('foo', timestamp '2024-01-01')", "ERROR 22023"},
		{"SELECT extract(timezone FROM timestamp '2024-01-01')", "ERROR 0A000"},
		{"SELECT extract(hour FROM date '2024-01-01')", "ERROR 0A000"},
		{"SELECT extract(second FROM date '2024-01-01')", "ERROR 0A000"},
		{"SELECT extract(dow FROM interval '1 day')", "ERROR 0A000"},
		{"SELECT extract(week FROM interval '1 day')", "ERROR 0A000"},
		{"SELECT extract(foo FROM interval '1 day')", "ERROR 22023"},
		{"SELECT date_trunc('fortnight', timestamp '2024-01-01')", "ERROR 22023"},
		{"SELECT date_trunc('julian', timestamp '2024-01-01')", "ERROR 22023"},
		{"SELECT date_trunc(' day', timestamp '2024-01-01')", "ERROR 22023"},
		{"SELECT date_trunc('timezone', timestamp '2024-01-01')", "ERROR 0A000"},
		{"SELECT date_trunc('week', interval '10 days')", "ERROR 0A000"},
		{"SELECT date_trunc('dow', interval '10 days')", "ERROR 22023"},
		{"SELECT date_trunc('day', '2024-01-01')", "ERROR 42725"},
		{"SELECT date_trunc('day', 42)", "ERROR 42883"},
		{"SELECT date_trunc('day', timestamp '2024-01-01', 'Mars/Olympus')", "ERROR 22023"},
		{"SELECT make_date(2024, 2, 30)", "ERROR 22008"},
		{"SELECT make_date(0, 1, 1)", "ERROR 22008"},
		{"SELECT make_timestamp(2024, 1, 1, 23, 60, 0)", "ERROR 22008"},
		{"SELECT to_timestamp('NaN'::float8)", "ERROR 22008"},
		{"SELECT make_interval(days => 3, days => 4)", "ERROR 42601"},
		{"SELECT make_interval(days => 3, 4)", "ERROR 42601"},
		{"SELECT make_interval(foo => 3)", "ERROR 42883"},
		{"SELECT make_interval(1, years => 2)", "ERROR 42883"},
		{"SELECT lower(x => 'a')", "ERROR 0A000"},
	}
	s := newSession(t)
	for _, tc := range tests {
		assert.Equal(t, tc.want, outcome(t, s, tc.sql), tc.sql)
	}
}

// Ensure age(t) counts from midnight of the transaction's date, read from
// the database's clock.
func TestSession_Exec_AgeFromToday(t *testing.T) {
	at := time.Date(2024, 3, 15, 17, 30, 0, 0, time.UTC)
	db, err := engine.Open(engine.Options{Clock: func() time.Time { return at }})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	s := pgsql.NewSession(db)
	assert.Equal(t, [][]string{{"1 year 1 mon 14 days", "-1 days", "2024-03-14 17:30:00+00", "t"}},
		texts(t, s, "SELECT age(timestamp '2023-02-01'), age(timestamptz '2024-03-16 00:00+00'), now() - interval '1 day', current_date - 1 = (CURRENT_TIMESTAMP - interval '1 day')::date"))
}

// Ensure an interval column stores, orders, groups and compares its values
// as PostgreSQL does, and survives reopening a durable database.
func TestSession_Exec_IntervalColumn(t *testing.T) {
	dir := t.TempDir()
	db, err := engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	s := pgsql.NewSession(db)
	for _, q := range []string{
		"CREATE TABLE jobs (id integer PRIMARY KEY, every interval NOT NULL, grace interval DEFAULT '5 minutes', started timestamp DEFAULT '2024-01-31')",
		"INSERT INTO jobs (id, every) VALUES (1, '1 mon'), (2, interval '30 days'), (3, '29 days 24:00:00'), (4, '-1 day'), (5, '1 year 2 mons 3 days 04:05:06.5')",
		"UPDATE jobs SET grace = grace * 2 WHERE id = 4",
	} {
		_, err := s.Exec(context.Background(), q)
		require.NoError(t, err, q)
	}
	check := func(s *pgsql.Session) {
		assert.Equal(t, [][]string{
			{"4", "-1 days", "00:10:00", "2024-01-30 00:00:00"},
			{"1", "1 mon", "00:05:00", "2024-02-29 00:00:00"},
			{"2", "30 days", "00:05:00", "2024-03-01 00:00:00"},
			{"3", "29 days 24:00:00", "00:05:00", "2024-03-01 00:00:00"},
			{"5", "1 year 2 mons 3 days 04:05:06.5", "00:05:00", "2025-04-03 04:05:06.5"},
		}, texts(t, s, "SELECT id, every, grace, started + every FROM jobs ORDER BY every, id"))
		// Equal spans group together; min keeps the last of them, as
		// PostgreSQL's does.
		assert.Equal(t, [][]string{{"-1 days", "1"}, {"29 days 24:00:00", "3"}, {"1 year 2 mons 3 days 04:05:06.5", "1"}},
			texts(t, s, "SELECT min(every), count(*) FROM jobs GROUP BY every ORDER BY every"))
		assert.Equal(t, [][]string{{"1"}, {"2"}, {"3"}}, texts(t, s, "SELECT id FROM jobs WHERE every = '1 mon' ORDER BY id"))
		assert.Equal(t, [][]string{{"1 year 3 mons 61 days 28:05:06.5", "3 mons 12 days 10:25:01.3"}}, texts(t, s, "SELECT sum(every), avg(every) FROM jobs"))
	}
	check(s)
	require.NoError(t, db.Close())
	db, err = engine.Open(engine.Options{Dir: dir})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	check(pgsql.NewSession(db))

	// The engine stores the interval's output text, which Go API readers see.
	err = db.View(context.Background(), func(tx *engine.Tx) error {
		r, err := tx.Get("jobs", int64(5))
		require.NoError(t, err)
		assert.Equal(t, "1 year 2 mons 3 days 04:05:06.5", r.Get("every"))
		return nil
	})
	require.NoError(t, err)
}

// Ensure an interval column cannot be in a key or an index, whose stored
// text would compare unlike intervals, nor declare modifiers.
func TestSession_Exec_IntervalColumnLimits(t *testing.T) {
	s := newSession(t)
	for _, q := range []string{
		"CREATE TABLE k (d interval PRIMARY KEY)",
		"CREATE TABLE k (id integer PRIMARY KEY, d interval UNIQUE)",
		"CREATE TABLE k (d interval(3))",
		"CREATE TABLE k (d interval day to second)",
	} {
		assert.Equal(t, "ERROR 0A000", outcome(t, s, q), q)
	}
	require.Equal(t, "CREATE TABLE", outcome(t, s, "CREATE TABLE k (id integer PRIMARY KEY, d interval)"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "CREATE INDEX ON k (d)"))
	assert.Equal(t, "ERROR 0A000", outcome(t, s, "ALTER TABLE k ADD CONSTRAINT k_d UNIQUE (d)"))
	assert.Equal(t, "ERROR 22007", outcome(t, s, "INSERT INTO k VALUES (1, 'soon')"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "INSERT INTO k VALUES (1, 42)"))
	assert.Equal(t, "ERROR 42804", outcome(t, s, "INSERT INTO k VALUES (1, 'x'::text)"))
}

// Ensure an interval passes as a parameter, an Interval or its text, and
// reaches database/sql as its text.
func TestSession_Exec_IntervalParams(t *testing.T) {
	s := newSession(t)
	res, err := s.Exec(context.Background(), "SELECT $1::interval + interval '1 hour', timestamp '2024-01-31' + $2::interval",
		pgsql.Interval{Months: 1, Days: 2, Micros: 3_000_000}, "1 month")
	require.NoError(t, err)
	assert.Equal(t, pgsql.Interval{Months: 1, Days: 2, Micros: 3_603_000_000}, res.Rows[0][0])
	assert.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), res.Rows[0][1])

	edb, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = edb.Close() })
	db := sql.OpenDB(pgsql.NewConnector(edb))
	t.Cleanup(func() { _ = db.Close() })
	var text string
	require.NoError(t, db.QueryRow("SELECT interval '1 day' * 1.5").Scan(&text))
	assert.Equal(t, "1 day 12:00:00", text)
}
