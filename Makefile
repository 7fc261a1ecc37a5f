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
