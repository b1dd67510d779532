package pgsql

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ensure time input reads PostgreSQL's forms as PostgreSQL 15 reads them
// (each want is the server's output), and refuses the others with its
// SQLSTATEs: 22007 malformed, 22008 out of range, 22009 a zone beyond
// 15:59, 0A000 for words reldb does not read.
func TestParseTimeOfDay_Forms(t *testing.T) {
	tests := []struct{ in, want, code string }{
		{"10:11:12.5", "10:11:12.5", ""},
		{"24:00", "24:00:00", ""},
		{"1:2", "01:02:00", ""},
		{"10:5:3", "10:05:03", ""},
		{"10:11:12.1234567", "10:11:12.123457", ""},
		{"23:59:59.9999999", "24:00:00", ""},
		{"1:1:1.9999996", "01:01:02", ""},
		{"1000", "10:00:00", ""},
		{"101112", "10:11:12", ""},
		{"10:11:12 pm", "22:11:12", ""},
		{"12:00 am", "00:00:00", ""},
		{"12:30 PM", "12:30:00", ""},
		{"23:59:60", "24:00:00", ""},
		{"10:59:60", "11:00:00", ""},
		{"10:11:12.", "10:11:12", ""},
		{" 10:00 ", "10:00:00", ""},
		{"10:00:00.000001", "10:00:00.000001", ""},
		{"10:00 UTC", "10:00:00", ""},
		{"10:00Z", "10:00:00", ""},
		{"10:00+03", "10:00:00", ""},
		{"10:00:00-03:30", "10:00:00", ""},
		{"T10:11", "10:11:00", ""},
		{"2020-01-02 10:11:12", "10:11:12", ""},
		{"allballs", "00:00:00", ""},
		{"10", "", "22007"},
		{"10.5", "", "22007"},
		{"-10:00", "", "22007"},
		{"", "", "22007"},
		{"abc", "", "22007"},
		{"1 hour", "", "22007"},
		{"2020-01-02", "", "22007"},
		{"10 pm", "", "22007"},
		{"13:00 pm", "", "22008"},
		{"24:00:00.1", "", "22008"},
		{"23:59:60.5", "", "22008"},
		{"25:00", "", "22008"},
		{"10:60", "", "22008"},
		{"100:00", "", "22008"},
		{"10:00+25", "", "22009"},
		{"now", "", "0A000"},
		{"04:05:06 PST", "", "0A000"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			us, err := parseTimeOfDay(tc.in)
			if tc.code != "" {
				require.Error(t, err)
				assert.Equal(t, tc.code, pgerr.Code(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, formatTime(us))
		})
	}
}

// Ensure time(p) rounds half up to p fractional digits, as PostgreSQL's
// AdjustTimeForTypmod does, and an unconstrained time keeps microseconds.
func TestRoundTime_Precision(t *testing.T) {
	tests := []struct {
		in   string
		p    int64
		want string
	}{
		{"10:00:01.555", 2, "10:00:01.56"},
		{"10:00:01.555", 1, "10:00:01.6"},
		{"10:00:01.5", 0, "10:00:02"},
		{"10:00:01.4999", 0, "10:00:01"},
		{"23:59:59.95", 1, "24:00:00"},
		{"10:00:01.123456", 6, "10:00:01.123456"},
		{"10:00:01.123456", 9, "10:00:01.123456"},
	}
	for _, tc := range tests {
		typ, err := timeType([]int64{tc.p})
		require.NoError(t, err)
		us, err := parseTimeOfDay(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, formatTime(roundTime(us, typ)), "%s::time(%d)", tc.in, tc.p)
	}
	_, err := timeType([]int64{-1})
	assert.Equal(t, "22023", pgerr.Code(err))
}

// Ensure the time operators give PostgreSQL's results and types: ±
// interval wraps around midnight and ignores days and months, time -
// time is an interval, and date + time a timestamp.
func TestTimeArithOp_Results(t *testing.T) {
	at := func(s string) int64 {
		us, err := parseTimeOfDay(s)
		require.NoError(t, err)
		return us
	}
	tests := []struct {
		op       string
		l        any
		lt       sqlType
		r        any
		rt       sqlType
		want     string
		wantType kind
	}{
		{"+", at("10:00"), typTime, Interval{Days: 1, Micros: 3 * usPerHour}, typInterval, "13:00:00", kTime},
		{"-", at("10:00"), typTime, Interval{Micros: 11 * usPerHour}, typInterval, "23:00:00", kTime},
		{"+", at("24:00"), typTime, Interval{}, typInterval, "00:00:00", kTime},
		{"+", Interval{Months: 1, Micros: usPerHour}, typInterval, at("10:00"), typTime, "11:00:00", kTime},
		{"-", at("01:00"), typTime, at("23:00"), typTime, "-22:00:00", kInterval},
		{"-", at("10:00"), typTime, "09:30", typUnknown, "00:30:00", kInterval},
		{"+", at("10:00"), typTime, "1 hour", typUnknown, "11:00:00", kTime},
		{"-", "10:00", typUnknown, at("09:00"), typTime, "01:00:00", kInterval},
		{"+", "1 hour", typUnknown, at("09:00"), typTime, "10:00:00", kTime},
		{"*", at("10:00"), typTime, int64(2), typInt4, "20:00:00", kInterval},
	}
	for _, tc := range tests {
		v, typ, ok, err := timeArithOp(tc.op, tc.l, tc.lt, tc.r, tc.rt)
		require.True(t, ok)
		require.NoError(t, err)
		assert.Equal(t, tc.wantType, typ.kind)
		got, _ := Column{typ: typ}.Format(v)
		assert.Equal(t, tc.want, got, "%v %s %v", tc.l, tc.op, tc.r)
	}
	_, _, _, err := timeArithOp("+", at("10:00"), typTime, at("11:00"), typTime)
	assert.Equal(t, "42725", pgerr.Code(err))
	_, _, _, err = timeArithOp("+", at("10:00"), typTime, int64(1), typInt4)
	assert.Equal(t, "42883", pgerr.Code(err))
}

// FuzzParseTimeOfDay: time input never panics, and whatever it accepts
// is within a day and reads back from its own output unchanged.
func FuzzParseTimeOfDay(f *testing.F) {
	for _, s := range []string{"10:11:12.5", "24:00", "1000", "101112", "10:11:12 pm", "2020-01-02 10:11:12+03", "T10:11", "allballs", "10:00+25", "23:59:60", "1:1:1.9999996", "12:00 am UTC", "-", "+", ":", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		us, err := parseTimeOfDay(s)
		if err != nil {
			return
		}
		require.True(t, us >= 0 && us <= usPerDay, "%q read as %d", s, us)
		back, err := parseTimeOfDay(formatTime(us))
		require.NoError(t, err)
		require.Equal(t, us, back)
	})
}
