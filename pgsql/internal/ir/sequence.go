package ir

import (
	"strconv"
	"strings"
)

// CreateSequence is CREATE SEQUENCE [IF NOT EXISTS] name options.
type CreateSequence struct {
	Name        QualName
	IfNotExists bool
	Options     SequenceOptions
}

// AlterSequence is ALTER SEQUENCE [IF EXISTS] name options.
type AlterSequence struct {
	Name     QualName
	IfExists bool
	Options  SequenceOptions
	// NewName is set for ALTER SEQUENCE ... RENAME TO, which has no
	// options.
	NewName string
}

// SequenceOptions are the options of CREATE and ALTER SEQUENCE; a nil
// field was not written.
type SequenceOptions struct {
	As        *TypeName
	Increment *int64
	MinValue  *SequenceBound // NO MINVALUE: a bound with None set
	MaxValue  *SequenceBound
	Start     *int64
	Restart   *SequenceBound // RESTART without a value: None set
	Cache     *int64
	Cycle     *bool
	// OwnedBy is the [schema.]table.column of OWNED BY, empty for OWNED
	// BY NONE; nil when not written.
	OwnedBy []string
	// OwnedBySet says OWNED BY was written (OwnedBy empty: NONE).
	OwnedBySet bool
	// Err is the first error PostgreSQL raises when it runs the
	// statement rather than when it parses it: an option given twice
	// (42601), a value that is not an integer (22P02), OWNED BY that
	// names no table.column (42601). The statement fails with it.
	Err error
}

// SequenceBound is a bound or restart value that may be written without
// a value (NO MINVALUE, NO MAXVALUE, RESTART).
type SequenceBound struct {
	None  bool
	Value int64
}

func (o SequenceOptions) String() string {
	var b strings.Builder
	num := func(kw string, v *int64) {
		if v != nil {
			b.WriteString(" " + kw + " " + strconv.FormatInt(*v, 10))
		}
	}
	bound := func(kw string, v *SequenceBound) {
		switch {
		case v == nil:
		case v.None && kw == "RESTART":
			b.WriteString(" RESTART")
		case v.None:
			b.WriteString(" NO " + kw)
		default:
			b.WriteString(" " + kw + " " + strconv.FormatInt(v.Value, 10))
		}
	}
	if o.As != nil {
		b.WriteString(" AS " + o.As.String())
	}
	num("INCREMENT BY", o.Increment)
	bound("MINVALUE", o.MinValue)
	bound("MAXVALUE", o.MaxValue)
	num("START WITH", o.Start)
	bound("RESTART", o.Restart)
	num("CACHE", o.Cache)
	if o.Cycle != nil {
		if *o.Cycle {
			b.WriteString(" CYCLE")
		} else {
			b.WriteString(" NO CYCLE")
		}
	}
	if o.OwnedBySet {
		if len(o.OwnedBy) == 0 {
			b.WriteString(" OWNED BY NONE")
		} else {
			parts := make([]string, len(o.OwnedBy))
			for i, n := range o.OwnedBy {
				parts[i] = Ident(n)
			}
			b.WriteString(" OWNED BY " + strings.Join(parts, "."))
		}
	}
	return b.String()
}

func (s *CreateSequence) String() string {
	out := "CREATE SEQUENCE "
	if s.IfNotExists {
		out += "IF NOT EXISTS "
	}
	return out + s.Name.String() + s.Options.String()
}

func (s *AlterSequence) String() string {
	out := "ALTER SEQUENCE "
	if s.IfExists {
		out += "IF EXISTS "
	}
	if s.NewName != "" {
		return out + s.Name.String() + " RENAME TO " + QualName{Name: s.NewName}.String()
	}
	return out + s.Name.String() + s.Options.String()
}

func (*CreateSequence) stmt() {}
func (*AlterSequence) stmt()  {}
