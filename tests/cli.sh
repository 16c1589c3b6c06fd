#!/bin/sh
# cli.sh SIGMACC: end-to-end tests of the command line (exit status, output files,
# options, batches with bad rules). Run from the source root; prints TAP.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
vars=rules/web_service.vars.yml
net=rules/net_connection_win_web_service_c2.yml
proc=rules/proc_creation_win_web_service_c2.yml

. "$(dirname "$0")/tap.sh"

echo "1..42"
t "convert: a good rule gives its query and exit 0" '
	run 0 convert -t kql --vars '$vars' '$net' &&
	has "$tmp/stdout" "DeviceNetworkEvents" && [ ! -s "$tmp/stderr" ]'
t "convert: a bad rule in a batch gives exit 1, the good ones still print" '
	run 1 convert -t kql --vars '$vars' '$net' tests/bad/unknown_modifier.yml '$proc' &&
	has "$tmp/stdout" "DeviceNetworkEvents" && has "$tmp/stdout" "DeviceProcessEvents" &&
	has "$tmp/stderr" "tests/bad/unknown_modifier.yml:8:21: error:"'
t "usage errors exit 2" '
	run 2 convert --vars '$vars' '$net' && has "$tmp/stderr" "convert needs a target" &&
	run 2 convert -t nosuch '$net' && has "$tmp/stderr" "unknown target" &&
	run 2 frobnicate && run 2 convert -t kql --bogus '$net' && run 2 convert -t kql'
t "unreadable file: error naming it, exit 1" '
	run 1 convert -t kql "$tmp/missing.yml" &&
	has "$tmp/stderr" "missing.yml: error: cannot read file: No such file or directory"'
t "directories are walked in sorted order, value lists skipped" '
	mkdir -p "$tmp/d/b" "$tmp/d/a" && cp '$net' "$tmp/d/b/x.yml" && cp '$proc' "$tmp/d/a/y.yml" &&
	cp '$vars' "$tmp/d/lists.vars.yml" &&
	run 0 convert -t kql --vars '$vars' "$tmp/d" &&
	sed -n 2p "$tmp/stdout" | grep -qx DeviceProcessEvents'
t "-o writes the file atomically; a failed write keeps the old file" '
	run 0 convert -t kql --vars '$vars' -o "$tmp/q.kql" '$net' && has "$tmp/q.kql" "RemoteUrl" &&
	mkdir "$tmp/ro" && echo old > "$tmp/ro/q.kql" && chmod a-w "$tmp/ro" &&
	if [ "$(id -u)" = 0 ]; then exit 0; fi &&
	run 1 convert -t kql --vars '$vars' -o "$tmp/ro/q.kql" '$net' && has "$tmp/ro/q.kql" old'
t "--compact prints one line per query" '
	run 0 convert -t kql --compact --vars '$vars' '$net' && [ "$(wc -l < "$tmp/stdout")" = 1 ]'
t "--without-pipeline keeps Sigma names and emits only the expression" '
	run 0 convert -t kql --without-pipeline --vars '$vars' '$net' &&
	has "$tmp/stdout" "DestinationHostname in~" && hasnt "$tmp/stdout" "DeviceNetworkEvents"'
t "--unmapped=passthrough keeps an unknown field and warns" '
	run 0 convert -t kql --unmapped=passthrough tests/bad/unmappable_field.yml &&
	has "$tmp/stdout" "CurrentDirectory contains" &&
	has "$tmp/stderr" "warning: rule '"'"'Bad rule'"'"' (00000000-0000-4000-8000-000000000001): field '"'"'CurrentDirectory'"'"' has no mapping"'
t "undefined placeholder: error by default, anything with --undefined-placeholder=wildcard" '
	run 1 convert -t kql tests/bad/undefined_placeholder.yml &&
	run 0 convert -t kql --undefined-placeholder=wildcard tests/bad/undefined_placeholder.yml &&
	has "$tmp/stdout" "isnotempty(FolderPath)"'
