#!/bin/sh
# correlations-formats.sh SIGMACC PARSE_YAML [--update]: correlation rules in the
# import formats (-f). Each line 'FILE TARGET FORMAT [KEY=VALUE...]' of
# tests/correlations-formats/cases is compiled with the T1102 pack's --vars (and -O KEY=VALUE
# for each option given); its stderr, stdout and exit status must equal
# tests/correlations-formats/NAME.TARGET.FORMAT.out (a refused format: the diagnostic).
# Every JSON output must parse (NDJSON line by line) with node when it is installed,
# every YAML output with libyaml (PARSE_YAML), and carry the schedule and wrapper keys
# its SIEM imports. Then `build` with a format writes one file per correlation, from
# the command line and from a project file. Run from the source root; prints TAP.
# --update rewrites the goldens (review the diff).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
parse_yaml=$2
update=${3:-}
dir=tests/correlations-formats
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/tap.sh
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

# a key each output of a format must hold (a grep pattern), and the file type to parse
want_of() {
	case $1 in
	sentinel-rule) echo '^queryPeriod: [0-9]*[mhd]$' ;;
	savedsearches) echo '^dispatch.earliest_time = -[0-9]*[mhd]$' ;;
	kibana-ndjson) echo '"from": "now-[0-9]*[smhd]"' ;;
	scheduled-search) echo '^searchIntervalSeconds: [0-9]*$' ;;
	ngsiem-correlation-rule) echo '"definition": "@every [0-9hms]*"' ;;
	cse-rule) echo '^{"rules": \[{$' ;;
	*) echo . ;;
	esac
}
ext_of() {
	case $1 in
	sentinel-rule | scheduled-search) echo yaml ;;
	kibana-ndjson) echo ndjson ;;
	cse-rule | eqlapi | defender-detection | ngsiem-correlation-rule) echo json ;;
	*) echo other ;;
	esac
}

# case FILE TARGET FORMAT [KEY=VALUE...]: the output equals its golden and holds its
# format's key
case_of() {
	name=$(basename "$1" .yml)
	want=$dir/$name.$2.$3.out
	file=$1 tg=$2 f=$3
	shift 3
	for o in "$@"; do set -- "$@" -O "$o"; shift; done
	"$bin" convert -t "$tg" -f "$f" "$@" --vars rules/web_service.vars.yml "tests/$file" \
		>"$tmp/out" 2>"$tmp/err"
	st=$?
	{ cat "$tmp/err" "$tmp/out"; echo "exit $st"; } >"$tmp/got"
	[ -n "$update" ] && cp "$tmp/got" "$want"
	[ -s "$tmp/out" ] && cp "$tmp/out" "$tmp/parse/$name.$tg.$f.$(ext_of "$f")"
	cmp -s "$tmp/got" "$want" || { diff "$want" "$tmp/got" | head -20; return 1; }
	if [ -s "$tmp/out" ] && ! grep -q "$(want_of "$f")" "$tmp/out"; then
		echo "no line matches $(want_of "$f")"
		return 1
	fi
}

mkdir "$tmp/parse"
exec 3<"$dir/cases"
while read -r file tg f opts <&3; do
	case $file in '#'* | '') continue ;; esac
	t "$file ($tg -f $f${opts:+ $opts})" "case_of $file $tg $f $opts"
done
exec 3<&-

# every JSON and YAML output parses, a YAML stream as one document per rule ('---' each)
yaml=$(ls "$tmp"/parse/*.yaml 2>/dev/null)
bad=
: >"$tmp/check"
for y in $yaml; do
	docs=$(grep -c '^---$' "$y")
	"$parse_yaml" --docs $((docs > 0 ? docs : 1)) "$y" >>"$tmp/check" 2>&1 || bad=1
done
if [ -n "$yaml" ] && [ -z "$bad" ]; then
	ok "$(echo "$yaml" | wc -l) YAML outputs parse"
else
	not_ok "YAML outputs parse"
	sed 's/^/#   /' "$tmp/check"
fi
if command -v node >/dev/null; then
	if node -e '
const fs = require("fs");
let bad = 0;
for (const f of process.argv.slice(1)) {
	const text = fs.readFileSync(f, "utf8");
	const docs = f.endsWith(".ndjson") ? text.split("\n").filter((l) => l !== "") : [text];
	for (const d of docs) {
		let v;
		try { v = JSON.parse(d); } catch (e) { console.error(f + ": " + e.message); bad++; continue; }
		// the CSE import wrapper holds rule objects with their window and metadata
		for (const w of f.includes(".cse-rule.") ? [].concat(v) : [])
			for (const r of w.rules || [undefined])
				if (!r || !r.pattern_type || !r.window_size || r.enabled !== true)
					console.error(f + ": a CSE rule without pattern_type, window_size or enabled"), bad++;
	}
}
process.exit(bad ? 1 : 0);
' $(ls "$tmp"/parse/*.json "$tmp"/parse/*.ndjson 2>/dev/null) >"$tmp/check" 2>&1; then
		ok "JSON and NDJSON outputs parse"
	else
		not_ok "JSON and NDJSON outputs parse"
		sed 's/^/#   /' "$tmp/check"
	fi
fi

# build: one output per correlation, in the format's file type
"$bin" build -t spl -f savedsearches -o "$tmp/b1" tests/correlations/handmade.d >/dev/null 2>&1
got=$(cd "$tmp/b1/spl" 2>/dev/null && ls | tr '\n' ' ')
if [ "$got" = "chain_outer.conf value_count_with_aliases.conf " ] &&
	grep -q '^cron_schedule = ' "$tmp/b1/spl/chain_outer.conf"; then
	ok "build -f savedsearches writes one stanza file per correlation of handmade.d"
else
	not_ok "build -f savedsearches outputs of handmade.d: $got"
fi
mkdir -p "$tmp/p/rules"
cp tests/correlations/t1102_web_service_domains.yml rules/web_service.vars.yml "$tmp/p/rules/"
cat >"$tmp/p/sigmacc.yml" <<'YML'
rules: [rules]
output_dir: out
outputs:
  - {name: sentinel, target: kql, format: sentinel-rule}
  - {name: cse, target: sumo, format: cse-rule}
YML
(cd "$tmp/p" && "$bin" build >/dev/null 2>"$tmp/err")
st=$?
if [ $st = 0 ] && [ -f "$tmp/p/out/sentinel/t1102_web_service_domains.yaml" ] &&
	[ -f "$tmp/p/out/cse/t1102_web_service_domains.json" ] &&
	"$parse_yaml" "$tmp/p/out/sentinel/t1102_web_service_domains.yaml" >/dev/null 2>&1 &&
	grep -q '^queryPeriod: 20m$' "$tmp/p/out/sentinel/t1102_web_service_domains.yaml"; then
	ok "a project file's outputs with formats write the T1102 correlation"
else
	not_ok "project outputs with formats (exit $st): $(ls -R "$tmp/p/out" 2>/dev/null | tr '\n' ' ')"
	sed 's/^/#   /' "$tmp/err" | head -5
fi
echo "1..$n"
exit $fail
