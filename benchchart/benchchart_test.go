package benchchart

import (
	"bytes"
	"encoding/xml"
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
		{Name: "BulkCreateMyMac", Value: 0.29, Unit: "ratio", Ratio: 0.29, HasRatio: true, Line: 8},
		{Name: "TLVToMyMac_p50", Value: 1.2, Unit: "ms", Line: 9},
		{Name: "TLVToMyMac_p99", Value: 4.5, Unit: "ms", Line: 9},
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
	// one background rect + one bar per ratio or latency figure
	if rects != 1+len(figs) {
		t.Errorf("rects = %d, want %d", rects, 1+len(figs))
	}
	if len(titles) != len(figs) || !strings.HasPrefix(titles[0], "raw pipelined HSET (baseline) = 401234 keys/s") {
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