t "a rule from standard input, and -o - for standard output; check reads it once for all targets" '
	"$bin" convert -t kql --vars '$vars' - < '$net' > "$tmp/o" && has "$tmp/o" RemoteUrl &&
	"$bin" convert -t kql -o - --vars '$vars' - < '$net' > "$tmp/o2" && cmp "$tmp/o" "$tmp/o2" &&
	"$bin" check -t kql,spl --vars '$vars' - < '$net' 2> "$tmp/e" &&
	has "$tmp/e" "check for spl: 1 rule(s), 0 failed" && hasnt "$tmp/e" "error:"'
t "ir prints the normalised expression" '
	run 0 ir --vars '$vars' '$net' && has "$tmp/stdout" "[* \".pastebin.com\"]"'
t "check validates without output, exit 1 on a bad rule" '
	run 0 check -t kql --vars '$vars' '$net' && [ ! -s "$tmp/stdout" ] &&
	run 1 check -t kql tests/bad/unmappable_field.yml'
t "--diagnostics json and github" '
	run 1 convert -t kql --diagnostics=json tests/bad/unknown_modifier.yml &&
	has "$tmp/stderr" "{\"severity\": \"error\", \"file\": \"tests/bad/unknown_modifier.yml\", \"line\": 8, \"col\": 21" &&
	run 1 convert -t kql --diagnostics github tests/bad/unknown_modifier.yml &&
	has "$tmp/stderr" "::error file=tests/bad/unknown_modifier.yml,line=8,col=21::rule"'
t "list targets, formats and pipelines; --help and --version" '
	run 0 list targets && has "$tmp/stdout" kql && run 0 list pipelines &&
	has "$tmp/stdout" "defender_xdr" && run 0 list formats &&
	run 0 --version && has "$tmp/stdout" "sigmacc " && run 0 convert --help &&
	has "$tmp/stdout" "usage: sigmacc convert"'
t "output is byte-identical across runs and locales" '
	"$bin" convert -t kql --vars '$vars' '$net' '$proc' > "$tmp/a" &&
	LC_ALL=C.UTF-8 TZ=Asia/Tokyo "$bin" convert -t kql --vars '$vars' '$proc' '$net' > "$tmp/b" 2>/dev/null;
	"$bin" convert -t kql --vars '$vars' '$proc' '$net' > "$tmp/rc" && cmp "$tmp/b" "$tmp/rc"'
t "build writes each target, then nothing when unchanged, and removes outputs of deleted rules" '
	mkdir -p "$tmp/r" && cp '$net' '$proc' "$tmp/r/" &&
	run 0 build -t kql,spl -o "$tmp/out" --vars '$vars' "$tmp/r" &&
	has "$tmp/stderr" "4 written, 0 unchanged, 0 removed, 0 failed" &&
	[ -f "$tmp/out/kql/net_connection_win_web_service_c2.kql" ] &&
	[ -f "$tmp/out/spl/proc_creation_win_web_service_c2.spl" ] &&
	run 0 build -t kql,spl -o "$tmp/out" --vars '$vars' "$tmp/r" &&
	has "$tmp/stderr" "0 written, 4 unchanged, 0 removed, 0 failed" &&
	rm "$tmp/r/proc_creation_win_web_service_c2.yml" &&
	run 0 build -t kql,spl -o "$tmp/out" --vars '$vars' "$tmp/r" &&
	has "$tmp/stderr" "0 written, 2 unchanged, 2 removed, 0 failed" &&
	[ ! -f "$tmp/out/kql/proc_creation_win_web_service_c2.kql" ]'
