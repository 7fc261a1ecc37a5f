# syspro-bq — build, test, demo and benchmark entry points.
# `make test` and `make demo` install what they need on a fresh machine (Debian packages, a Python venv).

SWIFT ?= swift
SWIFT_FORMAT ?= swift format
SOURCES := Sources Tests Package.swift

.PHONY: all setup build release test lint fmt clean

all: build

setup:
	@scripts/setup-system.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

lint:
	$(SWIFT_FORMAT) lint --strict --recursive $(SOURCES)

fmt:
	$(SWIFT_FORMAT) format --in-place --recursive $(SOURCES)

test: setup lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build .run

# --- bench: syspro-bq against its floors and the Python alternatives (docs/benchmarks.md).
# Never part of `make test`. Release build, then bench/run.py; results in bench-results/ (git-ignored).
# BENCH_ROWS lists the GenTransaction row counts: `make bench BENCH_ROWS=10000000` for the 10M run.
BENCH_ROWS ?= 100000,1000000

.PHONY: bench bench-setup bench-build

bench-setup: setup
	@bench/setup.sh

bench-build: setup
	$(SWIFT) build -c release

bench: bench-setup bench-build
	BENCH_ROWS=$(BENCH_ROWS) python3 bench/run.py
