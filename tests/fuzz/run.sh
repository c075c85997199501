#!/bin/bash
# Fuzz every parser of outside input with clang's libFuzzer (+ ASan, UBSan).
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# SECONDS per target (default 60); TARGETs default to every fuzz_*.c here.
# Builds into build-fuzz/ (or $RL_FUZZ_DIR), starts from the committed seeds
# in tests/fuzz/corpus/TARGET/ (never modified: new inputs go to the build
# folder) and prints one line per target: "fuzz TARGET: N executions in S s".
# A crash leaves its input in build-fuzz/TARGET-crashes/ and fails the run;
# copy it into corpus/TARGET/ once fixed, so it is replayed by the tests.
set -u
cd "$(dirname "$0")/../.."

seconds="${1:-60}"
[ $# -gt 0 ] && shift
out="${RL_FUZZ_DIR:-build-fuzz}"
cc="${CLANG:-clang}"
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "fuzz: error: '$cc' not found; install clang (and libclang-rt-dev)" >&2
    exit 1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do
        t="${f#tests/fuzz/fuzz_}"
        targets+=("${t%.c}")
    done
fi

# the whole core built with coverage for libFuzzer, ASan and UBSan
setup_log="${TMPDIR:-/tmp}/richlazy-fuzz-setup.log"
if [ ! -f "$out/build.ninja" ]; then
    CC="$cc" meson setup "$out" --buildtype=debugoptimized -Dfuzz=true \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fsanitize=fuzzer-no-link >"$setup_log" 2>&1 || {
        echo "fuzz: error: meson setup failed, see $setup_log" >&2
        exit 1
    }
fi
build=()
for t in "${targets[@]}"; do
    build+=("tests/fuzz/fuzz_$t")
done
if ! ninja -C "$out" -j2 "${build[@]}" >"$out/fuzz-build.log" 2>&1; then
    echo "fuzz: error: build failed:" >&2
    tail -30 "$out/fuzz-build.log" >&2
    exit 1
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export OPENBLAS_NUM_THREADS=1

status=0
total=0
for t in "${targets[@]}"; do
    exe="$out/tests/fuzz/fuzz_$t"
    work="$out/$t-corpus"
    crashes="$out/$t-crashes"
    mkdir -p "$work" "$crashes"
    log="$out/$t.log"
    start=$(date +%s)
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=4096 -print_final_stats=1 -artifact_prefix="$crashes/" \
        "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(awk '/stat::number_of_executed_units/ {print $NF}' "$log" |
            tail -1)
    if [ $rc -ne 0 ]; then
        echo "fuzz $t: CRASH after ${execs:-?} executions ($((end - start)) s);" \
             "input saved in $crashes/:"
        grep -E "ERROR|FUZZ_CHECK|runtime error|SUMMARY|Test unit written" \
            "$log" | head -20
        status=1
    else
        echo "fuzz $t: ${execs:-?} executions in $((end - start)) s," \
             "0 crashes ($(find "$work" -type f | wc -l) corpus inputs)"
    fi
    total=$((total + ${execs:-0}))
done
echo "fuzz: $total executions over ${#targets[@]} targets"
exit $status
