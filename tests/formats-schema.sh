#!/bin/sh
# formats-schema.sh SIGMACC PARSE_YAML [CORPUS]: the import formats checked against the rules their
# vendors publish, reimplemented here, over the rules of rules/ and, with
# CORPUS (else $SIGMACC_CORPUS), a sample of the corpus (every 40th rule file):
# - Sumo CSE: one {"rules": [...]} object for several rules, each rule with the
#   keys of the rules in SumoLogic's cloud-siem-content-catalog (audit/rules.json):
#   snake_case, entity_selectors of {entity_type, expression}, rule_source,
#   _mitreAttackTactic:/_mitreAttackTechnique: tags;
# - Kibana NDJSON: the required keys of an EQL detection rule (rule_id, name,
#   description, risk_score 0-100, severity, type, language, query), an integer
#   version, threat entries of {framework, tactic, technique[, subtechnique]}
#   each {id, name, reference}, a sub-technique under its own technique;
# - LogScale: enabled, the interval in seconds, none of the deprecated
#   queryStart/queryEnd;
# - Sentinel (YAML and ARM): the Azure-Sentinel repository's template validation
#   (required keys, query length, version, connector ids, entity mappings) and the
#   ARM template structure; a query over 10,000 characters is refused;
# - Defender XDR: Microsoft Graph's detectionRule body without the properties removed on
#   2026-10-01 (negative controls), tactics and entity mappings of columns the table has;
# - Splunk ES: the correlation search keys, the search on one line;
# - ES|QL Kibana: the Kibana checks (threat with techniques, rule_id required);
# - Falcon Next-Gen SIEM: the correlation rule body's required keys, types and values
#   (the API's swagger models and CrowdStrike's Terraform provider), its customer id required.
# A rule without an id is refused by the Kibana format. Prints TAP.
set -u
bin=$1
parse_yaml=$2
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"	# t DESCRIPTION SCRIPT; "not ok" fails the test (TAP)