t "build --check lists stale, missing and orphaned outputs and writes nothing" '
	mkdir -p "$tmp/chk" && cp '$net' '$proc' "$tmp/chk/" &&
	run 0 build -t kql -o "$tmp/chkout" --vars '$vars' "$tmp/chk" &&
	run 0 build --check -t kql -o "$tmp/chkout" --vars '$vars' "$tmp/chk" &&
	echo "// edited" >> "$tmp/chkout/kql/net_connection_win_web_service_c2.kql" &&
	rm "$tmp/chkout/kql/proc_creation_win_web_service_c2.kql" &&
	cp '$net' "$tmp/chk/new_rule.yml" && rm "$tmp/chk/proc_creation_win_web_service_c2.yml" &&
	run 1 build --check -t kql -o "$tmp/chkout" --vars '$vars' "$tmp/chk" &&
	has "$tmp/stdout" "stale: $tmp/chkout/kql/net_connection_win_web_service_c2.kql" &&
	has "$tmp/stdout" "missing: $tmp/chkout/kql/new_rule.kql" &&
	has "$tmp/stdout" "orphaned: $tmp/chkout/kql/proc_creation_win_web_service_c2.kql" &&
	[ ! -f "$tmp/chkout/kql/new_rule.kql" ] && has "$tmp/chkout/kql/net_connection_win_web_service_c2.kql" "// edited"'
t "the example repository: generated queries are current, the hook checks the staged ones" '
	run 0 build --check --project examples/detection-as-code/sigmacc.yml &&
	cp -R examples/detection-as-code "$tmp/dac" && cd "$tmp/dac" && git init -q && git add -A &&
	SIGMACC="$bin" sh hooks/pre-commit >/dev/null 2>&1 &&
	sed -i "s/pastebin.com/pastebin.net/" rules/web_service.vars.yml && git add -A &&
	! SIGMACC="$bin" sh hooks/pre-commit > out.txt 2>&1 &&
	grep -q "stale: generated/kql/windows/net_connection_win_web_service_c2.kql" out.txt &&
	"$bin" build 2>/dev/null &&
	! SIGMACC="$bin" sh hooks/pre-commit >/dev/null 2>&1 &&
	git add -A && SIGMACC="$bin" sh hooks/pre-commit >/dev/null 2>&1'
t "native formats: KQL Sentinel rule and Defender detection, unknown format refused" '
	run 0 convert -t kql -f sentinel-rule --vars '$vars' '$proc' &&
	has "$tmp/stdout" "kind: Scheduled" && has "$tmp/stdout" "query: |-" &&
	run 0 convert -t kql -f defender-detection --vars '$vars' '$proc' &&
	has "$tmp/stdout" "\"queryText\": \"DeviceProcessEvents\\n" && hasnt "$tmp/stdout" "| project" &&
	run 2 convert -t kql -f savedsearches '$proc' && has "$tmp/stderr" "unknown format"'
t "--skip-unsupported keeps exit 0, --fail-unsupported stops at the first failure" '
	run 0 convert -t kql --skip-unsupported --vars '$vars' tests/bad/unknown_modifier.yml '$proc' &&
	has "$tmp/stdout" DeviceProcessEvents && has "$tmp/stderr" "unknown modifier" &&
	run 1 convert -t kql --fail-unsupported --vars '$vars' tests/bad/unknown_modifier.yml '$proc' &&
	[ ! -s "$tmp/stdout" ]'
t "build: a directory of good and bad rules writes the good ones and exits 1" '
	mkdir -p "$tmp/mixed" && cp '$net' tests/bad/unknown_modifier.yml "$tmp/mixed/" &&
	run 1 build -t kql -o "$tmp/mixedout" --vars '$vars' "$tmp/mixed" &&
	[ -f "$tmp/mixedout/kql/net_connection_win_web_service_c2.kql" ] &&
	[ ! -f "$tmp/mixedout/kql/unknown_modifier.kql" ] &&
	has "$tmp/stderr" "1 written, 0 unchanged, 0 removed, 1 failed"'
t "an output that cannot be written is an error naming it" '
	echo x > "$tmp/notadir" &&
	run 1 convert -t kql --vars '$vars' -o "$tmp/notadir/q.kql" '$net' &&
	has "$tmp/stderr" "notadir/q.kql: cannot write: Not a directory" &&
	run 1 build -t kql -o "$tmp/notadir" --vars '$vars' '$net''
