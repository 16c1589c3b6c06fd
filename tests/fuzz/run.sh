#!/bin/sh
# run.sh: a fuzzing session on the libFuzzer targets (./build.sh fuzz calls it).
#
#   tests/fuzz/run.sh [SECONDS [TARGET...]]
#
# Builds the targets with clang into build-fuzz/ (-Dfuzz=true, ASan+UBSan),
# then fuzzes every TARGET (default: rule pysigma cond vars yaml statcache) for SECONDS each
# (default 60), as many at a time as there are cores. Each target grows its
# corpus in build-fuzz/corpus/TARGET from the seeds of tests/fuzz/corpus/TARGET
# and uses the dictionary tests/fuzz/dict/. libFuzzer runs in fork mode and
# goes on after a crash, timeout or out-of-memory, so that one known slow
# input does not end the session; every finding is written to
# build-fuzz/crashes/TARGET-{crash,timeout,oom,leak}-HASH and the session
# fails if there is any. Logs: build-fuzz/logs/TARGET.log.
# FUZZ_JOBS overrides the parallelism, FUZZ_FLAGS adds libFuzzer flags,
# FUZZ_BUILD names another build directory.
set -eu
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
TARGETS=${*:-rule pysigma cond vars yaml statcache}
OUT=${FUZZ_BUILD:-build-fuzz}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}

if ! command -v clang >/dev/null 2>&1; then
	echo "run.sh: clang is needed for libFuzzer: sudo apt-get install clang" >&2
	exit 1
fi
if [ ! -f "$OUT/build.ninja" ]; then
	CC=clang meson setup "$OUT" --buildtype=debugoptimized -Dtests=false -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all >/dev/null
fi
ninja -C "$OUT" >/dev/null
mkdir -p "$OUT/crashes" "$OUT/logs"
rm -f "$OUT"/logs/*.failed

dict_of() {
	case $1 in
	rule) echo tests/fuzz/dict/rule.dict ;;
	pysigma) echo tests/fuzz/dict/pysigma.dict ;;
	cond) echo tests/fuzz/dict/cond.dict ;;
	*) echo tests/fuzz/dict/yaml.dict ;;
	esac
}

fuzz_one() {
	t=$1
	mkdir -p "$OUT/corpus/$t"
	echo "fuzzing $t for ${SECONDS_EACH}s (log: $OUT/logs/$t.log)"
	# the first corpus directory receives new inputs; the seeds stay untouched
	# shellcheck disable=SC2086
	"$OUT/tests/fuzz/fuzz_$t" "$OUT/corpus/$t" "tests/fuzz/corpus/$t" \
		-dict="$(dict_of "$t")" -max_total_time="$SECONDS_EACH" \
		-timeout=5 -rss_limit_mb=2048 -max_len=65536 \
		-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-artifact_prefix="$OUT/crashes/$t-" -print_final_stats=1 ${FUZZ_FLAGS:-} \
		>"$OUT/logs/$t.log" 2>&1 || true
	status=$(grep -E '^#[0-9]+: cov:' "$OUT/logs/$t.log" | tail -1)
	if [ -z "$status" ]; then	# libFuzzer did not get going: say why
		echo "$t: did not run: $(tail -n 3 "$OUT/logs/$t.log" | tr '\n' ' ')" >&2
		touch "$OUT/logs/$t.failed"
	fi
	# libFuzzer's own count: a job that dies before it can save its input (an abort
	# at start-up) leaves no artifact, and must not read as a clean session
	counts=$(printf '%s\n' "$status" | sed -n 's|.*oom/timeout/crash: \([0-9]*\)/\([0-9]*\)/\([0-9]*\).*|\1 \2 \3|p')
	if [ -n "$counts" ] && [ "$counts" != "0 0 0" ] && ! ls "$OUT/crashes/$t-"* >/dev/null 2>&1; then
		echo "$t: libFuzzer counted oom/timeout/crash $(echo "$counts" | tr ' ' /) but saved no input (see $OUT/logs/$t.log)" >&2
		touch "$OUT/logs/$t.failed"
	fi
	# CPU of this shell's children: the fuzzer and every job it forked (not in
	# a $(...), whose own subshell has no children yet)
	times >"$OUT/logs/$t.times"
	echo "$t: $status cpu (user sys): $(tail -n 1 "$OUT/logs/$t.times")"
}

running=0
for t in $TARGETS; do
	[ -x "$OUT/tests/fuzz/fuzz_$t" ] || { echo "run.sh: no fuzz target '$t'" >&2; exit 2; }
	fuzz_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait

found=$(find "$OUT/crashes" -type f | sort)
if [ -n "$found" ]; then
	echo "findings (reproduce: $OUT/tests/fuzz/fuzz_TARGET FILE):"
	echo "$found"
	exit 1
fi
if ls "$OUT"/logs/*.failed >/dev/null 2>&1; then
	exit 1
fi
echo "no findings"
