package pgsql_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql"
)

// openDB returns an in-memory DB closed at the end of the test.
func openNotifyDB(t *testing.T) *engine.DB {
	t.Helper()
	db, err := engine.Open(engine.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// taken renders what a session has been delivered as channel:payload.
func taken(s *pgsql.Session) []string {
	out := []string{}
	for _, n := range s.TakeNotifications() {
		out = append(out, n.Channel+":"+n.Payload)
	}
	return out
}

// Ensure NOTIFY reaches the sessions listening on its channel when its
// transaction commits, as PostgreSQL's: LISTEN and UNLISTEN take effect at
// commit, a rollback (or ROLLBACK TO an earlier savepoint) drops what it
// sent, repeats of a channel and payload fold into the first, and the
// order of sending is kept.
func TestSession_Notify_Semantics(t *testing.T) {
	tests := []struct {
		name  string
		steps [][2]string // session ("l" listener, "s" sender) and statement
		want  []string    // what l holds afterwards
	}{
		{"autocommit NOTIFY", [][2]string{{"l", "LISTEN jobs"}, {"s", "NOTIFY jobs, 'a'"}}, []string{"jobs:a"}},
		{"no payload", [][2]string{{"l", "LISTEN jobs"}, {"s", "NOTIFY jobs"}}, []string{"jobs:"}},
		{"pg_notify", [][2]string{{"l", "LISTEN jobs"}, {"s", "SELECT pg_notify('jobs', 'x')"}}, []string{"jobs:x"}},
		{"pg_notify NULL payload is empty", [][2]string{{"l", "LISTEN jobs"}, {"s", "SELECT pg_notify('jobs', NULL)"}}, []string{"jobs:"}},
		{"other channel", [][2]string{{"l", "LISTEN jobs"}, {"s", "NOTIFY other, 'a'"}}, []string{}},
		{"names are identifiers", [][2]string{{"l", `LISTEN "Mixed Case"`}, {"l", "LISTEN mixed"}, {"s", `NOTIFY "Mixed Case", '1'`}, {"s", `NOTIFY MIXED, '2'`}, {"s", `NOTIFY "mixed case", '3'`}}, []string{"Mixed Case:1", "mixed:2"}},
		{"pg_notify takes the name as it is", [][2]string{{"l", `LISTEN "Jobs"`}, {"s", "SELECT pg_notify('Jobs', '1')"}, {"s", "SELECT pg_notify('jobs', '2')"}}, []string{"Jobs:1"}},
		{"rolled back", [][2]string{{"l", "LISTEN jobs"}, {"s", "BEGIN"}, {"s", "NOTIFY jobs, 'a'"}, {"s", "ROLLBACK"}}, []string{}},
		{"failed transaction", [][2]string{{"l", "LISTEN jobs"}, {"s", "BEGIN"}, {"s", "NOTIFY jobs, 'a'"}, {"s", "SELECT 1/0"}, {"s", "COMMIT"}}, []string{}},
		{"failed statement", [][2]string{{"l", "LISTEN jobs"}, {"s", "SELECT pg_notify('jobs', 'a'), 1/0"}}, []string{}},
		{"folded and ordered", [][2]string{{"l", "LISTEN jobs"}, {"l", "LISTEN mail"}, {"s", "BEGIN"}, {"s", "NOTIFY jobs, 'b'"}, {"s", "NOTIFY mail, 'a'"}, {"s", "NOTIFY jobs, 'b'"}, {"s", "SELECT pg_notify('jobs', 'b')"}, {"s", "NOTIFY jobs, 'a'"}, {"s", "NOTIFY mail, 'b'"}, {"s", "COMMIT"}}, []string{"jobs:b", "mail:a", "jobs:a", "mail:b"}},
		{"folded in one statement", [][2]string{{"l", "LISTEN jobs"}, {"s", "SELECT pg_notify('jobs', (g % 2)::text) FROM generate_series(1, 5) g"}}, []string{"jobs:1", "jobs:0"}},
		{"transactions in commit order", [][2]string{{"l", "LISTEN jobs"}, {"s", "NOTIFY jobs, 'a'"}, {"s", "NOTIFY jobs, 'a'"}, {"s", "NOTIFY jobs, 'b'"}}, []string{"jobs:a", "jobs:a", "jobs:b"}},
		{"savepoint", [][2]string{{"l", "LISTEN jobs"}, {"s", "BEGIN"}, {"s", "NOTIFY jobs, '1'"}, {"s", "SAVEPOINT p"}, {"s", "NOTIFY jobs, '2'"}, {"s", "ROLLBACK TO p"}, {"s", "NOTIFY jobs, '3'"}, {"s", "NOTIFY jobs, '2'"}, {"s", "COMMIT"}}, []string{"jobs:1", "jobs:3", "jobs:2"}},
		{"savepoint before any", [][2]string{{"l", "LISTEN jobs"}, {"s", "BEGIN"}, {"s", "SAVEPOINT p"}, {"s", "NOTIFY jobs, '1'"}, {"s", "ROLLBACK TO p"}, {"s", "COMMIT"}}, []string{}},
		{"released savepoint", [][2]string{{"l", "LISTEN jobs"}, {"s", "BEGIN"}, {"s", "SAVEPOINT p"}, {"s", "NOTIFY jobs, '1'"}, {"s", "RELEASE p"}, {"s", "COMMIT"}}, []string{"jobs:1"}},
		{"LISTEN rolled back", [][2]string{{"l", "BEGIN"}, {"l", "LISTEN jobs"}, {"l", "ROLLBACK"}, {"s", "NOTIFY jobs"}}, []string{}},
		{"LISTEN rolled back to a savepoint", [][2]string{{"l", "BEGIN"}, {"l", "SAVEPOINT p"}, {"l", "LISTEN jobs"}, {"l", "ROLLBACK TO p"}, {"l", "COMMIT"}, {"s", "NOTIFY jobs"}}, []string{}},
		{"LISTEN not yet committed", [][2]string{{"l", "BEGIN"}, {"l", "LISTEN jobs"}, {"s", "NOTIFY jobs, 'before'"}, {"l", "COMMIT"}, {"s", "NOTIFY jobs, 'after'"}}, []string{"jobs:after"}},
		{"LISTEN twice", [][2]string{{"l", "LISTEN jobs"}, {"l", "LISTEN jobs"}, {"s", "NOTIFY jobs"}}, []string{"jobs:"}},
		{"UNLISTEN", [][2]string{{"l", "LISTEN jobs"}, {"l", "LISTEN mail"}, {"l", "UNLISTEN jobs"}, {"s", "NOTIFY jobs"}, {"s", "NOTIFY mail"}}, []string{"mail:"}},
		{"UNLISTEN *", [][2]string{{"l", "LISTEN jobs"}, {"l", "LISTEN mail"}, {"l", "UNLISTEN *"}, {"s", "NOTIFY jobs"}, {"s", "NOTIFY mail"}}, []string{}},
		{"UNLISTEN rolled back", [][2]string{{"l", "LISTEN jobs"}, {"l", "BEGIN"}, {"l", "UNLISTEN *"}, {"l", "ROLLBACK"}, {"s", "NOTIFY jobs"}}, []string{"jobs:"}},
		{"UNLISTEN drops what is queued", [][2]string{{"l", "LISTEN jobs"}, {"l", "LISTEN mail"}, {"s", "NOTIFY jobs"}, {"s", "NOTIFY mail"}, {"l", "UNLISTEN jobs"}}, []string{"mail:"}},
		{"LISTEN then UNLISTEN in one transaction", [][2]string{{"l", "BEGIN"}, {"l", "LISTEN jobs"}, {"l", "UNLISTEN jobs"}, {"l", "COMMIT"}, {"s", "NOTIFY jobs"}}, []string{}},
		{"UNLISTEN * then LISTEN", [][2]string{{"l", "LISTEN mail"}, {"l", "BEGIN"}, {"l", "UNLISTEN *"}, {"l", "LISTEN jobs"}, {"l", "COMMIT"}, {"s", "NOTIFY jobs"}, {"s", "NOTIFY mail"}}, []string{"jobs:"}},
		{"the sender listening", [][2]string{{"l", "BEGIN"}, {"l", "LISTEN jobs"}, {"l", "NOTIFY jobs, 'self'"}, {"l", "COMMIT"}}, []string{"jobs:self"}},
		{"the sender unlistening", [][2]string{{"l", "LISTEN jobs"}, {"l", "BEGIN"}, {"l", "NOTIFY jobs, 'self'"}, {"l", "UNLISTEN jobs"}, {"l", "COMMIT"}}, []string{}},
		{"implicit block", [][2]string{{"l", "LISTEN jobs"}, {"s", "NOTIFY jobs, '1'; NOTIFY jobs, '2'; NOTIFY jobs, '1'"}}, []string{"jobs:1", "jobs:2"}},
		{"implicit block failing", [][2]string{{"l", "LISTEN jobs"}, {"s", "NOTIFY jobs, '1'; SELECT 1/0"}}, []string{}},
		{"DO block", [][2]string{{"l", "LISTEN jobs"}, {"s", "DO $$ BEGIN NOTIFY jobs, 'do'; PERFORM pg_notify('jobs', 'do2'); END $$"}}, []string{"jobs:do", "jobs:do2"}},
		{"exception block", [][2]string{{"l", "LISTEN jobs"}, {"s", "DO $$ BEGIN PERFORM pg_notify('jobs', '1'); BEGIN PERFORM pg_notify('jobs', '2'); PERFORM 1/0; EXCEPTION WHEN division_by_zero THEN PERFORM pg_notify('jobs', '3'); END; END $$"}}, []string{"jobs:1", "jobs:3"}},
		{"trigger", [][2]string{{"l", "LISTEN jobs"}, {"s", "CREATE TABLE j (id int PRIMARY KEY)"}, {"s", "CREATE FUNCTION jn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('jobs', NEW.id::text); RETURN NEW; END $$"}, {"s", "CREATE TRIGGER jn AFTER INSERT ON j FOR EACH ROW EXECUTE FUNCTION jn()"}, {"s", "INSERT INTO j VALUES (1), (2)"}}, []string{"jobs:1", "jobs:2"}},
		{"read-only transaction", [][2]string{{"l", "LISTEN jobs"}, {"s", "BEGIN READ ONLY"}, {"s", "NOTIFY jobs"}, {"s", "COMMIT"}}, []string{"jobs:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openNotifyDB(t)
			sessions := map[string]*pgsql.Session{"l": pgsql.NewSession(db), "s": pgsql.NewSession(db)}
			for _, st := range tc.steps {
				_, _ = sessions[st[0]].Exec(context.Background(), st[1])
			}
			assert.Equal(t, tc.want, taken(sessions["l"]))
			assert.Empty(t, taken(sessions["s"]), "the sender listens on nothing")
		})
	}
}

// Ensure a transaction's notifications reach a listener only at its
// commit, together, carrying the sender's process ID, and that a session
// listening receives its own.
func TestSession_Notify_AtCommit(t *testing.T) {
	db := openNotifyDB(t)
	l, s := pgsql.NewSession(db), pgsql.NewSession(db)
	require.Equal(t, "LISTEN", outcome(t, l, "LISTEN jobs"))
	require.Equal(t, "LISTEN", outcome(t, s, "LISTEN jobs"))
	require.Equal(t, "BEGIN", outcome(t, s, "BEGIN"))
	require.Equal(t, "NOTIFY", outcome(t, s, "NOTIFY jobs, '1'"))
	require.Equal(t, "NOTIFY", outcome(t, s, "NOTIFY jobs, '2'"))
	assert.False(t, l.HasNotifications(), "nothing before the commit")
	require.Equal(t, "COMMIT", outcome(t, s, "COMMIT"))
	want := []pgsql.Notification{{PID: s.BackendPID(), Channel: "jobs", Payload: "1"}, {PID: s.BackendPID(), Channel: "jobs", Payload: "2"}}
	assert.Equal(t, want, l.TakeNotifications())
	assert.Equal(t, want, s.TakeNotifications(), "the sender listens too")
	assert.NotEqual(t, l.BackendPID(), s.BackendPID())
	assert.Equal(t, [][]string{{fmt.Sprint(s.BackendPID())}}, texts(t, s, "SELECT pg_backend_pid()"))

	// Prepare describes pg_notify without sending (its trial run has NULL
	// arguments), in a transaction too.
	require.Equal(t, "BEGIN", outcome(t, s, "BEGIN"))
	p, err := s.Prepare(context.Background(), "SELECT pg_notify($1, $2)", nil)
	require.NoError(t, err)
	assert.Equal(t, []uint32{25, 25}, p.ParamOIDs())
	require.Equal(t, "SELECT 1", outcome(t, s, "SELECT pg_notify($1, $2)", "jobs", "3"))
	require.Equal(t, "COMMIT", outcome(t, s, "COMMIT"))
	assert.Equal(t, []string{"jobs:3"}, taken(l))
}

// Ensure channels belong to one database: sessions over another DB never
// hear them, sessions over the same DB (NewConnector's included) do.
func TestSession_Notify_PerDatabase(t *testing.T) {
	db1, db2 := openNotifyDB(t), openNotifyDB(t)
	l1, l2 := pgsql.NewSession(db1), pgsql.NewSession(db2)
	require.Equal(t, "LISTEN", outcome(t, l1, "LISTEN jobs"))
	require.Equal(t, "LISTEN", outcome(t, l2, "LISTEN jobs"))

	sqlDB := sql.OpenDB(pgsql.NewConnector(db1))
	t.Cleanup(func() { _ = sqlDB.Close() })
	_, err := sqlDB.Exec("NOTIFY jobs, 'one'")
	require.NoError(t, err)
	assert.Equal(t, []string{"jobs:one"}, taken(l1))
	assert.Empty(t, taken(l2))
}

// Ensure pg_listening_channels lists the committed channels in the order
// they were listened on, and that the statements' errors are
// PostgreSQL's.
func TestSession_Notify_ChannelsAndErrors(t *testing.T) {
	s := pgsql.NewSession(openNotifyDB(t))
	assert.Equal(t, [][]string{}, texts(t, s, "SELECT pg_listening_channels()"))
	for _, sql := range []string{"LISTEN b", "LISTEN a", `LISTEN "C"`, "LISTEN b", "BEGIN", "LISTEN d"} {
		require.NotContains(t, outcome(t, s, sql), "ERROR", sql)
	}
	assert.Equal(t, [][]string{{"b"}, {"a"}, {"C"}}, texts(t, s, "SELECT * FROM pg_listening_channels()"), "d is not committed yet")
	require.Equal(t, "COMMIT", outcome(t, s, "COMMIT"))
	require.Equal(t, "UNLISTEN", outcome(t, s, "UNLISTEN a"))
	require.Equal(t, "UNLISTEN", outcome(t, s, "UNLISTEN nope"))
	assert.Equal(t, [][]string{{"b"}, {"C"}, {"d"}}, texts(t, s, "SELECT c FROM pg_listening_channels() AS c"))

	tests := []struct{ sql, want string }{
		{"NOTIFY c, '" + strings.Repeat("x", 7999) + "'", "NOTIFY"},
		{"NOTIFY c, '" + strings.Repeat("x", 8000) + "'", "ERROR 22023"},
		{"SELECT pg_notify('c', repeat('é', 4000))", "ERROR 22023"},
		{"SELECT pg_notify(NULL, 'x')", "ERROR 22023"},
		{"SELECT pg_notify('', 'x')", "ERROR 22023"},
		{"SELECT pg_notify(repeat('c', 63), 'x')", "SELECT 1"},
		{"SELECT pg_notify(repeat('c', 64), 'x')", "ERROR 22023"},
		{"SELECT pg_notify(1, 'x')", "ERROR 42883"},
		{"SELECT pg_notify('c')", "ERROR 42883"},
		{"SELECT pg_listening_channels(1)", "ERROR 42883"},
		{`NOTIFY ""`, "ERROR 42601"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, outcome(t, s, tc.sql), tc.sql)
	}
	var pe *pgsql.Error
	_, err := s.Exec(context.Background(), "SELECT pg_notify(NULL, 'x')")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "channel name cannot be empty", pe.Message)
	_, err = s.Exec(context.Background(), "NOTIFY c, '"+strings.Repeat("x", 8000)+"'")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "payload string too long", pe.Message)
}