t "a write interrupted by the file size limit leaves the old output intact" '
	mkdir -p "$tmp/intr" && cp '$net' "$tmp/intr/" && cp '$vars' "$tmp/intr.vars.yml" &&
	run 0 build -t kql -o "$tmp/introut" --vars "$tmp/intr.vars.yml" "$tmp/intr" &&
	cp "$tmp/introut/kql/net_connection_win_web_service_c2.kql" "$tmp/before.kql" &&
	sed -i "s/pastebin.com/pastebin.net/" "$tmp/intr.vars.yml" &&
	! (ulimit -f 1; exec "$bin" build -t kql -o "$tmp/introut" --vars "$tmp/intr.vars.yml" "$tmp/intr") \
		>/dev/null 2>&1 &&
	cmp "$tmp/before.kql" "$tmp/introut/kql/net_connection_win_web_service_c2.kql" &&
	run 0 build -t kql -o "$tmp/introut" --vars "$tmp/intr.vars.yml" "$tmp/intr" &&
	has "$tmp/introut/kql/net_connection_win_web_service_c2.kql" "pastebin.net" &&
	[ ! -e "$tmp/introut/kql/net_connection_win_web_service_c2.kql.tmp" ]'
t "-p stacks pipelines: a local one adds a field on top of the default" '
	printf "%s\n" "name: local" "target: kql" "description: local columns" "logsources:" \
		"  - categories: [process_creation]" "    fields:" \
		"      - {from: CurrentDirectory, to: ProcessCurrentDirectory}" > "$tmp/local.yml" &&
	run 1 convert -t kql tests/bad/unmappable_field.yml &&
	run 0 convert -t kql -p defender_xdr -p "$tmp/local.yml" tests/bad/unmappable_field.yml &&
	has "$tmp/stdout" "DeviceProcessEvents" && has "$tmp/stdout" "ProcessCurrentDirectory contains" &&
	run 1 convert -t kql -p "$tmp/local.yml" tests/bad/unmappable_field.yml &&
	has "$tmp/stderr" "no event selection for logsource windows/process_creation in pipeline local" &&
	run 2 convert -t kql -p splunk_sysmon '$net' && has "$tmp/stderr" "is for target spl, not kql"'
t "a pipeline's select: structured conditions; a malformed one is refused at load" '
	printf "%s\n" "name: sel" "target: spl" "description: selection forms" "logsources:" \
		"  - select: {where: [{field: a, value: x y}, {field: b, in: [\"1\", \"2\"]}, {field: c, prefix: p}]}" \
		"    passthrough: true" > "$tmp/sel.yml" &&
	run 0 convert -t spl -p "$tmp/sel.yml" --vars '$vars' '$proc' &&
	head -1 "$tmp/stdout" | grep -qx "a=\"x y\" b IN (1, 2) c=\"p\*\"" &&
	run 0 ir -t spl -p "$tmp/sel.yml" --vars '$vars' '$proc' &&
	head -1 "$tmp/stdout" | grep -qx "select (eq a \"x y\") (in b \"1\" \"2\") (prefix c \"p\")" &&
	printf "%s\n" "name: bad" "target: spl" "description: bad selection" "logsources:" \
		"  - select: {where: [{field: a, value: x, prefix: y}]}" > "$tmp/bad.yml" &&
	run 2 convert -t spl -p "$tmp/bad.yml" '$proc' &&
	has "$tmp/stderr" "bad.yml:5:22: error: a select condition needs a field and one of value, number, in, prefix, regex, exists, or any alone" &&
	printf "%s\n" "name: ex" "target: spl" "description: exists" "logsources:" \
		"  - select: {where: [{field: a, exists: true}]}" "    passthrough: true" > "$tmp/ex.yml" &&
	run 1 convert -t spl -p "$tmp/ex.yml" '$proc' &&
	has "$tmp/stderr" "pipeline selection exists on '"'"'a'"'"' is not supported by target spl"'