mkdir "$tmp/rules"
cp rules/*.yml "$tmp/rules/"
corpus=${2:-}
[ -n "$corpus" ] || corpus=${SIGMACC_CORPUS:-}
if [ -n "$corpus" ] && [ -d "$corpus" ]; then
	find "$corpus" -name '*.yml' -path '*rules*' | sort | awk 'NR % 40 == 1' | {
		i=0
		while read -r f; do
			i=$((i + 1))
			cp "$f" "$tmp/rules/corpus_$i.yml"
		done
	}
fi
echo "# $(ls "$tmp/rules" | wc -l) rule files"

validate() {	# validate KIND FILE: the node checks of one format (formats-schema.js)
	node "$(dirname "$0")/formats-schema.js" "$@"
}

t "Sumo CSE: several rules are one {\"rules\": [...]} object of catalog-shaped rules" '
	"$bin" convert -s -t sumo -f cse-rule -o "$tmp/cse.json" "$tmp/rules" 2>/dev/null
	validate cse "$tmp/cse.json"'
t "Sumo CSE: -j re-indents the merged object" '
	"$bin" convert -t sumo -f cse-rule -j 2 rules/ 2>/dev/null >"$tmp/cse2.json" &&
	validate cse "$tmp/cse2.json" && head -1 "$tmp/cse2.json" | grep -qx "{"'
t "Kibana: detection-rule keys, threat with techniques and sub-techniques" '
	"$bin" convert -s -t eql -f kibana-ndjson -o "$tmp/k.ndjson" "$tmp/rules" 2>/dev/null
	validate kibana "$tmp/k.ndjson"'
t "Kibana: a rule without id is refused, nothing written" '
	mkdir "$tmp/noid" && grep -v "^id:" rules/dns_query_win_web_service_c2.yml >"$tmp/noid/r.yml" &&
	cp rules/*.vars.yml "$tmp/noid/" 2>/dev/null
	! "$bin" convert -t eql -f kibana-ndjson -o "$tmp/noid.ndjson" "$tmp/noid/r.yml" 2>"$tmp/err" &&
	grep -q "error: rule .*: rule has no '\''id'\'': format eql/kibana-ndjson needs it" "$tmp/err" &&
	[ ! -e "$tmp/noid.ndjson" ]'
t "Kibana: version is the modified date, stealth is TA0005 Stealth" '
	printf "%s\n" "title: T" "id: 11111111-2222-3333-4444-555555555555" "modified: 2025/04/30" \
		"tags: [attack.stealth, attack.t1218.011]" "logsource: {category: process_creation, product: windows}" \
		"detection: {sel: {Image|endswith: \\\\x.exe}, condition: sel}" >"$tmp/st.yml" &&
	"$bin" convert -t eql -f kibana-ndjson "$tmp/st.yml" >"$tmp/st.ndjson" &&
	grep -q "\"version\": 20250430}" "$tmp/st.ndjson" &&
	grep -q "\"tactic\": {\"id\": \"TA0005\", \"name\": \"Stealth\"" "$tmp/st.ndjson" &&
	grep -q "\"subtechnique\": \[{\"id\": \"T1218.011\", \"name\": \"Rundll32\"" "$tmp/st.ndjson" &&
	"$bin" convert -t kql -f sentinel-rule "$tmp/st.yml" | grep -qx "tactics: \[\"DefenseEvasion\"\]"'
t "LogScale: enabled, interval in seconds, no deprecated field" '
	"$bin" convert -s -t logscale -f scheduled-search -o "$tmp/ls.yaml" "$tmp/rules" 2>/dev/null
	docs=$(grep -c "^\\\$schema: " "$tmp/ls.yaml") && [ "$docs" -gt 0 ] &&
	[ "$(grep -c "^enabled: true$" "$tmp/ls.yaml")" = "$docs" ] &&
	[ "$(grep -c "^searchIntervalSeconds: [0-9][0-9]*$" "$tmp/ls.yaml")" = "$docs" ] &&
	[ "$(grep -c "^queryTimestampType: \"EventTimestamp\"$" "$tmp/ls.yaml")" = "$docs" ] &&
	! grep -qE "^(queryStart|queryEnd|backfillLimitV2):" "$tmp/ls.yaml"'
t "ES|QL Kibana: detection-rule keys, threat with techniques and sub-techniques" '
	"$bin" convert -s -t esql -f kibana-ndjson -o "$tmp/e.ndjson" "$tmp/rules" 2>/dev/null
	validate kibana "$tmp/e.ndjson"'
t "ES|QL Kibana: a rule without id is refused, nothing written" '
	mkdir -p "$tmp/noid2" && grep -v "^id:" rules/proc_creation_win_web_service_c2.yml >"$tmp/noid2/r.yml" &&
	cp rules/*.vars.yml "$tmp/noid2/" 2>/dev/null
	! "$bin" convert -t esql -f kibana-ndjson -o "$tmp/noid2.ndjson" "$tmp/noid2/r.yml" 2>"$tmp/err" &&
	grep -q "rule has no '\''id'\'': format esql/kibana-ndjson needs it" "$tmp/err" &&
	[ ! -e "$tmp/noid2.ndjson" ]'
t "Sentinel YAML: the Azure-Sentinel repository template validation" '
	"$bin" convert -s -t kql -f sentinel-rule -o "$tmp/s.yaml" "$tmp/rules" 2>/dev/null
	"$parse_yaml" --json "$tmp/s.yaml" >"$tmp/s.jsonl" && validate sentinel "$tmp/s.jsonl"'
t "Sentinel YAML: connectors, entities and version of a Defender table" '
	"$bin" convert -t kql -f sentinel-rule rules/net_connection_win_web_service_c2.yml >"$tmp/n.yaml" &&
	grep -qx "requiredDataConnectors: \[{\"connectorId\": \"MicrosoftThreatProtection\", \"dataTypes\": \[\"DeviceNetworkEvents\"\]}\]" "$tmp/n.yaml" &&
	grep -q "^entityMappings: .*{\"entityType\": \"IP\", \"fieldMappings\": \[{\"identifier\": \"Address\", \"columnName\": \"RemoteIP\"}\]}" "$tmp/n.yaml" &&
	grep -qx "version: 1\.0\.[0-9]\{8\}" "$tmp/n.yaml"'
t "Sentinel: a technique brings all of its tactics (T1548: privilege escalation, defense evasion)" '
	printf "%s\n" "title: T" "id: 11111111-2222-3333-4444-555555555558" "tags: [attack.privilege-escalation, attack.t1548.002]" \
		"logsource: {category: process_creation, product: windows}" \
		"detection: {sel: {Image|endswith: \\\\x.exe}, condition: sel}" >"$tmp/uac.yml" &&
	"$bin" convert -t kql -f sentinel-rule "$tmp/uac.yml" | grep -qx "tactics: \[\"PrivilegeEscalation\", \"DefenseEvasion\"\]" &&
	"$bin" convert -t kql -f sentinel-arm "$tmp/uac.yml" | grep -q "\"tactics\": \[\"PrivilegeEscalation\", \"DefenseEvasion\"\],"'
t "Sentinel ARM: one template of every rule, ARM structure and repository rules" '
	"$bin" convert -s -t kql -f sentinel-arm -o "$tmp/arm.json" "$tmp/rules" 2>/dev/null
	validate arm "$tmp/arm.json"'
t "Sentinel ARM: an id with quotes or backslashes leaves the template valid JSON" '
	printf "%s\n" "title: T" "id: a\"b\\\\c" "logsource: {category: process_creation, product: windows}" \
		"detection: {sel: {Image|endswith: x.exe}, condition: sel}" >"$tmp/qid.yml" &&
	"$bin" convert -t kql -f sentinel-arm "$tmp/qid.yml" >"$tmp/qid.json" &&
	node -e "JSON.parse(require(\"fs\").readFileSync(process.argv[1], \"utf8\"))" "$tmp/qid.json" &&
	grep -q "Microsoft.SecurityInsights/abc'\'')\]\"," "$tmp/qid.json"'
t "Sentinel: a query over 10,000 characters is refused, at the rule's position" '
	{ printf "%s\n" "title: Long" "id: 11111111-2222-3333-4444-555555555556" \
		"logsource: {category: process_creation, product: windows}" "detection:" "  sel:" "    CommandLine|contains:"
	  i=0; while [ $i -lt 700 ]; do echo "      - value_number_$i"; i=$((i + 1)); done
	  echo "  condition: sel"; } >"$tmp/long.yml" &&
	"$bin" convert -t kql "$tmp/long.yml" >/dev/null &&
	for f in sentinel-rule sentinel-arm; do
		! "$bin" convert -t kql -f $f -o "$tmp/long.out" "$tmp/long.yml" 2>"$tmp/err" &&
		grep -q "^$tmp/long.yml:1:1: error: rule .*: the query is [0-9]* characters long: format kql/$f takes at most 10000" "$tmp/err" &&
		[ ! -e "$tmp/long.out" ] || exit 1
	done'
t "Defender: Graph detectionRule bodies, entity mappings from the table schema" '
	"$bin" convert -s -t kql -f defender-detection -o "$tmp/d.json" "$tmp/rules" 2>/dev/null
	validate defender "$tmp/d.json"'
t "Defender: the check refuses each property Graph removed on 2026-10-01" '
	"$bin" convert -t kql -f defender-detection -o "$tmp/one.json" rules/proc_creation_win_web_service_c2.yml &&
	validate defender "$tmp/one.json" >/dev/null &&
	for p in "r.detectionAction.alertTemplate.category = \"Execution\"" \
		"r.detectionAction.alertTemplate.mitreTechniques = [\"T1059\"]" \
		"r.detectionAction.alertTemplate.impactedAssets = []" "r.isEnabled = true" \
		"r.schedule.period = \"1H\""; do
		node -e "const fs = require(\"fs\"), r = JSON.parse(fs.readFileSync(process.argv[1])); $p;
			fs.writeFileSync(process.argv[2], JSON.stringify(r))" "$tmp/one.json" "$tmp/old.json" &&
		key=$(printf "%s" "$p" | sed "s/ =.*//; s/.*\.//") &&
		! validate defender "$tmp/old.json" 2>"$tmp/err" >/dev/null &&
		grep -q ": unknown key $key\$" "$tmp/err" || exit 1
	done'
