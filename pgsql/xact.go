package pgsql

import (
	"strconv"
	"sync/atomic"

	"github.com/reldb/reldb/engine"
)

// Transaction ids: txid_current() and pg_current_xact_id() give the
// running transaction a number, the same for every call in it, larger
// than any an earlier transaction of the database got. reldb's
// transactions have no ids of their own, so the first call in a
// transaction takes the database's next one. pg_current_xact_id's xid8 is
// not a type of reldb's: it is the number's text.

// firstXactID is the first id a database gives, past PostgreSQL's
// reserved ones and its initdb's, as a fresh cluster's first would be.
const firstXactID = 1000

type xactIDKey struct{}

// xactIDs is a database's last transaction id given.
func xactIDs(db *engine.DB) *atomic.Int64 {
	return db.Extension(xactIDKey{}, func() any {
		n := new(atomic.Int64)
		n.Store(firstXactID - 1)
		return n
	}).(*atomic.Int64)
}

// xactID is the running transaction's id.
func (s *Session) xactID(tx *engine.Tx) int64 {
	if s.xid.tx != tx || tx == nil {
		s.xid.tx, s.xid.id = tx, xactIDs(s.db).Add(1)
	}
	return s.xid.id
}

// xactFunc computes txid_current() and pg_current_xact_id(); ok is false
// for another name.
func (ev *evaluator) xactFunc(name string, vals []any, types []sqlType) (v any, t sqlType, ok bool, err error) {
	switch name {
	case "txid_current", "pg_current_xact_id":
	default:
		return nil, typUnknown, false, nil
	}
	if len(vals) != 0 {
		return nil, typUnknown, true, jsonNoFunction(name, types)
	}
	if ev.q == nil {
		return nil, typUnknown, false, nil
	}
	id := ev.q.s.xactID(ev.q.tx)
	if name == "txid_current" {
		return id, typInt8, true, nil
	}
	return strconv.FormatInt(id, 10), typText, true, nil
}
