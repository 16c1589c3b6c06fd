#!/bin/sh
# build.sh SIGMACC: how `sigmacc build` goes through a rule tree: each file loaded
# once for every target, and the output tree and messages independent of how the
# work is split. Run from the source root; prints TAP.
# shellcheck source=tests/hostile/lib.sh
. "$(dirname "$0")/hostile/lib.sh"

# count FILE TEXT N: TEXT occurs on exactly N lines of FILE.
count() {
	c_=$(grep -cF -- "$2" "$1")
	[ "$c_" = "$3" ] || { echo "'$2' on $c_ lines, want $3, in:"; cat "$1"; return 1; }
}

load_once() {
	cp "$src/tests/bad/yaml_tab_indent.yml" "$src/tests/bad/unmappable_field.yml" rules/ &&
	run 1 build -t kql,spl -o "$out" rules &&
	count "$io/stderr" "yaml_tab_indent.yml:3:1: error: YAML syntax error" 1 &&
	count "$io/stderr" "unmappable_field.yml:8:9: error:" 1 &&
	has "$io/stderr" "has no mapping in pipeline defender_xdr (target kql" &&
	has "$io/stderr" "sigmacc build: 1 written, 0 unchanged, 0 removed, 3 failed" &&
	[ -f "$out/spl/unmappable_field.spl" ] && [ ! -e "$out/kql/unmappable_field.kql" ]
}
t "a file that does not load is said once, and failed for each target" load_once

