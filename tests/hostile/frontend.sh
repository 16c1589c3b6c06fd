#!/bin/sh
# frontend.sh GEN SIGMACC: hostile inputs of the front end (bounded time and
# memory). GEN writes the large inputs and their expected outcomes at test
# time; the small ones are committed beside this script. Each case must exit
# with the expected status and print exactly the expected first diagnostic
# line (or nothing); summary lines ("sigmacc: ...") are not diagnostics.
# Run from the source root; prints TAP.
set -u
gen=$1
bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp" || { echo "1..0 # SKIP generator failed"; exit 1; }
here=tests/hostile
tab=$(printf '\t')
{
	printf 'nul_key.yml\t1\tir %s\t%s\n' "$here/nul_key.yml" \
		"$here/nul_key.yml:9:5: error: mapping key contains a NUL character"
	printf 'alias_depth.yml\t1\tir %s\t%s\n' "$here/alias_depth.yml" \
		"$here/alias_depth.yml:5:34: error: nesting deeper than 64 levels"
	cat "$tmp/cases"
} >"$tmp/all"
echo "1..$(wc -l <"$tmp/all")"
n=0
fail=0
while IFS="$tab" read -r name status args want; do
	n=$((n + 1))
	# shellcheck disable=SC2086 # args is a word list made by gen.c
	$bin $args >/dev/null 2>"$tmp/stderr"
	got=$?
	first=$(grep -v '^sigmacc: ' "$tmp/stderr" | head -n 1)
	if [ "$got" = "$status" ] && [ "$first" = "$want" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "#   exit status $got, want $status"
		echo "#   stderr:   $(printf '%.300s' "$first")"
		echo "#   expected: $want"
		fail=1
	fi
done <"$tmp/all"
exit $fail