// Ensure WaitForNotification waits for a notification, ends with its
// context, and ends with ErrSessionClosed once the session is closed.
func TestSession_WaitForNotification(t *testing.T) {
	db := openNotifyDB(t)
	l, s := pgsql.NewSession(db), pgsql.NewSession(db)
	require.Equal(t, "LISTEN", outcome(t, l, "LISTEN jobs"))
	got := make(chan pgsql.Notification, 1)
	go func() {
		n, err := l.WaitForNotification(context.Background())
		assert.NoError(t, err)
		got <- n
	}()
	require.Equal(t, "NOTIFY", outcome(t, s, "NOTIFY jobs, 'run'"))
	assert.Equal(t, pgsql.Notification{PID: s.BackendPID(), Channel: "jobs", Payload: "run"}, <-got)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := l.WaitForNotification(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	done := make(chan error, 1)
	go func() {
		_, err := l.WaitForNotification(context.Background())
		done <- err
	}()
	require.NoError(t, l.Close())
	require.ErrorIs(t, <-done, pgsql.ErrSessionClosed)
	require.Equal(t, "NOTIFY", outcome(t, s, "NOTIFY jobs, 'after'"), "a closed listener is gone from the channel")
}

// listeningConn returns a database/sql pool over a new database and one
// of its connections, which has run LISTEN jobs; both close when t ends.
func listeningConn(t *testing.T) (*sql.DB, *sql.Conn) {
	t.Helper()
	db := sql.OpenDB(pgsql.NewConnector(openNotifyDB(t)))
	t.Cleanup(func() { _ = db.Close() })
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	_, err = conn.ExecContext(context.Background(), "LISTEN jobs")
	require.NoError(t, err)
	return db, conn
}

// Ensure a database/sql connection receives notifications through
// sql.Conn.Raw and Notifier.
func TestNotifier_DatabaseSQL(t *testing.T) {
	db, conn := listeningConn(t)
	ctx := context.Background()
	var err error
	_, err = db.ExecContext(ctx, "SELECT pg_notify('jobs', '42')")
	require.NoError(t, err)
	var n pgsql.Notification
	var pid uint32
	require.NoError(t, conn.Raw(func(dc any) (err error) {
		pid = dc.(pgsql.Notifier).BackendPID()
		n, err = dc.(pgsql.Notifier).WaitForNotification(ctx)
		return err
	}))
	assert.Equal(t, "jobs", n.Channel)
	assert.Equal(t, "42", n.Payload)
	assert.NotEqual(t, pid, n.PID, "another connection sent it")
}

// Ensure OnNotification hands each notification to its callback, in
// order, on a goroutine of its own, and stops with nil.
func TestNotifier_OnNotification(t *testing.T) {
	db, conn := listeningConn(t)
	ctx := context.Background()
	var err error
	_, err = db.ExecContext(ctx, "NOTIFY jobs, 'queued before'")
	require.NoError(t, err)
	got := make(chan string, 10)
	require.NoError(t, conn.Raw(func(dc any) error {
		dc.(pgsql.Notifier).OnNotification(func(n pgsql.Notification) { got <- n.Payload })
		return nil
	}))
	assert.Equal(t, "queued before", <-got)
	_, err = db.ExecContext(ctx, "NOTIFY jobs, '1'; NOTIFY jobs, '2'")
	require.NoError(t, err)
	assert.Equal(t, "1", <-got)
	assert.Equal(t, "2", <-got)

	require.NoError(t, conn.Raw(func(dc any) error {
		dc.(pgsql.Notifier).OnNotification(nil)
		return nil
	}))
	_, err = db.ExecContext(ctx, "NOTIFY jobs, 'kept'")
	require.NoError(t, err)
	require.NoError(t, conn.Raw(func(dc any) (err error) {
		n, err := dc.(pgsql.Notifier).WaitForNotification(ctx)
		assert.Equal(t, "kept", n.Payload)
		return err
	}))
	assert.Empty(t, got)
}

// Ensure a listener that never takes its notifications blocks no sender:
// once its queue is full, a sending transaction fails with PostgreSQL's
// 54000 and rolls back, and other listeners get what commits.
func TestSession_Notify_QueueFull(t *testing.T) {
	db := openNotifyDB(t)
	dead, live, s := pgsql.NewSession(db), pgsql.NewSession(db), pgsql.NewSession(db)
	require.Equal(t, "LISTEN", outcome(t, dead, "LISTEN jobs"))
	require.Equal(t, "LISTEN", outcome(t, live, "LISTEN jobs"))
	fill := fmt.Sprintf("SELECT count(pg_notify('jobs', repeat('x', 7900) || g)) FROM generate_series(1, %d) g", pgsql.NotifyQueueLimit/8000)
	require.Equal(t, "SELECT 1", outcome(t, s, fill))
	assert.Len(t, live.TakeNotifications(), pgsql.NotifyQueueLimit/8000)

	var pe *pgsql.Error
	_, err := s.Exec(context.Background(), "CREATE TABLE t (a int); SELECT pg_notify('jobs', repeat('y', 7900) || g) FROM generate_series(1, 100) g")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "54000", pe.Code)
	assert.Equal(t, "too many notifications in the NOTIFY queue", pe.Message)
	assert.Equal(t, "ERROR 42P01", outcome(t, s, "SELECT * FROM t"), "the transaction rolled back")
	assert.False(t, live.HasNotifications())

	require.Equal(t, "NOTIFY", outcome(t, s, "NOTIFY other"), "other channels are free")
	assert.Len(t, dead.TakeNotifications(), pgsql.NotifyQueueLimit/8000)
	require.Equal(t, "NOTIFY", outcome(t, s, "NOTIFY jobs, 'room again'"))
	assert.Equal(t, []string{"jobs:room again"}, taken(live))
}

