# syspro-bq — build, test, demo and benchmark entry points.
# `make test` and `make demo` install what they need on a fresh machine (Debian packages, a Python venv).

SWIFT ?= swift
SWIFT_FORMAT ?= swift format
SOURCES := Sources Tests Package.swift

.PHONY: all setup setup-python build release test demo lint fmt clean kill-trials chaos

all: build

setup:
	@scripts/setup-system.sh

# The Python venv (.venv) with the BigQuery emulator and the official client, for end-to-end tests and the demo.
setup-python: setup
	@scripts/setup-python.sh

build: setup
	$(SWIFT) build

# Release binaries carry the Swift runtime and Foundation inside (--static-swift-stdlib): one file to install, which
# needs only the system's libcurl, zlib and libcrypto, and starts ~30 ms faster (no dynamic Swift libraries to bind).
RELEASE_FLAGS := -c release --static-swift-stdlib

release: setup
	$(SWIFT) build $(RELEASE_FLAGS)

lint:
	$(SWIFT_FORMAT) lint --strict --recursive $(SOURCES)

fmt:
	$(SWIFT_FORMAT) format --in-place --recursive $(SOURCES)

test: setup setup-python lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# 200 SIGKILLs of a segment writer at random instants, then recovery and verification of every stream.
kill-trials: setup
	$(SWIFT) build --build-tests
	SEGMENTLOG_KILL_TRIALS=200 $(SWIFT) test --skip-build --filter SegmentLogTests.KillTrialTests

# extract and load as concurrent processes, SIGKILLed at random instants CHAOS_KILLS times, with faults on the SYSPRO
# and BigQuery fakes; then faults and business stop, a final extract and load, and an audit against the simulator's
# truth, verify and the load journal (Tests/EndToEndTests/ChaosTests.swift; figures in docs/reliability.md).
# CHAOS_SEED=<n> replays a run's plan; the report is also written to .build/chaos-report.txt. `make test` runs 20 kills.
CHAOS_KILLS ?= 500
CHAOS_SEED ?=

chaos: setup
	$(SWIFT) build --build-tests
	CHAOS_KILLS=$(CHAOS_KILLS) CHAOS_SEED=$(CHAOS_SEED) CHAOS_REPORT=$(CURDIR)/.build/chaos-report.txt \
		$(SWIFT) test --skip-build --filter EndToEndTests.ChaosTests

# Simulated SYSPRO -> syspro-bq -> local BigQuery emulator, then a trial balance queried back (scripts/demo.sh).
demo:
	@scripts/demo.sh

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
	$(SWIFT) build $(RELEASE_FLAGS)

bench: bench-setup bench-build
	mkdir -p bench-results
	.build/release/segmentlog-bench --rows 300000 --json bench-results/segmentlog.json
	BENCH_ROWS=$(BENCH_ROWS) python3 bench/run.py

# --- fuzz -------------------------------------------------------------------------------------------------------
# `make fuzz` builds the libFuzzer binaries (release + ASan, in .build-fuzz/) and fuzzes each parser for
# FUZZ_SECONDS seconds (default 60), one after the other; a crash stops it with its input in fuzz-artifacts/.
# `make fuzz-replay` replays the committed corpora (Tests/FuzzCorpus/) through the debug builds in a few seconds and
# fails on any crash; `make test` replays them too (SecurityTests). Details: scripts/fuzz.sh.
FUZZ_SECONDS ?= 60

.PHONY: fuzz fuzz-replay

fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh run

fuzz-replay: setup
	scripts/fuzz.sh replay
