package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
)

// listen, unlisten and notify translate LISTEN, UNLISTEN and NOTIFY; the
// session checks the channel and payload (notify.go in pgsql).
func (t *translator) listen(n *nodes.ListenStmt) (ir.Statement, error) {
	return &ir.Listen{Channel: n.Conditionname}, nil
}

func (t *translator) unlisten(n *nodes.UnlistenStmt) (ir.Statement, error) {
	return &ir.Unlisten{Channel: n.Conditionname, All: n.Conditionname == ""}, nil
}

func (t *translator) notify(n *nodes.NotifyStmt) (ir.Statement, error) {
	return &ir.Notify{Channel: n.Conditionname, Payload: n.Payload}, nil
}
