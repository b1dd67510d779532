package ir

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
