#!/bin/sh
# correlations.sh SIGMACC [--update] [--kqlcheck KQLCHECK]: goldens of correlation
# rules, compiled with the T1102 pack's --vars. The first line of each
# tests/correlations/NAME.yml is '# targets: T1 T2 ...' (ir = the IR dump); a
# directory NAME.d (its files compiled together, so references cross files)
# lists them in NAME.d/targets. For each target the expected stdout, stderr and
# exit status are NAME.T.out. Run from the source root; prints TAP. --update
# rewrites them (review the diff). --kqlcheck also passes every KQL output that
# holds one query through the project's KQL checker.
set -u
bin=$1
shift
update=
kqlcheck=
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1 ;;
	--kqlcheck) kqlcheck=$2; shift ;;
	esac
	shift
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/kql"
n=0
fail=0
for rule in tests/correlations/*.yml tests/correlations/*.d; do
	case $rule in
	*.d) targets=$(cat "$rule/targets") ;;
	*) targets=$(sed -n '1s/^# targets: //p' "$rule") ;;
	esac
	name=${rule%.yml}
	name=${name%.d}
	for t in $targets; do
		n=$((n + 1))
		if [ "$t" = ir ]; then
			"$bin" ir --vars rules/web_service.vars.yml "$rule" >"$tmp/got" 2>&1
		else
			"$bin" convert -t "$t" --vars rules/web_service.vars.yml "$rule" \
				>"$tmp/out" 2>"$tmp/err"
			st=$?
			cat "$tmp/err" "$tmp/out" >"$tmp/got"
			# one query per file for the checker: several are separated by a blank line
			if [ "$t" = kql ] && [ $st = 0 ] && ! grep -q '^$' "$tmp/out"; then
				cp "$tmp/out" "$tmp/kql/$(basename "$name").kql"
			fi
			(exit $st)
		fi
		echo "exit $?" >>"$tmp/got"
		want=$name.$t.out
		[ -n "$update" ] && cp "$tmp/got" "$want"
		if cmp -s "$tmp/got" "$want"; then
			echo "ok $n - $rule ($t)"
		else
			echo "not ok $n - $rule ($t)"
			diff "$want" "$tmp/got" | head -20 | sed 's/^/#   /'
			fail=1
		fi
	done
done
# build: one output per correlation; files whose documents all feed a
# correlation elsewhere in the tree have none
n=$((n + 1))
"$bin" build -t spl -o "$tmp/build" tests/correlations/handmade.d >/dev/null 2>&1
got=$(cd "$tmp/build/spl" && ls | tr '\n' ' ')
if [ "$got" = "chain_outer.spl value_count_with_aliases.spl " ]; then
	echo "ok $n - build writes one output per correlation of handmade.d"
else
	echo "not ok $n - build outputs of handmade.d: $got"
	fail=1
fi
# hostile chains: 300 correlations deep, and 2^k uses through shared inner ones
n=$((n + 1))
base='title: base
name: c300
logsource: {product: windows, service: security}
detection: {s: {EventID: 1}, condition: s}'
{
	echo "$base"
	i=0
	while [ $i -lt 300 ]; do
		printf -- '---\ntitle: c%d\nname: c%d\ncorrelation: {type: event_count, rules: [c%d], ' \
			$i $i $((i + 1))
		echo 'timespan: 1m, condition: {gte: 1}}'
		i=$((i + 1))
	done
} >"$tmp/deep.yml"
"$bin" convert -t kql "$tmp/deep.yml" >/dev/null 2>"$tmp/err"
if [ $? = 1 ] && grep -q "^$tmp/deep.yml:[0-9]*:1: error: correlation chain nested deeper than 256, the limit" \
	"$tmp/err"; then
	echo "ok $n - a chain nested 300 deep is refused at the limit"
else
	echo "not ok $n - a chain nested 300 deep"
	sed 's/^/#   /' "$tmp/err" | head -5
	fail=1
fi
n=$((n + 1))
{
	echo "$base" | sed 's/name: c300/name: base/'
	i=0
	while [ $i -lt 12 ]; do
		for p in x y; do
			printf -- '---\ntitle: %s%d\nname: %s%d\ncorrelation: {type: event_count, ' $p $i $p $i
			printf 'rules: [%s], timespan: 1m, condition: {gte: 1}}\n' \
				"$([ $i -lt 11 ] && echo "x$((i + 1)), y$((i + 1))" || echo base)"
		done
		i=$((i + 1))
	done
} >"$tmp/wide.yml"
"$bin" convert -t kql "$tmp/wide.yml" >/dev/null 2>"$tmp/err"
if [ $? = 1 ] && grep -q "error: this correlation chain uses more than 256 correlations" "$tmp/err"; then
	echo "ok $n - a chain using 2^12 correlations is refused at the limit"
else
	echo "not ok $n - a chain using 2^12 correlations"
	sed 's/^/#   /' "$tmp/err" | head -5
	fail=1
fi

if [ -n "$kqlcheck" ]; then
	n=$((n + 1))
	count=$(ls "$tmp/kql" | wc -l)
	if [ "$count" -gt 0 ] && node "$kqlcheck" "$tmp"/kql/*.kql >"$tmp/check" 2>&1; then
		echo "ok $n - $count KQL correlation queries pass the KQL checker"
	else
		echo "not ok $n - KQL correlation queries through the KQL checker ($count)"
		sed 's/^/#   /' "$tmp/check"
		fail=1
	fi
fi
echo "1..$n"
exit $fail
