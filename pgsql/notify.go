package pgsql

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/reldb/reldb/engine"
	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// LISTEN, UNLISTEN and NOTIFY, and pg_notify(), as PostgreSQL's:
// channels belong to one database (one engine.DB: every Session over it,
// embedded or served by pgwire, shares them; another DB has its own).
// LISTEN and UNLISTEN take effect when their transaction commits, and a
// NOTIFY (or pg_notify) is queued in its transaction and delivered, to
// every session then listening on its channel, the sender included, only
// when it commits; a rollback, or a ROLLBACK TO a savepoint taken before
// it, drops it. A transaction's notifications arrive together, in the
// order they were sent, a repeat of a (channel, payload) pair folded into
// the first, and transactions' notifications arrive in commit order.
//
// Each session keeps what was delivered to it and not taken yet in a
// queue of its own, so a slow or gone listener never blocks a sender or
// another listener. The queue is bounded (NotifyQueueLimit bytes): a
// COMMIT whose notifications would not fit in some listener's queue fails
// with PostgreSQL's 54000, "too many notifications in the NOTIFY queue",
// and rolls back, as PostgreSQL's does when its shared queue is full.
// UNLISTEN drops what its channels had queued and not taken yet (as
// PostgreSQL, which checks the channel when it reads the queue).

// NotifyQueueLimit bounds the notifications a session holds undelivered,
// in bytes (a notification counts its channel, its payload and 32).
const NotifyQueueLimit = 32 << 20

const (
	// maxPayload is PostgreSQL's NOTIFY_PAYLOAD_MAX_LENGTH: a payload must
	// be shorter.
	maxPayload = 8000
	// maxChannel is NAMEDATALEN: a channel name must be shorter.
	maxChannel = 64
	// notifyOverhead is what a queued notification counts besides its text.
	notifyOverhead = 32
)

// Notification is an asynchronous notification, as PostgreSQL's
// NotificationResponse carries it.
type Notification struct {
	// PID is the sending session's backend process ID (Session.BackendPID;
	// over pgwire, the one BackendKeyData gave its client).
	PID     uint32
	Channel string
	Payload string
}

func (n Notification) size() int { return len(n.Channel) + len(n.Payload) + notifyOverhead }

// Notifier is how an embedded program receives the notifications of a
// connection of the database/sql driver, whose connections implement it
// (database/sql has no notification API), as pgx's WaitForNotification:
//
//	conn, _ := db.Conn(ctx) // one connection, kept: LISTEN is per session
//	_, _ = conn.ExecContext(ctx, "LISTEN jobs")
//	var n pgsql.Notification
//	err := conn.Raw(func(dc any) (err error) {
//		n, err = dc.(pgsql.Notifier).WaitForNotification(ctx)
//		return err
//	})
//
// A Session implements it too. A callback outlives the Raw call:
//
//	err := conn.Raw(func(dc any) error {
//		dc.(pgsql.Notifier).OnNotification(func(n pgsql.Notification) { invalidate(n.Payload) })
//		return nil
//	})
type Notifier interface {
	// WaitForNotification returns the oldest notification delivered to
	// the session and not returned yet, waiting for one until ctx ends
	// (ctx's error) or the session is closed (ErrSessionClosed). It may
	// be called from any goroutine, also while another runs statements
	// on the session; notifications are returned as they are delivered,
	// also while the session is in a transaction block.
	WaitForNotification(ctx context.Context) (Notification, error)
	// OnNotification makes the session hand each notification delivered
	// to it to fn, in order of delivery, one at a time, on a goroutine of
	// its own (never the sender's: a slow fn delays only this session's
	// later notifications, which wait in its queue); nil stops that, and
	// later notifications wait for WaitForNotification or the next fn.
	// Use it or WaitForNotification, not both. fn must not run
	// statements on the session while its owner may.
	OnNotification(fn func(Notification))
	// BackendPID is the session's backend process ID, pg_backend_pid(),
	// which the notifications it sends carry.
	BackendPID() uint32
}

var (
	_ Notifier = (*Session)(nil)
	_ Notifier = (*conn)(nil)
)

