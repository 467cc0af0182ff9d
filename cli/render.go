package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// table is rows of cells under a header; a cell may hold several lines.
type table struct {
	header []string
	rows   [][]string
	right  []bool // right-align column i (grid style; simple style aligns all right)
}

// writeSimple prints the table in SONiC's "simple" style (tabulate
// tablefmt=simple, stralign=right): right-aligned columns two spaces apart
// and a dash rule under the header.
func (t *table) writeSimple(w io.Writer) error {
	widths := t.widths(0)
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString("  ")
			}
			fmt.Fprintf(&b, "%*s", widths[i], c)
		}
		b.WriteByte('\n')
	}
	line(t.header)
	rule := make([]string, len(widths))
	for i, n := range widths {
		rule[i] = strings.Repeat("-", n)
	}
	line(rule)
	for _, r := range t.rows {
		for _, l := range expand(r) {
			line(l)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeGrid prints the table in SONiC's "grid" style (tabulate
// tablefmt=grid), used by `show vlan brief`.
func (t *table) writeGrid(w io.Writer) error {
	widths := t.widths(2)
	var b strings.Builder
	sep := func(c byte) {
		b.WriteByte('+')
		for _, n := range widths {
			b.WriteString(strings.Repeat(string(c), n+2))
			b.WriteByte('+')
		}
		b.WriteByte('\n')
	}
	line := func(cells []string) {
		b.WriteByte('|')
		for i, c := range cells {
			if len(t.right) > i && t.right[i] {
				fmt.Fprintf(&b, " %*s |", widths[i], c)
			} else {
				fmt.Fprintf(&b, " %-*s |", widths[i], c)
			}
		}
		b.WriteByte('\n')
	}
	sep('-')
	line(t.header)
	sep('=')
	for _, r := range t.rows {
		for _, l := range expand(r) {
			line(l)
		}
		sep('-')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// widths returns each column's width: the widest line of a cell, and at
// least the header plus pad.
func (t *table) widths(pad int) []int {
	widths := make([]int, len(t.header))
	for i, h := range t.header {
		widths[i] = len(h) + pad
	}
	for _, r := range t.rows {
		for i, c := range r {
			for _, l := range strings.Split(c, "\n") {
				widths[i] = max(widths[i], len(l))
			}
		}
	}
	return widths
}

// expand turns a row of multi-line cells into one row per line.
func expand(r []string) [][]string {
	n := 1
	split := make([][]string, len(r))
	for i, c := range r {
		split[i] = strings.Split(c, "\n")
		n = max(n, len(split[i]))
	}
	out := make([][]string, n)
	for j := range out {
		out[j] = make([]string, len(r))
		for i := range r {
			if j < len(split[i]) {
				out[j][i] = split[i][j]
			}
		}
	}
	return out
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	return enc.Encode(v)
}
