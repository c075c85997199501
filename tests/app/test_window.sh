#!/bin/sh
# test_window.sh: the real window under a private Xvfb, driven by real key
# presses (xdotool); checks their effect in the state the window dumps when
# it quits. Usage: test_window.sh RICHLAZY BUILD_DIR
# Exit 77 (skipped) only when Xvfb or xdotool is not installed.
set -u
exe="$1"
scratch="$2/window_scratch"

# --help tells the truth about the window (no display needed): its own
# --out default, and the key names scripts take
help=$("$exe" window --help) || { echo "FAIL: window --help"; exit 1; }
for want in "richlazy-frames-DATE-TIME" "FRAME KEY" " Esc " " Space "; do
    case "$help" in
    *"$want"*) ;;
    *) echo "FAIL: window --help lacks '$want'"; exit 1 ;;
    esac
done
case "$help" in
*richlazy-run-DATE*) echo "FAIL: window --help names the run's folder"; exit 1 ;;
esac

# the README's run flag table is the real `richlazy run --help`, both ways,
# and its keys table names every key the help lists
readme="$(dirname "$0")/../../README.md"
if [ -f "$readme" ]; then
    table=$(awk '/^Flags \(`richlazy run --help`/ { on = 1; next }
                 on && /^\|/ { seen = 1; print; next }
                 on && seen { exit }' "$readme" |
        sed -n 's/^| `\(--[a-z-]*\).*/\1/p' | sort -u)
    helpflags=$("$exe" run --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p' | sort -u)
    [ "$table" = "$helpflags" ] || {
        echo "FAIL: README run flags differ from 'richlazy run --help':"
        echo "$table" > "$2/readme_flags.txt"
        echo "$helpflags" | diff - "$2/readme_flags.txt"
        exit 1
    }
    for k in $("$exe" run --help | sed -n '/^Keys/,$p' | sed -n 's/^  \([^ ]*\) .*/\1/p'); do
        grep -qF "\`$k\`" "$readme" || { echo "FAIL: README keys table lacks '$k'"; exit 1; }
    done
fi

# the help column is one column for every flag
bad=$("$exe" run --help | sed '/^Keys/,$d' | awk '
    /^  -h, --help/ { col = index($0, "show") }
    /^  -/ { lines[++n] = $0 }
    END {
        for (i = 1; i <= n; i++)
            if (substr(lines[i], col - 1, 1) != " " ||
                substr(lines[i], col, 1) == " ")
                print lines[i]
    }')
[ -z "$bad" ] || { echo "FAIL: run --help lines off the help column: $bad"; exit 1; }

# flags without a command go to the window (here: its flag check)
msg=$("$exe" --hidden 10 --no-such-flag 2>&1)
case "$msg" in
*"richlazy window: error: unknown flag '--no-such-flag'"*) ;;
*) echo "FAIL: 'richlazy --hidden 10 ...' did not reach the window: $msg"; exit 1 ;;
esac

# a missing checkpoint or data file is named before any display is needed
for args in "--from $2/no_such_checkpoint" "--data $2/no_such_data.csv"; do
    msg=$(env -u DISPLAY -u WAYLAND_DISPLAY "$exe" window $args 2>&1)
    case "$msg" in
    *no_such_*) ;;
    *) echo "FAIL: 'window $args' without a display: $msg"; exit 1 ;;
    esac
    case "$msg" in
    *display*) echo "FAIL: 'window $args' blames the display: $msg"; exit 1 ;;
    esac
done

# the diagonal model's window refuses the two-layer flags, before a display
msg=$(env -u DISPLAY -u WAYLAND_DISPLAY "$exe" window --model diagonal --hidden 10 2>&1)
case "$msg" in
*"--hidden has no meaning for the window of --model diagonal"*) ;;
*) echo "FAIL: 'window --model diagonal --hidden 10': $msg"; exit 1 ;;
esac

