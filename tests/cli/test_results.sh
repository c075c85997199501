#!/bin/bash
# test_results.sh: a result is one thing, written whole or not at all, and
# the child processes and allocators around richlazy behave (issues 16
# class 3 and 10, and 19). Usage: test_results.sh RICHLAZY BUILD_DIR
set -u
exe="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$2"
scratch="$(cd "$2" && pwd)/results_scratch"
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch" || exit 1
failures=0
passes=0
case=""
fail() {
    echo "FAIL [$case]: $*"
    [ -f "$scratch/err.txt" ] && sed 's/^/  stderr: /' "$scratch/err.txt"
    failures=$((failures + 1))
}
ok() {
    echo "ok   [$case]"
    passes=$((passes + 1))
}
small=(--steps 30 --hidden 4 --samples 20 --quiet)

# a run folder is complete: the three results, 8 weights, no temporary
run_complete() {
    local d="$1" f
    [ -f "$d/metrics.csv" ] && [ -f "$d/data.csv" ] || return 1
    [ "$(tail -c 1 "$d/metrics.csv" | od -An -c | tr -d ' ')" = '\n' ] || return 1
    for f in rich_w1_init rich_w2_init rich_w1_final rich_w2_final \
             lazy_w1_init lazy_w2_init lazy_w1_final lazy_w2_final; do
        [ -s "$d/weights/$f.npy" ] || return 1
    done
    [ -z "$(find "$d" -name '*.part')" ]
}
# no staging folder or temporary file anywhere in the scratch folder
no_temporaries() {
    [ -z "$(find "$scratch" -name '*.part')" ]
}

case="issue 19: two runs into one folder at once, 50 times"
bad=0
for i in $(seq 50); do
    "$exe" run "${small[@]}" --out "two/$i" --append 2>>err.txt & p1=$!
    "$exe" run "${small[@]}" --seed 2 --out "two/$i" --append 2>>err.txt & p2=$!
    wait $p1 || bad=$((bad + 1))
    wait $p2 || bad=$((bad + 1))
    run_complete "two/$i" || bad=$((bad + 1))
done
if [ "$bad" -eq 0 ] && no_temporaries; then ok; else fail "$bad failures"; fi
rm -f err.txt

case="issue 16.3: two runs into one --out 50 ms apart"
"$exe" run --steps 3000 --hidden 8 --samples 50 --quiet --out apart 2>a.txt & p1=$!
sleep 0.05
"$exe" run --steps 30 --hidden 16 --samples 50 --quiet --out apart 2>b.txt & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
# H = 8: rich_w1_final.npy is a 128-byte header and 8 x 2 floats
size=$(stat -c %s apart/weights/rich_w1_final.npy 2>/dev/null || echo 0)
if [ "$r1" -eq 0 ] && [ "$r2" -eq 2 ] && grep -q "is not empty" b.txt &&
   [ "$size" -eq $((128 + 8 * 2 * 4)) ] && run_complete apart &&
   [ "$(head -c 1 apart/metrics.csv)" = s ]; then
    ok
else
    fail "exit codes $r1 and $r2, rich_w1_final.npy $size bytes"
fi

case="issue 16.3: three runs into one folder: the second is refused"
"$exe" run "${small[@]}" --hidden 8 --out three 2>err.txt
"$exe" run "${small[@]}" --hidden 16 --out three 2>err.txt; rc=$?
if [ "$rc" -eq 2 ] && grep -q "output folder 'three' is not empty; choose a new folder, or give --append" err.txt; then
    "$exe" run "${small[@]}" --hidden 16 --out three --append 2>err.txt
    if [ $? -eq 0 ] && run_complete three; then ok; else fail "--append refused"; fi
else
    fail "exit code $rc"
fi

case="issue 16.3: --checkpoint never overwrites, found before training"
"$exe" run "${small[@]}" --out ck-a --checkpoint ck 2>err.txt
"$exe" run "${small[@]}" --out ck-b --checkpoint ck 2>err.txt; rc=$?
if [ "$rc" -eq 2 ] && grep -q "checkpoint 'ck' already exists" err.txt &&
   [ ! -e ck-b ] && [ -f ck/checkpoint.txt ]; then ok; else fail "exit code $rc"; fi

case="issue 16.3: --checkpoint under a file is found before training"
echo x > afile
"$exe" run "${small[@]}" --out ck-c --checkpoint afile/ck 2>err.txt; rc=$?
if [ "$rc" -eq 2 ] && grep -q "cannot create checkpoint folder 'afile/ck'" err.txt &&
   [ ! -e ck-c ]; then ok; else fail "exit code $rc"; fi

# Ctrl-C (SIGINT) and SIGTERM stop sweep, phase and retrain between runs:
# exit 130/143, one line, nothing written (not even an empty folder)
stop_exp() {
    local sig="$1" code="$2"; shift 2
    rm -rf stopped
    "$exe" "$@" --out stopped 2>err.txt & pid=$!
    for _ in $(seq 200); do
        [ -n "$(find "$scratch" -maxdepth 1 -name 'stopped*.part')" ] && break
        sleep 0.05
    done
    sleep 0.3
    kill "-$sig" "$pid"
    wait "$pid"; rc=$?
    if [ "$rc" -eq "$code" ] && grep -q "interrupted by SIG$sig; no results written" err.txt &&
       [ "$(wc -l < err.txt)" -eq 1 ] && [ ! -e stopped ] && no_temporaries; then
        ok
    else
        fail "exit code $rc"
    fi
}
case="issue 16.3: sweep stopped by SIGINT"
stop_exp INT 130 sweep --runs 2000 --steps 20000 --hidden 64 --threads 2 --quiet
case="issue 16.3: phase stopped by SIGTERM"
stop_exp TERM 143 phase --runs 200 --steps 20000 --hidden 64 --threads 1 --quiet
"$exe" run "${small[@]}" --out ck-src --checkpoint ck-r 2>/dev/null
case="issue 16.3: retrain stopped by SIGINT"
stop_exp INT 130 retrain --from ck-r --runs 2000 --steps 20000 --threads 1 --quiet