// ErrSessionClosed is returned by WaitForNotification once the session is
// closed.
var ErrSessionClosed = errors.New("pgsql: session closed")

// notifyHub is one database's channels: the listeners of each.
type notifyHub struct {
	// mu covers channels, and orders deliveries: a notifying transaction
	// commits and delivers under it, so listeners see commit order.
	mu       sync.Mutex
	channels map[string]map[*listener]struct{}
}

type notifyHubKey struct{}

func hubOf(db *engine.DB) *notifyHub {
	return db.Extension(notifyHubKey{}, func() any {
		return &notifyHub{channels: map[string]map[*listener]struct{}{}}
	}).(*notifyHub)
}

// listener is a session's queue of delivered notifications. It is safe
// for concurrent use.
type listener struct {
	signal chan struct{} // capacity 1: something was queued
	done   chan struct{} // closed when the session closes
	// fn is OnNotification's callback, nil for none; run, started once,
	// calls it.
	fn    atomic.Pointer[func(Notification)]
	start sync.Once
	// queued is len(mu.queue), set under mu, read without it: a wire
	// connection asks before every ReadyForQuery.
	queued atomic.Int64
	mu     struct {
		sync.Mutex
		queue []Notification
		bytes int // the sizes of queue's notifications
	}
}

func newListener() *listener {
	return &listener{signal: make(chan struct{}, 1), done: make(chan struct{})}
}

// closedListener is the listener of every closed session.
var closedListener = func() *listener {
	l := newListener()
	close(l.done)
	return l
}()

// push queues a transaction's notifications for the listener, together.
func (l *listener) push(batch []Notification) {
	l.mu.Lock()
	l.mu.queue = append(l.mu.queue, batch...)
	for _, n := range batch {
		l.mu.bytes += n.size()
	}
	l.queued.Store(int64(len(l.mu.queue)))
	l.mu.Unlock()
	select {
	case l.signal <- struct{}{}:
	default:
	}
}

// take removes and returns what is queued.
func (l *listener) take() []Notification {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.mu.queue
	l.mu.queue, l.mu.bytes = nil, 0
	l.queued.Store(0)
	return q
}

// pending reports whether something is queued.
func (l *listener) pending() bool { return l.queued.Load() > 0 }

// next removes and returns the oldest notification queued.
func (l *listener) next() (Notification, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.mu.queue) == 0 {
		return Notification{}, false
	}
	n := l.mu.queue[0]
	l.mu.queue[0] = Notification{}
	l.mu.queue = l.mu.queue[1:]
	if len(l.mu.queue) == 0 {
		l.mu.queue = nil
	}
	l.mu.bytes -= n.size()
	l.queued.Store(int64(len(l.mu.queue)))
	return n, true
}

// forget drops the queued notifications of channel, or of every channel.
func (l *listener) forget(channel string, all bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := l.mu.queue[:0]
	for _, n := range l.mu.queue {
		if all || n.Channel == channel {
			l.mu.bytes -= n.size()
			continue
		}
		kept = append(kept, n)
	}
	clear(l.mu.queue[len(kept):])
	l.mu.queue = kept
	l.queued.Store(int64(len(kept)))
}

// room reports how many more bytes the queue takes.
func (l *listener) room() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return NotifyQueueLimit - l.mu.bytes
}

// notifyState is a session's part in LISTEN and NOTIFY.
type notifyState struct {
	lis atomic.Pointer[listener] // made on first use; closedListener once closed
	// channels are the channels the session listens on, in the order it
	// began to (pg_listening_channels); only the session's goroutine
	// touches it, under the hub's lock when changing it.
	channels []string
	pid      uint32 // the backend process ID; 0 until given or asked for
	pending  pendingNotify
}

// pendingNotify are the LISTEN, UNLISTEN and NOTIFY of the transaction tx,
// for its commit.
type pendingNotify struct {
	tx      *engine.Tx
	actions []listenAction
	notes   []Notification
	seen    map[Notification]struct{} // notes, to fold repeats
}

// listenAction is a LISTEN (listen), an UNLISTEN channel or UNLISTEN *
// (all).
type listenAction struct {
	channel     string
	listen, all bool
}

