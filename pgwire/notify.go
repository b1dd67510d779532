package pgwire

import (
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/reldb/reldb/pgsql"
)

// Asynchronous notifications (LISTEN and NOTIFY), sent as PostgreSQL
// sends them: to a client idle outside a transaction at once, while its
// connection waits for its next message (pgx's WaitForNotification and
// lib/pq's Listener block reading the socket), and to a busy one before
// the ReadyForQuery that ends its statement, unless a transaction block
// stays open: then after the block ends. Each NotificationResponse
// carries the sender's process ID, the one its BackendKeyData gave.
//
// The connection's goroutine writes everything else; the notifier
// goroutine writes a notification only while the connection is idle
// (note.idle, under note's lock, which the connection's goroutine takes to
// leave the idle state before it writes anything), so their writes never
// interleave. What has not been sent waits in the session's queue
// (pgsql.NotifyQueueLimit), so a client that never reads blocks only its
// own connection, never a sender.

// notifier sends the notifications delivered to an idle connection, until
// the session or the connection ends.
func (c *conn) notifier() {
	signal, closed := c.sess.NotificationSignal()
	for {
		select {
		case <-signal:
		case <-closed:
			return
		case <-c.done:
			return
		}
		c.note.Lock()
		if c.note.idle {
			c.writeNotificationsLocked()
		}
		c.note.Unlock()
	}
}

// writeNotificationsLocked writes what the session has been delivered
// straight to the client.
// REQUIRES: c.note held, c.note.idle, nothing else queued to write.
func (c *conn) writeNotificationsLocked() {
	var buf []byte
	for _, n := range c.sess.TakeNotifications() {
		buf, _ = notificationResponse(n).Encode(buf) // fails only beyond 4 GB
	}
	if len(buf) > 0 {
		_, _ = c.nc.Write(buf) // a failure ends the connection at its next read
	}
}

// enterIdle marks the connection idle as it waits for its next message,
// having sent ReadyForQuery outside a transaction: notifications delivered
// from now on go out at once, and those already delivered go out now.
func (c *conn) enterIdle() {
	c.note.Lock()
	defer c.note.Unlock()
	c.note.idle = true
	if c.sess.HasNotifications() {
		c.writeNotificationsLocked()
	}
}

// leaveIdle ends the idle state when a message arrives, waiting for a
// notification being written.
func (c *conn) leaveIdle() {
	c.note.Lock()
	c.note.idle = false
	c.note.Unlock()
}

// sendNotifications queues the session's notifications before a
// ReadyForQuery outside a transaction block.
func (c *conn) sendNotifications() {
	if !c.sess.HasNotifications() {
		return
	}
	for _, n := range c.sess.TakeNotifications() {
		c.send(notificationResponse(n))
	}
}

func notificationResponse(n pgsql.Notification) *pgproto3.NotificationResponse {
	return &pgproto3.NotificationResponse{PID: n.PID, Channel: n.Channel, Payload: n.Payload}
}
