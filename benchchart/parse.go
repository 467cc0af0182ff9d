package benchchart

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Figure is one measured number from the report.
type Figure struct {
	Name  string
	Value float64
	Unit  string
	// Ratio is the figure divided by its same-run baseline; HasRatio says
	// whether the line carried one.
	Ratio    float64
	HasRatio bool
	Line     int
}

// IsLatency reports whether the figure is a latency in milliseconds.
func (f Figure) IsLatency() bool { return f.Unit == "ms" }

// Parse reads a report and returns its figures in order. Lines it does not
// understand are ignored (headers, prose); a BENCH line whose value does not
// parse is an error naming the line, because a silently dropped figure would
// make the chart lie.
func Parse(r io.Reader) ([]Figure, error) {
	var out []Figure
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "BENCH "):
			f, ok, err := parseBenchLine(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			if ok {
				f.Line = n
				out = append(out, f)
			}
		case strings.HasPrefix(line, "Benchmark"):
			for _, f := range parseGoBench(line) {
				f.Line = n
				out = append(out, f)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading report: %w", err)
	}
	return out, nil
}

// parseBenchLine parses "BENCH <name> <value> <unit> [ratio <r>]"; the name
// may hold spaces (swssbench pads and words its names), so the line is read
// from the right. A line carrying "error:" reports a failed benchmark and
// yields no figure.
func parseBenchLine(line string) (Figure, bool, error) {
	fs := strings.Fields(strings.TrimPrefix(line, "BENCH "))
	for _, f := range fs {
		if f == "error:" {
			return Figure{}, false, nil
		}
	}
	var f Figure
	if n := len(fs); n >= 2 && fs[n-2] == "ratio" {
		r, err := strconv.ParseFloat(fs[n-1], 64)
		if err != nil {
			return Figure{}, false, fmt.Errorf("BENCH %s: ratio %q: %w", strings.Join(fs[:n-2], " "), fs[n-1], err)
		}
		f.Ratio, f.HasRatio = r, true
		fs = fs[:n-2]
	}
	n := len(fs)
	if n < 3 {
		return Figure{}, false, fmt.Errorf("BENCH line %q: want \"BENCH <name> <value> <unit> [ratio <r>]\"", line)
	}
	v, err := strconv.ParseFloat(fs[n-2], 64)
	if err != nil {
		return Figure{}, false, fmt.Errorf("BENCH %s: value %q: %w", strings.Join(fs[:n-2], " "), fs[n-2], err)
	}
	f.Name, f.Value, f.Unit = strings.Join(fs[:n-2], " "), v, fs[n-1]
	return f, true, nil
}

// parseGoBench picks the ratio and millisecond metrics of a `go test -bench`
// line: "BenchmarkX-2  5  123 ns/op  0.31 ratio  2.1 p99_ms".
func parseGoBench(line string) []Figure {
	fs := strings.Fields(line)
	if len(fs) < 4 {
		return nil
	}
	name := strings.TrimPrefix(fs[0], "Benchmark")
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	var out []Figure
	var ratio *Figure
	for i := 2; i+1 < len(fs); i += 2 {
		v, err := strconv.ParseFloat(fs[i], 64)
		if err != nil {
			continue
		}
		unit := fs[i+1]
		switch {
		case unit == "ratio":
			f := Figure{Name: name, Value: v, Unit: "ratio", Ratio: v, HasRatio: true}
			ratio = &f
		case strings.HasSuffix(unit, "_ms"):
			out = append(out, Figure{Name: name + "_" + strings.TrimSuffix(unit, "_ms"), Value: v, Unit: "ms"})
		}
	}
	if ratio != nil {
		out = append([]Figure{*ratio}, out...)
	}
	return out
}
