package parse

import (
	"github.com/pgplex/pgparser/nodes"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// windowingError is PostgreSQL's 42P20 (windowing_error), which its
// grammar raises for impossible frames.
const windowingError = "42P20"

// window translates an OVER clause or a WINDOW clause's specification.
// Frames in ROWS or RANGE mode with UNBOUNDED, CURRENT ROW and (in ROWS
// mode) offset bounds translate; GROUPS, EXCLUDE and RANGE offsets are
// 0A000. The frames PostgreSQL's grammar refuses are 42P20, as there.
func (t *translator) window(w *nodes.WindowDef, over bool) (*ir.Window, error) {
	if over && w.Name != "" {
		// OVER name: the grammar leaves nothing else set.
		return &ir.Window{Name: w.Name}, nil
	}
	out := &ir.Window{Ref: w.Refname}
	var err error
	if out.PartitionBy, err = t.exprList(w.PartitionClause); err != nil {
		return nil, err
	}
	if out.OrderBy, err = t.orderBy(w.OrderClause, false /* ordinals */); err != nil {
		return nil, err
	}
	if out.Frame, err = t.frame(w); err != nil {
		return nil, err
	}
	return out, nil
}

// frame translates a window's frame options; nil is the default frame.
func (t *translator) frame(w *nodes.WindowDef) (*ir.Frame, error) {
	opts := w.FrameOptions
	if opts&nodes.FRAMEOPTION_NONDEFAULT == 0 {
		return nil, nil
	}
	has := func(bits int) bool { return opts&bits != 0 }
	// PostgreSQL's grammar (frame_extent) refuses these, in this order.
	switch {
	case has(nodes.FRAMEOPTION_START_UNBOUNDED_FOLLOWING):
		return nil, pgerr.New(windowingError, "frame start cannot be UNBOUNDED FOLLOWING")
	case !has(nodes.FRAMEOPTION_BETWEEN) && has(nodes.FRAMEOPTION_START_OFFSET_FOLLOWING):
		return nil, pgerr.New(windowingError, "frame starting from following row cannot end with current row")
	case has(nodes.FRAMEOPTION_END_UNBOUNDED_PRECEDING):
		return nil, pgerr.New(windowingError, "frame end cannot be UNBOUNDED PRECEDING")
	case has(nodes.FRAMEOPTION_START_CURRENT_ROW) && has(nodes.FRAMEOPTION_END_OFFSET_PRECEDING):
		return nil, pgerr.New(windowingError, "frame starting from current row cannot have preceding rows")
	case has(nodes.FRAMEOPTION_START_OFFSET_FOLLOWING) && has(nodes.FRAMEOPTION_END_OFFSET_PRECEDING|nodes.FRAMEOPTION_END_CURRENT_ROW):
		return nil, pgerr.New(windowingError, "frame starting from following row cannot have preceding rows")
	case has(nodes.FRAMEOPTION_GROUPS):
		return nil, unsupported("GROUPS frame")
	case has(nodes.FRAMEOPTION_EXCLUDE_CURRENT_ROW | nodes.FRAMEOPTION_EXCLUDE_GROUP | nodes.FRAMEOPTION_EXCLUDE_TIES):
		return nil, unsupported("EXCLUDE in a window frame")
	case has(nodes.FRAMEOPTION_RANGE) && has(nodes.FRAMEOPTION_START_OFFSET|nodes.FRAMEOPTION_END_OFFSET):
		return nil, unsupported("RANGE with offset PRECEDING or FOLLOWING")
	}
	out := &ir.Frame{Mode: ir.FrameRange}
	if has(nodes.FRAMEOPTION_ROWS) {
		out.Mode = ir.FrameRows
	}
	var err error
	if out.Start, err = t.frameBound(opts, w.StartOffset, nodes.FRAMEOPTION_START_UNBOUNDED_PRECEDING, nodes.FRAMEOPTION_START_OFFSET_PRECEDING,
		nodes.FRAMEOPTION_START_CURRENT_ROW, nodes.FRAMEOPTION_START_OFFSET_FOLLOWING, nodes.FRAMEOPTION_START_UNBOUNDED_FOLLOWING); err != nil {
		return nil, err
	}
	if out.End, err = t.frameBound(opts, w.EndOffset, nodes.FRAMEOPTION_END_UNBOUNDED_PRECEDING, nodes.FRAMEOPTION_END_OFFSET_PRECEDING,
		nodes.FRAMEOPTION_END_CURRENT_ROW, nodes.FRAMEOPTION_END_OFFSET_FOLLOWING, nodes.FRAMEOPTION_END_UNBOUNDED_FOLLOWING); err != nil {
		return nil, err
	}
	return out, nil
}

// frameBound translates one bound, given the option bits of its five
// kinds in ir.BoundKind's order.
func (t *translator) frameBound(opts int, offset nodes.Node, bits ...int) (ir.FrameBound, error) {
	for k, bit := range bits {
		if opts&bit == 0 {
			continue
		}
		b := ir.FrameBound{Kind: ir.BoundKind(k)}
		if b.Kind == ir.OffsetPreceding || b.Kind == ir.OffsetFollowing {
			e, err := t.expr(offset)
			if err != nil {
				return ir.FrameBound{}, err
			}
			b.Offset = e
		}
		return b, nil
	}
	return ir.FrameBound{}, pgerr.New(pgerr.InternalError, "window frame bound without a kind")
}

// windowClause translates a query's WINDOW clause.
func (t *translator) windowClause(l *nodes.List) ([]ir.WindowDef, error) {
	var out []ir.WindowDef
	for _, it := range items(l) {
		w, ok := it.(*nodes.WindowDef)
		if !ok {
			return nil, pgerr.New(pgerr.InternalError, "unexpected %s in WINDOW", nodeName(it))
		}
		spec, err := t.window(w, false /* over */)
		if err != nil {
			return nil, err
		}
		out = append(out, ir.WindowDef{Name: w.Name, Window: spec})
	}
	return out, nil
}
