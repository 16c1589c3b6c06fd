#!/bin/sh
# correlations-cse.sh DIR: every Cloud SIEM rule object in the Sumo Logic correlation
# goldens (DIR/*.sumo.out, the lines from "{" to "}") must parse as JSON and carry the
# keys its rule type needs, as Sumo Logic's content catalog writes them. Exit status 1
# when one does not, or when there is none.
set -eu
node -e '
const fs = require("fs");
const common = ["content_type", "pattern_type", "stream", "name", "group_by_fields", "window",
		"window_size"];
const byType = {
	threshold: ["expression", "count_distinct", "limit"],
	chain: ["expressions_and_limits", "ordered"],
	aggregation: ["match_expression", "aggregation_functions", "trigger_expression"],
};
let n = 0, bad = 0;
const fail = (f, msg) => { console.error(f + ": " + msg); bad++; };
for (const f of process.argv.slice(1)) {
	const blocks = fs.readFileSync(f, "utf8").match(/^\{\n[\s\S]*?\n\}$/gm) || [];
	for (const b of blocks) {
		n++;
		let r;
		try { r = JSON.parse(b); } catch (e) { fail(f, e.message); continue; }
		const want = byType[r.pattern_type];
		if (!want) { fail(f, "unknown pattern_type " + r.pattern_type); continue; }
		for (const k of common.concat(want))
			if (!(k in r)) fail(f, r.pattern_type + " rule without " + k);
		if (r.count_distinct && !r.count_field) fail(f, "count_distinct without count_field");
		for (const e of r.expressions_and_limits || [])
			if (typeof e.expression !== "string" || !(e.limit >= 1))
				fail(f, "chain entry without expression or limit");
		for (const a of r.aggregation_functions || [])
			if (!a.name || !a.function || !Array.isArray(a.arguments))
				fail(f, "aggregation function without name, function or arguments");
		if (!Number.isInteger(r.window_size) || r.window !== "CUSTOM")
			fail(f, "window is not CUSTOM with window_size in milliseconds");
	}
}
console.log("checked " + n + " Cloud SIEM rule(s), " + (bad ? bad + " problem(s)" : "all valid"));
process.exit(bad || !n ? 1 : 0);
' "$1"/*.sumo.out
