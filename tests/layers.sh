#!/bin/sh
# The layer rule, checked on the sources: a file of layer L includes no
# header of a higher layer, and only the view and app layers (and the
# benchmarks that draw) include SDL. The build enforces the same through
# each layer's include path; this names the offending line.
#   tests/layers.sh SOURCE_ROOT
set -u
root="${1:-.}"
order="core io view app exp bench cli"
rank() { i=0; for l in $order; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }
bad=0
checked=0
for f in "$root"/src/*/*.c "$root"/include/*/*.h; do
    layer=$(basename "$(dirname "$f")")
    lr=$(rank "$layer")
    checked=$((checked + 1))
    case "$layer" in
    core|io)
        if grep -nE '#include[[:space:]]*[<"](SDL2?/)?SDL' "$f"; then
            echo "layers: $f: the $layer layer must not include SDL" >&2
            bad=$((bad + 1))
        fi ;;
    esac
    for h in $(grep -oE '#include[[:space:]]*"rl_[a-z0-9_]+\.h"' "$f" | grep -oE 'rl_[a-z0-9_]+\.h'); do
        hp=$(ls "$root"/include/*/"$h" 2>/dev/null | head -1)
        if [ -z "$hp" ]; then
            echo "layers: $f includes $h, which is in no layer of include/" >&2
            bad=$((bad + 1))
            continue
        fi
        hl=$(basename "$(dirname "$hp")")
        if [ "$(rank "$hl")" -gt "$lr" ]; then
            echo "layers: $f ($layer) includes $h of the higher layer $hl" >&2
            bad=$((bad + 1))
        fi
    done
done
[ "$(ls "$root"/src/*.c 2>/dev/null | wc -l)" -eq 0 ] || {
    echo "layers: sources directly in src/: put each in its layer's folder" >&2
    bad=$((bad + 1)); }
echo "layers: $checked files checked, $bad problems"
[ "$bad" -eq 0 ]
