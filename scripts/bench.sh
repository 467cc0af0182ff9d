#!/usr/bin/env bash
# Runs every benchmark with its baseline measured in the same run and writes
# bench-report/report.txt and draws it as bench-report/chart.svg. Each line "BENCH <name> <value> <unit> ratio <r>"
# is one figure; README.md quotes the latest report.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-report
report=bench-report/report.txt
{
  echo "# vltgw benchmarks — $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(uname -m))"
  echo
  echo "## swss: state tables and the ordered queue vs raw pipelined HSET (go run ./cmd/swssbench)"
  go run ./cmd/swssbench -n 200000
  echo
  echo "## e2e: CONFIG_DB HSET → cfgmgrd → orchagent → syncd → gRPC HAL → platform/vs, and one change p50/p99 (go run ./cmd/e2ebench)"
  go run ./cmd/e2ebench || echo "BENCH e2ebench error: exit $?"
  echo
  echo "## proxy gateway: 16 static remote MACs × 4000 L3 VLANs → 64k MY_MAC entries, CONFIG_DB → platform, and one change p50/p99 (go run ./cmd/e2ebench -scenario mymac)"
  go run ./cmd/e2ebench -scenario mymac -runs 3 -samples 200 || echo "BENCH e2ebench-mymac error: exit $?"
  echo
  echo "## syncd: ASIC_STATE bulkcreate of 64k MY_MAC → platform → ASIC_DB (go test -bench BulkCreateMyMac ./syncd)"
  go test -run '^$' -bench 'BulkCreateMyMac' -benchtime 5x ./syncd | grep -E '^Benchmark'
  echo
  echo "## LLDP proxy gateway, two switches on real processes: TLV → MY_MAC in the platform, member link down → withdrawn (go run ./cmd/pgwbench)"
  go run ./cmd/pgwbench -n 50 || echo "BENCH pgwbench error: exit $?"
  echo
  echo "## lldp: decode and agent receive (go test -bench . ./lldp)"
  go test -run '^$' -bench . -benchmem ./lldp | grep -E '^Benchmark'
  for pkg in ./platform/vs ./orchagent/... ./cfgmgr/...; do
    if ls ${pkg%/...}/*_test.go >/dev/null 2>&1 && grep -lq '^func Benchmark' ${pkg%/...}/*_test.go 2>/dev/null; then
      echo
      echo "## $pkg (go test -bench . $pkg)"
      go test -run '^$' -bench . -benchtime 3x $pkg | grep -E '^Benchmark'
    fi
  done
} 2>&1 | tee "$report"
go run ./cmd/benchchart -in "$report" -out bench-report/chart.svg
echo "report: $report, chart: bench-report/chart.svg"
