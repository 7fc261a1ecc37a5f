# syspro-bq — build, test, demo and benchmark entry points.
# `make test` and `make demo` install what they need on a fresh machine (Debian packages, a Python venv).

SWIFT ?= swift
SWIFT_FORMAT ?= swift format
SOURCES := Sources Tests Package.swift

.PHONY: all setup python-env build release test demo lint fmt clean

all: build

setup:
	@scripts/setup-system.sh

# The Python venv (.venv) with bqemulator and Google's BigQuery client, for the end-to-end tests and the demo.
python-env: setup
	@scripts/setup-python.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

lint:
	$(SWIFT_FORMAT) lint --strict --recursive $(SOURCES)

fmt:
	$(SWIFT_FORMAT) format --in-place --recursive $(SOURCES)

test: setup python-env lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Simulated SYSPRO -> syspro-bq -> local BigQuery emulator, then a trial balance queried back (scripts/demo.sh).
demo:
	@scripts/demo.sh

clean:
	rm -rf .build .run