// notifyMark is how much of the transaction's pending work a savepoint
// keeps when rolled back to.
type notifyMark struct {
	tx             *engine.Tx
	actions, notes int
}

// lastPID numbers the embedded sessions' backend process IDs.
var lastPID atomic.Uint32

// BackendPID returns the session's backend process ID: pg_backend_pid(),
// and the PID of the notifications it sends. A session numbers itself on
// first use, unless SetBackendPID gave it one.
func (s *Session) BackendPID() uint32 {
	if s.notes.pid == 0 {
		s.notes.pid = lastPID.Add(1)
	}
	return s.notes.pid
}

// SetBackendPID sets the session's backend process ID, as a server that
// told its client one (BackendKeyData) does. Call it before the session
// runs a statement.
func (s *Session) SetBackendPID(pid uint32) { s.notes.pid = pid }

// listener returns the session's queue, making it on first use.
func (s *Session) listener() *listener {
	if l := s.notes.lis.Load(); l != nil {
		return l
	}
	s.notes.lis.CompareAndSwap(nil, newListener())
	return s.notes.lis.Load()
}

// WaitForNotification implements Notifier.
func (s *Session) WaitForNotification(ctx context.Context) (Notification, error) {
	l := s.listener()
	for {
		if n, ok := l.next(); ok {
			return n, nil
		}
		select {
		case <-l.signal:
		case <-l.done:
			if n, ok := l.next(); ok {
				return n, nil
			}
			return Notification{}, ErrSessionClosed
		case <-ctx.Done():
			return Notification{}, ctx.Err()
		}
	}
}

// TakeNotifications removes and returns the notifications delivered to
// the session and not taken yet, in order of delivery. It may be called
// from any goroutine.
func (s *Session) TakeNotifications() []Notification { return s.listener().take() }

// HasNotifications reports whether notifications wait to be taken. It
// may be called from any goroutine.
func (s *Session) HasNotifications() bool { return s.listener().pending() }

// NotificationSignal returns a channel that receives a value after
// notifications are delivered to the session (one value for any number
// of them, so a receiver then takes all there are), and is closed when
// the session closes. It may be called from any goroutine; a wire server
// waits on it to send notifications to an idle client.
func (s *Session) NotificationSignal() (signal, closed <-chan struct{}) {
	l := s.listener()
	return l.signal, l.done
}

// OnNotification implements Notifier.
func (s *Session) OnNotification(fn func(Notification)) {
	l := s.listener()
	if l == closedListener {
		return
	}
	if fn == nil {
		l.fn.Store(nil)
		return
	}
	l.fn.Store(&fn)
	l.start.Do(func() { go l.run() })
	select { // for what is queued already
	case l.signal <- struct{}{}:
	default:
	}
}

// run hands what is queued to the callback, until the session closes.
func (l *listener) run() {
	for {
		select {
		case <-l.signal:
		case <-l.done:
			return
		}
		for {
			fn := l.fn.Load()
			if fn == nil {
				break
			}
			n, ok := l.next()
			if !ok {
				break
			}
			(*fn)(n)
		}
	}
}

// closeNotify ends the session's listening, when it closes.
func (s *Session) closeNotify() {
	l := s.notes.lis.Swap(closedListener)
	if l == nil || l == closedListener {
		return
	}
	if len(s.notes.channels) > 0 {
		hub := hubOf(s.db)
		hub.mu.Lock()
		hub.unlistenLocked(l, s.notes.channels)
		hub.mu.Unlock()
		s.notes.channels = nil
	}
	close(l.done)
}

// unlistenLocked removes l from channels.
// REQUIRES: hub.mu held.
func (hub *notifyHub) unlistenLocked(l *listener, channels []string) {
	for _, ch := range channels {
		if set := hub.channels[ch]; set != nil {
			delete(set, l)
			if len(set) == 0 {
				delete(hub.channels, ch)
			}
		}
	}
}

