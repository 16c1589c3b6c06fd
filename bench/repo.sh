#!/bin/sh
# bench/repo.sh [SIGMACC]: the rows of the whole-repository table (issue 14):
# CPU seconds, wall seconds and peak RSS, each the minimum of BENCH_RUNS runs
# (default 3; the rows of sections 1, 2 and 4, which take under a second,
# BENCH_QUICK_RUNS, default 9: a shared VM's speed moves by more than their
# margins between runs), on the optimised build of bench/run.sh unless a binary
# is given.
#
#  1. the SigmaHQ corpus for every target in one process: `build --check` of an
#     up-to-date tree as CI runs it in a clone (no stat cache: every rule compiled)
#     with -j 1 and the default -j, and after a build here, an unchanged `build` (the
#     manifest's records let it skip every rule that compiled) and the same with
#     --rebuild (every rule compiled), and `check`; `build --check -j 1` and
#     `check` for the seven targets the issue's goal names; the same files
#     parsed by libyaml alone (bench/yaml_floor.c) and sigmacc's time as a
#     multiple of it;
#  2. one rule with 100,000 `endswith` values, KQL and SPL;
#  3. a repository of the corpus copied BENCH_REPO_MULT times (default 30, the
#     100k-rule repository) for the seven targets: compile only (`build --check`
#     of an empty OUTDIR), first `build`, unchanged rebuild (once before the stat
#     cache knows the outputs, then with it; refusals are not compiled again),
#     `build --check` after those builds and as in a clone (every rule compiled); then the same as a project that declares
#     every refusal of the first build expected (a repository kept green);
#  4. `check` of a rule with 10,000 `or` terms and of one with 100,000 placeholders;
#  5. scaling: each generated family (values, selections, `or` terms, placeholders,
#     keys, rules, directories) at 1k, 10k and BENCH_MAX (default 100k), and the exponent k of
#     time ~ size^k between 10k and the largest. The smaller sizes run 10 times in
#     one measurement (GNU time counts in 10 ms), which includes 10 process starts.
# Not a test: timing goals are read here, never asserted in the suite. Corpus runs
# exit 1 (rules that some target refuses), so their lines say "(exit status 1)".
set -eu
cd "$(dirname "$0")/.."
BUILD=build-bench
if [ $# -ge 1 ]; then
	bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" --buildtype=release -Dtests=false >/dev/null
	fi
	ninja -C "$BUILD" | grep -v "^\[" || true
	bin=$(pwd)/$BUILD/sigmacc
fi
if ! command -v /usr/bin/time >/dev/null || ! command -v bc >/dev/null; then
	echo "bench: needs GNU time and bc (apt-get install time bc)" >&2
	exit 1
fi
runs=${BENCH_RUNS:-3}
quick=${BENCH_QUICK_RUNS:-9}
mult=${BENCH_REPO_MULT:-30}
max=${BENCH_MAX:-100000}
corpus=${SIGMACC_CORPUS:-}
[ -d "$corpus" ] || { echo "bench: no corpus at '$corpus' (set SIGMACC_CORPUS to the rules/ folder of SigmaHQ/sigma)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
floor=$tmp/yaml_floor
# shellcheck disable=SC2046 # pkg-config's flags are several words
cc -O2 -std=c17 -o "$floor" bench/yaml_floor.c $(pkg-config --cflags --libs yaml-0.1)

# best LABEL COMMAND...: runs COMMAND $runs times; prints and keeps in $cpu $wall $rss
# the minimum CPU (user + system) seconds, wall seconds and peak RSS (KiB).
best() {
	label=$1
	shift
	cpu='' wall='' rss=''
	r=0
	while [ $r -lt "$runs" ]; do
		/usr/bin/time -f "%e %U %S %M %x" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr" </dev/null || true
		tail -n 1 "$tmp/time" > "$tmp/last"	# GNU time may put a status line first
		read -r w u s m x < "$tmp/last"
		c=$(echo "$u + $s" | bc)
		[ -z "$cpu" ] || [ "$(echo "$c < $cpu" | bc)" = 1 ] && cpu=$c
		[ -z "$wall" ] || [ "$(echo "$w < $wall" | bc)" = 1 ] && wall=$w
		[ -z "$rss" ] || [ "$m" -lt "$rss" ] && rss=$m
		r=$((r + 1))
	done
	printf '%-44s cpu %7ss  wall %7ss  peak RSS %8d KiB%s\n' "$label" "$cpu" "$wall" "$rss" \
		"$([ "$x" = 0 ] || echo "  (exit status $x)")"
}

runs_=$runs; runs=$quick
echo "1. SigmaHQ corpus ($(find "$corpus" -name '*.yml' | wc -l) files) x all targets, one process"
"$bin" build -j 1 -o "$tmp/corpus" --undefined-placeholder=wildcard "$corpus" >/dev/null 2>&1 || true
# build --check as CI runs it, in a clone: no stat cache of this checkout, every rule compiled
mv "$tmp/corpus/.sigmacc-lock" "$tmp/lock"
best "build --check -j 1 (a clone: all compiled)" "$bin" build --check -j 1 -o "$tmp/corpus" \
	--undefined-placeholder=wildcard "$corpus"
one=$cpu one_wall=$wall
best "build --check (default -j: $(getconf _NPROCESSORS_ONLN) CPUs)" "$bin" build --check \
	-o "$tmp/corpus" --undefined-placeholder=wildcard "$corpus"
echo "  speed-up of the default -j over -j 1 (wall): $(echo "scale=2; $one_wall / ($wall + 0.001)" | bc)x"
mv "$tmp/lock" "$tmp/corpus/.sigmacc-lock"
best "build --check after a build here" "$bin" build --check -o "$tmp/corpus" \
	--undefined-placeholder=wildcard "$corpus"
best "build, unchanged (nothing compiled)" "$bin" build -o "$tmp/corpus" \
	--undefined-placeholder=wildcard "$corpus"
skip=$cpu
best "build --rebuild, unchanged (all compiled)" "$bin" build --rebuild -o "$tmp/corpus" \
	--undefined-placeholder=wildcard "$corpus"
echo "  unchanged build, --rebuild / records (CPU): $(echo "scale=1; $cpu / ($skip + 0.001)" | bc)x"
best "check (lint + every target, parsed once)" "$bin" check --undefined-placeholder=wildcard "$corpus"
# the issue's row names the seven SIEM languages (ES|QL, the eighth, is left out)
seven=kql,spl,eql,aql,sumo,yaral,logscale
"$bin" build -j 1 -t "$seven" -o "$tmp/corpus7" --undefined-placeholder=wildcard "$corpus" >/dev/null 2>&1 || true
rm "$tmp/corpus7/.sigmacc-lock"	# as in a clone: every rule compiled
best "build --check -j 1 -t (7 targets, a clone)" "$bin" build --check -j 1 -t "$seven" -o "$tmp/corpus7" \
	--undefined-placeholder=wildcard "$corpus"
best "check -t (7 targets)" "$bin" check -t "$seven" --undefined-placeholder=wildcard "$corpus"
rm -rf "$tmp/corpus7"
find "$corpus" -name '*.yml' > "$tmp/files"
best "libyaml parse only (floor)" sh -c "\"$floor\" < \"$tmp/files\""
echo "  build --check -j 1 / floor: $(echo "scale=1; $one / ($cpu + 0.001)" | bc)x"

# gen FAMILY N FILE: one rule of the family at size N (rules: a directory of N rules;
# dirs: N directories of one rule each, whose value lists are looked for per directory).
gen() {
	case $1 in
	rules|dirs)
		mkdir -p "$3"
		[ "$1" = rules ] || (cd "$3" && seq -f 'd%06g' 0 $(($2 - 1)) | xargs mkdir)
		awk -v n="$2" -v d="$3" -v fam="$1" 'BEGIN { for (i = 0; i < n; i++) {
			f = sprintf(fam == "rules" ? "%s/r%06d.yml" : "%s/d%06d/r.yml", d, i)
			printf "title: Rule %d\nlogsource: {category: process_creation, product: windows}\n", i > f
			printf "detection:\n    sel:\n        CommandLine|contains: v%d\n    condition: sel\n", i > f
			close(f) } }'
		return ;;
	esac
	awk -v fam="$1" -v n="$2" 'BEGIN {
		printf "title: Scale\nlogsource: {category: process_creation, product: windows}\ndetection:\n"
		if (fam == "values" || fam == "endswith" || fam == "placeholders") {
			m = fam == "endswith" ? "endswith" : "contains"
			printf "    sel:\n        CommandLine|%s:\n", m
			for (i = 0; i < n; i++)
				printf fam == "placeholders" ? "            - \x27%%p%d%%\x27\n" : "            - \x27v%d\x27\n", i
			print "    condition: sel"
		} else if (fam == "selections" || fam == "or") {
			for (i = 0; i < n; i++) printf "    s%d:\n        CommandLine|contains: v%d\n", i, i
			if (fam == "selections") print "    condition: 1 of s*"
			else { printf "    condition: s0"; for (i = 1; i < n; i++) printf " or s%d", i; print "" }
		} else if (fam == "keys") {
			print "    sel:"
			for (i = 0; i < n; i++) printf "        Field%d: v%d\n", i, i
			print "    condition: sel"
		} }' > "$3"
}

