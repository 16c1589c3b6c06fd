#!/bin/sh
# sumo-literals.sh SIGMACC: no Sumo Cloud SIEM literal can be read two ways.
# CSE string literals are raw (no backslash escapes), so a backslash outside a
# /regex/ would be read by CSE as itself and by a reader as an escape: every value
# with a backslash or a quote must take the regex path (targets.md §5.2). Compiles
# the corpus with the default sumo pipeline and fails on any backslash left after
# the regex literals are removed. The corpus is the second argument (meson's
# -Dcorpus) or $SIGMACC_CORPUS; without one the test is skipped (exit 77). Prints TAP.
set -u
bin=$1
corpus=${2:-}
[ -n "$corpus" ] || corpus=${SIGMACC_CORPUS:-}
if [ -z "$corpus" ]; then
	echo "sumo-literals: no corpus (-Dcorpus=DIR or SIGMACC_CORPUS); skipped" >&2
	exit 77
fi
[ -d "$corpus" ] || { echo "sumo-literals: $corpus: not a directory" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..2"
"$bin" convert -t sumo --compact "$corpus" >"$tmp/out" 2>/dev/null
if [ -s "$tmp/out" ] && [ -d "$corpus" ]; then
	echo "ok 1 - the corpus compiles to sumo expressions ($(grep -c . "$tmp/out") lines)"
else
	echo "not ok 1 - the corpus compiles to sumo expressions"
	exit 1
fi
# a regex literal is 'matches /.../' where / inside is written \/
sed -E 's#matches /([^/\\]|\\.)*/#matches R#g' "$tmp/out" | grep -n '\\' >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	echo "not ok 2 - no backslash outside a regex literal ($(wc -l <"$tmp/bad") lines)"
	head -5 "$tmp/bad" | cut -c1-300 | sed 's/^/#   /'
	exit 1
fi
echo "ok 2 - no backslash outside a regex literal"
