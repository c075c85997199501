#!/bin/bash
# soak.sh: a long headless run under random scripted key presses.
#   tests/soak.sh RICHLAZY [STEPS] [SEED]     (STEPS default 1000000)
# Presses every key of the keymap at random (seeded) frames, including lr
# and weight-decay storms that make the nets diverge, dataset and
# activation switches, resets, screenshots and record on/off; frames are
# recorded along the way. Checks: exit 0, every diverged net recovered by a
# later reset (metrics.csv), the frames consistent with frames.csv, and no
# memory growth after warm-up: VmRSS sampled from /proc every 0.5 s, the
# peak of the last fifth of the run at most 10% (+8 MiB) above the peak of
# the second fifth. Meant for an ASan build; not part of `meson test`.
set -u
exe="$1"
steps="${2:-1000000}"
seed="${3:-7}"
work=$(mktemp -d "${TMPDIR:-/tmp}/richlazy-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1
# a small quarantine keeps ASan's own memory flat, so growth is ours
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=16}"

# ---- the key script: episodes of key presses that undo themselves ----
python3 - "$steps" "$seed" >"$work/keys.txt" <<'PY'
import random, sys
steps, seed = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
frames = steps // 10          # about 10 steps per frame on average
out = []
def press(f, *keys):
    for k in keys:
        out.append("%d %s" % (f, k))
episodes = [
    # lr storm: x4096 diverges both nets, then back down and a reset
    lambda f: (press(f, *["L"] * 12), press(f + 30, *["l"] * 12),
               press(f + 31, rnd.choice(["r", "R"]))),
    # weight-decay storm and back to 0
    lambda f: (press(f, *["W"] * 18), press(f + 20, *["w"] * 22)),
    # init scales of the selected net, up and back down
    lambda f: (press(f, "Tab", *["Up"] * 6), press(f + 15, *["Down"] * 6)),
    lambda f: (press(f, "Down", "Down"), press(f + 5, "Up", "Up")),
    lambda f: press(f, "d"),
    lambda f: press(f, "a"),
    lambda f: (press(f, "+", "=", "Right"), press(f + 10, "-", "Left", "-")),
    lambda f: (press(f, "Space"), press(f + 3, "Space")),
    lambda f: (press(f, "n", "n"), press(f + 2, "Space")),
    lambda f: press(f, rnd.choice(["u", "x", "z", "g", "t", "h", "F1"])),
    lambda f: (press(f, "c"), press(f + 40, "c")),
    lambda f: press(f, "r"),
    lambda f: press(f, "R"),
]
f = 20
while f < frames - 200:
    if rnd.random() < 0.02:
        press(f, "s")          # a screenshot now and then
    rnd.choice(episodes)(f)
    f += rnd.randint(45, 90)
print("\n".join(out))
PY
echo "soak: $(wc -l <"$work/keys.txt") key presses over ~$((steps / 10)) frames"

# ---- the run, its RSS sampled from outside ----
start=$(date +%s)
"$exe" run --steps "$steps" --hidden 30 --samples 100 --log-every 100 \
    --script "$work/keys.txt" --frames-every $((steps / 20)) --width 320 \
    --height 200 --out "$work/out" --quiet >"$work/stdout" 2>"$work/stderr" &
pid=$!
: >"$work/rss"
while kill -0 "$pid" 2>/dev/null; do
    awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null >>"$work/rss"
    sleep 0.5
done
wait "$pid"
rc=$?
secs=$(($(date +%s) - start))
status=0
if [ $rc -ne 0 ]; then
    echo "soak: FAIL: exit code $rc"
    tail -20 "$work/stderr"
    exit 1
fi

# ---- memory: warm-up (second fifth) vs end (last fifth) ----
read -r warm end n < <(awk '{v[NR] = $1} END {
    a = int(NR / 5); w = 0; e = 0
    for (i = a + 1; i <= 2 * a; i++) if (v[i] > w) w = v[i]
    for (i = NR - a + 1; i <= NR; i++) if (v[i] > e) e = v[i]
    print w, e, NR }' "$work/rss")
echo "soak: $steps steps in $secs s; VmRSS peak after warm-up ${warm} kB," \
     "at the end ${end} kB ($n samples)"
if [ "${n:-0}" -lt 10 ]; then
    echo "soak: FAIL: too few RSS samples ($n); run more steps"
    status=1
elif [ "$end" -gt $((warm + warm / 10 + 8192)) ]; then
    echo "soak: FAIL: memory grew after warm-up"
    status=1
fi

# ---- every divergence recovered by a later reset ----
python3 - "$work/out/metrics.csv" <<'PY' || status=1
import math, sys
rows = list(open(sys.argv[1]))[1:]
state = {}
episodes = {"rich": 0, "lazy": 0}
for line in rows:
    if line.startswith("#"):
        continue  # "# restart: ..." lines mark a restart (docs/formats.md)
    f = line.strip().split(",")
    net, loss = f[1], float(f[2])
    bad = not math.isfinite(loss)
    if bad and not state.get(net):
        episodes[net] += 1
    state[net] = bad
left = [n for n, b in state.items() if b]
print("soak: divergences: rich %d, lazy %d; all recovered: %s"
      % (episodes["rich"], episodes["lazy"], "no" if left else "yes"))
if left or episodes["rich"] + episodes["lazy"] == 0:
    print("soak: FAIL: %s" % ("still diverged at the end: " + ",".join(left)
                              if left else "no divergence was provoked"))
    sys.exit(1)
PY

# ---- frames and screenshots consistent with frames.csv ----
dir="$work/out/frames"
rows=$(tail -n +2 "$dir/frames.csv" | wc -l)
pngs=$(ls "$dir" | grep -c '\.png$')
shots=$(grep -c ',screenshot,' "$dir/frames.csv")
echo "soak: $pngs PNGs ($shots screenshots), $rows rows in frames.csv"
if [ "$rows" -ne "$pngs" ] || ls "$dir" | grep -qE '\.(part|tmp)$'; then
    echo "soak: FAIL: frames and frames.csv disagree"
    status=1
fi
[ $status -eq 0 ] && echo "soak: ok"
exit $status
