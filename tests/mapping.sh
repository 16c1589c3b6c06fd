#!/bin/sh
# mapping.sh SIGMACC [--update]: goldens of rules compiled with a non-default
# pipeline or format. Each tests/mapping/NAME.yml names its convert options in a
# first line '# args: ...'; its expected stdout and stderr are NAME.out. Run from the
# source root; prints TAP. --update rewrites the expected files (review the diff).
set -u
bin=$1
update=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -- tests/mapping/*.yml
echo "1..$#"
n=0
fail=0
for rule in "$@"; do
	n=$((n + 1))
	args=$(sed -n '1s/^# args: //p' "$rule")
	want=${rule%.yml}.out
	# shellcheck disable=SC2086 # the options are words
	"$bin" convert $args "$rule" >"$tmp/got" 2>&1
	echo "exit $?" >>"$tmp/got"
	if [ "$update" = --update ]; then
		cp "$tmp/got" "$want"
	fi
	if cmp -s "$tmp/got" "$want"; then
		echo "ok $n - $rule ($args)"
	else
		echo "not ok $n - $rule ($args)"
		diff "$want" "$tmp/got" | head -20 | sed 's/^/#   /'
		fail=1
	fi
done
exit $fail
