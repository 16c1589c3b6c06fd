#!/bin/sh
# project.sh SIGMACC: `sigmacc build` driven by a project file (sigmacc.yml): the
# example repository built from it alone, several outputs of one target side by
# side, per-rule scoping, expected refusals, and incremental builds (the manifest's
# records: exactly the outputs whose inputs changed are rebuilt, and the tree equals
# a clean build). Run from the source root; prints TAP.
# shellcheck source=tests/hostile/lib.sh
. "$(dirname "$0")/hostile/lib.sh"

version=$("$bin" --version | cut -d' ' -f2)

# snap DIR: every file below DIR with its inode and mtime (what a write would change)
snap() { (cd "$1" && find . -type f ! -name .sigmacc-lock -printf '%p %i %T@\n' | LC_ALL=C sort); }
# outputs DIR: the same for the outputs alone (the example's committed manifest records the
# hashes of sigmacc's own pipelines and formats, which change with them)
outputs() { (cd "$1" && find . -type f ! -name '.sigmacc-*' -printf '%p %i %T@\n' | LC_ALL=C sort); }
# changed BEFORE AFTER: the files whose inode or mtime differ, one per line
changed() {
	printf '%s\n' "$1" > "$io/a" && printf '%s\n' "$2" > "$io/b" &&
	LC_ALL=C join -j1 "$io/a" "$io/b" | awk '$2 != $4 || $3 != $5 { print $1 }'
}

example() {
	cp -R "$src/examples/detection-as-code" dac && cd dac/rules/windows &&
	run 0 build --check &&
	same "$io/stderr" "sigmacc build --check: 6 up to date, 0 missing or stale or orphaned, 0 failed" &&
	[ ! -s "$io/stdout" ] && before=$(outputs ../../generated) &&
	run 0 build && same "$io/stderr" "sigmacc build: 0 written, 6 unchanged, 0 removed, 0 failed" &&
	unchanged "$before" "$(outputs ../../generated)" &&
	rm -r ../../generated/sentinel && run 1 build --check &&
	same "$io/stdout" "missing: ../../generated/sentinel/windows/net_connection_win_web_service_c2.yaml
missing: ../../generated/sentinel/windows/proc_creation_win_web_service_c2.yaml" &&
	cd ../.. && run 0 build && same "$io/stderr" "sigmacc build: 2 written, 4 unchanged, 0 removed, 0 failed" &&
	diff -r -x .sigmacc-manifest -x .sigmacc-lock "$src/examples/detection-as-code/generated" generated
}
t "the example repository builds and checks from its project file alone, from any folder" example

# a project of the T1102 rules with three outputs of one target
kql_project() {
	cp "$net" "$proc" "$vars" rules/ &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - {name: kql, target: kql}" \
		"  - {name: sentinel, target: kql, format: sentinel-rule}" \
		"  - {name: defender, target: kql, format: defender-detection, dir: m365/defender}" \
		> sigmacc.yml
}

formats() {
	kql_project && run 0 build &&
	same "$io/stderr" "sigmacc build: 6 written, 0 unchanged, 0 removed, 0 failed" &&
	[ -f generated/kql/proc_creation_win_web_service_c2.kql ] &&
	has generated/sentinel/proc_creation_win_web_service_c2.yaml "query: |" &&
	has generated/m365/defender/proc_creation_win_web_service_c2.json '"queryText":' &&
	before=$(snap generated) &&
	# a build of the kql target alone from the command line: the other outputs are not its own
	run 0 build -t kql -o generated rules &&
	same "$io/stderr" "sigmacc build: 0 written, 2 unchanged, 0 removed, 0 failed" &&
	unchanged "$before" "$(snap generated)" && run 0 build --check &&
	rm rules/net_connection_win_web_service_c2.yml && run 0 build &&
	same "$io/stderr" "sigmacc build: 0 written, 3 unchanged, 3 removed, 0 failed" &&
	# an output dropped from the project file: its files go, the others stay untouched
	before=$(snap generated) && sed -i '/sentinel/d' sigmacc.yml && run 0 build &&
	same "$io/stderr" "sigmacc build: 0 written, 2 unchanged, 1 removed, 0 failed" &&
	[ ! -e generated/sentinel/proc_creation_win_web_service_c2.yaml ] &&
	[ "$(changed "$before" "$(snap generated)")" = "./.sigmacc-manifest" ]
}
t "several outputs of one target, each in its own directory, never touch each other's files" formats

format_change() {
	kql_project && run 0 build 2>/dev/null && echo "// mine" >> generated/kql/net_connection_win_web_service_c2.kql &&
	# the kql output becomes Sentinel rules: its .kql files go, except one edited by hand
	sed -i 's/{name: kql, target: kql}/{name: kql, target: kql, format: sentinel-rule}/' sigmacc.yml &&
	run 0 build &&
	same "$io/stderr" "sigmacc: generated/kql/net_connection_win_web_service_c2.kql: warning: not removed, it was edited after sigmacc wrote it; no longer tracked
sigmacc build: 2 written, 4 unchanged, 1 removed, 0 failed" &&
	[ ! -e generated/kql/proc_creation_win_web_service_c2.kql ] &&
	[ -f generated/kql/proc_creation_win_web_service_c2.yaml ] &&
	has generated/kql/net_connection_win_web_service_c2.kql "// mine" &&
	hasnt generated/.sigmacc-manifest "kql/net_connection_win_web_service_c2.kql" &&
	run 0 build --check && hasnt "$io/stderr" "warning"
}
t "an output whose format changes: its old files are removed, never one edited since" format_change

