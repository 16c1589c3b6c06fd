#!/bin/sh
# check-formats.sh PARSE_YAML DIR: the JSON and YAML output formats in DIR (the
# format goldens) must parse: JSON with node's JSON.parse (NDJSON line by line),
# YAML with libyaml. Exit status 1 when one does not.
set -eu
parse_yaml=$1
dir=$2
status=0
json=$(find "$dir" -name '*.json' -o -name '*.ndjson' | sort)
yaml=$(find "$dir" -name '*.yaml' | sort)
[ -n "$json" ] && [ -n "$yaml" ] || { echo "no JSON or YAML goldens in $dir"; exit 1; }
node -e '
const fs = require("fs");
let bad = 0;
for (const f of process.argv.slice(1)) {
	const text = fs.readFileSync(f, "utf8");
	const docs = f.endsWith(".ndjson") ? text.split("\n").filter((l) => l !== "") : [text];
	for (const d of docs) {
		try { JSON.parse(d); } catch (e) { console.error(f + ": " + e.message); bad++; }
	}
}
console.log("parsed " + (process.argv.length - 1) + " JSON file(s), " + (bad ? "some invalid" : "all valid"));
process.exit(bad ? 1 : 0);
' $json || status=1
"$parse_yaml" $yaml || status=1
exit $status