if ! command -v Xvfb >/dev/null 2>&1 || ! command -v xdotool >/dev/null 2>&1; then
    echo "skipped: Xvfb or xdotool not installed (scripts/deps --test installs them)"
    exit 77
fi

# a display number nobody uses
n=73
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do
    n=$((n + 1))
done
Xvfb ":$n" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
apid=""
cleanup() {
    [ -n "$apid" ] && kill "$apid" 2>/dev/null
    kill "$xpid" 2>/dev/null
    wait "$xpid" 2>/dev/null
}
trap cleanup EXIT
export DISPLAY=":$n"
unset WAYLAND_DISPLAY

fail() {
    echo "FAIL: $*"
    [ -f "$scratch/stderr.txt" ] && cat "$scratch/stderr.txt"
    exit 1
}

# wait for the server (up to 10 s)
i=0
until xdotool getdisplaygeometry >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -gt 100 ] && fail "Xvfb :$n did not start"
    sleep 0.1
done

rm -rf "$scratch"
mkdir -p "$scratch"
# Under AddressSanitizer: the system libraries a real window loads (D-Bus,
# X11 and GL drivers, some unloaded again by exit) leak small blocks that
# LeakSanitizer cannot attribute; our own modules' memory is checked by
# test_app and test_render, which run the same code without a display.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
"$exe" window --hidden 200 --steps-per-frame 10 --max-frames 5000 \
    --state-dump "$scratch/state.txt" --frame-dump "$scratch/frame.png" \
    --out "$scratch/shots" >"$scratch/stdout.txt" 2>"$scratch/stderr.txt" &
apid=$!

wid=$(timeout 20 xdotool search --sync --name '^richlazy' 2>/dev/null | head -n 1)
[ -n "$wid" ] || fail "the window did not appear"
xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
sleep 0.5

# real key presses: lr up, select lazy, its init /2, lambda up, faster,
# log x, help, screenshot, record on
for k in shift+l Tab Down shift+w plus x h s c; do
    xdotool key --delay 60 "$k"
done
sleep 1
xdotool key c
sleep 0.2
xdotool key q

i=0
while kill -0 "$apid" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt 200 ] && fail "the window did not quit on q"
    sleep 0.1
done
wait "$apid"
code=$?
apid=""
[ "$code" -eq 0 ] || fail "richlazy window exited with $code"

