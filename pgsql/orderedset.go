package pgsql

import (
	"math"
	"slices"
	"strings"

	"github.com/reldb/reldb/pgsql/internal/ir"
	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ordered-set aggregates, f(direct args) WITHIN GROUP (ORDER BY x): the
// direct arguments are evaluated once per group (on the group's first
// row, so they may use only grouped columns), the ordered values of the
// group are sorted, and the aggregate reads its answer off the sorted
// values. percentile_cont, percentile_disc and mode ignore NULLs;
// the hypothetical-set aggregates rank, dense_rank, percent_rank and
// cume_dist place the direct arguments, as a hypothetical row, among the
// ordered rows, NULLs included. PostgreSQL refuses OVER for all of them.

// orderedSetArgs is, per ordered-set aggregate, how many direct arguments
// it takes and how many ORDER BY expressions; -1 for as many as the
// other (the hypothetical-set ones take one direct argument per ORDER BY
// expression).
var orderedSetArgs = map[string][2]int{
	"percentile_cont": {1, 1},
	"percentile_disc": {1, 1},
	"mode":            {0, 1},
	"rank":            {-1, -1},
	"dense_rank":      {-1, -1},
	"percent_rank":    {-1, -1},
	"cume_dist":       {-1, -1},
}

// isOrderedSet reports whether name is an ordered-set aggregate whose
// plain call (without WITHIN GROUP) is no aggregate: the hypothetical-set
// names are also window functions.
func isOrderedSet(name string) bool {
	return name == "percentile_cont" || name == "percentile_disc" || name == "mode"
}

// withinGroupRequired is the error for an ordered-set aggregate called
// without WITHIN GROUP: 42809 when the arguments would make up a call of
// it, else 42883 for the argument types.
func withinGroupRequired(f *ir.Func, types []sqlType) error {
	n := orderedSetArgs[f.Name]
	if len(f.Args) == n[0]+n[1] {
		return pgerr.New("42809", "WITHIN GROUP is required for ordered-set aggregate %s", f.Name)
	}
	if types == nil {
		return pgerr.Unsupported("function " + f.Name + " with these arguments")
	}
	return noCall(f.Name, types)
}

// noCall is 42883 for a call with argument types no function takes,
// named as PostgreSQL's error names them (integer, not int4).
func noCall(name string, types []sqlType) *pgerr.Error {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = formatTypeName(t, false)
	}
	e := pgerr.New(pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(names, ", "))
	e.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
	return e
}

