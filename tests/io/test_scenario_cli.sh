#!/bin/sh
# test_scenario_cli.sh: `--config` end to end with the real program: every
# shipped scenario runs headless for a few steps; flags override the file;
# recordings name their scenario (and only then); the e key's file starts
# the same setup again; hostile files are refused with FILE:LINE and leave
# nothing behind.
#   test_scenario_cli.sh RICHLAZY SCRATCH_DIR
set -u
exe="$1"
scratch="$2/scenario_cli"
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch" || exit 1

fail() {
    echo "FAIL: $*"
    [ -f err.txt ] && cat err.txt
    exit 1
}

# every shipped scenario, by its bare name, a few steps
shipped="$(dirname "$0")/../../assets/scenarios"
n=0
for f in "$shipped"/*.txt; do
    name=$(basename "$f" .txt)
    "$exe" run --config "$name" --steps 30 --out "ship_$name" --quiet \
        2>err.txt || fail "shipped scenario $name does not run"
    [ -s "ship_$name/metrics.csv" ] || fail "$name wrote no metrics"
    n=$((n + 1))
done
[ "$n" -ge 4 ] || fail "only $n shipped scenarios"

# flags override the file; frames.csv and the PNGs name the scenario
printf 'lr=0.004\nhidden=50\nsteps=20\n' > lesson.txt
"$exe" run --config lesson.txt --lr 0.001 --frames-every 10 --out rec \
    --quiet 2>err.txt || fail "run --config lesson.txt"
head -1 rec/frames/frames.csv | grep -q ',lazy_batch_size,scenario$' ||
    fail "frames.csv has no scenario column"
sed -n 2p rec/frames/frames.csv | grep -q ',50,0.001,.*,lesson.txt$' ||
    fail "frames.csv row: $(sed -n 2p rec/frames/frames.csv)"
grep -qa 'scenario' rec/frames/frame_000000.png ||
    fail "the PNG has no scenario text chunk"
[ "$(tail -1 rec/metrics.csv | cut -d, -f1)" = 20 ] ||
    fail "steps from the file not used"
# without a scenario: no such column (the default stays as it was)
"$exe" run --steps 10 --hidden 50 --frames-every 10 --out plain --quiet ||
    fail "plain run"
head -1 plain/frames/frames.csv | grep -q scenario &&
    fail "a run without --config records a scenario"
grep -qa 'scenario' plain/frames/frame_000000.png &&
    fail "a PNG without --config names a scenario"

# the e key writes a scenario that starts the same setup
printf 'lr=0.004\nhidden=40\nrich_init=0.003\nactivation=tanh\n[script]\n0 e\n' \
    > saveme.txt
"$exe" run --config saveme.txt --steps 40 --out a --quiet 2>err.txt ||
    fail "run with the e key"
saved=$(ls a/scenario-*.txt 2>/dev/null | head -1)
[ -n "$saved" ] || fail "the e key wrote no scenario"
"$exe" run --config "$saved" --steps 40 --out b --quiet \
    2>err.txt || fail "the saved scenario does not load"
for w in a/weights/*.npy; do
    cmp -s "$w" "b/weights/${w##*/}" ||
        fail "the saved scenario trains differently (${w##*/})"
done

