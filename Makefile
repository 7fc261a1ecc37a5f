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
