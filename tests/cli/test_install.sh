#!/bin/sh
# `meson install` into a temporary DESTDIR, then check what a user gets:
# the program (runnable, --version, finds its installed fonts), the man
# page (renders with man -l when man is there; names every command and
# flag --help names) and the bash completion (loads; completes every
# command and every command's flags).
#   tests/cli/test_install.sh MESON BUILD_ROOT BINDIR MANDIR DATADIR SCRATCH
# BINDIR, MANDIR and DATADIR are the absolute install paths (prefix
# included); SCRATCH is a folder for the DESTDIR.
set -u
meson="$1" build="$2" bindir="$3" mandir="$4" datadir="$5" scratch="$6"
dest="$scratch/install-dest"
rm -rf "$dest"
mkdir -p "$dest"
fails=0
fail() { echo "install: FAIL: $*" >&2; fails=$((fails + 1)); }

if ! DESTDIR="$dest" "$meson" install -C "$build" --no-rebuild --quiet \
        >"$scratch/install.log" 2>&1; then
    cat "$scratch/install.log" >&2
    echo "install: FAIL: meson install into $dest" >&2
    exit 1
fi
exe="$dest$bindir/richlazy"
man1="$dest$mandir/man1/richlazy.1"
comp="$dest$datadir/bash-completion/completions/richlazy"
assets="$dest$datadir/richlazy"
for f in "$exe" "$man1" "$comp" "$assets/fonts/DejaVuSans.ttf"; do
    [ -f "$f" ] || fail "not installed: ${f#"$dest"}"
done
[ -x "$exe" ] || { fail "the program is not executable"; exit 1; }

# --version: "richlazy X.Y.Z (revision R)", R a git revision or unknown
version=$("$exe" --version) || fail "richlazy --version exits non-zero"
echo "installed: $version"
echo "$version" | grep -Eq '^richlazy [0-9]+\.[0-9]+\.[0-9]+ \(revision [0-9a-z.-]+\)$' ||
    fail "richlazy --version prints '$version'"

# the installed fonts are usable: a frame renders with them alone
rm -rf "$scratch/install-run"
if RICHLAZY_ASSETS="$assets" "$exe" run --steps 4 --frames-every 4 --quiet \
        --out "$scratch/install-run" 2>"$scratch/install-run.err"; then
    ls "$scratch/install-run/frames/"*.png >/dev/null 2>&1 ||
        fail "a run with the installed assets wrote no frame"
else
    fail "a run with the installed assets failed: $(cat "$scratch/install-run.err")"
fi

# what --help lists: the commands, and per command its flags
commands=$("$exe" --help | awk '/^Commands:/ {f = 1; next}
    f && /^  [a-z]/ {print $1} f && /^$/ {exit}')
[ -n "$commands" ] || fail "richlazy --help lists no commands"
flags_of() {
    "$exe" "$1" --help | awk '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^\[?--[a-z]/) {
                      s = $i; gsub(/[][]/, "", s); print s } }
        /^  -/  { for (i = 1; i <= 2; i++) { s = $i; gsub(/,/, "", s);
                      if (s ~ /^--[a-z]/) print s } }' | sort -u
}

# the man page: renders (when man is installed) and names everything
if command -v man >/dev/null 2>&1; then
    MANWIDTH=250 man --warnings -l "$man1" >"$scratch/man.txt" 2>"$scratch/man.err" ||
        fail "man -l richlazy.1 failed: $(cat "$scratch/man.err")"
    [ -s "$scratch/man.err" ] && fail "man -l warns: $(cat "$scratch/man.err")"
else
    echo "install: man is not installed; checking the page's source text"
    sed 's/\\-/-/g; s/\\f[BIRP]//g' "$man1" >"$scratch/man.txt"
fi
# the man page shows each command's section as "RICHLAZY NAME"
checked=0
for c in $commands; do
    up=$(echo "$c" | tr '[:lower:]' '[:upper:]')
    grep -q "^RICHLAZY $up\$" "$scratch/man.txt" ||
        grep -q "^\.SH \"RICHLAZY $up\"" "$man1" ||
        fail "the man page has no section for '$c'"
    for fl in $(flags_of "$c"); do
        # within the command's section
        awk -v s="RICHLAZY $up" -v fl="$fl" '
            /^[A-Z]/ { in_s = ($0 == s || $0 == ".SH \"" s "\"") }
            in_s && index($0, fl) { found = 1 }
            END { exit !found }' "$scratch/man.txt" ||
            fail "the man page's '$c' section lacks $fl"
        checked=$((checked + 1))
    done
done
echo "install: man page names $(echo $commands | wc -w) commands and $checked flags"

# the completion: loads, registers itself, completes commands and flags
bash -c '. "$1" && complete -p richlazy' sh "$comp" >"$scratch/complete.txt" 2>&1 ||
    fail "the completion does not load: $(cat "$scratch/complete.txt")"
complete_words() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
             _richlazy; printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$@"
}
got=$(complete_words richlazy "")
for c in $commands; do
    echo "$got" | grep -qx "$c" || fail "the completion does not offer '$c'"
done
checked=0
for c in $commands; do
    got=$(complete_words richlazy "$c" --)
    for fl in $(flags_of "$c"); do
        echo "$got" | grep -qx -- "$fl" || fail "completing 'richlazy $c --' lacks $fl"
        checked=$((checked + 1))
    done
done
got=$(complete_words richlazy run --dataset "")
[ -n "$got" ] || fail "completing 'richlazy run --dataset ' offers nothing"
echo "install: completion offers $(echo $commands | wc -w) commands and $checked flags"

[ "$fails" -eq 0 ] || { echo "install: $fails problems" >&2; exit 1; }
rm -rf "$dest" "$scratch/install-run"
echo "install: ok"