case="issue 16.10: frame names past step 999 999 sort in step order"
"$exe" run --steps 1200000 --frames-every 200000 --log-every 100000 \
    --width 32 --height 32 --hidden 4 --samples 20 --quiet --out big 2>err.txt
names=$(cd big/frames 2>/dev/null && LC_ALL=C ls frame_*.png | tr '\n' ' ')
want="frame_000000.png frame_200000.png frame_400000.png frame_600000.png frame_800000.png frame_a1000000.png frame_a1200000.png "
# the steps in frames.csv, in name order, must be ascending
steps=$(cd big/frames 2>/dev/null && for f in $(LC_ALL=C ls frame_*.png); do grep "^$f," frames.csv | cut -d, -f3; done | tr '\n' ' ')
if [ "$names" = "$want" ] && [ "$steps" = "0 200000 400000 600000 800000 1000000 1200000 " ]; then
    ok
else
    fail "names '$names', steps '$steps'"
fi

case="issue 19: the program does not replace malloc"
if nm "$exe" 2>/dev/null | grep -qE ' T (malloc|calloc|realloc|free)$'; then
    fail "richlazy defines an allocation function"
else
    ok
fi

case="issue 19: richlazy run under LD_PRELOAD of jemalloc"
jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 /usr/lib/libjemalloc.so.2 2>/dev/null | head -1)
if [ -z "$jemalloc" ]; then
    echo "skip [$case]: libjemalloc2 is not installed"
elif nm "$exe" 2>/dev/null | grep -qE '__(asan|tsan)_init'; then
    echo "skip [$case]: a sanitizer build owns malloc"
else
    LD_PRELOAD="$jemalloc" "$exe" run --steps 300 --hidden 16 --out jemalloc --quiet 2>err.txt; rc=$?
    if [ "$rc" -eq 0 ] && run_complete jemalloc; then ok; else fail "exit code $rc"; fi
fi

# A stand-in ffmpeg: records its process group, signal mask and open
# descriptors, then copies its input to the output file (its last argument).
mkdir -p fakebin
cat > fakebin/ffmpeg <<'EOF'
#!/bin/sh
# the mask first, with builtins only (the shell blocks signals around its
# own forks)
while read -r key value; do
    [ "$key" = SigBlk: ] && blocked=$value
done < /proc/$$/status
for a; do out=$a; done
{
    echo "pgid $(cut -d' ' -f5 /proc/$$/stat) pid $$"
    echo "SigBlk: $blocked"
    for fd in /proc/$$/fd/*; do echo "fd $fd -> $(readlink "$fd")"; done
} > "$STANDIN_LOG"
cat > "$out"
EOF
chmod +x fakebin/ffmpeg

case="issue 19: Ctrl-C to the process group keeps the video"
rm -rf vid
STANDIN_LOG="$scratch/standin.txt" PATH="$scratch/fakebin:$PATH" \
    setsid "$exe" run --steps 1e12 --frames-every 5 --video --width 32 \
    --height 32 --hidden 4 --samples 20 --out vid 2>err.txt & pid=$!
for _ in $(seq 600); do
    [ -s "$scratch/standin.txt" ] && [ "$(find "$scratch" -path '*vid*' -name 'frame_*.png' | wc -l)" -gt 4 ] && break
    sleep 0.05
done
kill -INT -- "-$pid"   # what the terminal does on Ctrl-C
wait "$pid"; rc=$?
mp4=vid/frames/video_000000.mp4
size=$(stat -c %s "$mp4" 2>/dev/null || echo 0)
if [ "$rc" -eq 130 ] && [ "$size" -gt 0 ] && [ $((size % (32 * 32 * 4))) -eq 0 ] &&
   no_temporaries; then ok; else fail "exit code $rc, video $size bytes"; fi

case="issue 19: ffmpeg gets its own process group, a clean mask, only the pipe"
pgid=$(awk '/^pgid/ {print $2}' standin.txt)
spid=$(awk '/^pgid/ {print $4}' standin.txt)
if [ -n "$pgid" ] && [ "$pgid" = "$spid" ] && [ "$pgid" != "$pid" ] &&
   grep -q '^SigBlk: 0000000000000000$' standin.txt &&
   ! grep -qE 'metrics|frames\.csv|\.part|\.png|\.lock' standin.txt; then
    ok
else
    fail "stand-in saw: $(tr '\n' ';' < standin.txt)"
fi

case="issue 19: Ctrl-C keeps a playable MP4 from the real ffmpeg"
if ! command -v ffmpeg >/dev/null 2>&1; then
    echo "skip [$case]: ffmpeg is not installed"
else
    rm -rf vid2
    setsid "$exe" run --steps 1e12 --frames-every 5 --video --width 32 \
        --height 32 --hidden 4 --samples 20 --out vid2 2>err.txt & pid=$!
    for _ in $(seq 600); do
        [ "$(find "$scratch" -path '*vid2*' -name 'frame_*.png' | wc -l)" -gt 10 ] && break
        sleep 0.05
    done
    kill -INT -- "-$pid"
    wait "$pid"; rc=$?
    if [ "$rc" -eq 130 ] && ffmpeg -v error -i vid2/frames/video_000000.mp4 -f null - 2>/dev/null; then
        ok
    else
        fail "exit code $rc or the MP4 does not decode"
    fi
fi

echo "results: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
