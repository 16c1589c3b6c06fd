#!/bin/sh
# eval.sh SIGMACC: `sigmacc test` end to end: the T1102 pack's test cases, the
# negative control (a case edited so that the rule must not fire makes the run
# fail), the report formats, hunting over an events file and a malformed tests
# file. Expected outputs are files under tests/eval/. Run from the source root;
# prints TAP.
# shellcheck disable=SC2016 # each test is a single-quoted script that t evaluates
set -u
# shellcheck disable=SC2034 # bin and n are tap.sh's
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(pwd)
vars=$root/rules/web_service.vars.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"
same() { diff -u "$1" "$2"; }

# the negative control: the rule beside the control's test cases, in a directory of its own
mkdir "$tmp/control"
cp rules/proc_creation_win_web_service_c2.yml "$tmp/control/"
cp tests/eval/negative_control.tests.yml "$tmp/control/proc_creation_win_web_service_c2.tests.yml"

echo "1..14"
t "the T1102 pack: every case of every rule passes" '
	run 0 test --vars '"$vars"' rules/ && [ ! -s "$tmp/stderr" ] &&
	[ "$(grep -c "^PASS rules/" "$tmp/stdout")" = "$(ls rules/*.tests.yml | wc -l)" ] &&
	! grep -q "^FAIL" "$tmp/stdout"'
t "the T1102 pack: TAP has a plan and no failed point" '
	run 0 test --format tap --vars '"$vars"' rules/ &&
	plan=$(sed -n "s/^1\.\.//p" "$tmp/stdout") && [ "$plan" -gt 100 ] &&
	[ "$(grep -c "^ok " "$tmp/stdout")" = "$plan" ]'
t "negative control: the edited case fails, with the deciding search, and exit 1" '
	cd "$tmp/control" && run 1 test --vars '"$vars"' . &&
	same '"$root"'/tests/eval/negative_control.out "$tmp/stdout"'
t "negative control: JUnit XML counts the failure" '
	cd "$tmp/control" && run 1 test --format junit --vars '"$vars"' . &&
	same '"$root"'/tests/eval/negative_control.xml "$tmp/stdout"'
t "negative control: --diagnostics=github annotates the failed case" '
	cd "$tmp/control" && run 1 test --diagnostics=github --vars '"$vars"' . &&
	same '"$root"'/tests/eval/negative_control.github "$tmp/stderr"'
t "hunting: which rules fire on which events, as JSON lines" '
	run 0 test --format json --vars '"$vars"' --events tests/eval/hunt.ndjson rules/ &&
	same tests/eval/hunt.json "$tmp/stdout" &&
	run 0 test --vars '"$vars"' --events tests/eval/hunt.ndjson rules/ &&
	[ "$(tail -n 1 "$tmp/stdout")" = "8 hits on 9 events" ] &&
	grep -q "^rules/net_connection_win_web_service_c2.yml (.*): fires on 2 events$" "$tmp/stdout"'
t "a malformed tests file is an error at its position" '
	run 1 test tests/eval/bad/ && same tests/eval/bad/missing_reason.err "$tmp/stderr"'
t "an events file that is not events is an error at its position" '
	printf "{\"A\": 1}\n7\n" >"$tmp/bad.ndjson" &&
	run 1 test --events "$tmp/bad.ndjson" --vars '"$vars"' rules/ &&
	grep -qF "bad.ndjson:2:1: error: an event must be a map of fields (found integer)" "$tmp/stderr"'
t "usage errors exit 2" '
	run 2 test && run 2 test --format xml rules/ && run 2 test --events && run 2 test --bogus rules/'
t "build --test: the pack passes its tests, then the outputs are written" '
	run 0 build --test -t spl -o "$tmp/out" --vars '"$vars"' rules/ &&
	[ -f "$tmp/out/spl/proc_creation_win_web_service_c2.spl" ] && ! grep -q FAIL "$tmp/stderr" ||
	{ cat "$tmp/stderr"; false; }'
t "build --test: a failing case writes nothing, reports the case and exits 1" '
	run 1 build --test -t kql -o "$tmp/none" --vars '"$vars"' "$tmp/control" &&
	[ ! -e "$tmp/none" ] &&
	grep -qF "proc_creation_win_web_service_c2.tests.yml:14:7: match" "$tmp/stderr"'
t "test: no test cases below the paths is an error" '
	run 1 test tests/constructs/ &&
	grep -qF "sigmacc: no test cases (RULE.tests.yml beside RULE.yml)" "$tmp/stderr"'
t "the example repository: its rules pass their test cases, as its CI job runs them" '
	run 0 test --diagnostics=github --vars examples/detection-as-code/rules/web_service.vars.yml \
		examples/detection-as-code/rules && grep -q "^PASS " "$tmp/stdout" && [ ! -s "$tmp/stderr" ]'
t "a tests file with rule: ID runs on that rule of a multi-rule file only" '
	run 0 test tests/eval/multi &&
	grep -q "^PASS .*(Second rule of the file): 2 cases" "$tmp/stdout" &&
	! grep -q "First rule" "$tmp/stdout"'