# a tree of good and bad rules for every target: the constructs, the T1102 rules, the bad inputs
tree() {
	mkdir -p rules/constructs rules/bad &&
	cp "$src"/tests/constructs/*.yml rules/constructs/ && cp "$src"/tests/bad/*.yml rules/bad/ &&
	cp "$net" "$proc" rules/ && cat "$src/tests/constructs/constructs.vars.yml" "$vars" > lists.vars.yml
}

jobs_same() {
	tree &&
	run 1 build -j 1 -o one --vars lists.vars.yml rules && mv "$io/stderr" one.err &&
	run 1 build -j 4 -o four --vars lists.vars.yml rules && mv "$io/stderr" four.err &&
	diff -r one four && diff one.err four.err &&
	has one.err "0 unchanged, 0 removed" && [ -f one/kql/constructs/keywords.kql ] &&
	run 1 build -j 3 -o one --vars lists.vars.yml rules &&
	has "$io/stderr" "sigmacc build: 0 written," && diff -r one four
}
t "-j 1 and -j 4 write the same tree and say the same in the same order" jobs_same

jobs_usage() {
	run 2 build -j 0 -o "$out" rules && has "$io/stderr" "-j takes a number of jobs from 1 to 256, not '0'" &&
	run 2 build --jobs=x -o "$out" rules && has "$io/stderr" "not 'x'" &&
	run 2 convert --jobs 2 -t kql "$net" && has "$io/stderr" "unknown option '--jobs'"
}
t "-j takes a number from 1 to 256, and only in build" jobs_usage

pipelines() {
	printf "%s\n" "name: local" "target: kql" "description: local columns" "logsources:" \
		"  - categories: [process_creation]" "    fields:" \
		"      - {from: CurrentDirectory, to: ProcessCurrentDirectory}" > local.yml &&
	cp "$src/tests/bad/unmappable_field.yml" rules/ &&
	run 1 build -t kql,spl -o "$out" rules && [ ! -e "$out/kql/unmappable_field.kql" ] &&
	run 0 build -t kql,spl -p defender_xdr -p "$box/local.yml" -o "$out" rules &&
	has "$out/kql/unmappable_field.kql" "ProcessCurrentDirectory contains" &&
	has "$io/stderr" "sigmacc build: 1 written, 1 unchanged, 0 removed, 0 failed" &&
	run 2 build -t kql -p splunk_sysmon -o "$out" rules &&
	same "$io/stderr" "sigmacc: pipeline 'splunk_sysmon' is for target spl, which this build does not build" &&
	run 2 build -t kql -p nosuch -o "$out" rules && has "$io/stderr" "nosuch" &&
	run 2 build -t kql --without-pipeline -o "$out" rules
}
t "-p in build: a target stacks the pipelines for it, the others keep their default" pipelines

check_forms() {
	cp "$net" "$proc" rules/ && run 0 build -t kql -o out --vars "$vars" rules &&
	echo edited >> out/kql/net_connection_win_web_service_c2.kql &&
	mv rules/proc_creation_win_web_service_c2.yml rules/new.yml &&
	run 1 build --check --diagnostics=github -t kql -o out --vars "$vars" rules &&
	same "$io/stdout" "::error file=out/kql/net_connection_win_web_service_c2.kql::stale output (the output was edited): run sigmacc build to regenerate it from its rule
::error file=out/kql/new.kql::missing output: run sigmacc build to regenerate it from its rule
::error file=out/kql/proc_creation_win_web_service_c2.kql::orphaned output: its rule file is gone; run sigmacc build to remove it" &&
	run 1 build --check --diagnostics=json -t kql -o out --vars "$vars" rules &&
	has "$io/stdout" '{"severity": "error", "file": "out/kql/new.kql", "line": 0, "col": 0, "message": "missing output: run sigmacc build to regenerate it from its rule", "code": "missing-output", "rule_id": null, "target": "kql"}' &&
	[ "$(wc -l < "$io/stdout")" = 3 ] &&
	run 1 build --check -t kql -o out --vars "$vars" rules && has "$io/stdout" "stale: out/kql/net_connection_win_web_service_c2.kql"
}
t "build --check findings in the --diagnostics forms, for pull-request annotations" check_forms

# an output's directory of any length names it whole in the JSON findings (it was cut at 63 bytes)
check_long_dir() {
	d=detections-for-the-security-operations-center-of-the-northern-region-kql &&
	cp "$net" rules/ && cp "$vars" rules/ &&
	printf 'rules: [rules]\noutput_dir: out\noutputs:\n  - {name: k, target: kql, dir: %s}\n' "$d" \
		> sigmacc.yml &&
	run 1 build --check --diagnostics=json &&
	has "$io/stdout" "\"file\": \"out/$d/net_connection_win_web_service_c2.kql\"" &&
	has "$io/stdout" "\"target\": \"$d\"}"
}
t "build --check names a long output directory whole in its JSON findings" check_long_dir

# The stat cache (compiler/statcache.h): a build remembers in OUTDIR/.sigmacc-lock the
# outputs it wrote or hashed, by inode, size, mtime and ctime (those it wrote with the key
# of their inputs). An edit that keeps the size and the mtime still moves the ctime: rewritten.
stat_cache() {
	cp "$net" "$proc" rules/ && f=$out/kql/net_connection_win_web_service_c2.kql &&
	run 0 build -t kql,spl -o "$out" --vars "$vars" rules &&
	[ "$(head -c 19 "$out/.sigmacc-lock")" = "sigmacc statcache 3" ] &&
	[ "$(wc -c < "$out/.sigmacc-lock")" = $((72 + 4 * 80)) ] && sleep 3 &&
	run 0 build -t kql,spl -o "$out" --vars "$vars" rules &&
	[ "$(wc -c < "$out/.sigmacc-lock")" = $((72 + 4 * 80)) ] && cp "$f" kept &&
	touch -r "$f" stamp && printf X | dd of="$f" bs=1 count=1 conv=notrunc 2>/dev/null &&
	touch -r stamp "$f" && ! cmp -s "$f" kept &&
	run 0 build -t kql,spl -o "$out" --vars "$vars" rules &&
	has "$io/stderr" "sigmacc build: 1 written, 3 unchanged, 0 removed, 0 failed" && cmp "$f" kept &&
	printf 'sigmacc statcache 1\n%060d' 0 > "$out/.sigmacc-lock" &&
	run 0 build -t kql,spl -o "$out" --vars "$vars" rules &&
	has "$io/stderr" "sigmacc build: 0 written, 4 unchanged, 0 removed, 0 failed" &&
	case $(wc -c < "$out/.sigmacc-lock") in 312 | 392) ;; *) false ;; esac	# 3 or 4 entries: the rewritten one once 2 s old
}
t "an output edited in place, its size and mtime kept, is rewritten; a stat cache that is not one is ignored" stat_cache

# failures N: the stat cache holds N failures (the count after the magic and the entries'
# count; an empty lock file holds none).
failures() {
	f_=0
	[ "$(wc -c < "$out/.sigmacc-lock")" -ge 40 ] && f_=$(od -An -tu8 -j32 -N8 "$out/.sigmacc-lock" | tr -d ' ')
	[ "$f_" = "$1" ] || { echo "$f_ failures, want $1"; return 1; }
}

# said FILE: FILE's messages less the summary line are those of want.
said() {
	grep -v "^sigmacc build: " "$1" > said.got; diff want said.got
}

# A rule a target refuses has no output to skip by: the stat cache remembers what compiling
# said, for the rule file as it is (inode, size, mtime, ctime) and the rest of the inputs.
# Builds say it again word for word; touching the file (its ctime moves) or another message
# format compiles it again, and so does an edit, which may fix it.
failure_cache() {
	cp "$src/tests/bad/unmappable_field.yml" "$net" rules/ && f=rules/unmappable_field.yml &&
	b="build -t kql,spl -o $out --vars $vars rules" &&
	run 1 $b && failures 0 && sleep 3 &&
	run 1 $b && failures 1 && grep -v "^sigmacc build: " "$io/stderr" > want &&
	has want "unmappable_field.yml:8:9: error:" && [ "$(wc -l < want)" = 3 ] &&
	has "$io/stderr" "sigmacc build: 0 written, 3 unchanged, 0 removed, 1 failed" &&
	run 1 $b && failures 1 && said "$io/stderr" &&
	has "$io/stderr" "sigmacc build: 0 written, 3 unchanged, 0 removed, 1 failed" &&
	run 1 build --rebuild -t kql,spl -o "$out" --vars "$vars" rules && failures 1 && said "$io/stderr" &&
	run 1 build --diagnostics=json -t kql,spl -o "$out" --vars "$vars" rules &&
	has "$io/stderr" '{"severity": "error", "file": "rules/unmappable_field.yml", "line": 8, "col": 9,' && failures 1 &&
	touch "$f" && run 1 $b && said "$io/stderr" && failures 0 && sleep 3 &&
	run 1 $b && failures 1 && said "$io/stderr" &&
	sed -i 's/CurrentDirectory/CommandLine/' "$f" && sleep 3 &&
	run 0 $b && failures 0 && has "$io/stderr" "sigmacc build: 2 written, 2 unchanged, 0 removed, 0 failed"
}
t "a rule a target refuses is said again as it was, until its file or an input changes" failure_cache

# A message said for one output of a file is not said again for the next (driver.c), so a
# failure is remembered only as said after the file's loading alone: compiled first, or with
# no message left out. Three targets refusing a rule with messages of their own: all three
# are remembered at once, and every later build says the same without compiling.
failure_cache_several() {
	cp "$src/tests/bad/unmappable_field.yml" rules/ &&
	b="build -t kql,aql,yaral,spl -o $out rules" &&
	run 1 $b && sleep 3 && run 1 $b && failures 3 &&
	has "$io/stderr" "sigmacc build: 0 written, 1 unchanged, 0 removed, 3 failed" &&
	grep -v "^sigmacc build: " "$io/stderr" > want && count want ": error: " 3 &&
	run 1 $b && failures 3 && said "$io/stderr"
}
t "a rule several targets refuse: each failure is remembered as said alone" failure_cache_several

# build --check skips only an output the stat cache knows this checkout compiled from the
# same inputs (a skipped rule does not warn again, as an unchanged build does not). A copy
# of the tree, lock file included (as a lock committed by mistake arrives in a clone),
# vouches for nothing: its files are other inodes. An edit that keeps size and mtime is stale,
# and another sigmacc executable (even of the same version) trusts nothing kept.
check_vouched() {
	printf '%s\n' 'title: T' 'logsource: {category: application, product: django}' \
		'detection:' '    keywords: [SuspiciousOperation]' '    condition: keywords' > rules/r.yml &&
	w="warning: rule 'T': no QRadar log source type for product django (target aql)" &&
	f=generated/aql/r.aql && ok="sigmacc build --check: 1 up to date, 0 missing" &&
	run 0 build -t aql -o generated rules && has "$io/stderr" "$w" &&
	run 0 build --check -t aql -o generated rules && hasnt "$io/stderr" "$w" && has "$io/stderr" "$ok" &&
	mkdir copy && cp -a rules generated copy/ && cd copy &&
	run 0 build --check -t aql -o generated rules && has "$io/stderr" "$w" && has "$io/stderr" "$ok" &&
	sed -i 's/SuspiciousOperation/SuspiciousOperatiom/' "$f" &&
	run 1 build --check -t aql -o generated rules && has "$io/stdout" "stale: $f" && cd .. &&
	touch -r "$f" stamp && sed -i 's/SuspiciousOperation/SuspiciousOperatiom/' "$f" && touch -r stamp "$f" &&
	run 1 build --check -t aql -o generated rules && has "$io/stdout" "stale: $f" &&
	run 0 build -t aql -o generated rules && sleep 3 &&
	run 0 build -t aql -o generated rules && hasnt "$io/stderr" "$w" &&
	run 0 build --check -t aql -o generated rules && hasnt "$io/stderr" "$w" && has "$io/stderr" "$ok" &&
	echo "# a comment: other inputs, the same output" >> rules/r.yml &&
	run 0 build -t aql -o generated rules && has "$io/stderr" "$w" &&
	has "$io/stderr" "sigmacc build: 0 written, 1 unchanged" &&
	run 0 build --check -t aql -o generated rules && hasnt "$io/stderr" "$w" && has "$io/stderr" "$ok" &&
	cp "$bin" other && printf '\n' >> other &&	# another sigmacc of the same version: trusts nothing
	expect 0 env SIGMACC_TEMPLATES="$src/templates" ./other build --check -t aql -o generated rules &&
	has "$io/stderr" "$w" && has "$io/stderr" "$ok"
}
t "build --check skips only outputs this checkout compiled from the same inputs" check_vouched

# An expected refusal (by path) that compiling met is remembered too, without what compiling
# said: build --check reports it as the expected refusal it is without compiling, and once the
# project no longer expects it, compiles it and fails.
check_refusal_cache() {
	cp "$src/tests/bad/unmappable_field.yml" rules/ &&
	printf '%s\n' 'rules: [rules]' 'output_dir: generated' 'outputs:' '  - {name: k, target: kql}' \
		'  - {name: s, target: spl}' 'expected_refusals:' \
		'  - {rule: rules/unmappable_field.yml, output: k, reason: no CurrentDirectory}' > sigmacc.yml &&
	skip="skipped for output k: an expected refusal: no CurrentDirectory" && sleep 3 &&
	run 0 build && has "$io/stderr" "$skip" && failures 1 &&
	run 0 build && has "$io/stderr" "$skip" && failures 1 &&
	run 0 build --check && has "$io/stderr" "$skip" &&
	has "$io/stderr" "sigmacc build --check: 1 up to date, 0 missing or stale or orphaned, 1 skipped, 0 failed" &&
	sed -i '/expected_refusals/,$d' sigmacc.yml &&
	run 1 build --check && has "$io/stderr" "has no mapping in pipeline defender_xdr (target kql"
}
t "an expected refusal is remembered for build --check, and only while the project expects it" check_refusal_cache

# The manifest and the rules tree are read side by side: the manifest's messages still come
# first, the walk's after, whatever thread finishes first.
prologue_order() {
	cp "$net" rules/ && ln -s . rules/a && mkdir -p "$out" && echo "kql/../x.kql" > "$out/.sigmacc-manifest" &&
	for i in 1 2 3 4 5; do
		run 0 build -j 2 -t kql -o "$out" --vars "$vars" rules && head -n 2 "$io/stderr" > "$io/first" &&
		same "$io/first" "$out/.sigmacc-manifest:1:1: warning: entry 'kql/../x.kql' ignored: it has an empty, '.' or '..' component
sigmacc: rules/a: warning: symbolic link skipped (--follow-symlinks follows links that stay inside PATH)" &&
		echo "kql/../x.kql" > "$out/.sigmacc-manifest" || return 1
	done
}
t "the manifest's messages come before the rules walk's, though both are read at once" prologue_order

# The commands the pre-commit framework runs for the example repository: each hook's
# entry (.pre-commit-hooks.yaml) with the args of the example's .pre-commit-config.yaml,
# one per line (flow lists of plain or double-quoted words, as those files write them).
# A build killed while it stages (SIGTERM: a background job ignores SIGINT) removes
# its temporaries; the next build completes the tree as one that was never killed.
# many_rules: 4,000 rules below rules/many.
many_rules() {
	mkdir -p rules/many &&
	awk 'BEGIN { for (i = 0; i < 4000; i++) { f = sprintf("rules/many/r%04d.yml", i)
		printf "title: Rule %d\nlogsource: {category: process_creation, product: windows}\n", i > f
		printf "detection:\n    sel:\n        CommandLine|contains: v%d\n    condition: sel\n", i > f
		close(f) } }'
}

# killed CONDITION: a build of kql and spl in the background, sent SIGTERM once the
# shell command CONDITION succeeds (given up after 60 s); it must die of the signal.
killed() {
	"$bin" build -j 2 -t kql,spl -o "$out" rules >/dev/null 2>&1 &
	pid_=$!
	i_=0
	while [ $i_ -lt 6000 ] && ! eval "$1"; do
		sleep 0.01
		i_=$((i_ + 1))
	done
	kill -TERM "$pid_"
	wait "$pid_"
	st_=$?
	[ "$st_" = 143 ] || { echo "exit status $st_, want 143 (the signal came too late?)"; return 1; }
}

# Every output is replaced (they all hold other bytes), so the build stages them all.
interrupted() {
	many_rules && run 0 build -t kql,spl -o "$out" rules &&
	for f in "$out"/spl/many/*.spl; do echo x > "$f"; done &&
	killed '[ -n "$(ls -A "$out/.sigmacc-tmp" 2>/dev/null)" ]' &&
	[ ! -e "$out/.sigmacc-tmp" ] || { echo "temporaries left:"; ls -A "$out/.sigmacc-tmp"; return 1; }
	run 0 build -t kql,spl -o "$out" rules && run 0 build -t kql,spl -o fresh rules &&
	diff -r -x .sigmacc-lock "$out" fresh && [ -f "$out/spl/many/r3999.spl" ]
}
t "a build killed while staging leaves no temporary; the next one completes the tree" interrupted

# A first build names new files as it goes, each listed in .sigmacc-pending first:
# killed after r0000's outputs have their name, it leaves them tracked there and no
# temporary; once their rule is gone, --check reports them and the next build removes
# them, its tree that of an uninterrupted build.
interrupted_first() {
	many_rules && killed '[ -e "$out/spl/many/r0000.spl" ]' &&
	[ ! -e "$out/.sigmacc-tmp" ] && [ ! -e "$out/.sigmacc-manifest" ] &&
	has "$out/.sigmacc-pending" "spl/many/r0000.spl	" &&
	rm rules/many/r000?.yml && run 1 build --check -t kql,spl -o "$out" rules &&
	has "$io/stdout" "orphaned: $out/spl/many/r0000.spl" &&
	run 0 build -t kql,spl -o "$out" rules && run 0 build -t kql,spl -o fresh rules &&
	diff -r -x .sigmacc-lock "$out" fresh && [ ! -e "$out/spl/many/r0000.spl" ] &&
	[ ! -e "$out/.sigmacc-pending" ] && [ -f "$out/spl/many/r3999.spl" ]
}
t "a first build killed as it names outputs leaves them tracked; the next removes a gone rule's" interrupted_first

precommit_commands() {
	awk -v bin="$bin" '
	FNR == 1 { file++ }
	/^ *- id: / { id = $3 }
	file == 1 && /^ *entry: / { sub(/^ *entry: sigmacc/, ""); entry[id] = $0 }
	file == 2 && /^ *args: / {
		sub(/^ *args: \[/, ""); sub(/\] *$/, ""); gsub(/, /, " "); gsub(/"/, "")
		print bin entry[id] " " $0
	}' "$src/.pre-commit-hooks.yaml" "$src/examples/detection-as-code/.pre-commit-config.yaml"
}

precommit() {
	cp -R "$src/examples/detection-as-code" dac && precommit_commands > cmds &&
	[ "$(wc -l < cmds)" = 3 ] && has cmds "$bin build --check " &&
	(cd dac && while read -r cmd; do $cmd 2>/dev/null || exit 1; done < ../cmds) &&
	sed -i "s/pastebin.com/pastebin.net/" dac/rules/web_service.vars.yml &&
	! (cd dac && while read -r cmd; do $cmd 2>/dev/null || exit 1; done < ../cmds)
}
t "the pre-commit framework's hooks pass on the example repository and catch a stale output" precommit

echo "1..$n"
