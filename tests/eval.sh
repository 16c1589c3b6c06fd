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
# and the T1102 correlation's, beside an edited stream
mkdir "$tmp/corrcontrol"
cp tests/correlations/t1102_web_service_domains.yml "$tmp/corrcontrol/"
cp tests/eval/corr_negative_control.tests.yml "$tmp/corrcontrol/t1102_web_service_domains.tests.yml"
# the number of cases in tests files: "N cases, 0 failed" must count them all
cases() { cat "$@" | grep -c '^    - reason:'; }

echo "1..24"
t "the T1102 pack: every case of every rule passes" '
	run 0 test --vars '"$vars"' rules/ && [ ! -s "$tmp/stderr" ] &&
	[ "$(grep -c "^PASS rules/" "$tmp/stdout")" = "$(ls rules/*.tests.yml | wc -l)" ] &&
	! grep -q "^FAIL" "$tmp/stdout"'
t "flag columns: searches and conditions over the detection, the flags each case expects" '
	run 0 test tests/constructs/flag_columns.yml &&
	grep -q "^PASS tests/constructs/flag_columns.yml (Construct: flag columns): 3 cases" "$tmp/stdout"'
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
	mkdir "$tmp/nocases" && cp tests/constructs/cased.yml tests/constructs/regex.yml "$tmp/nocases/" &&
	run 1 test "$tmp/nocases" &&
	grep -qF "sigmacc: no test cases (RULE.tests.yml beside RULE.yml)" "$tmp/stderr"'
t "the example repository: its rules pass their test cases, as its CI job runs them" '
	run 0 test --diagnostics=github --vars examples/detection-as-code/rules/web_service.vars.yml \
		examples/detection-as-code/rules && grep -q "^PASS " "$tmp/stdout" && [ ! -s "$tmp/stderr" ]'
t "a tests file with rule: ID runs on that rule of a multi-rule file only" '
	run 0 test tests/eval/multi &&
	grep -q "^PASS .*(Second rule of the file): 2 cases" "$tmp/stdout" &&
	! grep -q "First rule" "$tmp/stdout"'
t "correlations: the streams of every type pass (event_count to value_percentile, aliases, generate)" '
	run 0 test tests/eval/corr/ && [ ! -s "$tmp/stderr" ] &&
	[ "$(tail -n 1 "$tmp/stdout")" = "$(cases tests/eval/corr/*.tests.yml) cases, 0 failed" ] &&
	[ "$(grep -c "^PASS tests/eval/corr/values.yml" "$tmp/stdout")" = 4 ] &&
	grep -q "^PASS tests/eval/corr/temporal.yml (Failed logon): 2 cases" "$tmp/stdout" &&
	! grep -q "(Successful logon)" "$tmp/stdout"'
t "correlations: each stream case says which window decided it" '
	run 0 test --format json tests/eval/corr/event_count.yml &&
	has "$tmp/stdout" "\"why\": \"TargetUserName='"'alice'"': 3 events within 5m (event 2 at 2026-12-03T10:00:00Z to event 1 at 2026-12-03T10:04:00Z), condition >= 3\"" &&
	has "$tmp/stdout" "\"why\": \"no 5m window met the condition >= 3: the most was 2 events (TargetUserName='"'alice'"': event 1 at 2026-12-03T10:00:00Z to event 2 at 2026-12-03T10:02:00Z)\""'
t "the T1102 correlation: its positive and negative streams pass" '
	run 0 test --vars '"$vars"' tests/correlations/ && [ ! -s "$tmp/stderr" ] &&
	[ "$(tail -n 1 "$tmp/stdout")" = "$(cases tests/correlations/*.tests.yml) cases, 0 failed" ]'
t "the T1102 correlation: the edited stream fails with the window that came closest, exit 1" '
	cd "$tmp/corrcontrol" && run 1 test --vars '"$vars"' . &&
	same '"$root"'/tests/eval/corr_negative_control.out "$tmp/stdout"'
t "hunting: a correlation fires once per group, where its first window completes" '
	run 0 test --format json --vars '"$vars"' --events tests/eval/corr_hunt.ndjson \
		tests/correlations/t1102_web_service_domains.yml &&
	same tests/eval/corr_hunt.json "$tmp/stdout" &&
	has "$tmp/stderr" "corr_hunt.ndjson:6:1: warning: correlation " &&
	has "$tmp/stderr" "1 event matched its rules but could not be placed in time, and is not counted"'
