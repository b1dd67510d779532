package pgsql

import (
	"math"
	"time"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// dateBin is date_bin(stride, source, origin): source moved down to the
// start of its bin, the bins being stride long and aligned on origin
// (bins before origin too). Its type is resolved as generate_series's
// over timestamps (srf.go): timestamp when a timestamp is given and no
// timestamptz, else timestamptz. A stride with months is 0A000 and one
// not above zero 22008, as in PostgreSQL; NULL gives NULL.
func dateBin(vals []any, types []sqlType) (any, sqlType, error) {
	args, t, ok, err := timeArgs("date_bin", vals, types, 0)
	if !ok || err != nil {
		return nil, t, err
	}
	stride, err := asInterval(args[0])
	if err != nil {
		return nil, t, err
	}
	if stride.Months != 0 {
		return nil, t, pgerr.New(pgerr.FeatureNotSupported, "timestamps cannot be binned into intervals containing months or years")
	}
	days := int64(stride.Days)
	if days > math.MaxInt64/usPerDay || days < math.MinInt64/usPerDay {
		return nil, t, intervalOutOfRange()
	}
	step := days*usPerDay + stride.Micros
	if days > 0 && stride.Micros > 0 && step < 0 || days < 0 && stride.Micros < 0 && step >= 0 {
		return nil, t, intervalOutOfRange()
	}
	if step <= 0 {
		return nil, t, pgerr.New("22008", "stride must be greater than zero")
	}
	source, origin := args[1].(time.Time), args[2].(time.Time)
	diff, err := timestampDiff(source, origin)
	if err != nil {
		return nil, t, err
	}
	// timestampDiff splits the difference into days and microseconds of
	// one sign; rejoined, it fits (both bounds are within 300000 years).
	us := int64(diff.Days)*usPerDay + diff.Micros
	delta := us - us%step
	if us < 0 && us%step != 0 {
		delta -= step // down to the bin's start, before origin too
	}
	sec, frac := delta/usPerSec, delta%usPerSec
	out := time.Unix(origin.Unix()+sec, int64(origin.Nanosecond())+frac*1000).UTC()
	v, err := checkTimestamp(out, t.kind)
	return v, t, err
}

// timeArgs types and casts the three arguments of a function over two
// timestamps and an interval (date_bin's stride, generate_series's step),
// the interval at position iv, as PostgreSQL resolves such a function:
// the timestamps as timestamp when one is a timestamp and none a
// timestamptz (a date beside a timestamp is read as one), else as
// timestamptz (dates alone, untyped literals). ok is false, with the
// result type t, when an argument is NULL; an argument of another type is
// 42883 naming fn.
func timeArgs(fn string, vals []any, types []sqlType, iv int) (args []any, t sqlType, ok bool, err error) {
	t = typTimestamptz
	if len(vals) != 3 {
		return nil, t, false, noFunction(fn, types)
	}
	hasTS, hasTZ := false, false
	for i, at := range types {
		switch {
		case at.array:
			return nil, t, false, noFunction(fn, types)
		case i == iv:
			if at.kind != kInterval && at.kind != kUnknown {
				return nil, t, false, noFunction(fn, types)
			}
		case at.kind == kTimestamp:
			hasTS = true
		case at.kind == kTimestamptz:
			hasTZ = true
		case at.kind == kDate, at.kind == kUnknown:
		default:
			return nil, t, false, noFunction(fn, types)
		}
	}
	if hasTS && !hasTZ {
		t = sqlType{kind: kTimestamp}
	}
	args = make([]any, 3)
	for i, v := range vals {
		if v == nil {
			return nil, t, false, nil
		}
		to := t
		if i == iv {
			to = typInterval
		}
		if args[i], err = cast(v, types[i], to, false /* explicit */); err != nil {
			return nil, t, false, err
		}
	}
	return args, t, true, nil
}
