#!/bin/bash
# test_faults.sh: richlazy meets a hostile world and neither crashes nor
# loses complete files. Usage: test_faults.sh RICHLAZY BUILD_DIR
# Each case checks the exit code and the exact message the user sees (the
# bad-input table in docs/faults.md quotes them). The window cases need Xvfb and
# xdotool; without them those cases are skipped (the rest still run).
set -u
exe="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$2"
scratch="$(cd "$2" && pwd)/faults_scratch"
rm -rf "$scratch"
mkdir -p "$scratch"
failures=0
passes=0
xpid=""
apid=""
cleanup() {
    [ -n "$apid" ] && kill "$apid" 2>/dev/null
    [ -n "$xpid" ] && kill "$xpid" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT

fail() {
    echo "FAIL [$case]: $*"
    [ -f "$scratch/err.txt" ] && sed 's/^/  stderr: /' "$scratch/err.txt"
    failures=$((failures + 1))
}
ok() {
    echo "ok   [$case]"
    passes=$((passes + 1))
}
# expect CODE TEXT: the last command's exit code and a line of its stderr
expect() {
    local code="$1" text="$2"
    if [ "$rc" -ne "$code" ]; then
        fail "exit code $rc, expected $code"
        return 1
    fi
    if ! grep -qF -- "$text" "$scratch/err.txt"; then
        fail "stderr lacks: $text"
        return 1
    fi
    return 0
}
# Every PNG in dir complete and listed once in dir/frames.csv, and no
# temporary file left.
frames_consistent() {
    local dir="$1" f rows pngs
    [ -f "$dir/frames.csv" ] || { fail "no $dir/frames.csv"; return 1; }
    if ls "$dir" | grep -qE '\.(part|tmp)$'; then
        fail "temporary files left in $dir: $(ls "$dir" | grep -E '\.(part|tmp)$')"
        return 1
    fi
    for f in $(tail -n +2 "$dir/frames.csv" | cut -d, -f1); do
        # a complete PNG ends with the IEND chunk
        if [ "$(tail -c 8 "$dir/$f" 2>/dev/null | head -c 4)" != "IEND" ]; then
            fail "frames.csv lists $f, which is missing or incomplete"
            return 1
        fi
    done
    rows=$(tail -n +2 "$dir/frames.csv" | wc -l)
    pngs=$(ls "$dir" | grep -c '\.png$')
    [ "$rows" -eq "$pngs" ] || { fail "$pngs PNGs but $rows rows"; return 1; }
    return 0
}
run() {
    "$exe" "$@" >"$scratch/out.txt" 2>"$scratch/err.txt"
    rc=$?
}
# a display number nobody uses
free_display() {
    local n=$1
    while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do
        n=$((n + 1))
    done
    echo "$n"
}

small="--hidden 20 --samples 20 --width 160 --height 100"

case="no display: falls back to headless"
mkdir -p "$scratch/nodisplay"
(cd "$scratch/nodisplay" && env -u DISPLAY -u WAYLAND_DISPLAY "$exe" \
    >"$scratch/out.txt" 2>"$scratch/err.txt")
rc=$?
if expect 0 "richlazy: no display (DISPLAY and WAYLAND_DISPLAY unset); training headless instead, 5000 steps with a frame every 200 steps"; then
    n=$(ls "$scratch"/nodisplay/richlazy-run-*/frames/*.png 2>/dev/null | wc -l)
    if [ "$n" -ne 26 ]; then fail "expected 26 frames, found $n"
    elif ! grep -q "the frames are in richlazy-run-" "$scratch/out.txt"; then
        fail "no 'the frames are in' line"
    else ok; fi
fi

case="no display: the window command refuses"
(cd "$scratch/nodisplay" && env -u DISPLAY -u WAYLAND_DISPLAY "$exe" window \
    >"$scratch/out.txt" 2>"$scratch/err.txt")
rc=$?
expect 1 "richlazy window: error: no display (DISPLAY and WAYLAND_DISPLAY are unset); for pictures without one use 'richlazy run --frames-every 200'" && ok

case="dead display: the window refuses, plain richlazy falls back"
d=$(free_display 91)
# SDL's video start-up loads D-Bus, which leaks a block LeakSanitizer
# cannot attribute to us (see test_window.sh)
DISPLAY=":$d" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    run window --max-frames 10
if expect 1 "richlazy window: error: cannot start the display: cannot open display ':$d'"; then
    mkdir -p "$scratch/deaddisplay"
    (cd "$scratch/deaddisplay" && DISPLAY=":$d" \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$exe" \
        >"$scratch/out.txt" 2>"$scratch/err.txt")
    rc=$?
    expect 0 "richlazy: no display (cannot open display ':$d'); training headless instead" && ok
fi

case="missing font"
mkdir -p "$scratch/noassets"
RICHLAZY_ASSETS="$scratch/noassets" run run --steps 20 --frames-every 10 $small --out "$scratch/o-font"
if expect 2 "richlazy run: error: cannot find fonts/DejaVuSans.ttf; tried $scratch/noassets (RICHLAZY_ASSETS must be the folder holding fonts/)"; then
    if [ -e "$scratch/o-font" ]; then fail "output folder left behind"; else ok; fi
fi

case="unreadable font (a folder where the font should be)"
mkdir -p "$scratch/dirfont/fonts/DejaVuSans.ttf"
RICHLAZY_ASSETS="$scratch/dirfont" run run --steps 20 --frames-every 10 $small --out "$scratch/o-dirfont"
if expect 2 "richlazy run: error: cannot open font '$scratch/dirfont/fonts/DejaVuSans.ttf': Couldn't load font file"; then
    if [ -e "$scratch/o-dirfont" ]; then fail "output folder left behind"; else ok; fi
fi

case="corrupt font file"
mkdir -p "$scratch/badfont/fonts"
echo "not a font" >"$scratch/badfont/fonts/DejaVuSans.ttf"
RICHLAZY_ASSETS="$scratch/badfont" run run --steps 20 --frames-every 10 $small --out "$scratch/o-badfont"
if expect 2 "richlazy run: error: cannot open font '$scratch/badfont/fonts/DejaVuSans.ttf': Couldn't load font file"; then
    ok
fi

case="output folder removed while recording"
"$exe" run --steps 1e12 --frames-every 10 $small --out "$scratch/o-gone" \
    >"$scratch/out.txt" 2>"$scratch/err.txt" &
apid=$!
# the run writes into a staging folder beside o-gone (published at the
# end): that is the folder taken away
for _ in $(seq 600); do
    [ "$(ls "$scratch"/o-gone*/frames 2>/dev/null | wc -l)" -gt 5 ] && break
    sleep 0.05
done
for d in "$scratch"/o-gone*.part; do
    mv "$d" "$scratch/o-gone-moved" && rm -rf "$scratch/o-gone-moved"
done
wait "$apid"
rc=$?
apid=""
if expect 1 "richlazy run: error: cannot write frames: recording stopped: "; then
    if ! grep -q "No such file or directory" "$scratch/err.txt"; then
        fail "the message does not say what is missing"
    elif [ -e "$scratch/o-gone" ]; then fail "the folder came back"
    else ok; fi
fi

# disk full: a file size limit makes writes fail like a full disk (EFBIG
# instead of ENOSPC); SIGXFSZ ignored so the write returns the error
case="disk full (headless)"
(trap '' XFSZ; ulimit -f 100; exec "$exe" run --steps 1e5 --hidden 20 \
    --out "$scratch/o-full") >"$scratch/out.txt" 2>"$scratch/err.txt"
rc=$?
if expect 1 "richlazy run: error: writing '$scratch/o-full/metrics.csv' failed: File too large"; then
    if ls "$scratch/o-full" 2>/dev/null | grep -q .; then
        fail "files left: $(ls "$scratch/o-full")"
    else ok; fi
fi

case="disk full while recording"
(trap '' XFSZ; ulimit -f 200; exec "$exe" run --steps 1e7 --frames-every 10 \
    $small --out "$scratch/o-full2") >"$scratch/out.txt" 2>"$scratch/err.txt"
rc=$?
if expect 1 "richlazy run: error: writing '$scratch/o-full2/metrics.csv' failed: File too large"; then
    # a result is one thing: a failed run leaves none of it (issue 16)
    if [ -e "$scratch/o-full2" ] || ls "$scratch" | grep -q '\.part$'; then
        fail "files left: $(ls "$scratch" | grep o-full2)"
    else ok; fi
fi

# ---- the window under a private Xvfb ----
if ! command -v Xvfb >/dev/null 2>&1 || ! command -v xdotool >/dev/null 2>&1; then
    echo "skip [window faults]: Xvfb or xdotool not installed"
else
    d=$(free_display 83)
    Xvfb ":$d" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
    xpid=$!
    export DISPLAY=":$d"
    unset WAYLAND_DISPLAY
    # system libraries of a real window leak small blocks LeakSanitizer
    # cannot attribute (see test_window.sh)
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    for _ in $(seq 100); do
        xdotool getdisplaygeometry >/dev/null 2>&1 && break
        sleep 0.1
    done

    # job control: a background job of a script otherwise starts with
    # SIGINT ignored, and the SIGINT case would test nothing
    set -m
    start_window() {
        "$exe" window --hidden 50 --state-dump "$scratch/state.txt" "$@" \
            >"$scratch/out.txt" 2>"$scratch/err.txt" &
        apid=$!
        wid=$(timeout 20 xdotool search --sync --name '^richlazy' 2>/dev/null | head -n 1)
    }
    wait_quit() {
        for _ in $(seq 200); do
            kill -0 "$apid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$apid" 2>/dev/null; then
            kill -9 "$apid"
            rc=999
        else
            wait "$apid"
            rc=$?
        fi
        apid=""
    }

    case="window resized to 1x1 and back, minimised and restored"
    rm -f "$scratch/state.txt"
    start_window
    if [ -z "$wid" ]; then
        fail "the window did not appear"
        kill "$apid"; apid=""
    else
        xdotool windowsize "$wid" 1 1; sleep 0.5
        xdotool windowsize "$wid" 3 2000; sleep 0.3
        xdotool windowsize "$wid" 1280 800; sleep 0.5
        xdotool windowminimize "$wid"; sleep 0.7
        step1=$(kill -0 "$apid" 2>/dev/null && echo alive)
        xdotool windowmap "$wid" 2>/dev/null; xdotool windowactivate "$wid" 2>/dev/null
        xdotool windowfocus "$wid" 2>/dev/null; sleep 0.5
        xdotool key --window "$wid" q
        wait_quit
        if [ "$step1" != "alive" ]; then fail "the window died while resized/minimised"
        elif [ "$rc" -ne 0 ]; then fail "exit code $rc after q"
        elif ! grep -q '^quit=1' "$scratch/state.txt" 2>/dev/null; then
            fail "no clean quit (state dump)"
        elif [ "$(sed -n 's/^rich.step=//p' "$scratch/state.txt")" -le 0 ]; then
            fail "the nets did not train"
        else ok; fi
    fi

    # issue 16 class 2: a special file is refused, and a long read stops
    # on SIGTERM (SDL's own handlers would only queue a quit event)
    case="window --data /dev/zero is refused"
    timeout 20 "$exe" window --data /dev/zero >"$scratch/out.txt" 2>"$scratch/err.txt"
    rc=$?
    expect 2 "richlazy window: error: /dev/zero: is a character device, not a regular file; give a file" && ok

    case="SIGTERM while the window reads a long CSV"
    yes '1.5,2.5,1' | head -c 200000000 >"$scratch/long.csv"
    "$exe" window --data "$scratch/long.csv" >"$scratch/out.txt" 2>"$scratch/err.txt" &
    apid=$!
    sleep 1 # the read takes seconds; SDL's start-up comes first
    kill -TERM "$apid"
    wait_quit
    if [ "$rc" -eq 999 ]; then fail "SIGTERM did not stop the read"
    else expect 143 "richlazy window: interrupted by SIGTERM while loading" && ok; fi
    rm -f "$scratch/long.csv"

    case="SIGINT while the window records"
    rm -f "$scratch/state.txt"
    start_window --out "$scratch/o-win"
    if [ -z "$wid" ]; then
        fail "the window did not appear"
        kill "$apid"; apid=""
    else
        xdotool windowfocus "$wid" 2>/dev/null; sleep 0.3
        xdotool key --window "$wid" c
        for _ in $(seq 100); do
            [ "$(ls "$scratch/o-win" 2>/dev/null | grep -c '\.png$')" -gt 5 ] && break
            sleep 0.1
        done
        kill -INT "$apid"
        wait_quit
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ]; then fail "exit code $rc"
        elif [ "$(ls "$scratch/o-win" 2>/dev/null | grep -c '\.png$')" -lt 5 ]; then
            fail "no frames recorded"
        else frames_consistent "$scratch/o-win" && ok; fi
    fi
fi

echo "faults: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
