package pgwire

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ensure 32 connections of mixed reads and writes lose no acknowledged
// write, and that closing the server leaves no goroutine behind.
func TestServer_Load(t *testing.T) {
	const conns = 32
	duration := 2 * time.Second
	if testing.Short() {
		duration = 300 * time.Millisecond
	}
	before := runtime.NumGoroutine()
	s := New(Options{})
	setup, _ := connect(t, s, "load")
	setup.query(`CREATE TABLE items (id bigint PRIMARY KEY, owner int NOT NULL); CREATE TABLE counters (id int PRIMARY KEY, n bigint NOT NULL); INSERT INTO counters VALUES (0, 0), (1, 0), (2, 0), (3, 0)`)

	deadline := time.Now().Add(duration)
	inserted := make([]int, conns)
	bumped := make([]int, conns)
	var wg sync.WaitGroup
	for w := range conns {
		c, _ := connect(t, s, "load")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				switch i % 3 {
				case 0: // an insert through the extended protocol
					id := strconv.Itoa(w*1_000_000 + i)
					if c.exec(`INSERT INTO items VALUES ($1, $2)`, id, strconv.Itoa(w)) == "CommandComplete INSERT 0 1" {
						inserted[w]++
					}
				case 1: // a contended update, which may lose a race (40001)
					if c.exec(`UPDATE counters SET n = n + 1 WHERE id = $1`, strconv.Itoa(w%4)) == "CommandComplete UPDATE 1" {
						bumped[w]++
					}
				case 2: // a read of this connection's own writes
					got := c.exec(`SELECT count(*) FROM items WHERE owner = $1`, strconv.Itoa(w))
					if got != "DataRow "+strconv.Itoa(inserted[w]) {
						t.Errorf("conn %d: read %q after %d inserts", w, got, inserted[w])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	ins, bump := 0, 0
	for w := range conns {
		ins += inserted[w]
		bump += bumped[w]
	}
	t.Logf("%d inserts and %d updates acknowledged", ins, bump)
	assert.Equal(t, "DataRow "+strconv.Itoa(ins), setup.query(`SELECT count(*) FROM items`)[1])
	assert.Equal(t, "DataRow "+strconv.Itoa(bump), setup.query(`SELECT sum(n) FROM counters`)[1])

	require.NoError(t, s.Close())
	for end := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(end) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exec runs sql with text arguments through Parse, Bind, Execute and
// Sync, and returns the last DataRow or CommandComplete, or the error.
func (c *client) exec(sql string, args ...string) string {
	params := make([][]byte, len(args))
	for i, a := range args {
		params[i] = []byte(a)
	}
	c.fe.Send(&pgproto3.Parse{Query: sql})
	c.fe.Send(&pgproto3.Bind{Parameters: params})
	c.fe.Send(&pgproto3.Execute{})
	c.fe.Send(&pgproto3.Sync{})
	if err := c.fe.Flush(); err != nil {
		return fmt.Sprint("flush: ", err)
	}
	row, last, failed := "", "", ""
	for {
		msg, err := c.fe.Receive()
		if err != nil {
			return fmt.Sprint("receive: ", err)
		}
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			row = describeMsg(m)
		case *pgproto3.CommandComplete:
			last = describeMsg(m)
		case *pgproto3.ErrorResponse:
			failed = "ERROR " + m.Code
		case *pgproto3.ReadyForQuery:
			if failed != "" {
				return failed
			}
			if row != "" {
				return row
			}
			return last
		}
	}
}