echo "2. one rule with 100,000 endswith values"
gen endswith 100000 "$tmp/endswith.yml"
best "convert -t kql" "$bin" convert -t kql "$tmp/endswith.yml"
best "convert -t spl" "$bin" convert -t spl "$tmp/endswith.yml"

runs=$runs_
echo "3. repository: the corpus x $mult"
i=0
while [ $i -lt "$mult" ]; do cp -r "$corpus" "$tmp/repo/c$i" 2>/dev/null || { mkdir -p "$tmp/repo"; cp -r "$corpus" "$tmp/repo/c$i"; }; i=$((i + 1)); done
echo "  $(find "$tmp/repo" -name '*.yml' | wc -l) files"
o="--undefined-placeholder=wildcard"
t7="-t $seven"	# the issue's rows: every default output but ES|QL (the project below declares them)
best "compile only (build --check, empty OUTDIR)" "$bin" build --check -o "$tmp/none" $o $t7 "$tmp/repo"
rm -rf "$tmp/none"
runs_=$runs; runs=1
best "first build" "$bin" build -o "$tmp/repo-out" $o $t7 "$tmp/repo"
# the first rebuild hashes every output and keeps what it learnt in the stat cache, with
# what compiling said of the rules a target refuses
best "unchanged rebuild, outputs not in the stat cache yet" "$bin" build -o "$tmp/repo-out" $o $t7 "$tmp/repo"
runs=$runs_
best "unchanged rebuild" "$bin" build -o "$tmp/repo-out" $o $t7 "$tmp/repo"
best "build --check after those builds" "$bin" build --check -o "$tmp/repo-out" $o $t7 "$tmp/repo"
mv "$tmp/repo-out/.sigmacc-lock" "$tmp/lock"
runs_=$runs; runs=1
best "build --check in a clone (all compiled)" "$bin" build --check -o "$tmp/repo-out" $o $t7 "$tmp/repo"
runs=$runs_
mv "$tmp/lock" "$tmp/repo-out/.sigmacc-lock"
# The same repository kept green: a project file (beside rules/) declares every refusal
# of the first build as expected, as a team does, so an unchanged build compiles nothing.
mkdir "$tmp/proj" && mv "$tmp/repo" "$tmp/proj/rules"
"$bin" build -o "$tmp/repo-out" $o $t7 "$tmp/proj/rules" >/dev/null 2>"$tmp/stderr" || true
{
	printf 'rules: [rules]\noutput_dir: out\noutputs:\n'
	for t in $(echo "$seven" | tr , ' '); do printf '  - {name: %s, target: %s}\n' $t $t; done
	echo "expected_refusals:"
	awk -v dir="$tmp/proj/" 'index($0, ": error: ") {
		f = substr($0, 1, index($0, ":") - 1); sub("^" dir, "", f)
		if (match($0, /(\(|by )target [a-z]+/)) {
			t = substr($0, RSTART, RLENGTH); sub(/.*target /, "", t)
			print "  - {rule: \"" f "\", output: " t "}"
		}
		else for (t = 1; t <= 7; t++) print "  - {rule: \"" f "\", output: " \
			substr("kql     spl     eql     aql     sumo    yaral   logscale", 8 * t - 7, 8) "}" }' \
		"$tmp/stderr" | sed 's/ *}$/}/' | sort -u
} > "$tmp/proj/sigmacc.yml"
echo "  as a project: $(grep -c '  - {rule:' "$tmp/proj/sigmacc.yml") expected refusals declared"
runs_=$runs; runs=1
best "project: first build" sh -c "cd \"$tmp/proj\" && \"$bin\" build $o"
best "project: unchanged rebuild, outputs not in the stat cache yet" sh -c "cd \"$tmp/proj\" && \"$bin\" build $o"
runs=$runs_
best "project: unchanged rebuild" sh -c "cd \"$tmp/proj\" && \"$bin\" build $o"
best "project: build --check after those builds" sh -c "cd \"$tmp/proj\" && \"$bin\" build --check $o"
# removed only now: ext4 allocates inodes slowly for a while after 900k files are deleted,
# which would slow the project's first build by a factor of up to 3
rm -rf "$tmp/proj" "$tmp/repo-out"