scoping() {
	mkdir -p rules/win/old rules/lnx && cp "$vars" rules/ && cp "$net" rules/win/a.yml &&
	cp "$net" rules/win/old/b.yml && cp "$net" rules/lnx/c.yml &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - {name: kql, target: kql, rules: [rules/win]}" \
		"  - {name: spl, target: spl, rules: [rules/win/a.yml, rules/lnx/], exclude: [rules/lnx/c.yml]}" \
		> sigmacc.yml &&
	run 0 build && same "$io/stderr" "sigmacc build: 3 written, 0 unchanged, 0 removed, 3 skipped, 0 failed" &&
	(cd generated && find . -type f ! -name '.sigmacc-*' | LC_ALL=C sort) > "$io/files" &&
	same "$io/files" "./kql/win/a.kql
./kql/win/old/b.kql
./spl/win/a.spl" &&
	sed -i 's|rules: \[rules/win\]|rules: [rules/win], exclude: [rules/win/old]|' sigmacc.yml &&
	run 0 build && same "$io/stderr" "sigmacc build: 0 written, 2 unchanged, 1 removed, 4 skipped, 0 failed" &&
	[ ! -e generated/kql/win/old/b.kql ] &&
	# scoping: rules for some outputs or targets only, or for all but some
	printf '%s\n' "scoping:" "  - {rules: [rules/win/a.yml], except: [spl]}" \
		"  - {rules: [rules/lnx], only: [kql]}" >> sigmacc.yml &&
	run 0 build && same "$io/stderr" "sigmacc build: 0 written, 1 unchanged, 1 removed, 5 skipped, 0 failed" &&
	[ -f generated/kql/win/a.kql ] && [ ! -e generated/spl/win/a.spl ] &&
	echo "  - {rules: [rules], only: [kql], except: [spl]}" >> sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: sigmacc.yml: scoping[2] (rules): give either only or except"
}
t "rules and folders limited to or excluded from outputs: skipped there, their old files removed" scoping

refusals() {
	cp "$net" "$vars" "$src/rules/dns_query_win_web_service_c2.yml" rules/ &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - {name: kql, target: kql}" "  - {name: aql, target: aql}" "expected_refusals:" \
		"  - {rule: 2ade6bad-8fc5-4988-807b-bbbc428cfcd6, output: kql, reason: no DNS query table in Defender XDR}" \
		"  - {rule: rules/dns_query_win_web_service_c2.yml, output: aql}" > sigmacc.yml &&
	run 0 build &&
	has "$io/stderr" "sigmacc: rules/dns_query_win_web_service_c2.yml: skipped for output kql: an expected refusal: no DNS query table in Defender XDR
sigmacc: rules/dns_query_win_web_service_c2.yml: skipped for output aql: an expected refusal
sigmacc build: 2 written, 0 unchanged, 0 removed, 2 skipped, 0 failed" &&
	hasnt "$io/stderr" "error:" && [ ! -e generated/kql/dns_query_win_web_service_c2.kql ] &&
	run 0 build --check &&
	has "$io/stderr" "sigmacc build --check: 2 up to date, 0 missing or stale or orphaned, 2 skipped, 0 failed" &&
	# a refusal that no longer happens is a warning; one not declared fails the build
	echo "  - {rule: rules/net_connection_win_web_service_c2.yml, output: kql}" >> sigmacc.yml &&
	run 0 build &&
	has "$io/stderr" "sigmacc: rules/net_connection_win_web_service_c2.yml: warning: output kql compiles it; its expected refusal in the project file no longer happens" &&
	# one naming no rule it could concern: a typo, or a rule gone
	echo "  - {rule: rules/no_such_rule.yml, output: kql}" >> sigmacc.yml && run 0 build &&
	has "$io/stderr" "sigmacc: warning: the expected refusal of rules/no_such_rule.yml by kql concerns no rule this build compiled for it" &&
	sed -i '/output: aql}/d' sigmacc.yml && run 1 build &&
	has "$io/stderr" "dns_query_win_web_service_c2.yml:23:5: error:" &&
	has "$io/stderr" "sigmacc build: 0 written, 2 unchanged, 0 removed, 1 skipped, 1 failed" &&
	# -s: refusals are reported and counted, and do not fail the build
	run 0 build -s && has "$io/stderr" "sigmacc build: 0 written, 2 unchanged, 0 removed, 1 skipped, 1 failed"
}
t "an expected refusal is reported as skipped, not failed; only unexpected ones fail" refusals

# a folder's refusal covers every file below it (with or without a trailing slash), and of
# several refusals concerning a file the first declared is the one reported
refusal_folders() {
	mkdir -p rules/dns rules/dnsx && cp "$net" "$vars" rules/ &&
	cp "$src/rules/dns_query_win_web_service_c2.yml" rules/dns/ &&
	cp "$src/rules/dns_query_win_web_service_c2.yml" rules/dnsx/x.yml &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" "  - {name: kql, target: kql}" \
		"expected_refusals:" "  - {rule: rules/dns/, output: kql, reason: the folder}" \
		"  - {rule: rules/dns/dns_query_win_web_service_c2.yml, output: kql, reason: the file}" \
		"  - {rule: rules/dnsx, output: kql, reason: the other folder}" > sigmacc.yml &&
	run 0 build &&
	has "$io/stderr" "sigmacc: rules/dns/dns_query_win_web_service_c2.yml: skipped for output kql: an expected refusal: the folder" &&
	has "$io/stderr" "sigmacc: rules/dnsx/x.yml: skipped for output kql: an expected refusal: the other folder" &&
	hasnt "$io/stderr" "the file" &&
	sed -i 's|rules/dns/, output: kql, reason: the folder|rules/dns, output: kql, reason: the folder|' sigmacc.yml &&
	run 0 build --rebuild && has "$io/stderr" "skipped for output kql: an expected refusal: the folder" &&
	# paths compare as written without "." and repeated slashes: ./rules finds rules/...
	printf '%s\n' "rules: [./rules]" "output_dir: generated" "outputs:" "  - {name: kql, target: kql}" \
		"expected_refusals:" \
		"  - {rule: rules//dns/./dns_query_win_web_service_c2.yml, output: kql, reason: the file}" \
		"  - {rule: ./rules/dns, output: kql, reason: the folder}" \
		"  - {rule: rules/dnsx, output: kql}" > sigmacc.yml &&
	run 0 build --rebuild &&
	has "$io/stderr" "sigmacc: rules/dns/dns_query_win_web_service_c2.yml: skipped for output kql: an expected refusal: the file" &&
	hasnt "$io/stderr" "the folder" &&
	# rules: [.] holds the project file, which is not a rule
	printf '%s\n' "rules: [.]" "output_dir: generated" "outputs:" "  - {name: kql, target: kql}" \
		"expected_refusals:" "  - {rule: rules/dns, output: kql}" "  - {rule: ./rules/dnsx/x.yml, output: kql}" \
		> sigmacc.yml && run 0 build &&
	has "$io/stderr" "sigmacc: ./rules/dnsx/x.yml: skipped for output kql: an expected refusal" &&
	hasnt "$io/stderr" "sigmacc.yml" && has "$io/stderr" " 2 skipped, 0 failed"
}
t "a folder's expected refusal covers the files below it; the first declared refusal of a file wins; paths compare without ./ and //; the project file is not a rule" refusal_folders

