#!/bin/bash
# test_adversary.sh: issue 16's adversarial cases for endless and special
# files (class 2), step accounting in scripted runs (class 4), values that
# come back as given (class 6), numbers and memory (class 8) and CSV as
# people write it (class 9). Each case is named after the example it
# replays; each failed on the program before the fix (a hang counts: every
# command runs under a timeout). Usage: test_adversary.sh RICHLAZY BUILD_DIR
set -u
exe="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mkdir -p "$2"
scratch="$(cd "$2" && pwd)/adversary_scratch"
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch" || exit 1
failures=0
passes=0

fail() {
    echo "FAIL [$case]: $*"
    [ -f err.txt ] && sed 's/^/  stderr: /' err.txt
    failures=$((failures + 1))
}
ok() {
    echo "ok   [$case]"
    passes=$((passes + 1))
}
# run ARGS...: the program under a 20 s timeout (a hang is a failure)
run() {
    timeout 20 "$exe" "$@" >out.txt 2>err.txt
    rc=$?
}
# expect CODE TEXT: exit code and a line of stderr (or stdout)
expect() {
    local code="$1" text="$2"
    if [ "$rc" -ne "$code" ]; then
        fail "exit code $rc, expected $code"
        return 1
    fi
    if ! grep -qF -- "$text" err.txt out.txt; then
        fail "output lacks: $text"
        return 1
    fi
    return 0
}
# absent PATH: nothing was left behind
absent() {
    if [ -e "$1" ]; then fail "$1 left behind"; return 1; fi
    return 0
}
# last_step FILE NET: the step of NET's last row in metrics.csv
last_step() {
    grep ",$2," "$1" | tail -n 1 | cut -d, -f1
}
small="--hidden 20 --samples 40"
printf 'x,y,label\n0,1,0\n1,0,1\n0.5,2,0\n2,0.5,1\n' >good.csv

# ---- class 2: endless and special files ----
case="class 2: run --data /dev/zero is refused, not read forever"
run run --data /dev/zero --out o-zero
expect 2 "richlazy run: error: /dev/zero: is a character device, not a regular file; give a file" && absent o-zero && ok

case="class 2: merge /dev/zero is refused"
run merge /dev/zero --out o-mzero
expect 2 "/dev/zero: is a character device, not a regular file" && absent o-mzero && ok

mkfifo fifo.csv
case="class 2: a FIFO as --data is refused without waiting for a writer"
run run --data fifo.csv --out o-fifo
expect 2 "fifo.csv: is a FIFO (named pipe), not a regular file" && absent o-fifo && ok

case="class 2: a directory as --data is refused"
mkdir -p dir.csv
run run --data dir.csv --out o-dir
expect 2 "dir.csv: is a directory, not a regular file" && ok

case="class 2: --script /dev/zero and a FIFO script are refused"
run run --script /dev/zero --steps 10 $small --out o-szero
if expect 2 "script /dev/zero: is a character device"; then
    run run --script fifo.csv --steps 10 $small --out o-sfifo
    expect 2 "script fifo.csv: is a FIFO (named pipe)" && ok
fi

case="class 2: checkpoint.txt and .npy files that are devices or FIFOs"
run run --steps 20 $small --checkpoint ck --out o-ck --quiet
if [ "$rc" -ne 0 ]; then fail "no checkpoint to start from"
else
    cp -r ck ck-zero && rm ck-zero/rich_w1.npy && ln -s /dev/zero ck-zero/rich_w1.npy
    run retrain --from ck-zero --steps 10 --out o-rz
    if expect 2 "ck-zero/rich_w1.npy: is a character device"; then
        cp -r ck ck-fifo && rm ck-fifo/checkpoint.txt && mkfifo ck-fifo/checkpoint.txt
        run retrain --from ck-fifo --steps 10 --out o-rf
        expect 2 "ck-fifo/checkpoint.txt: is a FIFO (named pipe)" && ok
    fi
fi

case="class 2: a shard that is /dev/zero is refused by merge"
mkdir -p shards && ln -sf /dev/zero shards/sweep.shard
run merge shards/sweep.shard --out o-shz
expect 2 "shards/sweep.shard: is a character device" && ok