t "Defender: a table without a column to map is refused" '
	printf "%s\n" "title: T" "id: 11111111-2222-3333-4444-555555555557" "logsource: {product: windows, service: security}" \
		"detection: {sel: {EventID: 4624}, condition: sel}" >"$tmp/sec.yml" &&
	! "$bin" convert -t kql -f defender-detection "$tmp/sec.yml" 2>"$tmp/err" >/dev/null &&
	grep -q "error: rule .*: format kql/defender-detection: the results of SecurityEvent carry no column that names an impacted asset there (DeviceId, " "$tmp/err"'
t "Defender: tactics of the tags and of untagged techniques, Stealth and Defense Impairment as DefenseEvasion, none without tags" '
	printf "%s\n" "title: T" "id: 11111111-2222-3333-4444-555555555558" \
		"tags: [attack.stealth, attack.defense-impairment, attack.t1027, attack.t1562.001, attack.t1059.001]" \
		"logsource: {product: windows, category: process_creation}" \
		"detection: {sel: {Image|endswith: x.exe}, condition: sel}" >"$tmp/tech.yml" &&
	sed "/^tags:/d" "$tmp/tech.yml" >"$tmp/none.yml" &&
	"$bin" convert -t kql -f defender-detection "$tmp/tech.yml" "$tmp/none.yml" >"$tmp/c.json" &&
	validate defender "$tmp/c.json" >/dev/null &&
	grep -qxF "      \"tactics\": [{\"tactic\": \"DefenseEvasion\", \"techniques\": [{\"technique\": \"T1027\"}, {\"technique\": \"T1562\", \"subTechniques\": [\"T1562.001\"]}]}, {\"tactic\": \"Execution\", \"techniques\": [{\"technique\": \"T1059\", \"subTechniques\": [\"T1059.001\"]}]}]," "$tmp/c.json" &&
	grep -qxF "      \"tactics\": []," "$tmp/c.json"'
