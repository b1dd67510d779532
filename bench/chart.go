package bench

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// WriteSVG draws measurements as a log-log chart of time against size,
// one line per mode, each point labelled with its loads (the story of
// eager against lazy: lazy's grow with the size, eager's do not), and
// writes it as a standalone SVG document.
func WriteSVG(w io.Writer, ms []Measurement, title string) error {
	if len(ms) == 0 {
		return fmt.Errorf("bench: no measurements to chart")
	}
	const (
		width, height          = 720, 440
		left, right, top, base = 80, 150, 56, 60
	)
	minX, maxX := math.Inf(1), math.Inf(-1)
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, m := range ms {
		x, y := float64(m.Size), float64(max(m.NS, 1))
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	// Whole decades around the data.
	x0, x1 := math.Floor(math.Log10(minX)), math.Ceil(math.Log10(maxX))
	y0, y1 := math.Floor(math.Log10(minY)), math.Ceil(math.Log10(maxY))
	if x1 == x0 {
		x1++
	}
	if y1 == y0 {
		y1++
	}
	px := func(v float64) float64 {
		return left + (math.Log10(v)-x0)/(x1-x0)*(width-left-right)
	}
	py := func(v float64) float64 {
		return height - base - (math.Log10(v)-y0)/(y1-y0)*(height-top-base)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="15">%s</text>`+"\n", left, escapeXML(title))
	fmt.Fprintf(&b, `<text x="%d" y="36" fill="#555">time per traversal, lower is better; each point is labelled with its loads</text>`+"\n", left)
	for d := x0; d <= x1; d++ {
		x := px(math.Pow(10, d))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x, top, x, height-base)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, height-base+18, decade(d, ""))
	}
	for d := y0; d <= y1; d++ {
		y := py(math.Pow(10, d))
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, width-right, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, y+4, duration(math.Pow(10, d)))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">authors (each 10 books, 3 tags per book)</text>`+"\n", (left+width-right)/2, height-18)
	fmt.Fprintf(&b, `<text x="16" y="%d" transform="rotate(-90 16 %d)" text-anchor="middle">time per traversal (lower is better)</text>`+"\n", (top+height-base)/2, (top+height-base)/2)
	colors := map[string]string{"eager": "#1b7837", "lazy": "#c51b7d"}
	for i, mode := range []string{"eager", "lazy"} {
		var pts []string
		for _, m := range ms {
			if m.Mode == mode {
				x, y := px(float64(m.Size)), py(float64(max(m.NS, 1)))
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x, y, colors[mode])
				// Lazy's labels above its line, eager's below: lazy is the
				// slower, so the upper line.
				ly := y - 8
				if mode == "eager" {
					ly = y + 16
				}
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s">%s</text>`+"\n", x, ly, colors[mode], loads(m.Loads))
			}
		}
		if len(pts) == 0 {
			continue
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), colors[mode])
		ly := top + 20 + 20*i
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>`+"\n", width-right+12, ly, width-right+36, ly, colors[mode])
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", width-right+42, ly+4, map[string]string{"eager": "eager (prefetch)", "lazy": "lazy (N+1)"}[mode])
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// loads renders a load count with thousands separated: "11,011 loads".
func loads(n int) string {
	digits := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if n == 1 {
		return b.String() + " load"
	}
	return b.String() + " loads"
}

// decade renders 10^d compactly: 10, 100, 1k, 10k, 1M.
func decade(d float64, unit string) string {
	v := math.Pow(10, d)
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%gM%s", v/1e6, unit)
	case v >= 1e3:
		return fmt.Sprintf("%gk%s", v/1e3, unit)
	}
	return fmt.Sprintf("%g%s", v, unit)
}

// duration renders nanoseconds as a short duration.
func duration(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%gs", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%gms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%gµs", ns/1e3)
	}
	return fmt.Sprintf("%gns", ns)
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
