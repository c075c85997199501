#!/bin/sh
# test_export_torch.sh: `richlazy export-torch RUNDIR` writes a replay.py
# that trains the run's two nets again in PyTorch and agrees with the run
# (loss curve and final weights within 1e-4 relative) for configurations
# covering every model option; and fails when the run's files are altered.
# Usage: test_export_torch.sh RICHLAZY BUILD_DIR
# Exit 77 (skipped) only when /usr/bin/python3 cannot import torch.
set -u
exe="$1"
scratch="$2/export_torch_scratch"
py=/usr/bin/python3

if ! "$py" -c 'import torch, numpy' 2>/dev/null; then
    echo "SKIP: $py cannot import torch and numpy (Debian: apt-get install" \
        "python3-torch)"
    exit 77
fi
rm -rf "$scratch"
mkdir -p "$scratch" || exit 1

fail=0
# name, then the run's flags (short runs, small H and N)
replay() {
    name="$1"
    shift
    dir="$scratch/$name"
    if ! "$exe" run --out "$dir" --quiet --samples 40 --hidden 16 "$@" \
        >"$scratch/$name.run" 2>&1; then
        echo "FAIL: $name: richlazy run $*"
        cat "$scratch/$name.run"
        fail=1
        return
    fi
    if ! "$exe" export-torch "$dir" >/dev/null; then
        echo "FAIL: $name: export-torch"
        fail=1
        return
    fi
    if "$py" "$dir/replay.py" >"$scratch/$name.out" 2>&1; then
        echo "ok   $name: $(tail -n 1 "$scratch/$name.out")"
        sed 's/^/       /' "$scratch/$name.out" | grep "relative"
    else
        echo "FAIL: $name: replay.py ($*)"
        cat "$scratch/$name.out"
        fail=1
    fi
}

replay default_linear --steps 300
replay relu_bias_adam --steps 300 --activation relu --bias \
    --optimizer adam --lr 0.01 --lambda 1e-3
replay tanh_ntk_logistic_pm1 --steps 300 --activation tanh --param ntk \
    --loss logistic --labels pm1 --lr 0.1
replay relu_sym_alpha10_nesterov_mb16 --steps 300 --activation relu \
    --symmetric --alpha 10 --momentum 0.9 --nesterov --batch-size 16 \
    --lr 0.01
replay teacher_mf_adamw_mb8 --steps 300 --dataset teacher --activation relu \
    --param mf --optimizer adamw --lr 0.01 --lambda 1e-2 --batch-size 8 \
    --bias
replay exp_tanh_sgd_mb --steps 300 --activation tanh --loss exp --lr 0.05 \
    --momentum 0.5 --batch-size 12 --lambda 1e-3
replay logistic01_alpha01_bias --steps 300 --activation relu --loss logistic \
    --alpha 0.1 --bias --lr 0.05
replay widths_8_32_ntk_bias --steps 300 --activation relu --param ntk \
    --bias --rich-hidden 8 --lazy-hidden 32 --lr 0.05

# a tampered run: one final weight changed by 1% must fail the replay
dir="$scratch/default_linear"
if [ -d "$dir" ]; then
    "$py" - "$dir/weights/rich_w1_final.npy" <<'PY'
import sys
import numpy as np
a = np.load(sys.argv[1])
a[0, 0] *= 1.01
np.save(sys.argv[1], a)
PY
    if "$py" "$dir/replay.py" >"$scratch/tampered.out" 2>&1; then
        echo "FAIL: replay.py passed a run with an altered weight file"
        cat "$scratch/tampered.out"
        fail=1
    else
        echo "ok   tampered weight: $(tail -n 1 "$scratch/tampered.out")"
    fi
fi
# and a loss row changed in metrics.csv
dir="$scratch/relu_bias_adam"
if [ -d "$dir" ]; then
    awk -F, 'BEGIN { OFS = "," } $1 == "150" && $2 == "lazy" { $3 = $3 * 1.001 }
             { print }' "$dir/metrics.csv" >"$dir/metrics.tmp" &&
        mv "$dir/metrics.tmp" "$dir/metrics.csv"
    if "$py" "$dir/replay.py" >"$scratch/tampered2.out" 2>&1; then
        echo "FAIL: replay.py passed a run with an altered metrics.csv"
        cat "$scratch/tampered2.out"
        fail=1
    else
        echo "ok   tampered metrics.csv: $(tail -n 1 "$scratch/tampered2.out")"
    fi
fi

# a run whose metrics.csv records a restart (a key script's r) is not one
# training run: replay.py refuses it, naming the line
dir="$scratch/tanh_ntk_logistic_pm1"
if [ -d "$dir" ]; then
    sed -i '3i # restart: the rich net starts again from step 0 (after 2 steps)' \
        "$dir/metrics.csv"
    if "$py" "$dir/replay.py" >"$scratch/restart.out" 2>&1 ||
        ! grep -q "restart line" "$scratch/restart.out"; then
        echo "FAIL: replay.py did not refuse a run with a restart"
        cat "$scratch/restart.out"
        fail=1
    fi
fi

# a folder without settings.txt: one clear error, exit 1
mkdir -p "$scratch/empty"
"$exe" export-torch "$scratch/empty" 2>"$scratch/empty.err"
rc=$?
if [ "$rc" -ne 1 ] || ! grep -q "settings.txt" "$scratch/empty.err"; then
    echo "FAIL: export-torch on a folder without settings.txt: rc $rc"
    cat "$scratch/empty.err"
    fail=1
fi
[ "$fail" -eq 0 ] && rm -rf "$scratch"
exit "$fail"