# ---- class 4: step accounting in headless runs with scripts ----
case="class 4: '5 q' in run --steps 100: summary, metrics.csv and frames agree"
echo "5 q" >q5.txt
run run --steps 100 --script q5.txt --frames-every 10 $small --width 160 --height 100 --out o-q5
if expect 0 "richlazy run: stopped at step 60 of 100 (quit by the script)"; then
    if ! grep -q "^richlazy run: 60 steps, H=20" out.txt; then fail "summary does not say 60 steps"
    elif [ "$(last_step o-q5/metrics.csv rich)" != 60 ]; then fail "metrics.csv ends at $(last_step o-q5/metrics.csv rich)"
    elif [ ! -f o-q5/frames/frame_000060.png ] || [ -f o-q5/frames/frame_000070.png ]; then fail "frames do not end at 60"
    elif [ "$(tail -n 1 o-q5/frames/frames.csv | cut -d, -f3-5)" != "60,60,60" ]; then fail "frames.csv ends with $(tail -n 1 o-q5/frames/frames.csv | cut -d, -f3-5)"
    else ok; fi
fi

case="class 4: '0 q' trains nothing and says 0 steps"
echo "0 q" >q0.txt
run run --steps 100 --script q0.txt $small --out o-q0
if expect 0 "richlazy run: 0 steps, H=20"; then
    rel=$(grep ",rich," o-q0/metrics.csv | tail -n 1 | cut -d, -f5)
    if [ "$(last_step o-q0/metrics.csv rich)" != 0 ]; then fail "metrics.csv goes past step 0"
    elif [ "$rel" != 0 ]; then fail "rel_w1 is $rel after 0 steps"
    else ok; fi
fi

case="class 4: '0 Space' says the nets trained 0 of the run's 100 steps"
echo "0 Space" >pause.txt
run run --steps 100 --script pause.txt $small --out o-pause
if expect 0 "the rich net trained 0 of the run's 100 steps"; then
    if grep -q "^richlazy run: 100 steps" out.txt; then fail "summary claims 100 steps"
    elif [ "$(last_step o-pause/metrics.csv lazy)" != 0 ]; then fail "metrics.csv disagrees"
    else ok; fi
fi

case="class 4: a paused run's frames name the steps the nets trained"
run run --steps 100 --script pause.txt --frames-every 50 $small --width 160 --height 100 --out o-pauseframes
if expect 0 "the lazy net trained 0 of the run's 100 steps"; then
    last=$(tail -n 1 o-pauseframes/frames/frames.csv | cut -d, -f3-5)
    if [ "$last" != "100,0,0" ]; then fail "frames.csv ends with step,rich_step,lazy_step = $last"
    else ok; fi
fi

case="class 4: Space at 3 then again at 6: each net's steps as trained"
printf '3 Space\n6 Space\n' >pause2.txt
run run --steps 100 --script pause2.txt $small --out o-pause2
rich=$(last_step o-pause2/metrics.csv rich 2>/dev/null)
if expect 0 "richlazy run: $rich steps, H=20" && [ "$rich" -lt 100 ]; then
    expect 0 "the lazy net trained $rich of the run's 100 steps" && ok
else
    [ "$rc" -eq 0 ] && fail "summary and metrics.csv ($rich) disagree"
fi

for key in r R d a; do
    case="class 4: '$key' in a script marks the restart in metrics.csv"
    printf '2 %s\n' "$key" >restart.txt
    run run --steps 60 --script restart.txt $small --out "o-restart-$key"
    if expect 0 "restart; "; then
        n=$(grep -c '^# restart: the rich net starts again from step 0 (after 20 steps)$' "o-restart-$key/metrics.csv")
        m=$(grep -c '^# restart: the lazy net' "o-restart-$key/metrics.csv")
        next=$(grep -A1 '^# restart: the rich net' "o-restart-$key/metrics.csv" | tail -n 1 | cut -d, -f1,2)
        if [ "$n" != 1 ] || [ "$m" != 1 ]; then fail "restart lines: rich $n, lazy $m"
        elif [ "$next" != "0,rich" ]; then fail "the marker is followed by '$next'"
        elif ! grep -q "60 of the run's 60 steps in all" out.txt; then fail "summary lacks the steps in all"
        else ok; fi
    fi
done

case="class 4: a run without restarts writes no marker"
if grep -q '^#' o-q5/metrics.csv o-pause/metrics.csv; then fail "marker without restart"; else ok; fi

