#!/bin/sh
# bench/run.sh: throughput and memory of sigmacc, outside the test suite.
#
# Builds an optimised binary without sanitizers in build-bench/, then:
#  1. compiles the whole SigmaHQ corpus for every target in one process each and
#     prints rules per second, CPU seconds and peak RSS (GNU time if present,
#     else the shell's times);
#  2. a scaling run: one rule with 1,000 / 10,000 / 100,000 values, to show that
#     compile time grows linearly with rule size;
#  3. bench/hostile.sh: the pathological inputs of SECURITY.md, "Limits";
#  4. the evaluator: the T1102 pack hunting over 100,000 events (sigmacc test --events),
#     and the T1102 correlation's sliding windows over 100,000 timestamped events;
#  5. bench/repo.sh: the whole-repository rows (parse once, -j, the 100k-rule
#     repository, the libyaml floor, scaling exponents).
set -eu
cd "$(dirname "$0")/.."
corpus=${SIGMACC_CORPUS:?bench: set SIGMACC_CORPUS to the rules/ folder of SigmaHQ/sigma}
BUILD=build-bench
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=false >/dev/null
fi
ninja -C "$BUILD" | grep -v "^\[" || true
[ -x "$BUILD/sigmacc" ] || { echo "bench: build failed" >&2; exit 1; }
bin=$BUILD/sigmacc
rules=$(find "$corpus" -name '*.yml' | wc -l)

measure() { # label, command... (N = rules compiled by the command)
	label=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$BUILD/time.txt" "$@" >/dev/null 2>&1 || true
	read -r real user sys rss < "$BUILD/time.txt" || true
	set -- $(tail -n 1 "$BUILD/time.txt")	# GNU time may put a status line first
	real=$1 user=$2 sys=$3 rss=$4
	cpu=$(echo "$user + $sys" | bc)
	rate=$(echo "scale=0; $N / ($real + 0.005)" | bc)
	printf '%-16s %6d rules in %5ss (%6d rules/s), cpu %5ss, peak RSS %6d KiB\n' \
		"$label" "$N" "$real" "$rate" "$cpu" "$rss"
}

command -v /usr/bin/time >/dev/null && command -v bc >/dev/null || {
	echo "bench: needs GNU time and bc (apt-get install time bc)" >&2
	exit 1
}

echo "corpus: $rules rule files, one process per target"
N=$rules
for target in $("$bin" list targets | cut -d' ' -f1); do
	measure "$target" "$bin" convert -t "$target" --undefined-placeholder=wildcard "$corpus"
done

echo "scaling: one rule, N values (contains), kql"
for size in 1000 10000 100000; do
	f=$BUILD/scale-$size.yml
	{
		printf 'title: Scale %s\nlogsource: {category: process_creation, product: windows}\n' "$size"
		printf 'detection:\n    selection:\n        CommandLine|contains:\n'
		i=0
		while [ $i -lt "$size" ]; do printf "            - 'value%d'\n" "$i"; i=$((i + 1)); done
		printf '    condition: selection\n'
	} > "$f"
	N=1
	measure "$size values" "$bin" convert -t kql "$f"
done

echo "hostile inputs (SECURITY.md, Limits)"
sh bench/hostile.sh "$bin"

echo "evaluator: the T1102 pack (rules/) hunting over 100,000 events"
yes "$(cat tests/eval/hunt.ndjson)" | head -n 100000 > "$BUILD/hunt.ndjson"
N=100000
/usr/bin/time -f "%e %U %S %M" -o "$BUILD/time.txt" "$bin" test --format json \
	--vars rules/web_service.vars.yml --events "$BUILD/hunt.ndjson" rules/ >/dev/null 2>&1 || true
set -- $(tail -n 1 "$BUILD/time.txt")
printf '%-16s %6d events in %5ss (%6d events/s), peak RSS %6d KiB\n' "hunt" "$N" "$1" \
	"$(echo "scale=0; $N / ($1 + 0.005)" | bc)" "$4"

echo "evaluator: the T1102 correlation over 100,000 timestamped events (100 hosts, 5 host names)"
awk 'BEGIN { split("pastebin.com discord.com slack.com api.telegram.org example.org", d, " ");
	for (i = 0; i < 100000; i++)
		printf "{\"@timestamp\": %d, \"Computer\": \"WS%d\", \"Image\": \"C:\\\\x\\\\powershell.exe\", \"DestinationHostname\": \"%s\"}\n",
			1796292000 + i, i % 100, d[int(i / 100) % 5 + 1] }' > "$BUILD/corr.ndjson"
/usr/bin/time -f "%e %U %S %M" -o "$BUILD/time.txt" "$bin" test --format json \
	--vars rules/web_service.vars.yml --events "$BUILD/corr.ndjson" \
	tests/correlations/t1102_web_service_domains.yml >/dev/null 2>&1 || true
set -- $(tail -n 1 "$BUILD/time.txt")
printf '%-16s %6d events in %5ss (%6d events/s), peak RSS %6d KiB\n' "correlation" "$N" "$1" \
	"$(echo "scale=0; $N / ($1 + 0.005)" | bc)" "$4"

echo "whole repository (bench/repo.sh)"
sh bench/repo.sh "$bin"
