package ir

import "strings"

// CreateFunction is CREATE [OR REPLACE] FUNCTION name(args) RETURNS type
// LANGUAGE lang AS 'body'. The body is kept as text: the executor parses a
// PL/pgSQL body itself (the SQL grammar sees a string).
type CreateFunction struct {
	Name     QualName
	Replace  bool
	ArgTypes []TypeName // the declared arguments' types, in order
	Returns  *TypeName  // nil without RETURNS (a procedure's or OUT arguments')
	Setof    bool       // RETURNS SETOF
	Language string     // "" when not given
	Body     string
	// BodyPosition is the 1-based character position of the body in the
	// text parsed, for the position of an error in it; 0 when unknown.
	// The body is parsed when the statement runs (parse.PLpgSQL), as
	// PostgreSQL's grammar leaves it to CREATE FUNCTION.
	BodyPosition int
	// Options are the other options given (VOLATILE, SECURITY DEFINER,
	// SET ..., ...), by name, for the executor to accept or refuse.
	Options []string
	// ArgNames are the arguments' names, "" for an unnamed one; nil
	// when none is named. ArgDefaults are their DEFAULT expressions, nil
	// for none; nil when none has one.
	ArgNames    []string
	ArgDefaults []Expr
	// Return is a SQL-standard body, RETURN expr (Body is then ""); nil
	// for a body given as a string.
	Return Expr
	// Strict is STRICT (RETURNS NULL ON NULL INPUT); Volatility is
	// "immutable", "stable", "volatile" or "" when not given.
	Strict     bool
	Volatility string
	// SecurityDefiner is SECURITY DEFINER; Parallel is PARALLEL's
	// "safe", "restricted", "unsafe" or "" when not given.
	SecurityDefiner bool
	Parallel        string
	// TableNames and TableTypes are RETURNS TABLE's columns (Returns is
	// then record, Setof set); nil otherwise.
	TableNames []string
	TableTypes []TypeName
}

func (s *CreateFunction) String() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if s.Replace {
		b.WriteString("OR REPLACE ")
	}
	b.WriteString("FUNCTION " + s.Name.String() + "(")
	for i, t := range s.ArgTypes {
		if i > 0 {
			b.WriteString(", ")
		}
		if i < len(s.ArgNames) && s.ArgNames[i] != "" {
			b.WriteString(Ident(s.ArgNames[i]) + " ")
		}
		b.WriteString(t.String())
		if i < len(s.ArgDefaults) && s.ArgDefaults[i] != nil {
			b.WriteString(" DEFAULT " + s.ArgDefaults[i].String())
		}
	}
	b.WriteString(")")
	if s.TableTypes != nil {
		b.WriteString(" RETURNS TABLE (")
		for i, t := range s.TableTypes {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(Ident(s.TableNames[i]) + " " + t.String())
		}
		b.WriteString(")")
	} else if s.Returns != nil {
		b.WriteString(" RETURNS ")
		if s.Setof {
			b.WriteString("SETOF ")
		}
		b.WriteString(s.Returns.String())
	}
	if s.Language != "" {
		b.WriteString(" LANGUAGE " + Ident(s.Language))
	}
	if s.Volatility != "" {
		b.WriteString(" " + strings.ToUpper(s.Volatility))
	}
	if s.Strict {
		b.WriteString(" STRICT")
	}
	if s.SecurityDefiner {
		b.WriteString(" SECURITY DEFINER")
	}
	if s.Parallel != "" {
		b.WriteString(" PARALLEL " + strings.ToUpper(s.Parallel))
	}
	if s.Return != nil {
		b.WriteString(" RETURN " + s.Return.String())
		return b.String()
	}
	b.WriteString(" AS " + DollarQuote(s.Body))
	return b.String()
}

// DollarQuote quotes body with dollar quotes whose tag does not occur in
// it: $$body$$, else $_$body$_$, $__$body$__$, ...
func DollarQuote(body string) string {
	tag := "$$"
	for i := 1; strings.Contains(body, tag) || strings.HasSuffix(body, tag[:len(tag)-1]); i++ {
		tag = "$" + strings.Repeat("_", i) + "$"
	}
	return tag + body + tag
}

// DropFunction is DROP FUNCTION [IF EXISTS] name[(args)], ... [CASCADE].
type DropFunction struct {
	Names    []QualName
	IfExists bool
	Cascade  bool
	// Args are the argument types each name gives, nil where it gives
	// no list (DROP FUNCTION f), empty for ().
	Args [][]TypeName
}

