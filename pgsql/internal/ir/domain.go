package ir

// CreateDomain is CREATE DOMAIN name [AS] type [DEFAULT expr]
// [CONSTRAINT name] {NOT NULL | NULL | CHECK (expr)}...
type CreateDomain struct {
	Name    QualName
	Type    TypeName
	Default Expr // nil for none
	NotNull bool
	// NotNullName is the NOT NULL constraint's name when one was given.
	NotNullName string
	// Checks are the CHECK constraints in the order written; their
	// expressions read the value as the column reference VALUE.
	Checks []Constraint
}

func (s *CreateDomain) String() string {
	out := "CREATE DOMAIN " + s.Name.String() + " AS " + s.Type.String()
	if s.Default != nil {
		out += " DEFAULT " + s.Default.String()
	}
	if s.NotNull {
		if s.NotNullName != "" {
			out += " CONSTRAINT " + Ident(s.NotNullName)
		}
		out += " NOT NULL"
	}
	for _, k := range s.Checks {
		if k.Name != "" {
			out += " CONSTRAINT " + Ident(k.Name)
		}
		out += " CHECK (" + k.Check.String() + ")"
	}
	return out
}

func (*CreateDomain) stmt() {}
