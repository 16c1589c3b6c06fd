#!/bin/sh
# correlations.sh SIGMACC [--update]: goldens of correlation rules, compiled with
# the T1102 pack's --vars. The first line of each tests/correlations/NAME.yml is
# '# targets: T1 T2 ...' (ir = the IR dump); for each target the expected stdout, stderr and exit status are NAME.T.out. Run
# from the source root; prints TAP. --update rewrites them (review the diff).
set -u
bin=$1
update=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
for rule in tests/correlations/*.yml; do
	for t in $(sed -n '1s/^# targets: //p' "$rule"); do
		n=$((n + 1))
		if [ "$t" = ir ]; then
			"$bin" ir --vars rules/web_service.vars.yml "$rule" >"$tmp/got" 2>&1
		else
			"$bin" convert -t "$t" --vars rules/web_service.vars.yml "$rule" >"$tmp/got" 2>&1
		fi
		echo "exit $?" >>"$tmp/got"
		want=${rule%.yml}.$t.out
		[ "$update" = --update ] && cp "$tmp/got" "$want"
		if cmp -s "$tmp/got" "$want"; then
			echo "ok $n - $rule ($t)"
		else
			echo "not ok $n - $rule ($t)"
			diff "$want" "$tmp/got" | head -20 | sed 's/^/#   /'
			fail=1
		fi
	done
done
echo "1..$n"
exit $fail
