#!/usr/bin/env bash
# Validates yang/*.yang with yanglint, when there are models.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
models=(yang/*.yang)
[ ${#models[@]} -eq 0 ] && exit 0
command -v yanglint >/dev/null || { echo "yang-check: yanglint missing (make deps installs libyang2-tools)" >&2; exit 1; }
for m in "${models[@]}"; do yanglint -p yang "$m"; done
if [ -x yang/check-examples.sh ]; then yang/check-examples.sh; fi
echo "yang-check: ${#models[@]} model(s) valid"
