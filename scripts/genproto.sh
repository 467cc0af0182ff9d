#!/usr/bin/env bash
# Regenerates the committed Go code from proto/ with protoc (Debian) and the
# protoc-gen-go / protoc-gen-go-grpc versions pinned by go.mod's `tool` lines.
# --check: regenerate into a temp dir and fail when the committed code differs.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d); trap 'rm -rf "$tools" ${out:-}' EXIT
go build -o "$tools/" google.golang.org/protobuf/cmd/protoc-gen-go google.golang.org/grpc/cmd/protoc-gen-go-grpc
out=$(mktemp -d)
protos=$(find proto -name '*.proto' | sort)
PATH="$tools:$PATH" protoc -I proto --go_out="$out" --go_opt=paths=source_relative \
  --go-grpc_out="$out" --go-grpc_opt=paths=source_relative $protos
if [ "${1:-}" = "--check" ]; then
  stale=0
  for f in $(cd "$out" && find . -name '*.go'); do
    if ! cmp -s "$out/$f" "proto/$f"; then echo "stale generated code: proto/${f#./} (run make proto)"; stale=1; fi
  done
  for f in $(cd proto && find . -name '*.pb.go'); do
    [ -f "$out/$f" ] || { echo "generated file without a .proto: proto/${f#./}"; stale=1; }
  done
  exit $stale
fi
cp -r "$out"/. proto/
echo "proto: generated $(cd "$out" && find . -name '*.go' | wc -l) files"
