package ir

import (
	"fmt"
	"strings"
)

// Window is a window specification: the OVER clause of a window function
// call, or the definition of a named window in a query's WINDOW clause.
//
// OVER name refers to a named window and sets only Name. Otherwise Ref,
// when set, names a window this one copies (OVER (w ORDER BY x)), and the
// rest is what is written here.
type Window struct {
	Name        string // OVER name; nothing else is set
	Ref         string // OVER (name ...): the window copied, "" when none
	PartitionBy []Expr
	OrderBy     []OrderItem
	Frame       *Frame // nil for the default frame
}

// Spec prints the parenthesised specification, without OVER.
func (w *Window) Spec() string {
	var parts []string
	if w.Ref != "" {
		parts = append(parts, Ident(w.Ref))
	}
	if len(w.PartitionBy) > 0 {
		parts = append(parts, "PARTITION BY "+exprs(w.PartitionBy))
	}
	if len(w.OrderBy) > 0 {
		parts = append(parts, "ORDER BY "+orderItems(w.OrderBy))
	}
	if w.Frame != nil {
		parts = append(parts, w.Frame.String())
	}
	return "(" + strings.Join(parts, " ") + ")"
}

func (w *Window) String() string {
	if w.Name != "" {
		return "OVER " + Ident(w.Name)
	}
	return "OVER " + w.Spec()
}

// WindowDef is one definition of a WINDOW clause: WINDOW name AS (...).
type WindowDef struct {
	Name   string
	Window *Window // Name is unset
}

func (d WindowDef) String() string { return Ident(d.Name) + " AS " + d.Window.Spec() }

// Frame is a window's frame clause, always with both bounds: a frame
// written with its start only ends at CURRENT ROW, as in PostgreSQL.
type Frame struct {
	Mode       FrameMode
	Start, End FrameBound
}

func (f *Frame) String() string {
	return f.Mode.String() + " BETWEEN " + f.Start.String() + " AND " + f.End.String()
}

// FrameBound is one end of a frame; Offset is set for Preceding and
// Following.
type FrameBound struct {
	Kind   BoundKind
	Offset Expr
}

func (b FrameBound) String() string {
	if b.Offset != nil {
		return exprString(b.Offset) + " " + b.Kind.String()
	}
	return b.Kind.String()
}

// FrameMode is ROWS or RANGE. (GROUPS is not represented.)
type FrameMode int

// Frame modes.
const (
	FrameRange FrameMode = iota
	FrameRows
)

func (m FrameMode) String() string {
	return enumString("FrameMode", []string{"RANGE", "ROWS"}, int(m))
}

// BoundKind is the kind of a frame bound.
type BoundKind int

// Frame bound kinds.
const (
	UnboundedPreceding BoundKind = iota
	OffsetPreceding
	CurrentRow
	OffsetFollowing
	UnboundedFollowing
)

func (k BoundKind) String() string {
	return enumString("BoundKind", []string{"UNBOUNDED PRECEDING", "PRECEDING", "CURRENT ROW", "FOLLOWING", "UNBOUNDED FOLLOWING"}, int(k))
}

var (
	_ fmt.Stringer = FrameRows
	_ fmt.Stringer = CurrentRow
)
