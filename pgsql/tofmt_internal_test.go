package pgsql

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reldb/reldb/pgsql/internal/pgerr"
)

// Ensure to_timestamp and to_date read text by a template as PostgreSQL
// 15 reads it (each want is the server's answer): fixed widths between
// adjacent numbers, separators matching any one separator, names in any
// case, the 12-hour clock, fractions, years moved nearest to 2020, and
// the fields after the input's end left at their defaults.
func TestFromTemplate_Forms(t *testing.T) {
	tests := []struct{ in, tmpl, want string }{
		{"2020-03-04 13:14:15", "YYYY-MM-DD HH24:MI:SS", "2020-03-04 13:14:15"},
		{"2020-03-04 01:14:15 PM", "YYYY-MM-DD HH12:MI:SS AM", "2020-03-04 13:14:15"},
		{"2020-03-04 12:30 am", "YYYY-MM-DD HH:MI PM", "2020-03-04 00:30:00"},
		{"2020-01-01 12", "YYYY-MM-DD HH", "2020-01-01 00:00:00"},
		{"2020-01-01 01:00 p.m.", "YYYY-MM-DD HH:MI P.M.", "2020-01-01 13:00:00"},
		{"2020-03-04 13:14:15.5", "YYYY-MM-DD HH24:MI:SS.MS", "2020-03-04 13:14:15.5"},
		{"2020-03-04 13:14:15.12", "YYYY-MM-DD HH24:MI:SS.US", "2020-03-04 13:14:15.12"},
		{"2000-12-05 10:11:12.123", "YYYY-MM-DD HH24:MI:SS.MS.US", "2000-12-05 10:11:12.123"},
		{"05 Dec 2000", "DD Mon YYYY", "2000-12-05 00:00:00"},
		{"December 5, 2000", "Month DD, YYYY", "2000-12-05 00:00:00"},
		{"Tue 05 DEC 2000", "Dy DD MON YYYY", "2000-12-05 00:00:00"},
		{"Friday 05 Dec 2000", "Day DD Mon YYYY", "2000-12-05 00:00:00"},
		{"2000 340", "YYYY DDD", "2000-12-05 00:00:00"},
		{"1st Jan 2020", "DDth Mon YYYY", "2020-01-01 00:00:00"},
		{"20200304", "YYYYMMDD", "2020-03-04 00:00:00"},
		{"12345", "YYYYMM", "1234-05-01 00:00:00"},
		{"2000-1-5", "YYYY-MM-DD", "2000-01-05 00:00:00"},
		{"2000-12-05", "FMYYYY-FMMM-FMDD", "2000-12-05 00:00:00"},
		{" 2000  12   05", "YYYY MM DD", "2000-12-05 00:00:00"},
		{"2000/12/05", "YYYY-MM-DD", "2000-12-05 00:00:00"},
		{"2020 / 01 / 01", "YYYY-MM-DD", "2020-01-01 00:00:00"},
		{"2020 -01-01", "YYYY-MM-DD", "2020-01-01 00:00:00"},
		{"2020x01x01", "YYYYxMMxDD", "2020-01-01 00:00:00"},
		{"2020Jan01", "YYYY Mon DD", "2020-01-01 00:00:00"},
		{"05 Dec 2000 at 10", `DD Mon YYYY "at" HH24`, "2000-12-05 10:00:00"},
		{"99-12-05", "YY-MM-DD", "1999-12-05 00:00:00"},
		{"69-12-05", "YY-MM-DD", "2069-12-05 00:00:00"},
		{"5-12-05", "Y-MM-DD", "2005-12-05 00:00:00"},
		{"100-01-01", "YYY-MM-DD", "2100-01-01 00:00:00"},
		{"00123", "xYYY", "0123-01-01 00:00:00"},
		{"0099-01-01", "YYYY-MM-DD", "0099-01-01 00:00:00"},
		{"2020-03", "YYYY-MM-DD", "2020-03-01 00:00:00"},
		{"2020-03-04 junk", "YYYY-MM-DD", "2020-03-04 00:00:00"},
		{"2020-00-00", "YYYY-MM-DD", "2020-01-01 00:00:00"},
		{"2020-01-01 Jan", "YYYY-MM-DD Mon", "2020-01-01 00:00:00"},
	}
	for _, tc := range tests {
		t.Run(tc.in+" "+tc.tmpl, func(t *testing.T) {
			got, err := fromTemplate("to_timestamp", tc.in, tc.tmpl, false /* date */)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Format("2006-01-02 15:04:05.999999"))
		})
	}
}

