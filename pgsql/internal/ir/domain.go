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

// AlterDomain is ALTER DOMAIN name and one action: ADD CONSTRAINT (Add),
// DROP CONSTRAINT [IF EXISTS] (Drop), SET / DROP NOT NULL (SetNotNull,
// DropNotNull) or SET / DROP DEFAULT (SetDefault, DropDefault).
type AlterDomain struct {
	Name        QualName
	Add         *Constraint
	Drop        string
	IfExists    bool
	SetNotNull  bool
	DropNotNull bool
	SetDefault  Expr
	DropDefault bool
}

func (s *AlterDomain) String() string {
	out := "ALTER DOMAIN " + s.Name.String()
	switch {
	case s.Add != nil:
		out += " ADD "
		if s.Add.Name != "" {
			out += "CONSTRAINT " + Ident(s.Add.Name) + " "
		}
		return out + "CHECK (" + s.Add.Check.String() + ")"
	case s.Drop != "":
		out += " DROP CONSTRAINT "
		if s.IfExists {
			out += "IF EXISTS "
		}
		return out + Ident(s.Drop)
	case s.SetNotNull:
		return out + " SET NOT NULL"
	case s.DropNotNull:
		return out + " DROP NOT NULL"
	case s.SetDefault != nil:
		return out + " SET DEFAULT " + s.SetDefault.String()
	}
	return out + " DROP DEFAULT"
}

func (*AlterDomain) stmt() {}