# an expected refusal has a record ("#refused NAME<TAB>RULE LISTS"): an unchanged build
# reports it from the project file without compiling it. Shown with a forged record for a
# rule that compiles: trusted by build (no "no longer happens" warning, so not compiled),
# never by --check, and dropped once the rule or the output's pipelines change.
refusal_records() {
	cp "$net" "$vars" "$src/rules/dns_query_win_web_service_c2.yml" rules/ && mkdir pipelines &&
	printf '%s\n' "name: local" "target: kql" "description: local columns" "logsources:" \
		"  - categories: [network_connection]" "    fields:" \
		"      - {from: Initiated, to: InitiatedLocal}" > pipelines/local.yml &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - {name: kql, target: kql, pipelines: [defender_xdr, pipelines/local.yml]}" \
		"  - {name: aql, target: aql}" "expected_refusals:" \
		"  - {rule: rules/dns_query_win_web_service_c2.yml, output: kql, reason: no DNS table}" \
		"  - {rule: rules/dns_query_win_web_service_c2.yml, output: aql}" \
		"  - {rule: rules/net_connection_win_web_service_c2.yml, output: kql, reason: forged}" \
		> sigmacc.yml && run 0 build &&
	[ "$(grep -c '^#refused ' generated/.sigmacc-manifest)" = 2 ] &&
	has generated/.sigmacc-manifest "#refused kql/dns_query_win_web_service_c2.kql	$(sha256sum rules/dns_query_win_web_service_c2.yml | cut -c1-32) " &&
	run 0 build && same "$io/stderr" "sigmacc: rules/dns_query_win_web_service_c2.yml: skipped for output kql: an expected refusal: no DNS table
sigmacc: rules/dns_query_win_web_service_c2.yml: skipped for output aql: an expected refusal
sigmacc: rules/net_connection_win_web_service_c2.yml: warning: output kql compiles it; its expected refusal in the project file no longer happens
sigmacc build: 0 written, 2 unchanged, 0 removed, 2 skipped, 0 failed" &&
	awk -F'\t' '$1 == "kql/net_connection_win_web_service_c2.kql" { split($2, h, " ");
		print "#refused " $1 "\t" h[1] " " h[2]; next } { print }' generated/.sigmacc-manifest > m &&
	mv m generated/.sigmacc-manifest && run 0 build &&
	has "$io/stderr" "sigmacc: rules/net_connection_win_web_service_c2.yml: skipped for output kql: an expected refusal: forged" &&
	hasnt "$io/stderr" "no longer happens" && run 0 build --check &&
	has "$io/stderr" "no longer happens" &&
	# the output's pipeline changes: compiled
	sed -i 's/InitiatedLocal/InitiatedHere/' pipelines/local.yml && run 0 build &&
	has "$io/stderr" "no longer happens" && hasnt generated/.sigmacc-manifest "#refused kql/net" &&
	[ "$(grep -c '^#refused ' generated/.sigmacc-manifest)" = 2 ] &&
	# its rule changes: compiled, and its record follows the rule's bytes
	echo "# edited" >> rules/dns_query_win_web_service_c2.yml && run 0 build &&
	has generated/.sigmacc-manifest "#refused kql/dns_query_win_web_service_c2.kql	$(sha256sum rules/dns_query_win_web_service_c2.yml | cut -c1-32) "
}
t "an expected refusal is recorded: not compiled while its inputs are unchanged, reported the same" refusal_records

overrides() {
	kql_project && echo "  - {name: spl, target: spl}" >> sigmacc.yml &&
	run 0 build -t spl && same "$io/stderr" "sigmacc build: 2 written, 0 unchanged, 0 removed, 0 failed" &&
	[ ! -e generated/kql ] && hasnt generated/spl/proc_creation_win_web_service_c2.spl "index=main" &&
	run 0 build -t splunk -O spl-index=main &&
	has generated/spl/proc_creation_win_web_service_c2.spl "index=main" &&
	run 2 build -O nosuch=1 && has "$io/stderr" "unknown option -O nosuch for targets these" &&
	run 2 build -t spl -f sentinel-rule &&
	same "$io/stderr" "sigmacc: format 'sentinel-rule' is not one of every chosen target's (see 'sigmacc list formats')
Try 'sigmacc --help'." &&
	run 2 build -t eql && has "$io/stderr" "no output of sigmacc.yml is for target eql" &&
	run 0 build -o elsewhere && [ -f elsewhere/m365/defender/net_connection_win_web_service_c2.json ] &&
	run 0 build --check -o elsewhere && [ ! -e generated/kql ] &&
	# a rules path that is not there: an error, and no output is removed as an orphan
	sed -i 's/^rules: \[rules\]/rules: [rulez]/' sigmacc.yml && before=$(snap elsewhere) &&
	run 1 build -o elsewhere && has "$io/stderr" "sigmacc: rulez: No such file or directory; no output is removed" &&
	unchanged "$before" "$(snap elsewhere)"
}
t "the command line overrides the project file: -t picks outputs, -O, -f, -o" overrides