t "Defender: status and frequency from -O enabled and -O interval" '
	"$bin" convert -t kql -f defender-detection -O enabled=false -O interval=0 rules/proc_creation_win_web_service_c2.yml >"$tmp/o.json" &&
	grep -qxF "  \"status\": \"disabled\"," "$tmp/o.json" && grep -qxF "  \"schedule\": {\"frequency\": \"PT0S\"}," "$tmp/o.json" &&
	"$bin" convert -t kql -f defender-detection -O interval=24h rules/proc_creation_win_web_service_c2.yml >"$tmp/o.json" &&
	grep -qxF "  \"status\": \"enabled\"," "$tmp/o.json" && grep -qxF "  \"schedule\": {\"frequency\": \"P1D\"}," "$tmp/o.json"'
t "Splunk ES: correlation search keys, the search on one line, risk on request" '
	"$bin" convert -s -t spl -f es-correlation-search -o "$tmp/es.conf" "$tmp/rules" 2>/dev/null
	validate es "$tmp/es.conf" &&
	"$bin" convert -t spl -f es-correlation-search -O spl-risk-field=dest rules/proc_creation_win_web_service_c2.yml |
		grep -qx "action.risk.param._risk = \[{\"risk_object_field\": \"dest\", \"risk_object_type\": \"system\", \"risk_score\": 50}\]"'
cid=0123456789abcdef0123456789abcdef
t "Next-Gen SIEM: correlation rule bodies of the API's schema, rules and correlations" '
	"$bin" convert -s -t logscale -f ngsiem-correlation-rule -O ngsiem-cid=$cid -o "$tmp/ng.json" \
		"$tmp/rules" 2>/dev/null
	validate ngsiem "$tmp/ng.json" &&
	"$bin" convert -t logscale -f ngsiem-correlation-rule -O ngsiem-cid=$cid --vars rules/web_service.vars.yml \
		tests/correlations/types_event_count.yml >"$tmp/ngc.json" 2>/dev/null &&
	validate ngsiem "$tmp/ngc.json"'
