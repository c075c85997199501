#!/bin/bash
# test_threads.sh: the program's threads at work, for ThreadSanitizer
# (scripts/test --tsan runs it in a -Db_sanitize=thread build; a report
# fails the run): a headless run recording frames to a video through a
# stand-in ffmpeg, and a sweep on 2 worker threads.
# Usage: test_threads.sh RICHLAZY BUILD_DIR
set -u
exe="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$2"
scratch="$(cd "$2" && pwd)/threads_scratch"
rm -rf "$scratch"
mkdir -p "$scratch/fakebin"
cd "$scratch" || exit 1
failures=0
passes=0
check() {
    local name="$1" rc="$2"
    if [ "$rc" -eq 0 ] && ! grep -q 'ThreadSanitizer' err.txt; then
        echo "ok   [$name]"
        passes=$((passes + 1))
    else
        echo "FAIL [$name]: exit code $rc"
        sed 's/^/  stderr: /' err.txt | head -60
        failures=$((failures + 1))
    fi
}
printf '#!/bin/sh\nfor a; do out=$a; done\ncat > "$out"\n' > fakebin/ffmpeg
chmod +x fakebin/ffmpeg

PATH="$scratch/fakebin:$PATH" "$exe" run --steps 400 --frames-every 20 \
    --video --width 64 --height 48 --hidden 8 --samples 40 --out video \
    --quiet 2>err.txt
rc=$?
[ -s video/frames/video_000000.mp4 ] || rc=1
check "headless run with --video" "$rc"

"$exe" sweep --runs 3 --lambdas 0,0.01 --steps 200 --hidden 8 --threads 2 \
    --out sweep --quiet 2>err.txt
rc=$?
[ -s sweep/sweep.csv ] || rc=1
check "sweep on 2 threads" "$rc"

echo "threads: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