// Ensure notifications of concurrent senders all arrive, each sender's in
// its order (run with -race).
func TestSession_Notify_Concurrent(t *testing.T) {
	db := openNotifyDB(t)
	l := pgsql.NewSession(db)
	require.Equal(t, "LISTEN", outcome(t, l, "LISTEN jobs"))
	const senders, each = 4, 50
	var wg sync.WaitGroup
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := pgsql.NewSession(db)
			defer s.Close()
			for j := range each {
				if _, err := s.Exec(context.Background(), fmt.Sprintf("NOTIFY jobs, '%d %d'", i, j)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	next := make([]int, senders)
	for range senders * each {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		n, err := l.WaitForNotification(ctx)
		cancel()
		require.NoError(t, err)
		var i, j int
		_, err = fmt.Sscanf(n.Payload, "%d %d", &i, &j)
		require.NoError(t, err)
		require.Equal(t, next[i], j, "sender %d's order", i)
		next[i]++
	}
	wg.Wait()
}

// Listen on one database/sql connection and receive what another sends
// with pg_notify, through sql.Conn.Raw.
func ExampleNotifier() {
	db, err := sql.Open("reldb", "") // a fresh in-memory database
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx) // LISTEN belongs to one connection: keep it
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "LISTEN jobs"); err != nil {
		log.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "SELECT pg_notify('jobs', 'job 42')"); err != nil { // another connection
		log.Fatal(err)
	}
	err = conn.Raw(func(dc any) error { // wait for it
		n, err := dc.(pgsql.Notifier).WaitForNotification(ctx)
		fmt.Println(n.Channel, n.Payload)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: jobs job 42
}
