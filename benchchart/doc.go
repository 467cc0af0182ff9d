// Package benchchart turns the text report of `make bench` into an SVG
// chart. It owns the report's line grammar: "BENCH <name> <value> <unit>
// [ratio <r>]" lines written by the bench commands, and `go test -bench`
// result lines whose metrics include "ratio" or a latency in ms.
//
// Ratios are drawn against the baseline measured in the same run (raw
// pipelined Redis HSET, or the per-benchmark baseline the line names), so
// the chart compares like with like on whatever machine made the report.
package benchchart
