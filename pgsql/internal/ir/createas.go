package ir

import "strings"

// CreateTableAs is CREATE TABLE name [(columns)] AS query [WITH [NO]
// DATA], and SELECT ... INTO name FROM ..., which PostgreSQL runs as one.
type CreateTableAs struct {
	Table       QualName
	IfNotExists bool
	// Columns name the first columns of the query's output; the others
	// keep the query's names.
	Columns []string
	Query   *Select
	// NoData is WITH NO DATA: the table is made empty.
	NoData bool
}

func (s *CreateTableAs) String() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	if s.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(s.Table.String())
	if len(s.Columns) > 0 {
		names := make([]string, len(s.Columns))
		for i, c := range s.Columns {
			names[i] = Ident(c)
		}
		b.WriteString(" (" + strings.Join(names, ", ") + ")")
	}
	b.WriteString(" AS " + s.Query.String())
	if s.NoData {
		b.WriteString(" WITH NO DATA")
	}
	return b.String()
}

func (*CreateTableAs) stmt() {}