t "--time-field: the time of a stream event from the field it names" '
	mkdir "$tmp/tf" && cp tests/eval/corr/event_count.yml "$tmp/tf/" &&
	sed "s/@timestamp/logged/" tests/eval/corr/event_count.tests.yml >"$tmp/tf/event_count.tests.yml" &&
	run 0 test --time-field logged "$tmp/tf" &&
	run 1 test "$tmp/tf" &&
	has "$tmp/stderr" "event_count.tests.yml:4:13: error: event 1 of the stream matches a rule of the correlation, but it has none of the time fields @timestamp, timestamp, UtcTime, TimeCreated, SystemTime" &&
	run 1 test --time-field when "$tmp/tf" && has "$tmp/stderr" "but it has no time field '"'when'"'"'
t "a stream event whose time is not a time is an error at the event" '
	mkdir "$tmp/bt" && cp tests/eval/corr/event_count.yml "$tmp/bt/" &&
	printf "match:\n  - reason: r\n    events:\n      - {EventID: 4625, TargetUserName: a, \"@timestamp\": yesterday}\n" \
		>"$tmp/bt/event_count.tests.yml" &&
	run 1 test "$tmp/bt" &&
	has "$tmp/stderr" "event_count.tests.yml:4:9: error: event 1 of the stream matches a rule of the correlation, but its time field @timestamp is '"'yesterday'"': neither ISO 8601 nor Unix time in seconds"'
t "a case that reaches nothing, and what the evaluator cannot run, are errors by name" '
	mkdir "$tmp/nr" && cp tests/eval/corr/event_count.yml "$tmp/nr/" &&
	printf "match:\n  - reason: r\n    event: {EventID: 4625}\n" >"$tmp/nr/event_count.tests.yml" &&
	run 1 test "$tmp/nr" &&
	has "$tmp/stderr" "event_count.tests.yml:2:5: error: this case is one event ('"'event'"'), but no rule of $tmp/nr/event_count.yml is tested alone" &&
	sed "/^---$/,\$d" tests/eval/corr/event_count.yml >"$tmp/nr/event_count.yml" &&
	printf "match:\n  - reason: r\n    events: [{EventID: 4625}]\n" >"$tmp/nr/event_count.tests.yml" &&
	run 1 test "$tmp/nr" &&
	has "$tmp/stderr" "event_count.tests.yml:2:5: error: this case is a stream of events ('"'events'"'), but no correlation of $tmp/nr/event_count.yml is tested" &&
	cp tests/eval/corr/event_count.yml "$tmp/nr/" &&
	printf "match:\n  - reason: r\n    rule: failed_logon\n    events: [{EventID: 4625}]\n" >"$tmp/nr/event_count.tests.yml" &&
	run 1 test "$tmp/nr" &&
	has "$tmp/stderr" "event_count.tests.yml:2:5: error: this case is a stream of events ('"'events'"'), but no correlation of $tmp/nr/event_count.yml named failed_logon is tested" &&
	sed "s/    type: event_count/    type: temporal/; s/    condition: {gte: 3}/    condition: failed_logon/" \
		tests/eval/corr/event_count.yml >"$tmp/nr/event_count.yml" &&
	run 1 test "$tmp/nr" &&
	has "$tmp/stderr" "error: correlation '"'Many failed logons for one account'"': the boolean condition of a temporal correlation ('"'failed_logon'"') is not evaluated"'
t "build --test: a correlation whose stream case fails writes nothing; with its own cases it builds" '
	run 1 build --test -t kql -o "$tmp/cnone" --vars '"$vars"' "$tmp/corrcontrol" &&
	[ ! -e "$tmp/cnone" ] && has "$tmp/stderr" "t1102_web_service_domains.tests.yml:5:7: match" &&
	mkdir "$tmp/cgood" && cp tests/correlations/t1102_web_service_domains.yml \
		tests/correlations/t1102_web_service_domains.tests.yml "$tmp/cgood/" &&
	run 0 build --test -t kql -o "$tmp/cout" --vars '"$vars"' "$tmp/cgood" &&
	[ -f "$tmp/cout/kql/t1102_web_service_domains.kql" ] || { ls -R "$tmp/cout"; false; }'
