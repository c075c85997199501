#!/bin/bash
# valgrind memcheck over headless runs of the built richlazy: fails on any
# invalid read/write, use of uninitialised memory, or definite/indirect leak.
#   tests/memcheck.sh [BUILD_DIR]      (default: build)
# Suppressions (tests/memcheck.supp) cover third-party libraries only.
set -u
cd "$(dirname "$0")/.."
build="${1:-build}"
exe="$build/src/richlazy"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "memcheck: error: valgrind not found (apt-get install valgrind)" >&2
    exit 1
fi
if [ ! -x "$exe" ]; then
    echo "memcheck: error: $exe not built (meson compile -C $build)" >&2
    exit 1
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/richlazy-memcheck.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export OPENBLAS_NUM_THREADS=1

printf 'x,y,label\n1,2,1\n2,1,0\n1,abc,0\n' >"$scratch/bad.csv"
printf 'x,y,label\n2,0.5,1\n0.5,2,0\n2.2,0.1,1\n0.1,1.9,0\n' >"$scratch/good.csv"

# name | expected exit code | arguments (out folder added when "OUT")
cases=(
    "linear|0|run --steps 2000 --hidden 100 --out OUT --quiet"
    "relu-test-split|0|run --steps 300 --hidden 100 --activation relu --dataset spiral --test-split 0.2 --out OUT --quiet"
    "tanh-csv|0|run --steps 300 --hidden 50 --activation tanh --data $scratch/good.csv --log-every 7 --out OUT"
    "diverging|0|run --steps 200 --hidden 50 --lr 100 --activation relu --out OUT --quiet"
    "bad-flag|2|run --lr -1 --out OUT"
    "bad-csv|2|run --data $scratch/bad.csv --out OUT"
    "unwritable-out|2|run --steps 5 --out $scratch/bad.csv/sub"
)
if "$exe" run --help 2>/dev/null | grep -q -- '--frames-every'; then
    cases+=("frames|0|run --steps 200 --hidden 50 --frames-every 50 --out OUT --quiet")
    printf '0 L\n1 c\n3 s\n4 d\n5 a\n6 Tab\n6 Up\n7 W\n8 R\n9 c\n10 g\n11 t\n' \
        >"$scratch/keys.txt"
    cases+=("script-keys|0|run --steps 300 --hidden 30 --script $scratch/keys.txt --width 320 --height 200 --out OUT --quiet")
fi

status=0
n=0
for c in "${cases[@]}"; do
    IFS='|' read -r name want args <<<"$c"
    n=$((n + 1))
    args="${args//OUT/$scratch/out-$name}"
    log="$scratch/$name.log"
    # shellcheck disable=SC2086
    valgrind --quiet --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --track-origins=yes \
        --suppressions=tests/memcheck.supp \
        "$exe" $args >"$log" 2>&1
    rc=$?
    if [ $rc -eq 99 ] || [ $rc -ne "$want" ]; then
        echo "memcheck $name: FAIL (exit $rc, expected $want): $exe $args"
        grep -v '^training:' "$log" | head -60
        status=1
    else
        echo "memcheck $name: ok (exit $rc, no errors, no leaks)"
    fi
done
echo "memcheck: $n runs, $([ $status -eq 0 ] && echo "all clean" || echo "FAILED")"
exit $status