t "-O passes a target option; --templates points at another pipelines directory" '
	run 0 convert -t spl -O spl-index=main --vars '$vars' '$proc' &&
	head -1 "$tmp/stdout" | grep -q "^index=main source=" &&
	run 2 convert -t spl -O spl-index '$proc' && has "$tmp/stderr" "-O takes KEY=VALUE" &&
	mkdir -p "$tmp/tpl/pipelines" && cp templates/pipelines/defender_xdr.yml "$tmp/tpl/pipelines/" &&
	run 0 convert -t kql --templates "$tmp/tpl" --vars '$vars' '$proc' &&
	run 2 convert -t spl --templates "$tmp/tpl" '$proc' && has "$tmp/stderr" "unknown pipeline '"'"'splunk_sysmon'"'"'" &&
	cp templates/pipelines/secops_udm.yml "$tmp/tpl/pipelines/" &&
	run 2 convert -t yaral --templates "$tmp/tpl" --vars '$vars' '$proc' && [ ! -s "$tmp/stdout" ] &&
	has "$tmp/stderr" "sigmacc: $tmp/tpl/formats/yaral/rule.yml: target yaral writes its rules with this format template, which cannot be loaded"'
t "a YARA-L temporal_ordered correlation orders by the data model's event_time field, or is refused" '
	mkdir -p "$tmp/nt" && sed "s/, event_time: true//" templates/pipelines/secops_udm.yml >"$tmp/nt/secops_udm.yml" &&
	run 0 convert -t yaral tests/correlations/types_temporal_ordered.yml &&
	has "$tmp/stdout" "\$e0.metadata.event_timestamp.seconds <= \$e1.metadata.event_timestamp.seconds" &&
	run 1 convert -t yaral -p "$tmp/nt/secops_udm.yml" tests/correlations/types_temporal_ordered.yml &&
	[ ! -s "$tmp/stdout" ] &&
	has "$tmp/stderr" "types_temporal_ordered.yml:31:11: error: correlation '"'"'Whoami then net for one user within 5 minutes'"'"': yaral: ordering events needs their time: the pipeline'"'"'s datamodel names no field with event_time: true"'
t "YARA-L: a flag column named like the rule template's risk score is refused" '
	printf "%s\n" "title: Risk score flag" "status: test" \
		"logsource: {product: windows, category: process_creation}" \
		"detection: {sel: {Image|endswith: whoami.exe}, condition: sel}" "level: low" \
		"flags: {risk_score: sel}" >"$tmp/risk.yml" &&
	run 1 convert -t yaral "$tmp/risk.yml" && [ ! -s "$tmp/stdout" ] &&
	has "$tmp/stderr" "risk.yml:6:9: error: rule '"'"'Risk score flag'"'"': the outcome variable \$risk_score of this rule'"'"'s fields or flag columns is the rule'"'"'s own risk score (target yaral)"'
t "YARA-L: a flag column named like a field's outcome variable is refused, not written twice" '
	printf "%s\n" "title: Outcome clash" "status: test" \
		"logsource: {product: windows, category: process_creation}" \
		"detection: {sel: {Image|endswith: whoami.exe}, condition: sel}" "level: low" \
		"fields: [CommandLine]" "flags: {target_process_command_line: sel}" >"$tmp/clash.yml" &&
	run 1 convert -t yaral "$tmp/clash.yml" && [ ! -s "$tmp/stdout" ] &&
	has "$tmp/stderr" "clash.yml:7:9: error: rule '"'"'Outcome clash'"'"': two of this rule'"'"'s fields or flag columns would both be the outcome variable \$target_process_command_line (target yaral)" &&
	sed "s/flags: {target_process_command_line: sel}/flags: {whoami: sel}/" "$tmp/clash.yml" >"$tmp/ok.yml" &&
	run 0 convert -t yaral "$tmp/ok.yml" && has "$tmp/stdout" "\$target_process_command_line = \$e.target.process.command_line"'