func (s *DropFunction) String() string {
	var b strings.Builder
	b.WriteString("DROP FUNCTION " + ifExists(s.IfExists))
	for i, n := range s.Names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n.String())
		if i < len(s.Args) && s.Args[i] != nil {
			b.WriteString("(")
			for j, t := range s.Args[i] {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(t.String())
			}
			b.WriteString(")")
		}
	}
	b.WriteString(cascade(s.Cascade))
	return b.String()
}

// TriggerEvent is a set of the events a trigger fires on.
type TriggerEvent uint8

// The events of a trigger.
const (
	TriggerInsert TriggerEvent = 1 << iota
	TriggerUpdate
	TriggerDelete
)

// CreateTrigger is CREATE TRIGGER name {BEFORE | AFTER} event [OR ...] ON
// table FOR EACH ROW [WHEN (cond)] EXECUTE FUNCTION f(). Only row
// triggers reach the IR: the translator refuses the rest.
type CreateTrigger struct {
	Name     string
	Replace  bool // CREATE OR REPLACE TRIGGER
	Table    QualName
	Before   bool
	Events   TriggerEvent
	Columns  []string // UPDATE OF columns; empty for any
	When     Expr     // nil when absent
	Function QualName
}

func (s *CreateTrigger) String() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if s.Replace {
		b.WriteString("OR REPLACE ")
	}
	b.WriteString("TRIGGER " + Ident(s.Name))
	if s.Before {
		b.WriteString(" BEFORE ")
	} else {
		b.WriteString(" AFTER ")
	}
	var ev []string
	if s.Events&TriggerInsert != 0 {
		ev = append(ev, "INSERT")
	}
	if s.Events&TriggerDelete != 0 {
		ev = append(ev, "DELETE")
	}
	if s.Events&TriggerUpdate != 0 {
		u := "UPDATE"
		if len(s.Columns) > 0 {
			u += " OF " + idents(s.Columns)
		}
		ev = append(ev, u)
	}
	b.WriteString(strings.Join(ev, " OR "))
	b.WriteString(" ON " + s.Table.String() + " FOR EACH ROW")
	if s.When != nil {
		b.WriteString(" WHEN (" + s.When.String() + ")")
	}
	b.WriteString(" EXECUTE FUNCTION " + s.Function.String() + "()")
	return b.String()
}

// DropTrigger is DROP TRIGGER [IF EXISTS] name ON table [CASCADE].
type DropTrigger struct {
	Name     string
	Table    QualName
	IfExists bool
	Cascade  bool
}

func (s *DropTrigger) String() string {
	return "DROP TRIGGER " + ifExists(s.IfExists) + Ident(s.Name) + " ON " + s.Table.String() + cascade(s.Cascade)
}

// EnableTrigger is ALTER TABLE ... ENABLE TRIGGER name or DISABLE
// TRIGGER name; Name is "" for ALL or USER.
type EnableTrigger struct {
	Name    string
	All     bool // ALL (which includes the system's) rather than USER
	Disable bool
}

func (c *EnableTrigger) String() string {
	verb := "ENABLE"
	if c.Disable {
		verb = "DISABLE"
	}
	switch {
	case c.Name != "":
		return verb + " TRIGGER " + Ident(c.Name)
	case c.All:
		return verb + " TRIGGER ALL"
	}
	return verb + " TRIGGER USER"
}

func (*CreateFunction) stmt()    {}
func (*DropFunction) stmt()      {}
func (*CreateTrigger) stmt()     {}
func (*DropTrigger) stmt()       {}
func (*EnableTrigger) alterCmd() {}

// Do is DO [LANGUAGE lang] 'body': an anonymous code block, run as the
// statement runs (parse.PLpgSQLDo reads a PL/pgSQL body).
type Do struct {
	Language string // "plpgsql" when not given
	Body     string
	// Bodies and Languages count the bodies and LANGUAGE options given,
	// which the grammar takes any number of and the executor refuses
	// unless one body and at most one LANGUAGE.
	Bodies, Languages int
	// BodyPosition is the 1-based character position of the body in the
	// text parsed, as CreateFunction's; 0 when unknown.
	BodyPosition int
}

func (s *Do) String() string {
	return "DO LANGUAGE " + Ident(s.Language) + " " + DollarQuote(s.Body)
}

func (*Do) stmt() {}