state="$scratch/state.txt"
[ -f "$state" ] || fail "no state dump"
check() {
    grep -qx "$1" "$state" || fail "expected '$1' in the state dump, got: $(tr '\n' ' ' <"$state")"
}
check "lr=0.004"
check "selected=lazy"
check "lazy.init=0.125"
check "rich.init=0.001"
check "lambda=0.0001"
check "steps_per_frame=20"
check "log_x=1"
check "help=1"
check "quit=1"
step=$(sed -n 's/^rich.step=//p' "$state")
[ "${step:-0}" -gt 0 ] || fail "the rich net did not train (step $step)"
[ -s "$scratch/frame.png" ] || fail "no frame dump"
ls "$scratch"/shots/*.png >/dev/null 2>&1 || fail "the screenshot key wrote no PNG"
csv="$scratch/shots/frames.csv"
grep -q ',screenshot,' "$csv" || fail "no screenshot row in frames.csv"
rows=$(grep -c ',frame,' "$csv")
[ "${rows:-0}" -gt 0 ] || fail "the record key (c) wrote no frames"
for f in $(tail -n +2 "$csv" | cut -d, -f1); do
    [ -s "$scratch/shots/$f" ] || fail "frames.csv lists $f, which is missing"
done
[ "$(ls "$scratch"/shots/*.png | wc -l)" -eq "$(tail -n +2 "$csv" | wc -l)" ] ||
    fail "the PNGs and the rows of frames.csv differ"

# the view flags, and a held toggle key that acts once per press
"$exe" window --hidden 50 --paused --presentation --text-scale 1.5 \
    --steps-per-frame 3 --max-frames 100000 --state-dump "$scratch/state2.txt" \
    >"$scratch/stdout2.txt" 2>"$scratch/stderr.txt" &
apid=$!
wid=$(timeout 20 xdotool search --sync --name '^richlazy' 2>/dev/null | head -n 1)
[ -n "$wid" ] || fail "the second window did not appear"
xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
sleep 0.3
# g held for 1.5 s: auto-repeat sends many key-downs, the panel toggles once
xdotool keydown g
sleep 1.5
xdotool keyup g
sleep 0.3
xdotool key q
i=0
while kill -0 "$apid" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt 200 ] && fail "the second window did not quit on q"
    sleep 0.1
done
wait "$apid" || fail "the second window exited with an error"
apid=""
state="$scratch/state2.txt"
check "paused=1"
check "presentation=1"
check "text_scale=1.5"
check "steps_per_frame=3"
check "diag=1"
check "rich.step=0"
grep -q 'frames/s' "$scratch/stdout2.txt" || fail "no frames/s line on quit"

# paused and idle (no --max-frames: the window sleeps until an event): the
# first q quits
"$exe" window --hidden 50 --paused --state-dump "$scratch/state3.txt" \
    >"$scratch/stdout3.txt" 2>"$scratch/stderr.txt" &
apid=$!
wid=$(timeout 20 xdotool search --sync --name '^richlazy' 2>/dev/null | head -n 1)
[ -n "$wid" ] || fail "the paused window did not appear"
xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
sleep 1
xdotool key q
i=0
while kill -0 "$apid" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -gt 30 ] && fail "the paused, idle window did not quit on the first q"
    sleep 0.1
done
wait "$apid" || fail "the paused window exited with an error"
apid=""
state="$scratch/state3.txt"
check "paused=1"
check "quit=1"

# --record-every K keeps frames at multiples of K, not at the step the
# record key was pressed (here: pressed at step 30)
printf '3 c\n' >"$scratch/rec_script.txt"
"$exe" window --hidden 50 --steps-per-frame 10 --record-every 100 \
    --max-frames 45 --script "$scratch/rec_script.txt" \
    --out "$scratch/rec" >"$scratch/stdout4.txt" 2>"$scratch/stderr.txt" ||
    fail "the recording window exited with an error"
steps=$(grep ',frame,' "$scratch/rec/frames.csv" | cut -d, -f3 | tr '\n' ' ')
[ -n "$steps" ] || fail "--record-every 100 recorded no frames"
for st in $steps; do
    [ $((st % 100)) -eq 0 ] || fail "--record-every 100 kept a frame at step $st (all: $steps)"
done

# a setup the data cannot be learnt with: the note is on screen from the
# first frame (with the key that fixes it), not only on stderr
"$exe" window --dataset xor --activation tanh --hidden 50 --paused \
    --max-frames 5 --state-dump "$scratch/learn.txt" \
    >"$scratch/stdout6.txt" 2>"$scratch/stderr.txt" ||
    fail "window --dataset xor --activation tanh exited with an error"
grep -q '^message=press b — xor needs --bias' "$scratch/learn.txt" ||
    fail "the learnability note is not on screen: $(grep '^message=' "$scratch/learn.txt")"
grep -q 'xor needs --bias' "$scratch/stderr.txt" ||
    fail "the learnability note is not on stderr"

# --model diagonal opens its own small window, trains and quits cleanly
"$exe" window --model diagonal --max-frames 30 --frame-dump "$scratch/diag.png" \
    >"$scratch/stdout5.txt" 2>"$scratch/stderr.txt" ||
    fail "window --model diagonal exited with an error"
[ -s "$scratch/diag.png" ] || fail "window --model diagonal dumped no frame"
grep -q 'frames, step 300;' "$scratch/stdout5.txt" ||
    fail "window --model diagonal did not train 10 steps a frame: $(cat "$scratch/stdout5.txt")"

echo "window: keys took effect (rich step $step, $rows frames recorded)"
exit 0
