# vltgw — one Makefile for a fresh machine: `make run` and `make test` install
# what is missing (Debian packages) and need nothing else.
SHELL := /bin/bash
GO ?= go
BIN := bin
DEB_PACKAGES := redis-server protobuf-compiler tshark lldpd libyang2-tools supervisor debhelper iproute2
# `make test` runs gofmt, vet, the stale-proto check, YANG validation and the race tests
# (including test/e2e on the square lab and test/packaging: the .deb and supervisord).
TEST_TIMEOUT ?= 15m
FUZZTIME ?= 5m

.PHONY: all deps build test run run-single bench fuzz proto proto-check fmt-check vet yang-check clean deb deb-check supervisord-check packaging-check

all: build

deps:
	@./scripts/deps.sh $(DEB_PACKAGES)

build:
	$(GO) build -o $(BIN)/ ./cmd/...

proto:
	./scripts/genproto.sh

proto-check:
	@./scripts/genproto.sh --check

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '\.pb\.go$$') 2>/dev/null); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

yang-check:
	@./scripts/yang-check.sh

# VLTGW_PACKAGING=1: test/packaging builds the .deb and checks it, and runs
# the single-switch stack under docker/supervisord.conf.
test: deps fmt-check vet proto-check yang-check
	VLTGW_PACKAGING=1 $(GO) test -race -timeout $(TEST_TIMEOUT) ./...

run: deps build
	./scripts/lab-run.sh

# One switch (the pre-lab make run): redis, vsd, syncd, orchagent, cfgmgrd, pgwlldpd.
run-single: deps build
	./scripts/run.sh

bench: deps build
	./scripts/bench.sh

fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf $(BIN)

# Packaging: `make test` runs deb-check and supervisord-check through test/packaging.
deb: deps
	DEB_CHECK_OUT=$(BIN) ./scripts/deb-check.sh

deb-check: deps
	./scripts/deb-check.sh

supervisord-check: deps build
	./scripts/supervisord-check.sh

packaging-check: deps
	VLTGW_PACKAGING=1 $(GO) test -count=1 -v ./test/packaging
