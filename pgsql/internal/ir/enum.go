package ir

import "strings"

// CreateEnum is CREATE TYPE name AS ENUM (labels...).
type CreateEnum struct {
	Name   QualName
	Labels []string
}

// AlterEnum is ALTER TYPE name ADD VALUE, RENAME VALUE or RENAME TO: one
// of AddValue, RenameValue and NewName is set.
type AlterEnum struct {
	Name QualName
	// AddValue is ADD VALUE [IF NOT EXISTS] 'x' [BEFORE | AFTER 'y'].
	AddValue    string
	IfNotExists bool
	Neighbor    string // "" for none: the new label goes last
	After       bool
	// RenameValue is RENAME VALUE 'RenameValue' TO 'NewValue'.
	RenameValue, NewValue string
	// NewName is RENAME TO.
	NewName string
}

func (s *CreateEnum) String() string {
	quoted := make([]string, len(s.Labels))
	for i, l := range s.Labels {
		quoted[i] = quoteString(l)
	}
	return "CREATE TYPE " + s.Name.String() + " AS ENUM (" + strings.Join(quoted, ", ") + ")"
}

func (s *AlterEnum) String() string {
	out := "ALTER TYPE " + s.Name.String()
	switch {
	case s.NewName != "":
		return out + " RENAME TO " + Ident(s.NewName)
	case s.RenameValue != "" || s.NewValue != "":
		return out + " RENAME VALUE " + quoteString(s.RenameValue) + " TO " + quoteString(s.NewValue)
	}
	out += " ADD VALUE "
	if s.IfNotExists {
		out += "IF NOT EXISTS "
	}
	out += quoteString(s.AddValue)
	if s.Neighbor != "" {
		if s.After {
			out += " AFTER "
		} else {
			out += " BEFORE "
		}
		out += quoteString(s.Neighbor)
	}
	return out
}

func (*CreateEnum) stmt() {}
func (*AlterEnum) stmt()  {}