schedule() {
	kql_project &&
	sed -i 's/{name: sentinel, target: kql, format: sentinel-rule}/{name: sentinel, target: kql, format: sentinel-rule, interval: 30m, lookback: 2h, level: high}/' sigmacc.yml &&
	run 0 build && has generated/sentinel/proc_creation_win_web_service_c2.yaml "queryFrequency: 30m" &&
	has generated/sentinel/proc_creation_win_web_service_c2.yaml "queryPeriod: 2h" &&
	has generated/sentinel/proc_creation_win_web_service_c2.yaml 'severity: "High"' &&
	has generated/m365/defender/proc_creation_win_web_service_c2.json '"frequency": "PT1H"' &&
	# a changed schedule rebuilds that output alone
	sed -i 's/interval: 30m/interval: 15m/' sigmacc.yml && run 1 build --check &&
	same "$io/stdout" "stale: generated/sentinel/net_connection_win_web_service_c2.yaml (the output's options changed)
stale: generated/sentinel/proc_creation_win_web_service_c2.yaml (the output's options changed)" &&
	# checked when the project is loaded: nothing is built
	before=$(snap generated) &&
	sed -i 's/interval: 15m/interval: 3h/' sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: -O interval=3h -O lookback=2h: format kql/sentinel-rule: the look-back is shorter than the interval: events between two runs would never be searched (output sentinel)" &&
	sed -i 's/interval: 3h/interval: 1x/' sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: -O interval=1x: format kql/sentinel-rule takes a time span (a number and s, m, h or d: 30m) (output sentinel)" &&
	sed -i 's/interval: 1x/interval: 1h/; s/level: high/level: urgent/' sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: -O level=urgent: format kql/sentinel-rule takes informational|low|medium|high|critical (output sentinel)" &&
	sed -i 's/, level: urgent//; s/{name: kql, target: kql}/{name: kql, target: kql, interval: 1h}/' sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: -O interval is read by the formats defender-detection, sentinel-arm, sentinel-rule only (-f FORMAT)
Try 'sigmacc --help'." &&
	unchanged "$before" "$(snap generated)"
}
t "per-output schedule and severity: interval, lookback, level; checked, nothing built on a mistake" schedule

enablement() {
	kql_project &&
	run 0 build && has generated/m365/defender/proc_creation_win_web_service_c2.json '"status": "enabled"' &&
	sed -i 's|format: defender-detection, dir: m365/defender}|format: defender-detection, dir: m365/defender, enabled: false}|' sigmacc.yml &&
	run 1 build --check && has "$io/stdout" "stale: generated/m365/defender/proc_creation_win_web_service_c2.json (the output's options changed)" &&
	run 0 build && has generated/m365/defender/proc_creation_win_web_service_c2.json '"status": "disabled"' &&
	has generated/sentinel/proc_creation_win_web_service_c2.yaml "queryFrequency" &&
	before=$(snap generated) &&
	sed -i 's/enabled: false}/enabled: no}/' sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: -O enabled=no: format kql/defender-detection takes true|false (output defender)" &&
	unchanged "$before" "$(snap generated)"
}
t "per-output enablement: enabled: false reaches the format, is checked, and a changed value makes the output stale" enablement

# Splunk writes enablement as its inverse, and only when disabled; Next-Gen SIEM as the status
enablement_spl() {
	cp "$proc" "$vars" rules/ &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - {name: spl, target: spl, format: savedsearches}" \
		"  - {name: es, target: spl, format: es-correlation-search}" \
		"  - {name: ngsiem, target: logscale, format: ngsiem-correlation-rule, options: [ngsiem-cid=0123456789abcdef0123456789abcdef]}" \
		> sigmacc.yml &&
	run 0 build && hasnt generated/spl/proc_creation_win_web_service_c2.conf "disabled" &&
	hasnt generated/es/proc_creation_win_web_service_c2.conf "disabled" &&
	has generated/ngsiem/proc_creation_win_web_service_c2.json '"status": "inactive"' &&
	sed -i 's/format: savedsearches}/format: savedsearches, enabled: false}/; s/format: es-correlation-search}/format: es-correlation-search, enabled: false}/; s/format: ngsiem-correlation-rule,/format: ngsiem-correlation-rule, enabled: true,/' sigmacc.yml &&
	run 1 build --check && has "$io/stdout" "stale: generated/spl/proc_creation_win_web_service_c2.conf (the output's options changed)" &&
	has "$io/stdout" "stale: generated/ngsiem/proc_creation_win_web_service_c2.json (the output's options changed)" &&
	run 0 build && has generated/spl/proc_creation_win_web_service_c2.conf "enableSched = 1
disabled = 1
dispatch.earliest_time = -10m" &&
	has generated/es/proc_creation_win_web_service_c2.conf "disabled = 1" &&
	has generated/ngsiem/proc_creation_win_web_service_c2.json '"status": "active"' &&
	# the explicit status wins over enabled
	sed -i 's/ngsiem-cid=0123456789abcdef0123456789abcdef]/ngsiem-cid=0123456789abcdef0123456789abcdef, ngsiem-status=inactive]/' sigmacc.yml &&
	run 0 build && has generated/ngsiem/proc_creation_win_web_service_c2.json '"status": "inactive"'
}
t "per-output enablement in Splunk (disabled = 1 when false) and Next-Gen SIEM (the status)" enablement_spl

# severity: a Sigma level -> the vendor's value, per output; the unnamed levels keep the template's
severity() {
	cp "$net" "$proc" "$vars" rules/ &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - name: sentinel" "    target: kql" "    format: sentinel-rule" \
		"    severity: {medium: Low, critical: Medium}" \
		"  - {name: spl, target: spl, format: savedsearches, severity: {medium: '6'}}" \
		"  - {name: yaral, target: yaral, severity: {medium: Critical}}" \
		"  - {name: kibana, target: eql, format: kibana-ndjson, level: high, severity: {medium: critical}}" \
		> sigmacc.yml &&
	run 0 build && has generated/sentinel/proc_creation_win_web_service_c2.yaml 'severity: "Low"' &&
	has generated/spl/proc_creation_win_web_service_c2.conf "alert.severity = 6" &&
	has generated/yaral/proc_creation_win_web_service_c2.yaral 'severity = "Critical"' &&
	has generated/yaral/proc_creation_win_web_service_c2.yaral '$risk_score = 95' &&
	# level: high is not remapped: the template's high, and the risk score follows the severity
	has generated/kibana/proc_creation_win_web_service_c2.ndjson '"risk_score": 73, "severity": "high"' &&
	sed -i 's/level: high, severity: {medium: critical}/level: medium, severity: {medium: critical}/' sigmacc.yml &&
	run 0 build && has generated/kibana/proc_creation_win_web_service_c2.ndjson '"risk_score": 99, "severity": "critical"' &&
	# a changed mapping makes the output stale
	sed -i 's/medium: Low, critical: Medium/medium: High/' sigmacc.yml && run 1 build --check &&
	same "$io/stdout" "stale: generated/sentinel/net_connection_win_web_service_c2.yaml (the output's options changed)
stale: generated/sentinel/proc_creation_win_web_service_c2.yaml (the output's options changed)" &&
	# checked when the project is loaded, with the choices: nothing is built
	before=$(snap generated) &&
	sed -i 's/medium: High/medium: Critical/' sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: -O severity=medium:Critical: format kql/sentinel-rule: 'medium:Critical' maps to none of Informational|Low|Medium|High (output sentinel)" &&
	sed -i 's/medium: Critical/urgent: High/' sigmacc.yml && run 2 build &&
	has "$io/stderr" "sigmacc: sigmacc.yml: Load: Unexpected key: urgent" &&
	has "$io/stderr" "in mapping field 'severity' (line: 7, column: 15)" &&
	has "$io/stderr" "sigmacc: sigmacc.yml: the keys of severity: are the Sigma levels informational, low, medium, high and critical" &&
	sed -i 's/urgent: High/high: High/; s/{name: kibana,/{name: kibana, urgent: 1,/' sigmacc.yml && run 2 build &&
	has "$io/stderr" "Unexpected key: urgent" && hasnt "$io/stderr" "the keys of severity:" &&
	sed -i "s/{name: kibana, urgent: 1,/{name: kibana,/; s/{medium: '6'}/{medium: '7'}/" sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: -O severity=medium:7: format spl/savedsearches: 'medium:7' maps to none of 1|2|3|4|5|6 (output spl)" &&
	# a format without a severity map has no such key
	sed -i "s/{medium: '7'}/{medium: '6'}/; s/{name: yaral, target: yaral, severity: {[^}]*}}/{name: kql, target: kql, severity: {medium: High}}/" sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: -O severity is read by the formats defender-detection, sentinel-arm, sentinel-rule only (-f FORMAT)
Try 'sigmacc --help'." &&
	unchanged "$before" "$(snap generated)"
}
t "per-output severity mapping: severity: LEVEL: VALUE, checked against the vendor's values, stale when changed" severity

check_project() {
	kql_project && printf '%s\n' "  - {name: aql, target: aql}" >> sigmacc.yml &&
	mkdir -p sub && cd sub && run 0 check &&
	has "$io/stderr" "sigmacc: check for kql: 2 rule(s), 0 failed" &&
	has "$io/stderr" "sigmacc: check for aql: 2 rule(s), 0 failed" &&
	[ "$(grep -c "check for kql" "$io/stderr")" = 1 ] &&
	run 0 check -t aql && hasnt "$io/stderr" "check for kql" &&
	# an output's own pipeline is the one its pass uses
	cd .. && printf '%s\n' "name: local" "target: aql" "description: x" "logsources: []" > local.yml &&
	sed -i 's|{name: aql, target: aql}|{name: aql, target: aql, pipelines: [local.yml]}|' sigmacc.yml &&
	run 2 check -t aql && has "$io/stderr" "local.yml:4:13: error: 'logsources' must be a non-empty list" &&
	run 2 check --project sigmacc.yml -t aql && run 0 check -t kql &&
	run 2 check -t spl && same "$io/stderr" "sigmacc: -t spl names no output of sigmacc.yml
Try 'sigmacc --help'." &&
	run 2 check -p qradar_windows && has "$io/stderr" "check of a project uses each output's pipelines" &&
	[ ! -e generated ]
}
t "check without PATH: the project's rules and each output's target and pipelines" check_project

mistakes() {
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" "  - {name: a, target: kqlx}" > sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: sigmacc.yml: outputs[0] (a): unknown target 'kqlx' (see 'sigmacc list targets')" &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" "  - {name: a, target: kql}" \
		"  - {name: b, target: spl, dir: a/spl}" > sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: sigmacc.yml: outputs[1] (b): its directory and that of output a are the same or one holds the other" &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" "  - {name: a, target: kql, dir: ../x}" > sigmacc.yml &&
	run 2 build && has "$io/stderr" "outputs[0] (a): dir '../x' must be a relative path" &&
	sed -i 's|dir: ../x|dir: .sigmacc-tmp|' sigmacc.yml && run 2 build &&
	same "$io/stderr" "sigmacc: sigmacc.yml: outputs[0] (a): dir '.sigmacc-tmp' is sigmacc's own name in the output directory" &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" "  - {name: a, target: kql, format: sentinel}" > sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: sigmacc.yml: outputs[0] (a): unknown format 'sentinel' (see 'sigmacc list formats')" &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" "  - {name: a, target: kql}" \
		"expected_refusals:" "  - {rule: x, output: spl}" > sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: sigmacc.yml: expected_refusals[0] (x): 'spl' is neither an output nor the target of one" &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" "  - {name: a, target: kql, colour: red}" > sigmacc.yml &&
	run 2 build && has "$io/stderr" "sigmacc: sigmacc.yml: Load: Unexpected key: colour" &&
	printf '%s\n' "rules: [rules]" "filters: [filters]" "output_dir: generated" "outputs:" \
		"  - {name: a, target: kql}" > sigmacc.yml &&
	run 2 build && same "$io/stderr" "filters: error: cannot read filter: No such file or directory" &&
	{ printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" &&
	  for i in $(seq 65); do echo "  - {name: o$i, target: kql}"; done; } > sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: sigmacc.yml: outputs: more than 64" &&
	name=$(printf 'n%.0s' $(seq 64)) &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" "  - {name: $name, target: kql}" > sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: sigmacc.yml: outputs[0]: name '$name' must be at most 63 letters, digits, '.', '_' or '-'" &&
	[ ! -e generated ] && rm sigmacc.yml && run 2 build &&
	has "$io/stderr" "sigmacc: build needs a project file (sigmacc.yml here or above, or --project FILE) or an output directory: -o OUTDIR"
}
t "a mistake in the project file is an error naming the entry, and nothing is built" mistakes

# Two rules, each using its own value list; the kql output stacks a local pipeline
# overlay that only r2 needs. r1 has a 'fields' entry no pipeline maps, so every
# compile of it warns: the warning shows which rules were compiled.
incremental_project() {
	mkdir -p rules pipelines &&
	printf '%s\n' "list_a: [alpha, beta]" "list_b: [gamma.exe]" > rules/lists.vars.yml &&
	printf '%s\n' "title: r1" "id: 11111111-1111-4111-8111-111111111111" \
		"logsource: {category: process_creation, product: windows}" \
		"detection:" "  sel:" "    CommandLine|contains|expand: '%list_a%'" "  condition: sel" \
		"fields: [NoSuchColumn]" > rules/r1.yml &&
	printf '%s\n' "title: r2" "id: 22222222-2222-4222-8222-222222222222" \
		"logsource: {category: process_creation, product: windows}" \
		"detection:" "  sel:" "    Image|endswith|expand: '%list_b%'" "    CurrentDirectory: C:/temp" \
		"  condition: sel" > rules/r2.yml &&
	printf '%s\n' "name: local" "target: kql" "description: local columns" "logsources:" \
		"  - categories: [process_creation]" "    fields:" \
		"      - {from: CurrentDirectory, to: ProcessCurrentDirectory}" > pipelines/local.yml &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - {name: kql, target: kql, pipelines: [defender_xdr, pipelines/local.yml]}" \
		"  - {name: spl, target: spl}" > sigmacc.yml
}

incremental() {
	incremental_project && run 0 build && has "$io/stderr" "NoSuchColumn" &&
	has "$io/stderr" "sigmacc build: 4 written, 0 unchanged, 0 removed, 0 failed" &&
	s0=$(snap generated) && run 0 build &&
	same "$io/stderr" "sigmacc build: 0 written, 4 unchanged, 0 removed, 0 failed" &&
	unchanged "$s0" "$(snap generated)" &&
	# from a folder below: the same records, nothing compiled
	(cd rules && run 0 build && same "$io/stderr" "sigmacc build: 0 written, 4 unchanged, 0 removed, 0 failed") &&
	# one rule
	sed -i 's/contains/startswith/' rules/r1.yml && run 1 build --check &&
	same "$io/stdout" "stale: generated/kql/r1.kql (the rule changed)
stale: generated/spl/r1.spl (the rule changed)" &&
	run 0 build && has "$io/stderr" "sigmacc build: 2 written, 2 unchanged, 0 removed, 0 failed" &&
	s1=$(snap generated) &&
	[ "$(changed "$s0" "$s1" | tr '\n' ' ')" = "./.sigmacc-manifest ./kql/r1.kql ./spl/r1.spl " ] &&
	# one value list: only the rule using it is compiled
	sed -i 's/gamma.exe/delta.exe/' rules/lists.vars.yml && run 1 build --check &&
	same "$io/stdout" "stale: generated/kql/r2.kql (a value list it uses changed)
stale: generated/spl/r2.spl (a value list it uses changed)" &&
	run 0 build && hasnt "$io/stderr" "NoSuchColumn" &&
	same "$io/stderr" "sigmacc build: 2 written, 2 unchanged, 0 removed, 0 failed" &&
	s2=$(snap generated) &&
	[ "$(changed "$s1" "$s2" | tr '\n' ' ')" = "./.sigmacc-manifest ./kql/r2.kql ./spl/r2.spl " ] &&
	# one pipeline overlay: only the output stacking it
	sed -i 's/ProcessCurrentDirectory/InitiatingProcessCurrentDirectory/' pipelines/local.yml &&
	run 1 build --check && same "$io/stdout" "stale: generated/kql/r2.kql (a pipeline changed)" &&
	run 0 build && has "$io/stderr" "sigmacc build: 1 written, 3 unchanged, 0 removed, 0 failed" &&
	s3=$(snap generated) &&
	[ "$(changed "$s2" "$s3" | tr '\n' ' ')" = "./.sigmacc-manifest ./kql/r2.kql " ] &&
	# the tree built step by step is the tree of a clean build, manifest included
	run 0 build --project sigmacc.yml -o clean && diff -r -x .sigmacc-lock generated clean
}
t "incremental: a rule, a value list, a pipeline overlay each rebuild exactly their outputs" incremental

# a project's filters: apply to the rules they name, in every output, and a changed
# filter rebuilds them (an output that depends on a filter is never skipped)
project_filters() {
	cp "$src/tests/filters/exclude_admins/rules/whoami.yml" rules/ &&
	mkdir f && cp "$src/tests/filters/exclude_admins/filter/filter_exclude_admins.yml" f/ &&
	sed -i "/some_rule_name/d" f/filter_exclude_admins.yml &&
	printf '%s\n' "rules: [rules]" "filters: [f]" "output_dir: generated" "outputs:" \
		"  - {name: kql, target: kql}" > sigmacc.yml &&
	run 0 build && has generated/kql/whoami.kql 'not(User startswith "adm_")' &&
	sed -i "s/adm_/admin_/" f/filter_exclude_admins.yml && run 0 build &&
	same "$io/stderr" "sigmacc build: 1 written, 0 unchanged, 0 removed, 0 failed" &&
	has generated/kql/whoami.kql 'not(User startswith "admin_")'
}
t "a project's filters apply to the rules they name, and a changed filter rebuilds them" project_filters

recorded() {
	incremental_project && run 0 build 2>/dev/null && s0=$(snap generated) &&
	# another sigmacc recorded: everything is compiled again, nothing rewritten
	sed -i "s/^#output kql kql version=$version /#output kql kql version=0.0.1 /" generated/.sigmacc-manifest &&
	echo edited >> generated/kql/r1.kql && run 1 build --check &&
	same "$io/stdout" "stale: generated/kql/r1.kql (sigmacc changed from 0.0.1 to $version)" &&
	run 0 build && has "$io/stderr" "NoSuchColumn" &&
	has "$io/stderr" "sigmacc build: 1 written, 3 unchanged, 0 removed, 0 failed" &&
	# the options of an output
	sed -i 's/{name: spl, target: spl}/{name: spl, target: spl, options: [spl-index=main]}/' sigmacc.yml &&
	run 1 build --check &&
	same "$io/stdout" "stale: generated/spl/r1.spl (the output's options changed)
stale: generated/spl/r2.spl (the output's options changed)" &&
	run 0 build 2>/dev/null && cp generated/.sigmacc-manifest "$io/v2" &&
	# a manifest of format 1 (paths only): every rule compiled, no error, format 3 written
	grep -v '^#' "$io/v2" | cut -f1 > generated/.sigmacc-manifest && run 0 build &&
	has "$io/stderr" "NoSuchColumn" && hasnt "$io/stderr" "warning: entry" &&
	has "$io/stderr" "sigmacc build: 0 written, 4 unchanged, 0 removed, 0 failed" &&
	cmp generated/.sigmacc-manifest "$io/v2" &&
	# a manifest of format 2: its records are trusted, nothing is compiled, format 3 written
	sed -i 's/^#sigmacc-manifest 3$/#sigmacc-manifest 2/' generated/.sigmacc-manifest &&
	run 0 build && hasnt "$io/stderr" "NoSuchColumn" && cmp generated/.sigmacc-manifest "$io/v2" &&
	# --rebuild compiles every rule whatever the manifest records
	run 0 build --rebuild && has "$io/stderr" "NoSuchColumn" &&
	# a forged record cannot hide a stale output from --check, which compiles every rule
	echo edited >> generated/spl/r2.spl &&
	out=$(sha256sum < generated/spl/r2.spl | cut -c1-32) &&
	sed -i "s|^\(spl/r2.spl\t[0-9a-f]* [0-9a-f-]*\) [0-9a-f]*$|\1 $out|" generated/.sigmacc-manifest &&
	has generated/.sigmacc-manifest " $out" && run 1 build --check && same "$io/stdout" "stale: generated/spl/r2.spl (the output was edited)"
}
t "the manifest records the compiler version and options; old manifests rebuild; --check trusts no record" recorded

# Sentinel's rule version: the rule's date version, one more each time a build finds the
# query changed (here by a pipeline overlay, the rule's modified date untouched)
sentinel_project() {
	cp "$proc" "$vars" rules/ && base=$(sed -n 's/^modified: //p; s/^date: //p' "$proc" | tr -d -) &&
	printf '%s\n' "name: local" "target: kql" "description: local columns" "logsources:" \
		"  - categories: [process_creation]" "    fields:" \
		"      - {from: CommandLine, to: ProcessCommandLine}" > local.yml &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - {name: sentinel, target: kql, format: sentinel-rule, pipelines: [defender_xdr, local.yml]}" \
		> sigmacc.yml && rule=generated/sentinel/proc_creation_win_web_service_c2.yaml
}
# overlay COLUMN: the overlay maps CommandLine to COLUMN
overlay() { sed -i "s/to: [A-Za-z]*}/to: $1}/" local.yml; }
# version N: the rule's version is 1.0.N and the manifest records N
version() {
	grep '^version:' "$rule" > "$io/version" && same "$io/version" "version: 1.0.$1" &&
	grep -q "	.* $1 [0-9a-f]*$" generated/.sigmacc-manifest ||
	{ echo "manifest:"; cat generated/.sigmacc-manifest; return 1; }
}

sentinel_version() {
	sentinel_project && run 0 build && version "$base" &&
	# an unchanged rebuild keeps it, and so does a build whose query stays the same
	run 0 build --rebuild && version "$base" &&
	overlay ProcessCommandLine && run 0 build && version "$base" &&
	# the query changes: --check says so, build raises the version once
	overlay InitiatingProcessCommandLine && run 1 build --check &&
	same "$io/stdout" "stale: $rule (a pipeline changed)" &&
	run 0 build && version $((base + 1)) && has "$rule" "InitiatingProcessCommandLine contains" &&
	run 0 build && same "$io/stderr" "sigmacc build: 0 written, 1 unchanged, 0 removed, 0 failed" &&
	run 0 build --rebuild && version $((base + 1)) && run 0 build --check &&
	# back to the first query: a change again, so the version still grows
	overlay ProcessCommandLine && run 0 build && version $((base + 2)) && run 0 build --check &&
	# a value list edit changes the query, not the rule's date
	sed -i 's/pastebin.com/pastebin.net/' rules/web_service.vars.yml && run 0 build &&
	version $((base + 3)) && run 0 build --check &&
	# a later modified date: the date version, above the raised one
	sed -i "s/^date: .*/&\nmodified: $(( ${base%????} + 1 ))-01-02/" rules/proc_creation_win_web_service_c2.yml &&
	run 0 build && version $(( ${base%????} + 1 ))0102 && run 0 build --check &&
	# convert knows no earlier version: the date version
	run 0 convert -t kql -f sentinel-rule -p defender_xdr -p local.yml --vars rules/web_service.vars.yml \
		"$proc" && has "$io/stdout" "version: 1.0.$base"
}
t "sentinel-rule: the version is kept on a rebuild and grows once when the query changes" sentinel_version

# a manifest from a pull request sets at worst a wrong version, within 1.0.2147483647
sentinel_hostile() {
	sentinel_project && run 0 build && overlay InitiatingProcessCommandLine && run 0 build &&
	version $((base + 1)) && m=generated/.sigmacc-manifest && cp $m "$io/good" &&
	# a number above the limit, a leading zero, garbage: the record is ignored, the
	# rule compiled again with its date version, the record written anew
	for bad in 99999999999999999999 2147483648 0$((base + 1)) "$((base + 1)) zz" "$((base + 1))"; do
		sed "s/ $((base + 1)) [0-9a-f]*$/ $bad/" "$io/good" > $m && run 0 build &&
		same "$io/stderr" "sigmacc build: 1 written, 0 unchanged, 0 removed, 0 failed" &&
		version "$base" && cp "$io/good" $m && run 0 build && version $((base + 1)) || return 1
	done &&
	# a well-formed forgery: the version it claims (never beyond the limit, never lower
	# than the date version), and a changed query no longer raises it at the limit
	sed "s/ $((base + 1)) / 2147483647 /" "$io/good" > $m && run 1 build --check &&
	run 0 build --rebuild && version 2147483647 && run 0 build --check &&
	overlay ProcessCommandLine && run 0 build && version 2147483647 &&
	sed -i "s/ 2147483647 / 3 /" $m && run 0 build --rebuild && version "$base"
}
t "sentinel-rule: a hostile manifest record gives the date version or a bounded wrong one, never a crash" sentinel_hostile

# query_beside: the bare query beside each file of a format that wraps it
beside_project() {
	cp "$net" "$proc" "$vars" rules/ &&
	printf '%s\n' "rules: [rules]" "output_dir: generated" "outputs:" \
		"  - {name: kql, target: kql}" \
		"  - {name: defender, target: kql, format: defender-detection, query_beside: true}" \
		"  - {name: cse, target: sumo, format: cse-rule, query_beside: true}" > sigmacc.yml
}
# query_of JSON PATH: the string at PATH (keys joined by '.') of the JSON file's first
# rule, as the SIEM reads it
query_of() {
	node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const q = process.argv[2].split(".").reduce((o, k) => o[k], j.rules ? j.rules[0] : j);
		if (typeof q !== "string") process.exit(1); process.stdout.write(q + "\n")' "$1" "$2"
}

query_beside() {
	beside_project && run 0 build &&
	has "$io/stderr" "sigmacc build: 10 written, 0 unchanged, 0 removed, 0 failed" &&
	d=generated/defender/proc_creation_win_web_service_c2 && c=generated/cse/proc_creation_win_web_service_c2 &&
	# the query the SIEM runs, one value per line; Defender's without the rule's projection
	query_of $d.json queryCondition.queryText > "$io/q" && cmp "$io/q" $d.kql &&
	hasnt $d.kql "| project" && has generated/kql/proc_creation_win_web_service_c2.kql "| project" &&
	query_of $c.json expression | tr -d ' \n' > "$io/q" && tr -d ' \n' < $c.sumo | cmp - "$io/q" &&
	[ "$(wc -l < $c.sumo)" -gt 10 ] && [ "$(query_of $c.json expression | wc -l)" = 1 ] &&
	run 0 build && has "$io/stderr" "sigmacc build: 0 written, 10 unchanged, 0 removed, 0 failed" &&
	run 0 build --check && has generated/.sigmacc-manifest "defender/proc_creation_win_web_service_c2.kql	" &&
	# missing or edited: --check says so, build restores it
	rm $d.kql && echo edited >> $c.sumo && run 1 build --check &&
	same "$io/stdout" "missing: $d.kql
stale: $c.sumo (the output was edited)" &&
	run 0 build && has "$io/stderr" "sigmacc build: 2 written, 8 unchanged, 0 removed, 0 failed" &&
	# removed with its rule
	rm rules/proc_creation_win_web_service_c2.yml && run 0 build &&
	has "$io/stderr" "sigmacc build: 0 written, 5 unchanged, 5 removed, 0 failed" &&
	[ ! -e $d.kql ] && [ ! -e $c.sumo ] && [ ! -e $d.json ] &&
	# switched off: the bare queries go, the wrapped files stay
	sed -i 's/, query_beside: true//' sigmacc.yml && run 0 build &&
	has "$io/stderr" "sigmacc build: 0 written, 3 unchanged, 2 removed, 0 failed" &&
	[ -f generated/defender/net_connection_win_web_service_c2.json ] &&
	[ ! -e generated/defender/net_connection_win_web_service_c2.kql ] &&
	# --query-beside: every output whose format wraps the query
	run 0 build --query-beside && has "$io/stderr" "sigmacc build: 2 written, 3 unchanged, 0 removed, 0 failed" &&
	run 1 build --check && same "$io/stdout" "orphaned: generated/cse/net_connection_win_web_service_c2.sumo
orphaned: generated/defender/net_connection_win_web_service_c2.kql" && run 0 build --query-beside --check
}
t "query_beside: the bare query beside a wrapped one, written, checked and removed with it" query_beside

beside_mistakes() {
	beside_project && sed -i 's/{name: kql, target: kql}/{name: kql, target: kql, query_beside: true}/' sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: sigmacc.yml: outputs[0] (kql): query_beside needs a format that wraps the query in a file of another extension than .kql" &&
	[ ! -e generated ] &&
	sed -i 's/{name: kql, target: kql, query_beside: true}/{name: aql, target: aql, format: aql-filter, query_beside: true}/' sigmacc.yml &&
	run 2 build && same "$io/stderr" "sigmacc: sigmacc.yml: outputs[0] (aql): query_beside needs a format that wraps the query in a file of another extension than .aql" &&
	cp "$net" rules/ && run 2 build --query-beside -t kql -o out rules &&
	has "$io/stderr" "sigmacc: --query-beside keeps the bare query beside the files of a format that wraps it (-f, or an output's format), and no output of this build has one" &&
	run 0 build --query-beside -t kql -f defender-detection -o out --vars "$vars" rules &&
	[ -f out/kql/net_connection_win_web_service_c2.json ] && [ -f out/kql/net_connection_win_web_service_c2.kql ]
}
t "query_beside needs a format that wraps the query: refused elsewhere, nothing built" beside_mistakes

echo "1..$n"