t "a control character in a project file value is refused at its position; -O values are quoted escaped" '
	mkdir -p "$tmp/pj/rules" && cp '$proc' "$tmp/pj/rules/" &&
	printf "%s\n" "rules: [rules]" "output_dir: gen" "outputs:" \
		"  - {name: s, target: kql, format: sentinel-rule, interval: \"1\\e h\"}" >"$tmp/pj/sigmacc.yml" &&
	(cd "$tmp/pj" && "$bin" build >"$tmp/stdout" 2>"$tmp/stderr"; [ $? = 2 ]) && [ ! -e "$tmp/pj/gen" ] &&
	has "$tmp/stderr" "sigmacc.yml:4:61: error: a control character (\\x1b) in a value: the project file takes none" &&
	[ "$(wc -l <"$tmp/stderr")" = 3 ] && [ "$(sed -n 3p "$tmp/stderr")" = "$(printf "%65s" "^")" ] &&
	run 2 convert -t kql -f sentinel-rule -O "$(printf "interval=1\033h")" '$proc' &&
	has "$tmp/stderr" "sigmacc: -O interval=1\\x1bh: format kql/sentinel-rule takes a time span" &&
	run 2 convert -t kql -f sentinel-rule -O "$(printf "severity=critical:Hi\033gh")" '$proc' &&
	has "$tmp/stderr" "sigmacc: -O severity=critical:Hi\\x1bgh: format kql/sentinel-rule: '"'"'critical:Hi\\x1bgh'"'"' maps to none of" &&
	run 2 convert -t kql -O "$(printf "kql\033x=1")" '$proc' &&
	has "$tmp/stderr" "sigmacc: unknown option -O kql\\x1bx for target kql" &&
	! grep -q "$(printf "\033")" "$tmp/stderr"'
t "-o never overwrites an input rule; a run that compiles nothing writes no file" '
	cp '$net' "$tmp/in.yml" && cp "$tmp/in.yml" "$tmp/in.orig" &&
	run 2 convert -t kql --vars '$vars' -o "$tmp/in.yml" "$tmp/in.yml" &&
	has "$tmp/stderr" "is one of the input files" && cmp "$tmp/in.yml" "$tmp/in.orig" &&
	run 2 convert -t kql -o '$vars' --vars '$vars' '$net' && git diff --quiet -- '$vars' &&
	run 1 convert -t kql -o "$tmp/none.kql" tests/bad/unknown_modifier.yml &&
	[ ! -e "$tmp/none.kql" ] && has "$tmp/stderr" "none.kql: not written, no rule compiled"'
t "sigma-cli spellings: -tkql, -s, -P, --file-pattern" '
	run 0 convert -tkql --vars '$vars' '$net' && has "$tmp/stdout" DeviceNetworkEvents &&
	run 0 convert -t kql -s --vars '$vars' '$net' tests/bad/unknown_modifier.yml &&
	has "$tmp/stdout" DeviceNetworkEvents &&
	run 0 convert -t kql -P "proc_*" rules && has "$tmp/stdout" DeviceProcessEvents &&
	hasnt "$tmp/stdout" DeviceNetworkEvents &&
	run 0 convert -t kql --file-pattern "*.yaml" rules && [ ! -s "$tmp/stdout" ]'
t "value lists in a rules folder load without --vars; --vars replaces them" '
	mkdir "$tmp/two" && cp '$net' '$proc' '$vars' "$tmp/two/" &&
	run 0 convert -t kql "$tmp/two" && has "$tmp/stdout" "pastebin.com" &&
	run 0 convert -t kql '$net' && has "$tmp/stdout" "pastebin.com" &&
	run 0 check -t kql,spl "$tmp/two" && has "$tmp/stderr" "check for spl: 2 rule(s), 0 failed" &&
	mkdir "$tmp/nolists" && cp '$net' "$tmp/nolists/" && run 1 convert -t kql "$tmp/nolists" &&
	has "$tmp/stderr" "is not defined" &&
	sed "s/pastebin.com/example.org/" '$vars' > "$tmp/other.vars.yml" &&
	run 0 convert -t kql --vars "$tmp/other.vars.yml" '$net' && has "$tmp/stdout" example.org &&
	hasnt "$tmp/stdout" pastebin.com'
