#!/bin/sh
# golden.sh SIGMACC PARSE_YAML [--update]: the command line's diagnostics, target
# aliases, listings and multi-rule outputs against tests/golden/cli/. Each case
# records the exit status, stdout and stderr of one command in NAME.txt; each
# multi-rule output is also parsed back (JSON with node, YAML with libyaml).
# Run from the source root; prints TAP. --update rewrites the goldens.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
parse_yaml=$2
update=${3:-}
gold=tests/golden/cli
tmp=$(mktemp -d)
. "$(dirname "$0")/../transcript.sh"
trap 'rm -rf "$tmp"' EXIT
export SIGMACC_TEMPLATES=templates	# no absolute path in a message
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; sed 's/^/#   /' "$tmp/why" | head -30; }
targets=$("$bin" list targets | cut -d" " -f1)	# the one target list (backends/targets.def)

# compare NAME FILE: FILE against $gold/NAME (or rewrite it with --update).
compare() {
	if [ "$update" = --update ]; then
		cp "$2" "$gold/$1"
	elif [ ! -f "$gold/$1" ]; then
		echo "missing golden $gold/$1" > "$tmp/why"
		return 1
	elif ! diff -u "$gold/$1" "$2" > "$tmp/why"; then
		return 1
	fi
}

# case NAME ARGS...: runs sigmacc ARGS, records status, stdout, stderr.
case_() {
	name=$1
	shift
	transcript "$@" | sed "s|$tmp|TMP|g" > "$tmp/case"
	if compare "$name.txt" "$tmp/case"; then ok "$name"; else notok "$name"; fi
}

# Diagnostics of the command line: each names what is wrong and the closest valid name.
case_ unknown-target-near convert -t kqll rules
case_ unknown-target-far convert -t nosuch rules
case_ unknown-target-in-list check -t kql,splnk rules
case_ unknown-format-near convert -t kql -f sentinel-rul rules
case_ unknown-pipeline-near convert -t kql -p defender_xrd rules
case_ unknown-option-near convert -t spl -O spl-indx=main rules
case_ unknown-option-none convert -t kql -O kql-table=x rules
case_ unknown-long-option convert -t kql --skip-unsuported rules
case_ option-bad-choice convert -t qradar -O aql-table=tables rules
case_ option-choice convert -t aql -O aql-table=flows rules/proc_creation_win_web_service_c2.yml
case_ option-of-other-format convert -t eql -O eql-index=logs-* rules
case_ option-of-format convert -t eql -f kibana-ndjson -O eql-index=logs-*,beats-* tests/cli/multi
case_ option-no-value convert -t spl -O =main rules
case_ json-indent-not-json convert -t kql -j 2 rules
case_ json-indent-not-number convert -t kql -f defender-detection -j two rules
case_ list-options-no-target list options
case_ list-unknown list nothing
case_ format-needs-target ir -f sentinel-rule rules
case_ build-file-pattern build -P "proc_*" -o "$tmp/b" rules
case_ pipeline-needs-target ir -p defender_xdr rules
case_ pipeline-needs-one-target check -t kql,spl -p defender_xdr rules
case_ skip-and-fail convert -t kql -s --fail-unsupported rules
cp rules/net_connection_win_web_service_c2.yml "$tmp/in.yml"
case_ output-is-input convert -t kql -o "$tmp/in.yml" "$tmp/in.yml"
case_ nothing-compiled convert -t kql -o "$tmp/none.kql" tests/bad/unknown_modifier.yml
case_ pipeline-unknown-key convert -t kql -p tests/cli/pipelines/unknown_key.yml rules
case_ pipeline-missing-from convert -t kql -p tests/cli/pipelines/missing_from.yml rules
case_ pipeline-missing-target convert -t kql -p tests/cli/pipelines/missing_target.yml rules
case_ pipeline-wrong-type convert -t kql -p tests/cli/pipelines/wrong_type.yml rules
case_ pipeline-no-selection convert -t kql -p tests/cli/pipelines/no_selection.yml rules
case_ pipeline-bad-type convert -t kql -p tests/cli/pipelines/bad_type.yml rules
case_ pipeline-no-to convert -t kql -p tests/cli/pipelines/no_to.yml rules
case_ pipeline-alias convert -t kql -p tests/cli/pipelines/alias.yml rules
case_ pipeline-empty-directory convert -t kql -p tests/cli/pipelines/empty_dir rules
case_ pipeline-other-target convert -t kql -p splunk_sysmon rules
case_ pysigma-no-mapping convert -t kql -p tests/cli/pipelines/pysigma_no_mapping.yml rules
case_ pysigma-failure-everywhere convert -t kql \
	-p tests/cli/pipelines/pysigma_failure_everywhere.yml rules
