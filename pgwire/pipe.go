package pgwire

import (
	"net"
	"sync"
	"time"
)

// drainConn is the server's end of an in-memory pipe (Server.Dial). A
// net.Pipe has no buffer: a client writing a long pipeline blocks until
// the server reads, while the server, writing its answers, blocks until
// the client reads, and neither does. drainConn reads the client's bytes
// as they come, into a buffer of up to limit bytes, so the client's
// writes finish as they would into a socket's buffer.
type drainConn struct {
	net.Conn
	limit int

	// mu guards the fields below; cond signals a change to them.
	mu   sync.Mutex
	cond sync.Cond
	buf  []byte
	err  error // the pipe's read error, once it failed
}

func newDrainConn(c net.Conn, limit int) *drainConn {
	d := &drainConn{Conn: c, limit: limit}
	d.cond.L = &d.mu
	go d.fill()
	return d
}

// fill copies the pipe into buf until the pipe fails or closes.
func (d *drainConn) fill() {
	chunk := make([]byte, 32<<10)
	for {
		n, err := d.Conn.Read(chunk)
		d.mu.Lock()
		d.buf = append(d.buf, chunk[:n]...)
		if err != nil {
			d.err = err
		}
		d.cond.Broadcast()
		for d.err == nil && len(d.buf) > d.limit {
			d.cond.Wait()
		}
		d.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (d *drainConn) Read(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.buf) == 0 && d.err == nil {
		d.cond.Wait()
	}
	if len(d.buf) > 0 {
		n := copy(p, d.buf)
		d.buf = d.buf[n:]
		d.cond.Broadcast()
		return n, nil
	}
	return 0, d.err
}

// SetReadDeadline is a no-op: the buffer is read without deadlines.
func (d *drainConn) SetReadDeadline(time.Time) error { return nil }

// Close closes the pipe, which ends fill and wakes a Read.
func (d *drainConn) Close() error {
	err := d.Conn.Close()
	d.mu.Lock()
	if d.err == nil {
		d.err = net.ErrClosed
	}
	d.cond.Broadcast()
	d.mu.Unlock()
	return err
}
