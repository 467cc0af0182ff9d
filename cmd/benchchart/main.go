// Command benchchart draws bench-report/report.txt as an SVG chart:
//
//	benchchart -in bench-report/report.txt -out bench-report/chart.svg
package main

import (
	"flag"
	"os"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/benchchart"
)

func main() {
	in := flag.String("in", "bench-report/report.txt", "report written by scripts/bench.sh")
	out := flag.String("out", "bench-report/chart.svg", "SVG file to write")
	target := flag.Float64("target", 0.25, "ratio target drawn on the throughput panel")
	title := flag.String("title", "vltgw benchmarks", "chart title")
	flag.Parse()
	log := zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr, NoColor: true}).With().Timestamp().Logger()
	if err := run(*in, *out, benchchart.Options{Title: *title, RatioTarget: *target}); err != nil {
		log.Error().Err(err).Str("in", *in).Str("out", *out).Msg("benchchart failed")
		os.Exit(1)
	}
	log.Info().Str("out", *out).Msg("chart written")
}

func run(in, out string, o benchchart.Options) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	figs, err := benchchart.Parse(f)
	if err != nil {
		return err
	}
	w, err := os.Create(out + ".tmp")
	if err != nil {
		return err
	}
	if err := benchchart.WriteSVG(w, figs, o); err != nil {
		w.Close()
		os.Remove(out + ".tmp")
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.Rename(out+".tmp", out)
}