// pendingIn returns the pending work of tx, which starts empty in a new
// transaction: what a transaction rolled back left is dropped.
func (s *Session) pendingIn(tx *engine.Tx) *pendingNotify {
	p := &s.notes.pending
	if p.tx != tx {
		*p = pendingNotify{tx: tx}
	}
	return p
}

// listenStmt runs LISTEN and UNLISTEN: they take effect at commit.
func (s *Session) listenStmt(tx *engine.Tx, st ir.Statement) (Result, error) {
	p := s.pendingIn(tx)
	switch st := st.(type) {
	case *ir.Listen:
		p.actions = append(p.actions, listenAction{channel: st.Channel, listen: true})
		return Result{Tag: "LISTEN"}, nil
	case *ir.Unlisten:
		p.actions = append(p.actions, listenAction{channel: st.Channel, all: st.All})
	}
	return Result{Tag: "UNLISTEN"}, nil
}

// notifyStmt runs NOTIFY.
func (s *Session) notifyStmt(tx *engine.Tx, st *ir.Notify) (Result, error) {
	if err := s.queueNotify(tx, st.Channel, st.Payload); err != nil {
		return Result{}, err
	}
	return Result{Tag: "NOTIFY"}, nil
}

// queueNotify queues a notification in tx, for its commit, with
// PostgreSQL's checks.
func (s *Session) queueNotify(tx *engine.Tx, channel, payload string) error {
	switch {
	case channel == "":
		return pgerr.New(pgerr.InvalidParameterValue, "channel name cannot be empty")
	case len(channel) >= maxChannel:
		return pgerr.New(pgerr.InvalidParameterValue, "channel name too long")
	case len(payload) >= maxPayload:
		return pgerr.New(pgerr.InvalidParameterValue, "payload string too long")
	}
	p := s.pendingIn(tx)
	n := Notification{PID: s.BackendPID(), Channel: channel, Payload: payload}
	if _, dup := p.seen[n]; dup {
		return nil
	}
	if p.seen == nil {
		p.seen = map[Notification]struct{}{}
	}
	p.seen[n] = struct{}{}
	p.notes = append(p.notes, n)
	return nil
}

// notifyMark returns the mark a savepoint keeps of the pending work.
func (s *Session) notifyMark() notifyMark {
	p := &s.notes.pending
	return notifyMark{tx: p.tx, actions: len(p.actions), notes: len(p.notes)}
}

// rollbackNotify drops the pending work done after m, for ROLLBACK TO.
func (s *Session) rollbackNotify(m notifyMark) {
	p := &s.notes.pending
	if p.tx == nil {
		return
	}
	if p.tx != m.tx {
		*p = pendingNotify{} // all of it came after the savepoint
		return
	}
	p.actions = p.actions[:m.actions]
	for _, n := range p.notes[m.notes:] {
		delete(p.seen, n)
	}
	p.notes = p.notes[:m.notes]
}

// commitNotifying commits tx, which has pending LISTEN, UNLISTEN or NOTIFY
// work: under the hub's lock, it checks the listeners' queues have room,
// commits, applies the session's LISTEN and UNLISTEN in order, then
// delivers the notifications. commitDecls is schema.go's commit.
func (s *Session) commitNotifying(tx *engine.Tx) error {
	p := s.notes.pending
	s.notes.pending = pendingNotify{}
	if p.tx != tx || len(p.actions) == 0 && len(p.notes) == 0 {
		return s.commitDecls(tx, nil)
	}
	hub := hubOf(s.db)
	return s.commitDecls(tx, func() error {
		hub.mu.Lock()
		defer hub.mu.Unlock()
		if err := hub.roomLocked(p.notes); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		s.applyListenLocked(hub, p.actions)
		hub.deliverLocked(p.notes)
		return nil
	})
}

// roomLocked fails with 54000 if a listener's queue has no room for the
// notifications.
// REQUIRES: hub.mu held.
func (hub *notifyHub) roomLocked(notes []Notification) error {
	if len(notes) == 0 || len(hub.channels) == 0 {
		return nil
	}
	var need map[*listener]int
	for _, n := range notes {
		for l := range hub.channels[n.Channel] {
			if need == nil {
				need = map[*listener]int{}
			}
			need[l] += n.size()
		}
	}
	for l, size := range need {
		if size > l.room() {
			return pgerr.New("54000", "too many notifications in the NOTIFY queue")
		}
	}
	return nil
}