runs_=$runs; runs=$quick
echo "4. check of one large rule"
gen or 10000 "$tmp/or.yml"
big="--max-rule-size=268435456"	# the generated rules exceed the default 4 MiB
best "check: 10,000 or terms" "$bin" check "$big" --without-pipeline "$tmp/or.yml"
gen placeholders 100000 "$tmp/ph.yml"
best "check: 100,000 placeholders" "$bin" check "$big" --without-pipeline \
	--undefined-placeholder=wildcard "$tmp/ph.yml"

runs=$runs_
echo "5. scaling: CPU per run of convert -t kql --without-pipeline (minimum of $runs)"
lo=0 hi=0
for fam in values selections or placeholders keys rules dirs; do
	line="  $fam:"
	for size in 1000 10000 "$max"; do
		rm -rf "$tmp/fam"
		gen "$fam" "$size" "$tmp/fam"
		reps=10
		[ "$size" = "$max" ] && reps=1
		best "$fam $size" sh -c "i=0; while [ \$i -lt $reps ]; do i=\$((i + 1)); \"$bin\" \
			convert -t kql $big --without-pipeline --undefined-placeholder=wildcard \
			\"$tmp/fam\" >/dev/null 2>&1 || exit 1; done" >"$tmp/line"
		grep -q "exit status" "$tmp/line" && line="$line (failed at $size)"
		cpu=$(echo "scale=4; $cpu / $reps" | bc)
		[ "$size" = 10000 ] && lo=$cpu
		hi=$cpu
		line="$line $size: ${cpu}s"
	done
	k=$(echo "scale=2; l(($hi + 0.0001) / ($lo + 0.0001)) / l($max / 10000)" | bc -l)
	echo "$line  exponent $k"
done