# ---- class 6: values come back unchanged ----
nl_name="$(printf 'a\nb.csv')"
cp good.csv "$nl_name"
case="class 6: a --data name with a newline is refused before it reaches a checkpoint"
run run --data "$nl_name" --steps 10 --checkpoint ck-nl --out o-nl
if expect 2 "richlazy run: error: a?b.csv: the file name holds a control character (byte 0x0a at offset 1)"; then
    absent ck-nl && absent o-nl && [ "$(wc -l <err.txt)" -eq 1 ] && ok
fi

case="class 6: the same name is refused by sweep (shard files keep it too)"
run sweep --data "$nl_name" --runs 1 --steps 10 --hidden 8 --out o-nlsweep
expect 2 "the file name holds a control character" && ok

case="class 6: a --checkpoint or --out name with a newline is refused"
run run --steps 10 $small --checkpoint "$(printf 'c\nk')" --out o-nlck
if expect 2 "richlazy run: error: --checkpoint: the name holds a control character"; then
    run run --steps 10 $small --out "$(printf 'o\nut')"
    expect 2 "richlazy run: error: --out: the name holds a control character" && ok
fi

case="class 6: CSV numbers come back in data.csv as written"
printf 'x,y,label\n0.1,0.2,0\n0.3,-1.7,1\n1e-05,2.5,0\n3,4,1\n' >decimals.csv
run run --data decimals.csv --steps 5 --out o-dec --quiet
if [ "$rc" -ne 0 ]; then fail "exit code $rc"
elif [ "$(tail -n +2 o-dec/data.csv | sort)" != "$(printf '0.1,0.2,0\n0.3,-1.7,1\n1e-05,2.5,0\n3,4,1' | sort)" ]; then
    fail "data.csv holds: $(tr '\n' ' ' <o-dec/data.csv)"
else ok; fi

case="class 6: --lr 0.0012345678 is printed as given"
run run --lr 0.0012345678 --steps 5 $small --out o-lr
expect 0 "lr 0.0012345678, lambda 0" && ok

# ---- class 8: numbers and memory ----
case="class 8: a checkpoint of a diverged net is refused at save, no failing hint"
run run --lr 5 --steps 200 --checkpoint ck-div --out o-div
if expect 1 "richlazy run: error: not saving checkpoint ck-div: the rich net diverged at step"; then
    if grep -q "retrain --from" out.txt; then fail "the summary suggests retrain --from"
    else absent ck-div && ok; fi
fi

case="class 8: the k key of a script does not save a diverged net's checkpoint"
printf '0 L\n%.0s' $(seq 12) >kdiv.txt
echo "2 k" >>kdiv.txt
run run --script kdiv.txt --steps 40 --hidden 20 --out o-kdiv
if expect 0 "richlazy run: warning: checkpoint key at step 30: not saved: the rich net diverged at step"; then
    if ls o-kdiv | grep -q checkpoint; then fail "a checkpoint was saved"; else ok; fi
fi

case="class 8: the summary never prints a -nan ratio and names the diverged net"
run run --lr 5 --steps 200 $small --out o-nan
if expect 0 "rich/lazy rel_w1 ratio: none (the rich net diverged)"; then
    if grep -q "ratio: -\?nan" out.txt; then fail "a nan ratio"; else ok; fi
fi

case="class 8: --rich-init 1e-300, which would underflow to 0, is refused"
run run --rich-init 1e-300 --steps 10 $small --out o-tiny
expect 2 "richlazy run: error: --rich-init is below float32's smallest normal number" && ok

case="class 8: the stability warning blames the data's scale when it is the data"
python3 - >bigscale.csv <<'PY'
import random
random.seed(1)
print("x,y,label")
for i in range(100):
    l = i % 2
    print(f"{(300 if l else 0) + random.gauss(0, 50)},{random.gauss(0, 50)},{l}")
PY
run run --data bigscale.csv --steps 10 --hidden 20 --out o-scale
if expect 0 "(the data's scale is large: X^T X / n has eigenvalue"; then
    if grep -q "H x init^2 is large" err.txt; then fail "still blames H x init^2"; else ok; fi
fi

case="class 8: the stability warning still names H x init^2 when that is the cause"
run run --lazy-init 5 --steps 10 --hidden 500 --out o-hinit
expect 0 "(H x init^2 is large)" && ok