// applyListenLocked applies a committed transaction's LISTEN and UNLISTEN.
// REQUIRES: hub.mu held.
func (s *Session) applyListenLocked(hub *notifyHub, actions []listenAction) {
	if len(actions) == 0 {
		return
	}
	l := s.listener()
	for _, a := range actions {
		switch {
		case a.listen:
			if slices.Index(s.notes.channels, a.channel) >= 0 {
				continue
			}
			s.notes.channels = append(s.notes.channels, a.channel)
			set := hub.channels[a.channel]
			if set == nil {
				set = map[*listener]struct{}{}
				hub.channels[a.channel] = set
			}
			set[l] = struct{}{}
		case a.all:
			hub.unlistenLocked(l, s.notes.channels)
			s.notes.channels = nil
			l.forget("", true)
		default:
			i := slices.Index(s.notes.channels, a.channel)
			if i < 0 {
				continue
			}
			s.notes.channels = append(s.notes.channels[:i], s.notes.channels[i+1:]...)
			hub.unlistenLocked(l, []string{a.channel})
			l.forget(a.channel, false)
		}
	}
}

// deliverLocked queues a committed transaction's notifications for their
// listeners, each listener's together.
// REQUIRES: hub.mu held.
func (hub *notifyHub) deliverLocked(notes []Notification) {
	if len(notes) == 0 || len(hub.channels) == 0 {
		return
	}
	if len(notes) == 1 {
		for l := range hub.channels[notes[0].Channel] {
			l.push(notes)
		}
		return
	}
	batches := map[*listener][]Notification{}
	for _, n := range notes {
		for l := range hub.channels[n.Channel] {
			batches[l] = append(batches[l], n)
		}
	}
	for l, batch := range batches {
		l.push(batch)
	}
}

// notifyFunc computes pg_notify(channel, payload), which, unlike NOTIFY,
// takes a NULL payload as an empty one and a NULL channel as an empty
// name, and pg_listening_channels() in a select list's position (srf.go
// reads it in FROM); ok is false for another name.
func (ev *evaluator) notifyFunc(name string, vals []any, types []sqlType) (any, sqlType, bool, error) {
	if name != "pg_notify" {
		return nil, typUnknown, false, nil
	}
	if len(vals) != 2 || !textArg(types[0]) || !textArg(types[1]) {
		return nil, typText, true, pgerr.New(pgerr.UndefinedFunction, "function pg_notify(%s) does not exist", typeList(types))
	}
	if ev.q == nil {
		return nil, typText, true, pgerr.Unsupported("pg_notify outside a session's statement")
	}
	if ev.q.describe {
		return "", typText, true, nil // Prepare's trial run (prepare.go) sends nothing
	}
	channel, _ := vals[0].(string)
	payload, _ := vals[1].(string)
	if err := ev.q.s.queueNotify(ev.q.tx, channel, payload); err != nil {
		return nil, typText, true, err
	}
	return "", typText, true, nil // void, as the advisory lock functions'
}

// listeningChannels is pg_listening_channels(): the session's channels.
func (s *Session) listeningChannels(types []sqlType) ([]any, sqlType, error) {
	if len(types) != 0 {
		return nil, typText, pgerr.New(pgerr.UndefinedFunction, "function pg_listening_channels(%s) does not exist", typeList(types))
	}
	out := make([]any, len(s.notes.channels))
	for i, ch := range s.notes.channels {
		out[i] = ch
	}
	return out, typText, nil
}

// WaitForNotification implements Notifier for the database/sql driver's
// connections.
func (c *conn) WaitForNotification(ctx context.Context) (Notification, error) {
	return c.s.WaitForNotification(ctx)
}

// OnNotification implements Notifier.
func (c *conn) OnNotification(fn func(Notification)) { c.s.OnNotification(fn) }

// BackendPID implements Notifier.
func (c *conn) BackendPID() uint32 { return c.s.BackendPID() }
