#!/bin/sh
# bench/hostile.sh [SIGMACC]: time and peak memory of sigmacc on the hostile
# inputs of the front end (SECURITY.md, "Limits"): the shapes the test
# tests/hostile/frontend.sh checks for their outcome, plus full-size ones
# (a 100 MB scalar, a list of 1,000,000 values). Prints one line per input:
# wall seconds, CPU seconds, peak RSS, exit status. Not a test: nothing fails.
#
# Uses the optimised build of bench/run.sh (build-bench/) unless a binary is
# given, e.g. an older release build to compare with. A run is stopped after
# HOSTILE_TIMEOUT seconds (default 120).
set -eu
cd "$(dirname "$0")/.."
BUILD=build-bench
if [ $# -ge 1 ]; then
	bin=$1
else
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" --buildtype=release -Dtests=false >/dev/null
	fi
	ninja -C "$BUILD" | grep -v "^\[" || true
	bin=$BUILD/sigmacc
fi
[ -x "$bin" ] || { echo "hostile: no binary $bin" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || {
	echo "hostile: needs GNU time (apt-get install time)" >&2
	exit 1
}
mkdir -p "$BUILD"
gen=$BUILD/hostile_gen
cc -O2 -o "$gen" tests/hostile/gen.c
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp" --bench
tab=$(printf '\t')
limit=${HOSTILE_TIMEOUT:-120}
printf '%-20s %-14s %8s %8s %10s %s\n' input command wall cpu "RSS KiB" exit
while IFS="$tab" read -r name status args want; do
	: "$status" "$want"
	# shellcheck disable=SC2086 # args is a word list made by gen.c
	/usr/bin/time -f "%e %U %S %M %x" -o "$tmp/time" timeout "$limit" $bin $args \
		>/dev/null 2>&1 </dev/null || true
	# shellcheck disable=SC2046 # the five fields of GNU time's line
	set -- $(tail -n 1 "$tmp/time")
	if [ "$5" = 124 ]; then	# stopped by timeout
		printf '%-20s %-14s %8s\n' "$name" "${args%% *}" "> $limit s"
		continue
	fi
	cpu=$(echo "$2 + $3" | bc)
	printf '%-20s %-14s %8s %8s %10s %s\n' "$name" "${args%% *}" "$1" "$cpu" "$4" "$5"
done <"$tmp/cases"
