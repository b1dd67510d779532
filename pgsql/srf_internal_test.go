package pgsql

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ensure generate_series over timestamps picks PostgreSQL's form from
// its arguments' types, steps by adding the interval to the previous
// value (month ends clamp and stay clamped), counts down for a negative
// step, and refuses a step equal to zero as intervals compare.
func TestGenerateTimeSeries_TypesAndSteps(t *testing.T) {
	day := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		require.NoError(t, err)
		return v
	}
	ts, tz, date := sqlType{kind: kTimestamp}, typTimestamptz, sqlType{kind: kDate}
	tests := []struct {
		name     string
		args     []any
		types    []sqlType
		wantType kind
		want     []string
		code     string
	}{
		{"months clamp", []any{day("2020-01-30 00:00"), "2020-04-30", Interval{Months: 1}}, []sqlType{ts, typUnknown, typInterval},
			kTimestamp, []string{"2020-01-30 00:00:00", "2020-02-29 00:00:00", "2020-03-29 00:00:00", "2020-04-29 00:00:00"}, ""},
		{"dates give timestamptz", []any{day("2020-01-01 00:00"), day("2020-01-02 00:00"), "12 hours"}, []sqlType{date, date, typUnknown},
			kTimestamptz, []string{"2020-01-01 00:00:00+00", "2020-01-01 12:00:00+00", "2020-01-02 00:00:00+00"}, ""},
		{"date beside timestamp", []any{day("2020-01-01 00:00"), day("2020-01-01 12:00"), Interval{Micros: 12 * usPerHour}}, []sqlType{date, ts, typInterval},
			kTimestamp, []string{"2020-01-01 00:00:00", "2020-01-01 12:00:00"}, ""},
		{"timestamptz wins", []any{day("2020-01-01 00:00"), day("2020-01-01 00:00"), Interval{Days: 1}}, []sqlType{ts, tz, typInterval},
			kTimestamptz, []string{"2020-01-01 00:00:00+00"}, ""},
		{"down", []any{day("2020-01-03 00:00"), day("2020-01-01 00:00"), Interval{Days: -1}}, []sqlType{ts, ts, typInterval},
			kTimestamp, []string{"2020-01-03 00:00:00", "2020-01-02 00:00:00", "2020-01-01 00:00:00"}, ""},
		{"away from stop", []any{day("2020-01-03 00:00"), day("2020-01-01 00:00"), Interval{Days: 1}}, []sqlType{ts, ts, typInterval},
			kTimestamp, nil, ""},
		{"null", []any{day("2020-01-03 00:00"), nil, Interval{Days: 1}}, []sqlType{ts, typUnknown, typInterval}, kTimestamp, nil, ""},
		{"zero step", []any{day("2020-01-01 00:00"), day("2020-01-02 00:00"), Interval{Days: 1, Micros: -usPerDay}}, []sqlType{ts, ts, typInterval},
			kTimestamp, nil, "22023"},
		{"integer step", []any{day("2020-01-01 00:00"), day("2020-01-02 00:00"), int64(1)}, []sqlType{ts, ts, typInt4},
			kTimestamp, nil, "42883"},
		{"two arguments", []any{day("2020-01-01 00:00"), day("2020-01-02 00:00")}, []sqlType{ts, ts}, kTimestamp, nil, "42883"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vals, typ, err := generateSeries(tc.args, tc.types)
			if tc.code != "" {
				assert.Equal(t, tc.code, pgerr.Code(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantType, typ.kind)
			var got []string
			for _, v := range vals {
				s, _ := Column{typ: typ}.Format(v)
				got = append(got, s)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