t "no progress line when stderr is not a terminal; list never crashes without data" '
	run 0 convert -t spl rules && ! grep -q "$(printf "\r")" "$tmp/stderr" &&
	run 1 list pipelines --templates "$tmp/nothing" && has "$tmp/stderr" "no pipelines in" &&
	run 0 list formats kql --templates "$tmp/nothing" && has "$tmp/stdout" default &&
	run 0 list options kql --templates "$tmp/nothing" && has "$tmp/stdout" "kql        unconfirmed"'
t "every command of the README's Using it exits 0 (outputs into a temporary directory)" '
	sed -n "/^## Using it/,/^\`\`\`\$/p" README.md | grep "^build/sigmacc" |
		sed "s/ *#.*//; s|^build/sigmacc|\"\$bin\"|; s| build/| $tmp/readme-|g" > "$tmp/readme.sh" &&
	[ "$(wc -l < "$tmp/readme.sh")" -ge 10 ] &&
	while read -r cmd; do
		eval "$cmd" > "$tmp/stdout" 2> "$tmp/stderr" ||
			{ echo "$cmd: exit $?"; cat "$tmp/stderr"; exit 1; }
	done < "$tmp/readme.sh" && [ -s "$tmp/readme-t1102.spl" ] && [ -d "$tmp/readme-generated/spl" ]'
t "build --check reports through --diagnostics: JSON objects and GitHub annotations" '
	mkdir "$tmp/bc" && cp '$net' '$proc' '$vars' "$tmp/bc/" &&
	run 0 build -t kql -o "$tmp/bcout" "$tmp/bc" &&
	echo changed >> "$tmp/bcout/kql/net_connection_win_web_service_c2.kql" &&
	rm "$tmp/bcout/kql/proc_creation_win_web_service_c2.kql" &&
	run 1 build --check --diagnostics=json -t kql -o "$tmp/bcout" "$tmp/bc" &&
	hasnt "$tmp/stderr" "output:" &&
	has "$tmp/stdout" "\"stale output (the output was edited): run sigmacc build to regenerate it from its rule\", \"code\": \"stale-output\"" &&
	has "$tmp/stdout" "c2.kql\", \"line\": 0, \"col\": 0, \"message\": \"missing output" &&
	run 1 build --check --diagnostics=github -t kql -o "$tmp/bcout" "$tmp/bc" &&
	has "$tmp/stdout" "/kql/net_connection_win_web_service_c2.kql::stale output"'
t "a value list or test-case file named among the rules is skipped with a warning, not compiled" '
	run 0 convert -t spl rules/proc_creation_win_web_service_c2.yml rules/web_service.vars.yml \
		rules/proc_creation_win_web_service_c2.tests.yml && grep -q "^source=\"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational\" EventCode=1$" "$tmp/stdout" &&
	has "$tmp/stderr" "sigmacc: rules/web_service.vars.yml: warning: a value list (*.vars.yml), not a rule; skipped" &&
	has "$tmp/stderr" "sigmacc: rules/proc_creation_win_web_service_c2.tests.yml: warning: a rule'"'"'s test cases (*.tests.yml, run by sigmacc test), not a rule; skipped" &&
	[ "$(grep -c . "$tmp/stderr")" = 2 ] &&
	run 0 check -t spl rules/proc_creation_win_web_service_c2.yml rules/web_service.vars.yml \
		rules/proc_creation_win_web_service_c2.tests.yml &&
	has "$tmp/stderr" "sigmacc: lint: 1 rule(s), 0 error(s), 0 warning(s)"'
