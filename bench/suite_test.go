package bench_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/reldb/reldb/bench"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSuite_Run: one measurement per size and mode, with the loads each
// mode must cost, and progress reported to the end.
func TestSuite_Run(t *testing.T) {
	var last, total int
	ms, err := bench.Suite{Sizes: []int{1, 20}, Reps: 1, Depth: 1, Latency: time.Microsecond}.Run(func(d, n int) { last, total = d, n })
	require.NoError(t, err)
	assert.Equal(t, 4, total)
	assert.Equal(t, total, last)
	require.Len(t, ms, 4)
	assert.Equal(t, bench.Measurement{Size: 20, Mode: "lazy", Loads: 21, Rows: 220}, withoutTime(ms[3]))
	assert.Equal(t, bench.Measurement{Size: 20, Mode: "eager", Loads: 2, Rows: 220}, withoutTime(ms[2]))
	assert.GreaterOrEqual(t, ms[3].NS, int64(21*time.Microsecond), "the latency is paid per load")

	for _, bad := range []bench.Suite{{}, {Sizes: []int{0}}, {Sizes: []int{1}, Depth: 3}, {Sizes: []int{1}, Latency: -1}} {
		_, err := bad.Run(nil)
		assert.Error(t, err, "%+v", bad)
	}
}

func withoutTime(m bench.Measurement) bench.Measurement {
	m.NS, m.NSPerRow = 0, 0
	return m
}

// TestWriteSVG: the chart is well-formed XML with a line per mode, says
// which way is better, and labels every point with its loads.
func TestWriteSVG(t *testing.T) {
	ms := []bench.Measurement{
		{Size: 10, Mode: "eager", NS: 20_000}, {Size: 1000, Mode: "eager", NS: 2_000_000},
		{Size: 10, Mode: "lazy", NS: 60_000}, {Size: 1000, Mode: "lazy", NS: 9_000_000},
	}
	ms[0].Loads, ms[1].Loads, ms[2].Loads, ms[3].Loads = 3, 3, 111, 11_001
	var buf bytes.Buffer
	require.NoError(t, bench.WriteSVG(&buf, ms, "eager <vs> lazy"))
	svg := buf.String()
	assert.Contains(t, svg, "lower is better")
	assert.Equal(t, 2, strings.Count(svg, ">3 loads<"), "eager's loads at each size")
	assert.Contains(t, svg, ">111 loads<")
	assert.Contains(t, svg, ">11,001 loads<")
	dec := xml.NewDecoder(&buf)
	lines := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			lines++
		}
	}
	assert.Equal(t, 2, lines)
	assert.Error(t, bench.WriteSVG(io.Discard, nil, ""))
}