t "Next-Gen SIEM: without -O ngsiem-cid, or with one not in the API'\''s form, nothing is written" '
	! "$bin" convert -t logscale -f ngsiem-correlation-rule -o "$tmp/nocid.json" rules/ 2>"$tmp/err" &&
	[ "$(cat "$tmp/err")" = "sigmacc: format logscale/ngsiem-correlation-rule needs -O ngsiem-cid=VALUE" ] &&
	[ ! -e "$tmp/nocid.json" ] &&
	! "$bin" convert -t logscale -f ngsiem-correlation-rule -O ngsiem-cid=${cid}-1A -o "$tmp/nocid.json" \
		rules/ 2>"$tmp/err" &&
	[ "$(cat "$tmp/err")" = "sigmacc: -O ngsiem-cid=${cid}-1A: format logscale/ngsiem-correlation-rule takes ^[0-9a-f]{32}\$" ] &&
	[ ! -e "$tmp/nocid.json" ]'
t "Next-Gen SIEM: schedule, look-back and status from the options, within the API limits" '
	"$bin" convert -t logscale -f ngsiem-correlation-rule -O ngsiem-cid=$cid -O interval=30m -O lookback=1d \
		-O ngsiem-status=active rules/proc_creation_win_web_service_c2.yml >"$tmp/o.json" 2>/dev/null &&
	validate ngsiem "$tmp/o.json" && grep -q "\"definition\": \"@every 30m\"" "$tmp/o.json" &&
	grep -q "\"lookback\": \"24h\"," "$tmp/o.json" && grep -q "\"status\": \"active\"," "$tmp/o.json" &&
	! "$bin" convert -t logscale -f ngsiem-correlation-rule -O ngsiem-cid=$cid -O interval=1m \
		rules/ 2>"$tmp/err" >/dev/null &&
	grep -qx "sigmacc: -O interval=1m -O lookback=75m: format logscale/ngsiem-correlation-rule: the interval is shorter than the format'\''s minimum, 5m" "$tmp/err" &&
	! "$bin" convert -t logscale -f ngsiem-correlation-rule -O ngsiem-cid=$cid -O lookback=8d \
		rules/ 2>"$tmp/err" >/dev/null &&
	grep -q "the look-back is longer than the format'\''s maximum, 168h" "$tmp/err"'
t "Next-Gen SIEM: mitre_attack pairs each technique with its tactics, at most 10 (with a warning)" '
	printf "%s\n" "title: T" "id: 11111111-2222-3333-4444-555555555559" \
		"tags: [attack.stealth, attack.t1218.011, attack.execution]" \
		"logsource: {category: process_creation, product: windows}" \
		"detection: {sel: {Image|endswith: \\\\x.exe}, condition: sel}" >"$tmp/ma.yml" &&
	"$bin" convert -t logscale -f ngsiem-correlation-rule -O ngsiem-cid=$cid "$tmp/ma.yml" |
		grep -qx "  \"mitre_attack\": \[{\"tactic_id\": \"TA0005\", \"technique_id\": \"T1218.011\"}, {\"tactic_id\": \"TA0002\"}\]" &&
	printf "%s\n" "title: T" "id: 11111111-2222-3333-4444-55555555555a" \
		"tags: [attack.initial-access, attack.persistence, attack.privilege-escalation, attack.defense-evasion, attack.t1078, attack.t1078.001, attack.t1078.003]" \
		"logsource: {category: process_creation, product: windows}" \
		"detection: {sel: {Image|endswith: \\\\x.exe}, condition: sel}" >"$tmp/ma12.yml" &&
	"$bin" convert -t logscale -f ngsiem-correlation-rule -O ngsiem-cid=$cid "$tmp/ma12.yml" >"$tmp/ma12.json" 2>"$tmp/err" &&
	validate ngsiem "$tmp/ma12.json" && [ "$(grep -o "\"tactic_id\"" "$tmp/ma12.json" | wc -l)" = 10 ] &&
	grep -qxF "$tmp/ma12.yml:1:1: warning: rule '\''T'\'' (11111111-2222-3333-4444-55555555555a): format logscale/ngsiem-correlation-rule: '\''attack_pairs'\'' has 12 entries; the format takes at most 10, the first 10 are written" "$tmp/err"'
echo "1..$n"
