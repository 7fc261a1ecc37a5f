#!/usr/bin/env bash
# Fuzzing of syspro-bq's parsers with libFuzzer (https://llvm.org/docs/LibFuzzer.html).
#
# Targets (Sources/Fuzz<Name>/, harnesses in Sources/FuzzTargets/, seeds in Tests/FuzzCorpus/<Name>/):
#   FuzzManifest   SegmentLog's canonical JSON parser and manifest decoding
#   FuzzODataPage  Extract's streaming OData page scanner, through ODataSource.read
#   FuzzENetXML    Extract's e.net answer handling (Windows-1252, XML tree, COMFND rows), through ENetSource.read
#   FuzzConfig     Operator's TOML parser and typed configuration, through Configuration.parse
#
# Usage:
#   scripts/fuzz.sh build [TARGET...]    build the libFuzzer binaries (release, -sanitize=fuzzer,address, -D FUZZING)
#                                        into .build-fuzz/ (a separate scratch path: the normal build is untouched)
#   scripts/fuzz.sh run [TARGET...]      build, then fuzz each target for FUZZ_SECONDS (default 60) seconds, one
#                                        after the other, one process each; stops at the first crash (exit 1)
#   scripts/fuzz.sh replay [TARGET...]   replay each committed corpus through the debug (non-libFuzzer) builds of the
#                                        fuzz executables; fast, exits non-zero on any crash (this is `make fuzz-replay`)
#   scripts/fuzz.sh merge [TARGET...]    add the working-corpus inputs that reach new coverage to the committed corpus
#
# Environment:
#   FUZZ_SECONDS   seconds per target for `run` (default 60)
#   FUZZ_ARGS      extra libFuzzer flags for `run` (e.g. "-max_len=65536" or "-dict=...")
#
# The working corpus grows in .build-fuzz/corpus/<TARGET>/ (ignored); the committed seeds are read, never written,
# by `run`. A crash leaves its input in fuzz-artifacts/<TARGET>/crash-<sha1> (ignored): reproduce it with
#   swift run <TARGET> fuzz-artifacts/<TARGET>/crash-<sha1>
# and, once fixed, commit it under Tests/FuzzCorpus/<TARGET>/crashes/ so the replay keeps it fixed.
#
# Fuzzing runs at nice 19 and in one process (libFuzzer without -jobs, which is what -jobs=1 -workers=1 gives,
# minus the fuzz-0.log indirection): the machine is shared.
set -euo pipefail

cd "$(dirname "$0")/.."

ALL_TARGETS=(FuzzManifest FuzzODataPage FuzzENetXML FuzzConfig)
SWIFT=${SWIFT:-swift}
SCRATCH=.build-fuzz
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_ARGS=${FUZZ_ARGS:-}

command=${1:-}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")
for target in "${targets[@]}"; do
    case " ${ALL_TARGETS[*]} " in
    *" $target "*) ;;
    *)
        echo "fuzz: unknown target $target (known: ${ALL_TARGETS[*]})" >&2
        exit 64
        ;;
    esac
done

# -parse-as-library: the fuzz executables have no main (libFuzzer provides it); every other module built for
# them is a library, for which the flag changes nothing.
fuzz_flags=(-c release --scratch-path "$SCRATCH"
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING)

build_fuzzers() {
    for target in "${targets[@]}"; do
        echo "fuzz: building $target"
        nice -n 19 "$SWIFT" build "${fuzz_flags[@]}" --product "$target"
    done
}

bin_path() {
    "$SWIFT" build "${fuzz_flags[@]}" --show-bin-path
}

case "$command" in
build)
    build_fuzzers
    ;;
run)
    build_fuzzers
    bin=$(bin_path)
    symbolizer=$(dirname "$(command -v "$SWIFT")")/llvm-symbolizer
    [ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
    for target in "${targets[@]}"; do
        mkdir -p "$SCRATCH/corpus/$target" "fuzz-artifacts/$target"
        echo "fuzz: $target for $FUZZ_SECONDS s"
        # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
        nice -n 19 "$bin/$target" \
            -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="fuzz-artifacts/$target/" $FUZZ_ARGS \
            "$SCRATCH/corpus/$target" "Tests/FuzzCorpus/$target"
    done
    ;;
replay)
    # The ordinary debug build (a no-op when `make build` or `make test` already ran): the fuzz executables
    # built without FUZZING replay the files they are given. A crash kills the process and fails the script.
    "$SWIFT" build
    bin=$("$SWIFT" build --show-bin-path)
    for target in "${targets[@]}"; do
        log=$(mktemp)
        if ! "$bin/$target" "Tests/FuzzCorpus/$target" >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            rm -f "$log"
            echo "fuzz: $target crashed while replaying its corpus (the input is named above)" >&2
            exit 1
        fi
        tail -n 1 "$log"
        rm -f "$log"
    done
    # Crash inputs whose fix has not landed are kept as crashes/open-* (replaying them would only crash again).
    open=$(find Tests/FuzzCorpus -path '*/crashes/open-*' -type f | sort)
    if [ -n "$open" ]; then
        echo "fuzz: open crash inputs (parser defects not fixed yet):" >&2
        echo "$open" >&2
        exit 1
    fi
    ;;
merge)
    bin=$(bin_path)
    for target in "${targets[@]}"; do
        nice -n 19 "$bin/$target" -merge=1 -timeout=10 "Tests/FuzzCorpus/$target" "$SCRATCH/corpus/$target"
    done
    ;;
*)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    [ -z "$command" ] && exit 64
    echo "fuzz: unknown command $command" >&2
    exit 64
    ;;
esac