// Ensure to_timestamp and to_date refuse input with PostgreSQL's
// SQLSTATEs, and patterns and results reldb does not read with 0A000.
func TestFromTemplate_Errors(t *testing.T) {
	tests := []struct {
		in, tmpl string
		date     bool
		code     string
	}{
		{"2020-13-04", "YYYY-MM-DD", true, "22008"},
		{"2020-02-30", "YYYY-MM-DD", true, "22008"},
		{"2020304", "YYYYMMDD", true, "22008"},
		{"2020-01-01 24:00:00", "YYYY-MM-DD HH24:MI:SS", false, "22008"},
		{"2020-01-01 00:00:60", "YYYY-MM-DD HH24:MI:SS", false, "22008"},
		{"1999-12-31 23:59:59.9999999", "YYYY-MM-DD HH24:MI:SS.US", false, "22008"},
		{"2021 366", "YYYY DDD", true, "22008"},
		{"99999999999-01-01", "YYYY-MM-DD", true, "22008"},
		{"20001205", "YYYY-MM-DD", true, "22008"},
		{"300000-01-01", "YYYY-MM-DD", false, "22008"},
		{"abc", "YYYY-MM-DD", true, "22007"},
		{"202", "YYYYMM", true, "22007"},
		{"20a0", "YYYYMM", true, "22007"},
		{"2020a1", "YYYYMM", true, "22007"},
		{"Foo 05 2000", "Mon DD YYYY", true, "22007"},
		{"Jan 2020", "Month YYYY", true, "22007"},
		{"2020-01-01 Xyz", "YYYY-MM-DD Dy", true, "22007"},
		{"2020-01-01 00:00 XM", "YYYY-MM-DD HH:MI AM", false, "22007"},
		{"2020-03-04 13:00", "YYYY-MM-DD HH12:MI", false, "22007"},
		{"2020-01-01 15 PM", "YYYY-MM-DD HH24 AM", false, "22007"},
		{"2020-01-01 Feb", "YYYY-MM-DD Mon", true, "22007"},
		{"366", "DDD", true, "22007"},
		{"2020-01-01", "YYYY-MM-DD IW", true, "0A000"},
		{"2020-01-01", "FXYYYY-MM-DD", true, "0A000"},
		{"12", "MM", true, "0A000"},
		{"", "YYYY", true, "0A000"},
	}
	for _, tc := range tests {
		t.Run(tc.in+" "+tc.tmpl, func(t *testing.T) {
			_, err := fromTemplate("to_date", tc.in, tc.tmpl, tc.date)
			require.Error(t, err)
			assert.Equal(t, tc.code, pgerr.Code(err), err.Error())
		})
	}
}

// Ensure date_bin aligns bins on the origin, floors before it, and
// refuses strides PostgreSQL refuses.
func TestDateBin_Bins(t *testing.T) {
	ts := sqlType{kind: kTimestamp}
	at := func(s string) time.Time {
		v, err := parseTime(ts, s)
		require.NoError(t, err)
		return v.(time.Time)
	}
	tests := []struct {
		stride         Interval
		source, origin string
		want, code     string
	}{
		{Interval{Micros: 15 * usPerMin}, "2020-02-11 15:44:17", "2001-01-01", "2020-02-11 15:30:00", ""},
		{Interval{Micros: 15 * usPerMin}, "2020-02-11 15:44:17", "2001-01-01 00:02:30", "2020-02-11 15:32:30", ""},
		{Interval{Micros: usPerHour}, "2000-02-11 10:30", "2001-01-01 00:15", "2000-02-11 10:15:00", ""},
		{Interval{Days: 1, Micros: -usPerHour}, "2020-02-11 10:30", "2020-01-01", "2020-02-11 05:00:00", ""},
		{Interval{Micros: usPerSec}, "2000-02-11 10:30:05.7", "2020-01-01 00:00:00.5", "2000-02-11 10:30:05.5", ""},
		{Interval{Months: 1}, "2020-02-11", "2001-01-01", "", "0A000"},
		{Interval{}, "2020-02-11", "2001-01-01", "", "22008"},
		{Interval{Days: -1}, "2020-02-11", "2001-01-01", "", "22008"},
	}
	for _, tc := range tests {
		v, typ, err := dateBin([]any{tc.stride, at(tc.source), at(tc.origin)}, []sqlType{typInterval, ts, ts})
		if tc.code != "" {
			assert.Equal(t, tc.code, pgerr.Code(err))
			continue
		}
		require.NoError(t, err)
		got, _ := Column{typ: typ}.Format(v)
		assert.Equal(t, tc.want, got, "%v %s %s", tc.stride, tc.source, tc.origin)
	}
}

// FuzzFromTemplate: to_timestamp's reader never panics, and what it
// accepts is a timestamp reldb represents.
func FuzzFromTemplate(f *testing.F) {
	for _, s := range [][2]string{{"2020-03-04 13:14:15", "YYYY-MM-DD HH24:MI:SS"}, {"05 Dec 2000", "DD Mon YYYY"},
		{"1st Jan 2020", "DDth Mon YYYY"}, {"20200304", "YYYYMMDD"}, {"12:30 pm", "HH:MI AM"}, {"2000 340", "YYYY DDD"},
		{"x", `"at" FMYYYY`}, {"2020-03-04 13:14:15.5", "YYYY-MM-DD HH24:MI:SS.MS.US"}, {"-1-1-1", "Y-MM-DD"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, in, tmpl string) {
		v, err := fromTemplate("to_timestamp", in, tmpl, false /* date */)
		if err != nil {
			var pe *pgerr.Error
			require.ErrorAs(t, err, &pe)
			return
		}
		require.False(t, v.Before(minTimestamp) || !v.Before(maxTimestamp), "%q %q read as %v", in, tmpl, v)
	})
}
