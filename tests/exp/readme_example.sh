#!/bin/sh
# Print the README example marked "<!-- test: NAME -->": the indented code
# block after the marker, without its four-space indent. The job-array
# tests run exactly these lines.
#   tests/exp/readme_example.sh README.md NAME
set -u
awk -v m="<!-- test: $2 -->" '
    $0 == m       { f = 1; next }
    f == 1 && /^$/ { next }
    f && /^    /  { print substr($0, 5); f = 2; next }
    f             { exit }' "$1"
