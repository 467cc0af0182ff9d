package benchchart

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Options are the chart's fixed references.
type Options struct {
	Title string
	// RatioTarget is drawn as a dashed line on the ratio panel (0.25: the
	// product target of config → platform against raw pipelined HSET).
	RatioTarget float64
}

const (
	width     = 900
	labelW    = 330
	barH      = 18
	rowGap    = 6
	panelHead = 44
)

// WriteSVG draws two horizontal bar panels: every figure with a ratio, and
// every latency. It returns an error when the report holds neither, so an
// empty chart never replaces a real one.
func WriteSVG(w io.Writer, figs []Figure, o Options) error {
	var ratios, lat []Figure
	for _, f := range figs {
		switch {
		case f.HasRatio:
			ratios = append(ratios, f)
		case f.IsLatency() && !strings.HasSuffix(f.Name, "_target"):
			// "<name>_target" lines state a goal, not a measurement.
			lat = append(lat, f)
		}
	}
	if len(ratios)+len(lat) == 0 {
		return fmt.Errorf("report has no ratio or latency figures to chart")
	}
	var b strings.Builder
	y := 40
	// scale maps a value to bar units: linear for ratios; log for latencies,
	// which span 0.1 ms to a second (a linear bar of 1 ms would vanish).
	panel := func(title string, fs []Figure, val func(Figure) float64, unit string, target float64, scaleOf func(float64) float64) {
		if len(fs) == 0 {
			return
		}
		fmt.Fprintf(&b, `<text x="10" y="%d" font-size="15" font-weight="bold">%s</text>`+"\n", y+20, html.EscapeString(title))
		y += panelHead
		maxV := scaleOf(target)
		for _, f := range fs {
			maxV = math.Max(maxV, scaleOf(val(f)))
		}
		if maxV <= 0 {
			maxV = 1
		}
		scale := float64(width-labelW-90) / maxV
		top := y
		for _, f := range fs {
			v := val(f)
			bw := math.Max(1, scaleOf(v)*scale)
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`+"\n", labelW-8, y+13, html.EscapeString(f.Name))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#4477aa"><title>%s = %s</title></rect>`+"\n",
				labelW, y, bw, barH, html.EscapeString(f.Name), html.EscapeString(describe(f)))
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="12">%s</text>`+"\n", float64(labelW)+bw+4, y+13, html.EscapeString(format(v, unit)))
			y += barH + rowGap
		}
		if target > 0 {
			x := float64(labelW) + scaleOf(target)*scale
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#cc3311" stroke-dasharray="4 3"/>`+"\n", x, top-4, x, y)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" fill="#cc3311">target %s</text>`+"\n", x+3, top-6, format(target, unit))
		}
		y += 16
	}
	linear := func(v float64) float64 { return v }
	logMS := func(v float64) float64 { return math.Log10(1 + 10*math.Max(v, 0)) } // 0.1 ms resolution
	panel("Throughput ÷ baseline measured in the same run", ratios, func(f Figure) float64 { return f.Ratio }, "×", o.RatioTarget, linear)
	panel("Latency (ms, log scale)", lat, func(f Figure) float64 { return f.Value }, "ms", 0, logMS)
	_, err := fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">
<rect width="100%%" height="100%%" fill="white"/>
<text x="10" y="24" font-size="17" font-weight="bold">%s</text>
%s</svg>
`, width, y+10, html.EscapeString(o.Title), b.String())
	return err
}

func format(v float64, unit string) string {
	switch unit {
	case "×":
		return fmt.Sprintf("%.3g×", v)
	default:
		return fmt.Sprintf("%.3g %s", v, unit)
	}
}

func describe(f Figure) string {
	s := fmt.Sprintf("%g %s", f.Value, f.Unit)
	if f.HasRatio {
		s += fmt.Sprintf(" (ratio %g)", f.Ratio)
	}
	return s
}