case_ pysigma-field-condition convert -t kql \
	-p tests/cli/pipelines/pysigma_field_condition.yml rules
case_ pysigma-postprocessing convert -t kql -p tests/cli/pipelines/pysigma_postprocessing.yml rules
case_ pysigma-change-logsource convert -t kql \
	-p tests/cli/pipelines/pysigma_change_logsource.yml rules
case_ pysigma-other-backend convert -t kql -p tests/cli/pipelines/pysigma_splunk_only.yml rules
case_ pysigma-allowed-alias convert -t spl -p tests/cli/pipelines/pysigma_splunk_only.yml \
	tests/cli/multi
case_ pysigma-null-mapping convert -t kql -p tests/cli/pipelines/pysigma_null_mapping.yml rules
case_ pysigma-condition-no-type convert -t kql \
	-p tests/cli/pipelines/pysigma_condition_no_type.yml rules
case_ pysigma-refused convert -t kql -p tests/cli/pipelines/pysigma_add_condition.yml rules
case_ pysigma-rule-failure convert -t kql -p tests/cli/pipelines/pysigma_rule_failure.yml \
	tests/cli/overlay tests/cli/multi
case_ pysigma-one-to-many convert -t kql -p tests/cli/pipelines/pysigma_one_to_many.yml \
	rules/proc_creation_win_web_service_c2.yml
case_ modifier-near check -t kql tests/bad/unknown_modifier.yml
case_ check-once check tests/bad/unknown_modifier.yml tests/bad/unmappable_field.yml
# Flag columns where the query cannot compute a column: the rule compiles without them and
# says so once (README, "Flag columns").
case_ flags-eql convert -t eql tests/constructs/flag_columns.yml
case_ flags-sumo convert -t sumo tests/constructs/flag_columns.yml
case_ flags-aql-filter convert -t aql -f aql-filter tests/constructs/flag_columns.yml
case_ flags-check check -t kql,eql tests/constructs/flag_columns.yml
case_ check-two-targets check -t kql,splunk tests/bad/unmappable_field.yml
case_ diagnostics-json check -t kql --diagnostics=json tests/bad/unknown_modifier.yml \
	tests/bad/unmappable_field.yml

# Pipelines that work: a pySigma rename, an overlay for one category, a directory of both.
case_ pysigma-rename convert -t kql -p tests/cli/pipelines/pysigma_rename.yml tests/cli/multi
case_ overlay-one-category convert -t kql -p defender_xdr \
	-p tests/cli/pipelines/kql_file_delete.yml tests/cli/overlay
mkdir "$tmp/pl" && cp tests/cli/pipelines/pysigma_rename.yml "$tmp/pl/1.yml" &&
	cp tests/cli/pipelines/kql_file_delete.yml "$tmp/pl/2.yml"
case_ pipeline-directory convert -t kql -p "$tmp/pl" tests/cli/multi tests/cli/overlay

# Listings.
case_ list-targets list targets
for t in $targets; do
	case_ "list-options-$t" list options "$t"
	case_ "list-formats-$t" list formats "$t"
done
case_ list-pipelines-splunk list pipelines splunk