# hostile files: refused with FILE:LINE, nothing written or started
mkdir evil
printf '# hi\nout=%s/pwned\n' "$scratch" > evil/out.txt
printf 'checkpoint=%s/pwned\n' "$scratch" > evil/ck.txt
printf 'frames_every=10\nvideo=1\n' > evil/video.txt
printf 'script=/etc/passwd\n' > evil/script.txt
printf 'data=/etc/passwd\n' > evil/abs.txt
printf 'data=../lesson.txt\n' > evil/dotdot.txt
ln -s /etc/passwd evil/link.csv
printf 'data=link.csv\n' > evil/link.txt
ln -s /dev/zero evil/zero.csv
printf 'data=zero.csv\n' > evil/zero.txt
mkfifo evil/fifo.csv
printf 'data=fifo.csv\n' > evil/fifo.txt
printf 'activation=relu\nhidden=10000000\nsamples=50000000\n' > evil/huge.txt
printf 'lr=0.01\n\033]0;owned\007\033[2J=1\n' > evil/esc.txt
for case in out:2 ck:1 video:2 script:1 abs:1 dotdot:1 link:1 zero:1 \
            fifo:1 huge:0 esc:2; do
    f=${case%:*}
    line=${case#*:}
    timeout 60 "$exe" run --config "evil/$f.txt" --steps 5 --out "o_$f" \
        --quiet 2>err.txt
    rc=$?
    [ "$rc" -eq 2 ] || fail "evil/$f.txt: exit $rc, wanted 2"
    [ -e "o_$f" ] && fail "evil/$f.txt left an output folder"
    [ "$line" -eq 0 ] || grep -q "evil/$f.txt:$line: " err.txt ||
        fail "evil/$f.txt: no FILE:LINE in: $(cat err.txt)"
    if LC_ALL=C grep -q "$(printf '\033')" err.txt ||
       LC_ALL=C grep -q "$(printf '\007')" err.txt; then
        fail "evil/$f.txt: raw control bytes reach the terminal"
    fi
done
[ -e pwned ] && fail "a file chose an output folder"
"$exe" run --config evil/huge.txt --steps 5 --out o_huge 2>err.txt
grep -q "not enough memory" err.txt ||
    fail "huge sizes not stopped by the memory check: $(cat err.txt)"

# a checkpoint carries its data file and names it relative to itself; one
# that names anything else is refused with FILE:LINE
printf 'x,y,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n0.5,0.5,1\n0.2,0.9,0\n' > points.csv
"$exe" run --data points.csv --steps 10 --checkpoint ck --out ckrun --quiet \
    2>err.txt || fail "run --checkpoint with --data"
cmp -s points.csv ck/data.csv || fail "the checkpoint holds no copy of its data"
grep -qx 'data=data.csv' ck/checkpoint.txt || fail "checkpoint.txt data line"
"$exe" retrain --from ck --runs 1 --steps 5 --out rt --quiet 2>err.txt ||
    fail "retrain from a checkpoint with its data"
dline=$(grep -n '^data=' ck/checkpoint.txt | cut -d: -f1)
for bad in /etc/passwd ../points.csv link.csv fifo.csv; do
    rm -rf ck2 && cp -r ck ck2
    ln -s /etc/passwd ck2/link.csv
    mkfifo ck2/fifo.csv
    sed -i "s|^data=.*|data=$bad|" ck2/checkpoint.txt
    "$exe" retrain --from ck2 --runs 1 --steps 5 --out rt2 --quiet 2>err.txt &&
        fail "a checkpoint naming data=$bad was accepted"
    grep -q "ck2/checkpoint.txt:$dline: data" err.txt ||
        fail "checkpoint data=$bad: $(cat err.txt)"
    [ -e rt2 ] && fail "checkpoint data=$bad left an output folder"
done

# a million key presses at frame 0 (as many as fit the size limit) are
# handed out a frame's worth at a time: the run ends normally
awk 'BEGIN { print "[script]"; for (i = 0; i < 250000; i++) print "0 x" }' \
    > bomb.txt
timeout 120 "$exe" run --config bomb.txt --steps 50 --out bombed --quiet \
    2>err.txt || fail "the key bomb stalled or failed the run"
awk 'BEGIN { print "[script]"; for (i = 0; i < 1000000; i++) print "0 x" }' \
    > bigbomb.txt
"$exe" run --config bigbomb.txt --steps 5 --out bigbombed --quiet \
    2>err.txt && fail "a 4 MB scenario was accepted"
grep -q "more than the 1 MiB" err.txt || fail "bigbomb: $(cat err.txt)"

# the window opens a shipped scenario by its bare name and plays its script
# (divergence: lr 0.02 halved three times at frame 120), under a private Xvfb
if command -v Xvfb >/dev/null 2>&1; then
    d=83
    while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do
        d=$((d + 1))
    done
    Xvfb ":$d" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
    xpid=$!
    trap 'kill "$xpid" 2>/dev/null' EXIT
    sleep 1
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    DISPLAY=":$d" WAYLAND_DISPLAY="" timeout 120 "$exe" window \
        --config divergence --max-frames 130 --state-dump state.txt \
        --out wout >/dev/null 2>err.txt || fail "window --config divergence"
    grep -qx 'lr=0.0025' state.txt || fail "window state: $(cat state.txt)"
    kill "$xpid" 2>/dev/null
    wait "$xpid" 2>/dev/null
    trap - EXIT
fi

echo "scenario cli: $n shipped scenarios run, hostile files refused"
exit 0
