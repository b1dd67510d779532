package pgsql

import (
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// A window aggregate over frames that all start at the partition's first
// row and grow (the default frame, and any frame from UNBOUNDED
// PRECEDING) is folded once per partition, a row at a time, rather than
// over each row's frame afresh: running gives after each value the
// result fold gives for the values so far, adding them in the same order.

// running is one aggregate's fold in progress.
type running struct {
	name   string
	t, rt  sqlType // the argument's type and the result's
	n      int64
	sum    *apd.Decimal
	fsum   float64
	best   any
	differ bool // bool_and / bool_or: a value other than the neutral one was seen
	text   strings.Builder
}

// newRunning returns the running fold of aggregate name over values of
// type t, whose result type is rt; ok is false for the aggregates it does
// not fold (sum and avg of intervals), which are folded frame by frame.
func newRunning(name string, t, rt sqlType) (*running, bool) {
	switch name {
	case "count", "min", "max", "bool_and", "bool_or", "every", "string_agg":
	case "sum", "avg":
		if t.kind == kInterval {
			return nil, false
		}
	default:
		return nil, false
	}
	return &running{name: name, t: t, rt: rt, sum: new(apd.Decimal)}, true
}

// floats reports whether sum and avg add float64s.
func (r *running) floats() bool { return r.t.kind == kFloat4 || r.t.kind == kFloat8 }

// add folds in one non-NULL value (and string_agg's delimiter).
func (r *running) add(v, delim any) error {
	first := r.n == 0
	r.n++
	switch r.name {
	case "sum", "avg":
		if r.floats() {
			r.fsum += v.(float64)
			return nil
		}
		d, ok := v.(*apd.Decimal)
		if !ok {
			d = apd.New(v.(int64), 0)
		}
		_, err := decimalCtx.Add(r.sum, r.sum, d)
		return err
	case "min", "max":
		if first {
			r.best = v
			return nil
		}
		c := compareValues(v, r.best)
		if (r.name == "min" && c <= 0) || (r.name == "max" && c >= 0) {
			r.best = v
		}
	case "bool_and", "bool_or", "every":
		if v.(bool) != (r.name != "bool_or") {
			r.differ = true
		}
	case "string_agg":
		if !first && delim != nil {
			r.text.WriteString(delim.(string))
		}
		s := v.(string)
		if r.t.kind == kBpchar {
			s = strings.TrimRight(s, " ")
		}
		r.text.WriteString(s)
	}
	return nil
}

// result is the aggregate of the values added so far.
func (r *running) result() (any, error) {
	if r.name == "count" {
		return r.n, nil
	}
	if r.n == 0 {
		return nil, nil
	}
	switch r.name {
	case "sum", "avg":
		if r.floats() {
			if r.name == "avg" {
				return r.fsum / float64(r.n), nil
			}
			return r.fsum, nil
		}
		if r.name == "avg" {
			return divide(r.sum, apd.New(r.n, 0))
		}
		if r.rt.kind == kInt8 {
			n, err := r.sum.Int64()
			if err != nil {
				return nil, outOfRange(r.rt)
			}
			return n, nil
		}
		return new(apd.Decimal).Set(r.sum), nil
	case "min", "max":
		return r.best, nil
	case "bool_and", "bool_or", "every":
		and := r.name != "bool_or"
		if r.differ {
			return !and, nil
		}
		return and, nil
	}
	return r.text.String(), nil // string_agg
}
