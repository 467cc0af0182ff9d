package benchchart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

const sample = `# vltgw benchmarks — 2026-12-02T16:00Z on 2 cores (x86_64)

## swss
BENCH raw pipelined HSET (baseline)                401234 keys/s  ratio 1.00
BENCH ProducerStateTable→ConsumerStateTable        212000 keys/s  ratio 0.53
BENCH broken one                                   error: redis gone
BENCH e2e_one_change_create_p99 3.21 ms
BENCH e2e_one_change_create_p99_target 5 ms
BenchmarkBulkCreateMyMac-2   	       5	 123456 ns/op	  73000 objs/s	  0.29 ratio	 400000 raw_hset_objs/s
BenchmarkTLVToMyMac-2   	       5	 1.2 p50_ms	 4.5 p99_ms
ok  	github.com/vltgw/vltgw/syncd	3.1s
`

func TestParseFigures(t *testing.T) {
	figs, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := []Figure{
		{Name: "raw pipelined HSET (baseline)", Value: 401234, Unit: "keys/s", Ratio: 1, HasRatio: true, Line: 4},
		{Name: "ProducerStateTable→ConsumerStateTable", Value: 212000, Unit: "keys/s", Ratio: 0.53, HasRatio: true, Line: 5},
		{Name: "e2e_one_change_create_p99", Value: 3.21, Unit: "ms", Line: 7},
		{Name: "e2e_one_change_create_p99_target", Value: 5, Unit: "ms", Line: 8},
		{Name: "BulkCreateMyMac", Value: 0.29, Unit: "ratio", Ratio: 0.29, HasRatio: true, Line: 9},
		{Name: "TLVToMyMac_p50", Value: 1.2, Unit: "ms", Line: 10},
		{Name: "TLVToMyMac_p99", Value: 4.5, Unit: "ms", Line: 10},
	}
	if len(figs) != len(want) {
		t.Fatalf("got %d figures %+v, want %d", len(figs), figs, len(want))
	}
	for i := range want {
		if figs[i] != want[i] {
			t.Errorf("figure %d = %+v, want %+v", i, figs[i], want[i])
		}
	}
}

func TestParseRejectsUnparsableValue(t *testing.T) {
	for _, in := range []string{"BENCH producer abc keys/s\n", "BENCH producer 12 keys/s ratio x\n", "BENCH x\n"} {
		_, err := Parse(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("Parse(%q) err = %v, want an error naming line 1", in, err)
		}
	}
}

func TestWriteSVGIsWellFormedWithOneBarPerFigure(t *testing.T) {
	figs, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteSVG(&buf, figs, Options{Title: "t <&>", RatioTarget: 0.25}); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&buf)
	rects, titles := 0, []string{}
	inTitle := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if v.Name.Local == "rect" {
				rects++
			}
			inTitle = v.Name.Local == "title"
		case xml.CharData:
			if inTitle {
				titles = append(titles, string(v))
			}
		case xml.EndElement:
			inTitle = false
		}
	}
	// one background rect + one bar per ratio or latency figure; the
	// "_target" line is a goal and gets no bar
	bars := len(figs) - 1
	if rects != 1+bars {
		t.Errorf("rects = %d, want %d", rects, 1+bars)
	}
	if len(titles) != bars || !strings.HasPrefix(titles[0], "raw pipelined HSET (baseline) = 401234 keys/s") {
		t.Errorf("bar titles = %q", titles)
	}
}

func TestWriteSVGRefusesAnEmptyReport(t *testing.T) {
	figs, err := Parse(strings.NewReader("# nothing measured\nok pkg 1s\n"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteSVG(&buf, figs, Options{}); err == nil || buf.Len() != 0 {
		t.Fatalf("err = %v, %d bytes written; want an error and nothing written", err, buf.Len())
	}
}

// Latencies span three decades (a 1 ms change next to a 900 ms relearn):
// on the log scale the short one still gets a visible bar.
func TestLatencyBarsLogScale(t *testing.T) {
	figs := []Figure{{Name: "fast", Value: 1, Unit: "ms"}, {Name: "slow", Value: 900, Unit: "ms"}}
	var buf bytes.Buffer
	if err := WriteSVG(&buf, figs, Options{}); err != nil {
		t.Fatal(err)
	}
	widths := map[string]float64{}
	dec := xml.NewDecoder(&buf)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			var w float64
			for _, a := range se.Attr {
				if a.Name.Local == "width" && !strings.HasSuffix(a.Value, "%") {
					fmt.Sscan(a.Value, &w)
				}
			}
			if w > 0 {
				widths[fmt.Sprint(len(widths))] = w
			}
		}
	}
	if len(widths) != 2 {
		t.Fatalf("bars %v", widths)
	}
	if fast, slow := widths["0"], widths["1"]; !(fast > slow/4 && fast < slow) {
		t.Fatalf("bar widths fast %.1f slow %.1f: want the 1 ms bar shorter but more than a quarter of the 900 ms one", fast, slow)
	}
}