# Every alias compiles exactly what its target does (the target's golden query).
for pair in splunk:spl kusto:kql microsoft365defender:kql qradar:aql q_radar_aql:aql \
	    ibm-qradar-aql:aql sumologic:sumo sumo_logic_cse:sumo secops:yaral chronicle:yaral \
	    log_scale:logscale crowdstrike:logscale; do
	alias=${pair%%:*}
	t=${pair#*:}
	"$bin" convert -t "$alias" -s rules/proc_creation_win_web_service_c2.yml \
		> "$tmp/alias" 2> "$tmp/why"
	if cmp -s "$tmp/alias" "tests/golden/$t/proc_creation_win_web_service_c2.$t"; then
		ok "alias $alias is $t"
	else
		diff "tests/golden/$t/proc_creation_win_web_service_c2.$t" "$tmp/alias" >> "$tmp/why"
		notok "alias $alias is $t"
	fi
done

# parsed NAME FILE EXT: the multi-rule output holds two rules, read back by a real parser.
parsed() {
	case $3 in
	json) node -e 'let a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		a = Array.isArray(a) ? a : a.rules || a.resources;	/* Sumo CSE, ARM: one object */
		if (!Array.isArray(a) || a.length !== 2) throw new Error("want an array of 2");' "$2" ;;
	ndjson) node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
		if (l.pop() !== "" || l.length !== 2) throw new Error("want 2 lines");
		l.forEach((x) => JSON.parse(x));' "$2" ;;
	yaml) "$parse_yaml" --docs 2 "$2" > /dev/null ;;
	conf) [ "$(grep -c '^\[' "$2")" = 2 ] || echo "want 2 stanzas" ;;
	*) [ "$(grep -c 'Multi: [a-z ]* ([0-9a-f-]*)' "$2")" = 2 ] ||
		echo "want a comment naming each rule" ;;
	esac > "$tmp/why" 2>&1 && [ ! -s "$tmp/why" ]
}

# Two rules into one output, for every target and format.
for t in $targets; do
	for f in $("$bin" list formats "$t" | awk '{print $2}'); do
		p=
		[ "$f" = tstats ] && p="-p splunk_cim"
		[ "$f" = ngsiem-correlation-rule ] && p="-O ngsiem-cid=0123456789abcdef0123456789abcdef"
		ext=$(sed -n 's/^ext: //p' "templates/formats/$t/$f.yml" 2>/dev/null)
		# shellcheck disable=SC2086
		"$bin" convert -t "$t" -f "$f" $p tests/cli/multi > "$tmp/multi" 2> "$tmp/why"
		status=$?
		name="multi-$t-$f.${ext:-$t}"
		if [ $status = 0 ] && compare "$name" "$tmp/multi" && parsed "$name" "$tmp/multi" "${ext:-$t}"
		then ok "$name"; else notok "$name"; fi
	done
done
case_ multi-compact convert -t kql --compact tests/cli/multi

# One rule file of two documents: build writes one valid file for it too.
mkdir "$tmp/docs" &&
	{ cat tests/cli/multi/a_whoami.yml; echo ---; cat tests/cli/multi/b_certutil.yml; } \
	> "$tmp/docs/both.yml"
for tf in kql:defender-detection:json kql:sentinel-rule:yaml eql:kibana-ndjson:ndjson \
	  spl:savedsearches:conf kql:default:kql; do
	t=${tf%%:*}
	f=${tf#*:}
	ext=${f#*:}
	f=${f%%:*}
	"$bin" build -t "$t" -f "$f" -o "$tmp/docs-out" "$tmp/docs" > /dev/null 2> "$tmp/why"
	status=$?
	out=$(find "$tmp/docs-out/$t" -name "both.*")
	if [ $status = 0 ] && parsed "build-$t-$f" "$out" "$ext"; then ok "build: two documents, $t $f"
	else notok "build: two documents, $t $f"; fi
	rm -rf "$tmp/docs-out"
done
"$bin" convert -t kql -f defender-detection -j 2 tests/cli/multi > "$tmp/multi" 2> "$tmp/why"
if compare multi-kql-defender-detection-indent2.json "$tmp/multi" &&
   parsed indent "$tmp/multi" json; then ok "-j 2 indents the JSON array"
else notok "-j 2 indents the JSON array"; fi

echo "1..$n"
exit $fail
