package parse

import (
	"strconv"

	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

func (t *translator) createSequence(s *nodes.CreateSeqStmt) (ir.Statement, error) {
	name, err := rangeVar(s.Sequence)
	if err != nil {
		return nil, err
	}
	opts, err := t.sequenceOptions(s.Options, false /* alter */)
	if err != nil {
		return nil, err
	}
	return &ir.CreateSequence{Name: name, IfNotExists: s.IfNotExists, Options: opts}, nil
}

func (t *translator) alterSequence(s *nodes.AlterSeqStmt) (ir.Statement, error) {
	name, err := rangeVar(s.Sequence)
	if err != nil {
		return nil, err
	}
	opts, err := t.sequenceOptions(s.Options, true /* alter */)
	if err != nil {
		return nil, err
	}
	return &ir.AlterSequence{Name: name, IfExists: s.MissingOk, Options: opts}, nil
}

// sequenceOptions translates the option list of CREATE or ALTER SEQUENCE.
// What PostgreSQL's grammar accepts and its execution refuses — a
// repeated option (42601), a value that is not an integer, OWNED BY of
// one name — parses, with the error in the options' Err.
func (t *translator) sequenceOptions(l *nodes.List, alter bool) (ir.SequenceOptions, error) {
	var o ir.SequenceOptions
	late := func(err error) {
		if o.Err == nil {
			o.Err = err
		}
	}
	seen := map[string]bool{}
	for _, it := range items(l) {
		d, ok := it.(*nodes.DefElem)
		if !ok {
			return o, pgerr.New(pgerr.InternalError, "unexpected %s in sequence options", nodeName(it))
		}
		if seen[d.Defname] {
			late(pgerr.Syntax("conflicting or redundant options"))
			continue
		}
		seen[d.Defname] = true
		var err error
		switch d.Defname {
		case "as":
			tn, ok := d.Arg.(*nodes.TypeName)
			if !ok {
				return o, pgerr.New(pgerr.InternalError, "unexpected %s in AS", nodeName(d.Arg))
			}
			typ, err := t.typeName(tn)
			if err != nil {
				return o, err
			}
			o.As = &typ
		case "increment":
			o.Increment, err = seqNumber(d.Arg)
		case "start":
			o.Start, err = seqNumber(d.Arg)
		case "cache":
			o.Cache, err = seqNumber(d.Arg)
		case "minvalue", "maxvalue", "restart":
			if d.Defname == "restart" && !alter {
				return o, unsupported("RESTART in CREATE SEQUENCE")
			}
			b := &ir.SequenceBound{None: d.Arg == nil}
			if d.Arg != nil {
				v, err := seqNumber(d.Arg)
				if err != nil {
					late(err)
					continue
				}
				b.Value = *v
			}
			switch d.Defname {
			case "minvalue":
				o.MinValue = b
			case "maxvalue":
				o.MaxValue = b
			default:
				o.Restart = b
			}
		case "cycle":
			b, ok := d.Arg.(*nodes.Boolean)
			if !ok {
				return o, pgerr.New(pgerr.InternalError, "unexpected %s in CYCLE", nodeName(d.Arg))
			}
			cycle := b.Boolval
			o.Cycle = &cycle
		case "owned_by":
			l, ok := d.Arg.(*nodes.List)
			if !ok {
				return o, pgerr.New(pgerr.InternalError, "unexpected %s in OWNED BY", nodeName(d.Arg))
			}
			names, err := strs(l)
			if err != nil {
				return o, err
			}
			o.OwnedBySet = true
			switch {
			case len(names) == 1 && names[0] == "none":
			case len(names) < 2:
				e := pgerr.Syntax("invalid OWNED BY option")
				e.Hint = "Specify OWNED BY table.column or OWNED BY NONE."
				late(e)
			default:
				o.OwnedBy = names
			}
		case "logged":
			return o, unsupported("UNLOGGED sequence")
		case "sequence_name":
			return o, unsupported("SEQUENCE NAME option")
		default:
			return o, unsupportedf("sequence option %s", d.Defname)
		}
		if err != nil {
			late(err)
		}
	}
	return o, nil
}

// seqNumber reads a NumericOnly option value as a bigint: 22P02 for one
// that is not an integer, as PostgreSQL's defGetInt64 reports.
func seqNumber(n nodes.Node) (*int64, error) {
	switch n := n.(type) {
	case *nodes.Integer:
		v := n.Ival
		return &v, nil
	case *nodes.Float:
		v, err := strconv.ParseInt(n.Fval, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, pgerr.New("22003", "value \"%s\" is out of range for type bigint", n.Fval)
			}
			return nil, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type bigint: \"%s\"", n.Fval)
		}
		return &v, nil
	}
	return nil, pgerr.New(pgerr.InternalError, "unexpected %s as a sequence option value", nodeName(n))
}