t "value lists apply to the rules of their own folder and the folders below it" '
	mkdir -p "$tmp/vs/a/deep" "$tmp/vs/b" && cp '$net' "$tmp/vs/a/deep/" && cp '$net' "$tmp/vs/b/" &&
	sed "s/pastebin.com/a.example/" '$vars' > "$tmp/vs/a/lists.vars.yml" &&
	sed "s/pastebin.com/b.example/" '$vars' > "$tmp/vs/b/lists.vars.yml" &&
	run 0 convert -t kql "$tmp/vs" && [ "$(grep -c "\"a.example\"" "$tmp/stdout")" = 1 ] &&
	[ "$(grep -c "\"b.example\"" "$tmp/stdout")" = 1 ] && hasnt "$tmp/stdout" pastebin.com &&
	run 0 convert -t spl rules examples/detection-as-code/rules &&
	cp '$vars' "$tmp/vs/twice.vars.yml" && run 2 convert -t kql "$tmp/vs" &&
	has "$tmp/stderr" "is defined twice"'
t "esql: a pipeline without index: or category_field: is refused by name, never a guessed index" '
	sed "/^index:/d" templates/pipelines/ecs_windows.yml >"$tmp/noidx.yml" &&
	sed "/^category_field:/d" templates/pipelines/ecs_windows.yml >"$tmp/nocat.yml" &&
	run 1 convert -t esql -p "$tmp/noidx.yml" --vars '$vars' '$proc' &&
	has "$tmp/stderr" "(0e19e55a-0a30-4f5d-8478-c188709f8031): the pipeline names no index, which an ES|QL query needs (target esql)" &&
	run 1 convert -t esql -p "$tmp/nocat.yml" --vars '$vars' '$proc' &&
	has "$tmp/stderr" "(0e19e55a-0a30-4f5d-8478-c188709f8031): the pipeline names no category_field, which an ES|QL query needs (target esql)" &&
	run 0 convert -t esql --vars '$vars' '$proc' && has "$tmp/stdout" "event.category"'
t "sumo: a passed-through Windows field is written under the raw_prefix of the pipeline, once; other products bare" '
	mkdir "$tmp/rp" && printf "%s\n" "title: T" "id: 11111111-2222-3333-4444-555555555551" \
		"logsource: {category: process_creation, product: windows}" \
		"detection: {sel: {FooBar: baz, EventData.Qux: 1}, condition: sel}" >"$tmp/rp/u.yml" &&
	run 0 convert -t sumo --unmapped=passthrough "$tmp/rp/u.yml" &&
	has "$tmp/stdout" "toLowerCase(fields[\"EventData.FooBar\"]) = \"baz\"" &&
	has "$tmp/stdout" "AND fields[\"EventData.Qux\"] = 1" &&
	sed "s/product: windows/product: linux/" "$tmp/rp/u.yml" >"$tmp/rp/l.yml" &&
	run 0 convert -t sumo --unmapped=passthrough "$tmp/rp/l.yml" &&
	has "$tmp/stdout" "toLowerCase(fields[\"FooBar\"]) = \"baz\"" &&
	sed "/^raw_prefix:/d" templates/pipelines/sumo_cse.yml >"$tmp/rp/np.yml" &&
	run 0 convert -t sumo -p "$tmp/rp/np.yml" --unmapped=passthrough "$tmp/rp/u.yml" &&
	has "$tmp/stdout" "toLowerCase(fields[\"FooBar\"]) = \"baz\""'
t "kql: a newest-first sort needs the time column of the pipeline (time_field:) or -O time_column" '
	sed "/^time_field:/d; /^time_tables:/,/prefix: Behavior/d" templates/pipelines/defender_xdr.yml >"$tmp/notime.yml" &&
	run 1 convert -t kql -p "$tmp/notime.yml" --vars '$vars' '$net' &&
	has "$tmp/stderr" "(62435f77-9097-464f-a052-7c3e670646f2): the pipeline names no time column (time_field:) to sort by; -O time_column=NAME names it (target kql)" &&
	run 0 convert -t kql -p "$tmp/notime.yml" -O time_column=Timestamp --vars '$vars' '$net' &&
	has "$tmp/stdout" "| sort by Timestamp desc" &&
	run 0 convert -t kql --vars '$vars' '$net' && has "$tmp/stdout" "| sort by Timestamp desc"'
