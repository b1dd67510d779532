package ir

import "strings"

// CreateExtension is CREATE EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA
// s] [VERSION v] [CASCADE].
type CreateExtension struct {
	Name        string
	IfNotExists bool
	Schema      string // "" when not given
	Version     string // "" when not given
	Cascade     bool
}

func (s *CreateExtension) String() string {
	var b strings.Builder
	b.WriteString("CREATE EXTENSION ")
	if s.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(Ident(s.Name))
	if s.Schema != "" {
		b.WriteString(" SCHEMA " + Ident(s.Schema))
	}
	if s.Version != "" {
		b.WriteString(" VERSION " + quoteString(s.Version))
	}
	if s.Cascade {
		b.WriteString(" CASCADE")
	}
	return b.String()
}

// DropExtension is DROP EXTENSION [IF EXISTS] name, ... [CASCADE |
// RESTRICT].
type DropExtension struct {
	Names    []string
	IfExists bool
	Cascade  bool
}

func (s *DropExtension) String() string {
	var b strings.Builder
	b.WriteString("DROP EXTENSION ")
	if s.IfExists {
		b.WriteString("IF EXISTS ")
	}
	for i, n := range s.Names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Ident(n))
	}
	if s.Cascade {
		b.WriteString(" CASCADE")
	}
	return b.String()
}

func (*CreateExtension) stmt() {}
func (*DropExtension) stmt()   {}
