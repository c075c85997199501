#!/bin/sh
# A sharded phase diagram through GNU parallel, then merge: byte-identical
# to the same diagram run in one piece. Both commands are the README's
# (marked "test: parallel" and "test: phase-one"). Skips (77) without GNU
# parallel.
#   tests/exp/test_parallel.sh RICHLAZY SOURCE_ROOT SCRATCH
set -u
richlazy="$1" src="$2" scratch="$3"
if ! command -v parallel >/dev/null 2>&1 ||
        ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    echo "parallel: skipped: GNU parallel is not installed (scripts/deps --test installs it)"
    exit 77
fi
example() { sh "$src/tests/exp/readme_example.sh" "$src/README.md" "$1"; }
one=$(example phase-one)
sharded=$(example parallel)
[ -n "$one" ] && [ -n "$sharded" ] || {
    echo "parallel: FAIL: README.md lacks the examples 'test: phase-one' and 'test: parallel'" >&2
    exit 1; }

dir="$scratch/parallel-test"
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/work"
ln -s "$richlazy" "$dir/bin/richlazy"
PATH="$dir/bin:$PATH"
export PATH
cd "$dir/work" || exit 1

start=$(date +%s.%N)
echo "\$ $sharded"
sh -c "$sharded" </dev/null || { echo "parallel: FAIL: the sharded run" >&2; exit 1; }
end=$(date +%s.%N)
echo "\$ $one"
sh -c "$one" </dev/null >/dev/null || { echo "parallel: FAIL: the unsharded run" >&2; exit 1; }

# the folders: each command's last word (merge's folder, --out's value)
out_sharded=${sharded##* }
out_one=${one##* }
bad=0
n=0
for f in "$out_one"/*; do
    name=$(basename "$f")
    if cmp "$f" "$out_sharded/$name"; then
        n=$((n + 1))
    else
        echo "parallel: FAIL: $out_sharded/$name differs from $out_one/$name" >&2
        bad=1
    fi
done
[ "$n" -gt 0 ] || { echo "parallel: FAIL: $out_one holds no files" >&2; bad=1; }
awk -v n="$n" -v a="$start" -v b="$end" 'BEGIN {
    printf "parallel: %d files byte-identical; sharded run and merge took %.1f s\n", n, b - a }'
[ "$bad" -eq 0 ] && rm -rf "$dir"
exit "$bad"