case="class 8: --lambdas 0.1,0.1 and --lrs 0.1,0.10 are refused"
run phase --lambdas 0.1,0.1 --runs 1 --out o-dup
if expect 2 "richlazy phase: error: --lambdas: value 2 (0.1) repeats value 1; give each value once"; then
    run sweep --lambdas 0,1e-1,0.1 --out o-dup2
    if expect 2 "--lambdas: value 3 (0.1) repeats value 2"; then
        run phase --lrs 0.1,0.10 --out o-dup3
        expect 2 "--lrs: value 2 (0.1) repeats value 1" && ok
    fi
fi

for bad in 100X abc -5; do
    case="class 8: RICHLAZY_MEMORY_LIMIT=$bad is an error naming it"
    RICHLAZY_MEMORY_LIMIT="$bad" run run --steps 10 $small --out o-lim
    expect 2 "richlazy run: error: RICHLAZY_MEMORY_LIMIT='$bad' is not a size" && absent o-lim && ok
done

case="class 8: frame buffers count in the memory check"
RICHLAZY_MEMORY_LIMIT=1G run run --frames-every 5 --steps 10 $small --width 16384 --height 16384 --out o-wide
expect 2 "(32.0 MiB for the two nets, 10.0 GiB for frames), 1.0 GiB available (RICHLAZY_MEMORY_LIMIT); lower --width and --height" && absent o-wide && ok

case="class 8: the linear path is not charged for (n, h) buffers"
RICHLAZY_MEMORY_LIMIT=400M run run --samples 400000 --hidden 500 --steps 2 --out o-lin --quiet
if [ "$rc" -ne 0 ]; then fail "exit code $rc: $(cat err.txt)"
else
    RICHLAZY_MEMORY_LIMIT=400M run run --samples 400000 --hidden 500 --activation tanh --steps 2 --out o-tanh
    expect 2 "not enough memory: 500 hidden units x 400000 samples" && ok
fi

# ---- class 9: CSV as people write it ----
case="class 9: quoted numbers (csv.QUOTE_ALL) are read"
printf '"x","y","label"\r\n"1.5","0.2","1"\r\n"0","1","0"\r\n"2","0.5","1"\r\n"0.5","2","0"\r\n' >quoted.csv
run run --data quoted.csv --steps 10 --out o-quoted
expect 0 "richlazy run: 10 steps, H=500, N=4 (quoted.csv)" && ok

case="class 9: CR-only line ends (old Mac exports) are read"
printf 'x,y,label\r1.5,0.2,1\r0,1,0\r2,0.5,1\r0.5,2,0\r' >cr.csv
run run --data cr.csv --steps 10 --out o-cr
expect 0 "richlazy run: 10 steps, H=500, N=4 (cr.csv)" && ok

case="class 9: an unclosed quote is named with its line"
printf 'x,y,label\n1,2,0\n"1.5,2,1\n' >open.csv
run run --data open.csv --steps 10 --out o-open
expect 2 "richlazy run: error: open.csv:3: the quote opened in column 1 is not closed" && ok

case="class 9: a quoted decimal comma is named as not a number"
printf 'x,y,label\n"1,5","2",1\n' >comma.csv
run run --data comma.csv --steps 10 --out o-comma
expect 2 "comma.csv:2: column 1 ('1,5') is not a number" && ok

case="class 9: a UTF-16 file (spreadsheet 'Unicode text') is named"
printf '\xff\xfex\x00,\x00y\x00,\x00l\x00\n\x00' >u16.csv
run run --data u16.csv --steps 10 --out o-u16
expect 2 "richlazy run: error: u16.csv:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 or plain CSV" && ok

case="class 7: window --from ignores no flag: a checkpoint's setting given again is refused"
run run --steps 20 $small --checkpoint ck-w --out o-ckw --quiet
run window --from ck-w --hidden 5 --lr 0.5
expect 2 "richlazy window: error: --hidden cannot change the nets of --from ck-w" && ok

case="class 7: window --from with a data file is refused, not ignored"
printf 'x,y,label\n0,1,1\n1,0,0\n' >w.csv
run window --from ck-w --data w.csv
expect 2 "richlazy window: error: --data cannot change the nets of --from ck-w" && ok

case="class 7: window --data with --dataset is refused, as run refuses it"
run window --data w.csv --dataset xor
expect 2 "richlazy window: error: give either --data or --dataset, not both" && ok

echo "adversary: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