// orderedSetAggregate computes f over a group's rows (FILTER already
// applied); first is the group's first row, or a row of NULLs, on which
// the direct arguments are evaluated.
func orderedSetAggregate(f *ir.Func, rows [][]any, first []any, ev *evaluator) (any, sqlType, error) {
	setRow(ev, first)
	direct := make([]any, len(f.Args))
	var types []sqlType
	for i, a := range f.Args {
		v, t, err := ev.eval(a)
		if err != nil {
			return nil, typUnknown, err
		}
		direct[i] = v
		types = append(types, t)
	}
	order, err := orderTerms(f.OrderBy, nil)
	if err != nil {
		return nil, typUnknown, err
	}
	// The ORDER BY values, row by row, and their types.
	otypes := make([]sqlType, len(order))
	for i, o := range order {
		if _, otypes[i], err = ev.eval(o.expr); err != nil && len(rows) == 0 {
			if pgerr.Code(err) != pgerr.DivisionByZero {
				return nil, typUnknown, err
			}
		}
	}
	keys := make([][]any, len(rows))
	for r, row := range rows {
		setRow(ev, row)
		keys[r] = make([]any, len(order))
		for i, o := range order {
			v, t, err := ev.eval(o.expr)
			if err != nil {
				return nil, typUnknown, err
			}
			keys[r][i] = v
			otypes[i] = t
		}
	}
	all := append(append([]sqlType(nil), types...), otypes...)
	n, ok := orderedSetArgs[f.Name]
	if !ok || f.Schema != "" && f.Schema != "pg_catalog" {
		if arity := plainArity(f.Name); arity > 0 && arity == len(f.Args)+len(order) {
			// A plain aggregate that takes these arguments is 42809.
			return nil, typUnknown, pgerr.New("42809", "%s is not an ordered-set aggregate, so it cannot have WITHIN GROUP", f.Name)
		}
		return nil, typUnknown, noCall(f.Name, all)
	}
	if n[0] >= 0 && (len(f.Args) != n[0] || len(order) != n[1]) || n[0] < 0 && len(f.Args) != len(order) {
		return nil, typUnknown, noCall(f.Name, all)
	}
	for _, t := range otypes {
		if err := jsonNoOrdering(t); err != nil {
			return nil, typUnknown, err
		}
	}
	if n[0] < 0 {
		return hypothetical(f.Name, direct, types, keys, otypes, order)
	}
	// One ordered value: NULLs dropped, sorted.
	vals := make([]any, 0, len(keys))
	for _, k := range keys {
		if k[0] != nil {
			vals = append(vals, k[0])
		}
	}
	var sortErr error
	slices.SortStableFunc(vals, func(a, b any) int {
		if !sameKind(a, b) {
			sortErr = pgerr.Unsupported("WITHIN GROUP over mixed types")
			return 0
		}
		if order[0].desc {
			return compareValues(b, a)
		}
		return compareValues(a, b)
	})
	if sortErr != nil {
		return nil, typUnknown, sortErr
	}
	t := otypes[0]
	if t.kind == kUnknown && f.Name != "percentile_cont" {
		return nil, typUnknown, pgerr.New(pgerr.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
	}
	switch f.Name {
	case "mode":
		return modeOf(vals), t, nil
	case "percentile_disc":
		return percentiles(f.Name, direct[0], types[0], otypes[0], vals, t)
	}
	switch {
	case t.isInt() || t.kind == kNumeric || t.kind == kFloat4 || t.kind == kFloat8 || t.kind == kUnknown:
		t = typFloat8
		for i, v := range vals {
			if vals[i], err = cast(v, otypes[0], t, false /* explicit */); err != nil {
				return nil, typUnknown, err
			}
		}
	case t.kind == kInterval && !t.array:
		t = typInterval
	default:
		return nil, typUnknown, noCall(f.Name, all)
	}
	return percentiles(f.Name, direct[0], types[0], otypes[0], vals, t)
}

// plainArity is how many arguments a plain aggregate takes; 0 for none.
func plainArity(name string) int {
	switch name {
	case "string_agg", "json_object_agg", "jsonb_object_agg":
		return 2
	}
	if isAggregate(name) && !isOrderedSet(name) {
		return 1
	}
	return 0
}

// modeOf returns the most frequent of sorted values, the first in order
// among equally frequent ones; NULL for none.
func modeOf(vals []any) any {
	var best any
	bestN := 0
	for i := 0; i < len(vals); {
		j := i + 1
		for j < len(vals) && compareValues(vals[i], vals[j]) == 0 {
			j++
		}
		if j-i > bestN {
			best, bestN = vals[i], j-i
		}
		i = j
	}
	return best
}

// percentiles computes percentile_cont or percentile_disc of sorted
// values of type t at a fraction, or at each fraction of an array (the
// result then an array, NULL fractions giving NULL elements).
func percentiles(name string, frac any, ft, ot sqlType, vals []any, t sqlType) (any, sqlType, error) {
	if ft.kind == kUnknown && !ft.array {
		ft = typFloat8
		if frac != nil {
			var err error
			if frac, err = cast(frac, typUnknown, typFloat8, false /* explicit */); err != nil {
				return nil, typUnknown, err
			}
		}
	}
	isNum := ft.isInt() || ft.kind == kNumeric || ft.kind == kFloat4 || ft.kind == kFloat8
	if !isNum {
		return nil, typUnknown, noCall(name, []sqlType{ft, ot})
	}
	if !ft.array {
		if frac == nil {
			return nil, t, nil
		}
		p, err := toFloat(frac, ft)
		if err != nil {
			return nil, t, err
		}
		return percentile(name, p, vals, t)
	}
	rt := t
	rt.array = true
	if frac == nil {
		return nil, rt, nil
	}
	fracs, ok := frac.([]any)
	if !ok {
		return nil, rt, pgerr.Unsupported("multidimensional percentile array")
	}
	elem := ft
	elem.array = false
	out := make([]any, len(fracs))
	for i, x := range fracs {
		if x == nil {
			continue
		}
		p, err := toFloat(x, elem)
		if err != nil {
			return nil, rt, err
		}
		// Every fraction is checked, even over no rows.
		v, _, err := percentile(name, p, vals, t)
		if err != nil {
			return nil, rt, err
		}
		out[i] = v
	}
	if len(vals) == 0 {
		return nil, rt, nil
	}
	return out, rt, nil
}

// percentile is one fraction's percentile of sorted values: for
// percentile_disc the first value whose position in the ordering is at
// least the fraction, for percentile_cont the linear interpolation
// between the values either side of the fraction's position.
func percentile(name string, p float64, vals []any, t sqlType) (any, sqlType, error) {
	if p < 0 || p > 1 || math.IsNaN(p) {
		return nil, t, pgerr.New(pgerr.NumericValueOutOfRange, "percentile value %s is not between 0 and 1", formatFloat(p, 64))
	}
	n := len(vals)
	if n == 0 {
		return nil, t, nil
	}
	if name == "percentile_disc" {
		k := int(math.Ceil(p * float64(n)))
		if k > 1 {
			return vals[k-1], t, nil
		}
		return vals[0], t, nil
	}
	pos := p * float64(n-1)
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	if lo == hi {
		return vals[lo], t, nil
	}
	frac := pos - float64(lo)
	if t.kind == kInterval {
		a, b := vals[lo].(Interval), vals[hi].(Interval)
		na, err := a.negate()
		if err != nil {
			return nil, t, err
		}
		diff, err := addIntervals(b, na)
		if err != nil {
			return nil, t, err
		}
		if diff, err = scaleInterval(diff, frac, false /* div */); err != nil {
			return nil, t, err
		}
		v, err := addIntervals(diff, a)
		return v, t, err
	}
	a, b := vals[lo].(float64), vals[hi].(float64)
	return a + (b-a)*frac, t, nil
}

// hypothetical computes rank, dense_rank, percent_rank or cume_dist of the
// hypothetical row direct among the ordered rows keys.
func hypothetical(name string, direct []any, dtypes []sqlType, keys [][]any, otypes []sqlType, order []orderTerm) (any, sqlType, error) {
	hyp := make([]any, len(direct))
	for i, v := range direct {
		ct, err := commonType(otypes[i], dtypes[i], "WITHIN GROUP")
		if err != nil {
			return nil, typUnknown, err
		}
		if v != nil {
			if v, err = cast(v, dtypes[i], ct, false /* explicit */); err != nil {
				return nil, typUnknown, err
			}
		}
		hyp[i] = v
		for _, k := range keys {
			if k[i] != nil && otypes[i] != ct {
				if k[i], err = cast(k[i], otypes[i], ct, false /* explicit */); err != nil {
					return nil, typUnknown, err
				}
			}
		}
	}
	var cmpErr error
	compare := func(a, b []any) int {
		for i, o := range order {
			x, y := a[i], b[i]
			var c int
			switch {
			case x == nil && y == nil:
			case x == nil || y == nil:
				c = 1
				if (x == nil) == o.nullsFirst {
					c = -1
				}
				if c != 0 {
					return c
				}
			default:
				if !sameKind(x, y) {
					cmpErr = pgerr.Unsupported("WITHIN GROUP over mixed types")
					return 0
				}
				c = compareValues(x, y)
				if o.desc {
					c = -c
				}
			}
			if c != 0 {
				return c
			}
		}
		return 0
	}
	before, peers := 0, 0
	var distinct []int // indexes of the distinct rows before hyp
	sorted := make([][]any, 0, len(keys))
	for _, k := range keys {
		switch c := compare(k, hyp); {
		case c < 0:
			before++
			sorted = append(sorted, k)
		case c == 0:
			peers++
		}
	}
	if cmpErr != nil {
		return nil, typUnknown, cmpErr
	}
	n := len(keys)
	switch name {
	case "rank":
		return int64(before + 1), typInt8, nil
	case "dense_rank":
		slices.SortFunc(sorted, compare)
		for i := range sorted {
			if i == 0 || compare(sorted[i-1], sorted[i]) != 0 {
				distinct = append(distinct, i)
			}
		}
		return int64(len(distinct) + 1), typInt8, nil
	case "percent_rank":
		if n == 0 {
			return 0.0, typFloat8, nil
		}
		return float64(before) / float64(n), typFloat8, nil
	}
	return float64(before+peers+1) / float64(n+1), typFloat8, nil
}
