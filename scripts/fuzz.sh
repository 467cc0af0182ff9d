#!/usr/bin/env bash
# Runs every Go fuzz target for the given time each (default 5m) and records
# execs and crashers in bench-report/fuzz.txt. Crashers land in the package's
# testdata/fuzz and must be committed as regression seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-5m}
mkdir -p bench-report
report=bench-report/fuzz.txt
: > "$report"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $pkg $target ($fuzztime)" | tee -a "$report"
    log=$(mktemp)
    if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1; then
      grep -E 'fuzz: elapsed' "$log" | tail -1 | tee -a "$report"
      echo "result: PASS (no crashers)" | tee -a "$report"
    else
      tail -30 "$log" | tee -a "$report"
      echo "result: FAIL (crasher saved under $dir/testdata/fuzz/$target)" | tee -a "$report"
      rm -f "$log"; exit 1
    fi
    rm -f "$log"
  done
done
echo "fuzz report: $report"
