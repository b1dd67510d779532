package ir

import (
	"fmt"
	"strings"
)

// TxModes are the transaction modes of BEGIN / START TRANSACTION and SET
// TRANSACTION.
type TxModes struct {
	Isolation  Isolation
	Access     AccessMode
	Deferrable bool // DEFERRABLE (meaningful for SERIALIZABLE READ ONLY)
}

func (m TxModes) String() string {
	var parts []string
	if m.Isolation != IsolationDefault {
		parts = append(parts, "ISOLATION LEVEL "+m.Isolation.String())
	}
	if m.Access != AccessDefault {
		parts = append(parts, m.Access.String())
	}
	if m.Deferrable {
		parts = append(parts, "DEFERRABLE")
	}
	return strings.Join(parts, ", ")
}

// Begin is BEGIN or START TRANSACTION with optional modes.
type Begin struct {
	Modes TxModes
}

func (s *Begin) String() string {
	if m := s.Modes.String(); m != "" {
		return "BEGIN " + m
	}
	return "BEGIN"
}

// Commit is COMMIT or END.
type Commit struct{}

func (s *Commit) String() string { return "COMMIT" }

// Rollback is ROLLBACK or ABORT.
type Rollback struct{}

func (s *Rollback) String() string { return "ROLLBACK" }

// Savepoint is SAVEPOINT name.
type Savepoint struct {
	Name string
}

func (s *Savepoint) String() string { return "SAVEPOINT " + Ident(s.Name) }

// ReleaseSavepoint is RELEASE [SAVEPOINT] name.
type ReleaseSavepoint struct {
	Name string
}

func (s *ReleaseSavepoint) String() string { return "RELEASE SAVEPOINT " + Ident(s.Name) }

// RollbackTo is ROLLBACK TO [SAVEPOINT] name.
type RollbackTo struct {
	Name string
}

func (s *RollbackTo) String() string { return "ROLLBACK TO SAVEPOINT " + Ident(s.Name) }

// SetTransaction is SET TRANSACTION modes.
type SetTransaction struct {
	Modes TxModes
}

func (s *SetTransaction) String() string { return "SET TRANSACTION " + s.Modes.String() }

// SetConstraints is SET CONSTRAINTS ALL | names DEFERRED | IMMEDIATE.
type SetConstraints struct {
	All      bool
	Names    []QualName
	Deferred bool // false: IMMEDIATE
}

func (s *SetConstraints) String() string {
	target := "ALL"
	if !s.All {
		parts := make([]string, len(s.Names))
		for i, n := range s.Names {
			parts[i] = n.String()
		}
		target = strings.Join(parts, ", ")
	}
	mode := "IMMEDIATE"
	if s.Deferred {
		mode = "DEFERRED"
	}
	return "SET CONSTRAINTS " + target + " " + mode
}

// SetVar is SET [LOCAL] name TO values | DEFAULT. SET TIME ZONE arrives
// with Name "timezone".
type SetVar struct {
	Name    string
	Values  []Expr // constants; empty when Default
	Default bool
	Local   bool
}

func (s *SetVar) String() string {
	out := "SET "
	if s.Local {
		out += "LOCAL "
	}
	out += Ident(s.Name) + " TO "
	if s.Default {
		return out + "DEFAULT"
	}
	return out + exprs(s.Values)
}

// ShowVar is SHOW name; Name is "all" for SHOW ALL.
type ShowVar struct {
	Name string
}

func (s *ShowVar) String() string {
	if s.Name == "all" {
		return "SHOW ALL"
	}
	return "SHOW " + Ident(s.Name)
}

// ResetVar is RESET name, or RESET ALL when All.
type ResetVar struct {
	Name string
	All  bool
}

func (s *ResetVar) String() string {
	if s.All {
		return "RESET ALL"
	}
	return "RESET " + Ident(s.Name)
}

// ExplainOption is one EXPLAIN option; Value is "" when only the name was
// written (which means true).
type ExplainOption struct {
	Name  string // lower case: analyze, verbose, costs, format, ...
	Value string
}

// Explain is EXPLAIN [(options)] statement. EXPLAIN ANALYZE and EXPLAIN
// VERBOSE arrive as the options analyze and verbose.
type Explain struct {
	Options []ExplainOption
	Stmt    Statement
}

func (s *Explain) String() string {
	out := "EXPLAIN "
	if len(s.Options) > 0 {
		parts := make([]string, len(s.Options))
		for i, o := range s.Options {
			parts[i] = o.Name
			if o.Value != "" {
				parts[i] += " " + o.Value
			}
		}
		out += "(" + strings.Join(parts, ", ") + ") "
	}
	return out + s.Stmt.String()
}

func (*Begin) stmt()            {}
func (*Commit) stmt()           {}
func (*Rollback) stmt()         {}
func (*Savepoint) stmt()        {}
func (*ReleaseSavepoint) stmt() {}
func (*RollbackTo) stmt()       {}
func (*SetTransaction) stmt()   {}
func (*SetConstraints) stmt()   {}
func (*SetVar) stmt()           {}
func (*ShowVar) stmt()          {}
func (*ResetVar) stmt()         {}
func (*Explain) stmt()          {}

// Isolation is a transaction isolation level as written.
type Isolation int

// Isolation levels; IsolationDefault means none was given.
const (
	IsolationDefault Isolation = iota
	ReadUncommitted
	ReadCommitted
	RepeatableRead
	Serializable
)

func (l Isolation) String() string {
	return enumString("Isolation", []string{"", "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"}, int(l))
}

// AccessMode is READ ONLY or READ WRITE as written.
type AccessMode int

// Access modes; AccessDefault means none was given.
const (
	AccessDefault AccessMode = iota
	ReadWrite
	ReadOnly
)

func (m AccessMode) String() string {
	return enumString("AccessMode", []string{"", "READ WRITE", "READ ONLY"}, int(m))
}

var (
	_ fmt.Stringer = Serializable
	_ fmt.Stringer = ReadOnly
)
