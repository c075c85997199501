#!/bin/sh
# test_export_torch.sh: `richlazy export-torch` writes a replay.py that
# PyTorch runs to the same loss curve and final weights (relative
# difference <= 1e-4), for several configurations; a replay given the
# wrong settings fails. Skipped (77) without torch for /usr/bin/python3.
#   test_export_torch.sh RICHLAZY SCRATCH_DIR
set -u
exe="$1"
scratch="$2/export_torch"
py=/usr/bin/python3
if ! "$py" -c 'import torch, numpy' >/dev/null 2>&1; then
    echo "skipped: torch for $py is not installed (apt-get install python3-torch)"
    exit 77
fi
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch" || exit 1

fail() {
    echo "FAIL: $*"
    exit 1
}

printf 'x,y,label\n0.5,1.5,1\n-1,0.25,0\n2,-1,1\n-0.5,-2,0\n1.25,0.75,1\n-2,1,0\n' \
    > points.csv
n=0
# name | the run's flags (export-torch gets the same)
while IFS='|' read -r name flags; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086
    "$exe" run $flags --out "$name" --quiet 2>"$name.err" ||
        fail "$name: run $flags: $(cat "$name.err")"
    # shellcheck disable=SC2086
    "$exe" export-torch "$name" $flags >/dev/null 2>"$name.err" ||
        fail "$name: export-torch: $(cat "$name.err")"
    OPENBLAS_NUM_THREADS=1 "$py" "$name/replay.py" >"$name.out" 2>&1 ||
        fail "$name: replay: $(cat "$name.out")"
    echo "$name ($flags): $(grep 'largest relative' "$name.out")"
    n=$((n + 1))
done <<'CASES'
default|--steps 1000
relu-decay|--activation relu --lambda 0.01 --steps 1000
tanh-xor|--activation tanh --dataset xor --lr 0.01 --hidden 100 --steps 1500
circles-outinit|--dataset circles --activation relu --out-init 0.01 --hidden 64 --seed 5 --steps 1000
spiral-log|--dataset spiral --activation tanh --lambda 0.001 --init 0.05 --log-every 10 --steps 2000
csv-data|--data points.csv --lr 0.01 --hidden 32 --steps 500
diverging|--lr 0.05 --steps 300
scenario|--config weight-decay --steps 800
CASES
[ "$n" -ge 6 ] || fail "only $n configurations replayed"
grep -q "lazy: diverged at step" diverging.out || fail "the diverging run: $(cat diverging.out)"

# the wrong settings: the replay says so and fails
"$exe" export-torch relu-decay --activation relu >/dev/null 2>&1 ||
    fail "export-torch relu-decay"
OPENBLAS_NUM_THREADS=1 "$py" relu-decay/replay.py >wrong.out 2>&1 &&
    fail "a replay with lambda 0 instead of 0.01 passed"
grep -q "FAIL: above" wrong.out || fail "wrong replay: $(cat wrong.out)"
# not a run folder
"$exe" export-torch points.csv 2>err.txt && fail "export-torch of a file"
grep -q "a run's folder" err.txt || fail "not a run: $(cat err.txt)"
exit 0
