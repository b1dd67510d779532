package ir

import "strings"

// QualName is a possibly schema-qualified object name.
type QualName struct {
	Schema string // "" when not written
	Name   string
}

func (q QualName) String() string {
	if q.Schema == "" {
		return Ident(q.Name)
	}
	return Ident(q.Schema) + "." + Ident(q.Name)
}

// Ident renders an identifier for the canonical form: bare when it is a
// plain lower-case name, double-quoted (with quotes doubled) otherwise.
func Ident(s string) string {
	if s != "" && plainIdent(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func plainIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case (c >= '0' && c <= '9') || c == '$':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// idents renders a comma-separated identifier list.
func idents(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = Ident(n)
	}
	return strings.Join(parts, ", ")
}

// quoteString renders a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// TypeName is a column or cast type as written, after the grammar's
// normalisation (see the package doc).
type TypeName struct {
	Schema    string  // "" for built-in types
	Name      string  // e.g. "int4", "varchar", "numeric", "timestamptz", "uuid"
	Mods      []int64 // type modifiers: varchar(20) is [20], numeric(10,2) is [10 2]
	ArrayDims int     // 1 for int4[], 0 for a scalar type
	Location  int     // byte offset, -1 if unknown
}

func (t TypeName) String() string {
	var b strings.Builder
	if t.Schema != "" {
		b.WriteString(Ident(t.Schema) + ".")
	}
	b.WriteString(Ident(t.Name))
	if len(t.Mods) > 0 {
		b.WriteByte('(')
		for i, m := range t.Mods {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(itoa(m))
		}
		b.WriteByte(')')
	}
	for i := 0; i < t.ArrayDims; i++ {
		b.WriteString("[]")
	}
	return b.String()
}
