#!/bin/sh
# formats-schema.sh SIGMACC [CORPUS]: the import formats checked against the rules their
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
#   queryStart/queryEnd.
# A rule without an id is refused by the Kibana format. Prints TAP.
set -u
bin=$1
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

validate() {	# validate KIND FILE: the node checks of one format
	node -e '
const fs = require("fs");
const [kind, file] = process.argv.slice(1);
const text = fs.readFileSync(file, "utf8");
let bad = [];
const need = (o, keys, where) => { for (const k of keys) if (!(k in o)) bad.push(where + ": no " + k); };
const isStr = (v) => typeof v === "string" && v.length > 0;
const ref = (o, kind, where) => {
	need(o, ["id", "name", "reference"], where);
	if (!isStr(o.name) || o.reference !== "https://attack.mitre.org/" + kind + "/" + o.id.replace(".", "/") + "/")
		bad.push(where + ": bad " + JSON.stringify(o));
};
if (kind === "cse") {
	const doc = JSON.parse(text);
	if (Object.keys(doc).join() !== "rules" || !Array.isArray(doc.rules)) bad.push("not one {rules: [...]} object");
	for (const r of doc.rules) {
		need(r, ["content_type", "rule_source", "pattern_type", "stream", "name", "name_expression",
			 "description_expression", "expression", "is_prototype", "category", "entity_selectors",
			 "score_mapping", "tags"], r.name);
		if (!["user", "sumo"].includes(r.rule_source)) bad.push(r.name + ": rule_source " + r.rule_source);
		for (const e of r.entity_selectors)
			if (Object.keys(e).sort().join() !== "entity_type,expression") bad.push(r.name + ": selector " + JSON.stringify(e));
		for (const g of r.tags)
			if (!/^_mitreAttack(Tactic:TA\d{4}|Technique:T\d{4}(\.\d{3})?)$/.test(g)) bad.push(r.name + ": tag " + g);
		if (typeof r.score_mapping.default !== "number") bad.push(r.name + ": score");
	}
	console.log("# " + doc.rules.length + " CSE rules");
} else if (kind === "kibana") {
	const lines = text.split("\n").filter((l) => l !== "");
	for (const l of lines) {
		const r = JSON.parse(l);
		need(r, ["rule_id", "name", "description", "risk_score", "severity", "type", "language", "query", "threat", "version"], r.name);
		if (!isStr(r.rule_id)) bad.push(r.name + ": empty rule_id");
		if (!Number.isInteger(r.risk_score) || r.risk_score < 0 || r.risk_score > 100) bad.push(r.name + ": risk_score");
		if (!["low", "medium", "high", "critical"].includes(r.severity)) bad.push(r.name + ": severity");
		if (r.type !== "eql" || r.language !== "eql") bad.push(r.name + ": type");
		if (!Number.isInteger(r.version) || r.version < 1) bad.push(r.name + ": version");
		for (const th of r.threat) {
			if (th.framework !== "MITRE ATT&CK") bad.push(r.name + ": framework");
			ref(th.tactic, "tactics", r.name);
			if (!/^TA\d{4}$/.test(th.tactic.id)) bad.push(r.name + ": tactic id");
			for (const te of th.technique) {
				ref(te, "techniques", r.name);
				if (!/^T\d{4}$/.test(te.id)) bad.push(r.name + ": technique id " + te.id);
				for (const s of te.subtechnique || []) {
					ref(s, "techniques", r.name);
					if (!s.id.startsWith(te.id + ".")) bad.push(r.name + ": " + s.id + " under " + te.id);
				}
			}
		}
		const tagged = (r.tags || []).filter((g) => /^attack\.t\d{4}$/.test(g)).map((g) => g.slice(7).toUpperCase());
		const placed = r.threat.flatMap((th) => th.technique.map((te) => te.id));
		for (const id of tagged) if (!placed.includes(id) && !/^T1[6-9]\d\d$/.test(id)) bad.push(r.name + ": " + id + " dropped");
	}
	console.log("# " + lines.length + " Kibana rules");
}
if (bad.length) { console.error(bad.slice(0, 20).join("\n")); process.exit(1); }
' "$1" "$2"
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
echo "1..$n"
