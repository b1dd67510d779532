package pgsql_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// stepClock is a clock that moves forward one second on every read after
// start, so each call to it can be told apart.
type stepClock struct{ reads atomic.Int64 }

var clockStart = time.Date(2024, 3, 9, 23, 59, 58, 123456789, time.UTC)

func (c *stepClock) now() time.Time {
	return clockStart.Add(time.Duration(c.reads.Add(1)-1) * time.Second)
}

func clockSession(t *testing.T) *pgsql.Session {
	t.Helper()
	c := &stepClock{}
	db, err := engine.Open(engine.Options{Clock: c.now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return pgsql.NewSession(db)
}

// Ensure now() and current_timestamp read the database's clock once per
// transaction, cut to microseconds; statement_timestamp() once per
// statement; clock_timestamp() at each call; and that localtimestamp and
// current_date are the transaction's start in UTC.
func TestSession_Exec_Clock(t *testing.T) {
	s := clockSession(t)
	// Each statement outside BEGIN is a transaction: it reads the clock
	// once for now(), and clock_timestamp() reads it again.
	assert.Equal(t, [][]string{{"2024-03-09 23:59:58.123456+00", "2024-03-09 23:59:58.123456+00", "2024-03-09 23:59:58.123456", "2024-03-09", "2024-03-09 23:59:59.123456+00"}},
		texts(t, s, "SELECT now(), current_timestamp, localtimestamp, current_date, clock_timestamp()"))
	assert.Equal(t, [][]string{{"2024-03-10 00:00:00.123456+00", "2024-03-10"}}, texts(t, s, "SELECT transaction_timestamp(), current_date"))

	require.Equal(t, "BEGIN", outcome(t, s, "BEGIN")) // reads 00:00:01
	assert.Equal(t, [][]string{{"2024-03-10 00:00:01.123456+00", "2024-03-10 00:00:02.123456+00"}}, texts(t, s, "SELECT now(), statement_timestamp()"))
	assert.Equal(t, [][]string{{"2024-03-10 00:00:01.123456+00", "2024-03-10 00:00:03.123456+00"}}, texts(t, s, "SELECT now(), statement_timestamp()"))
	assert.Equal(t, [][]string{{"2024-03-10 00:00:01.12+00", "2024-03-10 00:00:01+00"}}, texts(t, s, "SELECT current_timestamp(2), current_timestamp(0)"))
	require.Equal(t, "COMMIT", outcome(t, s, "COMMIT"))
}

// Ensure a DEFAULT that reads the clock is evaluated at each insert (and
// for SET col = DEFAULT), while a constant DEFAULT is not, and that a
// DEFAULT whose type does not fit its column fails CREATE TABLE.
func TestSession_Exec_ClockDefault(t *testing.T) {
	s := clockSession(t)
	require.Equal(t, "CREATE TABLE", outcome(t, s, `CREATE TABLE events (id integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),
		day date DEFAULT current_date, local timestamp DEFAULT localtimestamp, note text DEFAULT 'none')`)) // reads 23:59:58
	require.Equal(t, "INSERT 0 2", outcome(t, s, `INSERT INTO events (id) VALUES (1), (2)`))
	require.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO events VALUES (3, DEFAULT, NULL, DEFAULT, DEFAULT)`))
	require.Equal(t, "INSERT 0 1", outcome(t, s, `INSERT INTO events (id, at) VALUES (4, '2000-01-01 00:00:00+00')`))
	require.Equal(t, "UPDATE 1", outcome(t, s, `UPDATE events SET at = DEFAULT WHERE id = 4`))
	assert.Equal(t, [][]string{
		{"1", "2024-03-09 23:59:59.123456+00", "2024-03-09", "2024-03-09 23:59:59.123456", "none"},
		{"2", "2024-03-09 23:59:59.123456+00", "2024-03-09", "2024-03-09 23:59:59.123456", "none"},
		{"3", "2024-03-10 00:00:00.123456+00", "NULL", "2024-03-10 00:00:00.123456", "none"},
		{"4", "2024-03-10 00:00:02.123456+00", "2024-03-10", "2024-03-10 00:00:01.123456", "none"},
	}, texts(t, s, "SELECT * FROM events ORDER BY id"))

	assert.Equal(t, "ERROR 42804", outcome(t, s, `CREATE TABLE bad (id integer PRIMARY KEY, n integer DEFAULT now())`))
	assert.Equal(t, "ERROR 42P01", outcome(t, s, `SELECT * FROM bad`))
}
