package ir

// A PL/pgSQL function body, as package parse reads it (parse.PLpgSQL):
// the subset reldb runs. Expressions are SQL expressions whose column
// references may name the function's variables or NEW.field and
// OLD.field; the executor resolves them when it runs the body, as
// PostgreSQL's PL/pgSQL resolves them when it plans each expression.

// PLFunction is a parsed PL/pgSQL body: its outermost block.
type PLFunction struct {
	Block *PLBlock
}

// PLBlock is [DECLARE ...] BEGIN ... [EXCEPTION WHEN ... THEN ...] END:
// a body's outermost block, or a nested block statement.
type PLBlock struct {
	Line     int // the line of its first word (nested blocks)
	Decls    []PLVar
	Body     []PLStmt
	Handlers []PLHandler // nil without EXCEPTION
}

// PLHandler is one WHEN condition [OR condition ...] THEN statements of
// an EXCEPTION section.
type PLHandler struct {
	// Conditions are the SQLSTATEs the handler catches: five characters,
	// one ending in 000 catching its whole class, or "others" for OTHERS.
	Conditions []string
	Body       []PLStmt
}

// PLVar is one variable a DECLARE section declares.
type PLVar struct {
	Name     string
	Type     TypeName // zero for a record
	Record   bool     // declared record: takes a row's fields
	Constant bool
	NotNull  bool
	Default  Expr // nil when absent: NULL
}

// PLStmt is one PL/pgSQL statement.
type PLStmt interface {
	// PLLine is the statement's line in the body, from 1.
	PLLine() int
}

// PLTarget is what an assignment or INTO sets: a variable (Record "") or
// a field of NEW or OLD.
type PLTarget struct {
	Record string // "new", "old" or ""
	Name   string
}

// PLAssign is target := expr (or =).
type PLAssign struct {
	Line   int
	Target PLTarget
	Value  Expr
	Text   string // the assignment as written, for error contexts
}

// PLIf is IF ... THEN ... [ELSIF ... THEN ...] [ELSE ...] END IF.
type PLIf struct {
	Line   int
	Conds  []Expr // IF's and each ELSIF's condition
	Blocks [][]PLStmt
	Else   []PLStmt // nil when absent
}

// PLReturn is RETURN NEW, RETURN OLD or RETURN NULL (Record ""), or, in
// a DO block, RETURN without a value (Record ""), or, in a function
// called from SQL, RETURN expr (Value).
type PLReturn struct {
	Line   int
	Record string
	Value  Expr // nil but in a function returning a value
}

// PLReturnNext is RETURN NEXT expr (Value) or RETURN QUERY query (Query)
// of a set-returning function: rows added to its result.
type PLReturnNext struct {
	Line  int
	Value Expr
	Query *PLSQL
}

// PLLine implements PLStmt.
func (s *PLReturnNext) PLLine() int { return s.Line }

// PLRaise is RAISE [level] ['format' [, expr ...]] [USING option = expr,
// ...], or RAISE [level] condition / SQLSTATE 'xxxxx' [USING ...].
type PLRaise struct {
	Line      int
	Level     string // DEBUG, LOG, INFO, NOTICE, WARNING or EXCEPTION
	Format    string // "" when absent
	HasFormat bool
	Args      []Expr
	Condition string // a condition name, "" when absent
	SQLState  string // SQLSTATE 'xxxxx', "" when absent
	Options   []PLRaiseOption
	// Reraise is RAISE; in an exception handler: the error it caught,
	// again.
	Reraise bool
}

// PLRaiseOption is one USING option of RAISE: MESSAGE, DETAIL, HINT,
// ERRCODE, COLUMN, CONSTRAINT, DATATYPE, TABLE or SCHEMA.
type PLRaiseOption struct {
	Name  string
	Value Expr
}

// PLSQL is an SQL statement in a body: INSERT, UPDATE, DELETE or SELECT
// ... INTO (Into set), PERFORM (Perform: a SELECT whose rows are
// dropped), or, in a DO block, another statement (DDL, ...), run as the
// client would send it, without variables (Utility set).
type PLSQL struct {
	Line    int
	Stmt    Statement
	Into    []PLTarget
	Strict  bool
	Perform bool
	Utility bool
	Text    string // the statement as written, INTO removed
	// Refused is the 0A000 the SQL grammar gave a utility statement
	// (Stmt nil), which running it returns.
	Refused error
}

// PLNull is NULL;.
type PLNull struct{ Line int }

// PLGetDiagnostics is GET [CURRENT] DIAGNOSTICS target = ROW_COUNT [, ...]:
// each target is set to the number of rows the last SQL statement of the
// body processed.
type PLGetDiagnostics struct {
	Line    int
	Targets []PLTarget
}

// PLLoop is LOOP ... END LOOP.
type PLLoop struct {
	Line int
	Body []PLStmt
}

// PLWhile is WHILE cond LOOP ... END LOOP.
type PLWhile struct {
	Line int
	Cond Expr
	Body []PLStmt
}

// PLForInt is FOR var IN [REVERSE] lo .. hi [BY step] LOOP ... END LOOP:
// var is an integer variable of the loop's own.
type PLForInt struct {
	Line    int
	Var     string
	Reverse bool
	Lo, Hi  Expr
	Step    Expr // nil: 1
	Body    []PLStmt
}

// PLForQuery is FOR target IN query LOOP ... END LOOP: each row the
// query returns is assigned to Targets (one record variable, or scalar
// variables) in turn.
type PLForQuery struct {
	Line    int
	Targets []PLTarget
	Query   *PLSQL // a SELECT, its Perform and Into unset
	Body    []PLStmt
}

// PLExit is EXIT [WHEN cond] or, Continue set, CONTINUE [WHEN cond]: of
// the innermost loop.
type PLExit struct {
	Line     int
	Continue bool
	When     Expr // nil: always
}

// PLLine implementations.
func (s *PLAssign) PLLine() int { return s.Line }
func (s *PLIf) PLLine() int     { return s.Line }
func (s *PLReturn) PLLine() int { return s.Line }
func (s *PLRaise) PLLine() int  { return s.Line }
func (s *PLSQL) PLLine() int    { return s.Line }
func (s *PLNull) PLLine() int   { return s.Line }
func (s *PLBlock) PLLine() int  { return s.Line }
func (s *PLLoop) PLLine() int   { return s.Line }
func (s *PLWhile) PLLine() int  { return s.Line }
func (s *PLExit) PLLine() int   { return s.Line }

// PLLine implements PLStmt.
func (s *PLForInt) PLLine() int { return s.Line }

// PLLine implements PLStmt.
func (s *PLForQuery) PLLine() int { return s.Line }

// PLLine implements PLStmt.
func (s *PLGetDiagnostics) PLLine() int { return s.Line }
