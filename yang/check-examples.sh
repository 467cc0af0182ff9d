#!/usr/bin/env bash
# Validates yang/examples/*.json against sonic-vlt.yang (must pass) and
# checks that every yang/examples/invalid/*.json is refused by yanglint.
set -euo pipefail
cd "$(dirname "$0")"
fail=0
for f in examples/*.json; do
  if ! out=$(yanglint -t config sonic-vlt.yang "$f" 2>&1); then
    echo "yang-check: $f should be valid: $out"; fail=1
  fi
done
for f in examples/invalid/*.json; do
  if out=$(yanglint -t config sonic-vlt.yang "$f" 2>&1); then
    echo "yang-check: $f should be refused but yanglint accepted it"; fail=1
  else
    echo "yang-check: $f refused as expected: $(echo "$out" | head -1)"
  fi
done
exit $fail
