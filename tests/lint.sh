#!/bin/sh
# lint.sh SIGMACC [--update]: the golden tests of `sigmacc check`'s linter. Each case is
# tests/lint/CASE.yml (one file) or tests/lint/CASE/ (a tree: ids and titles across files),
# with optional extra arguments in tests/lint/CASE.args (lint configurations are
# tests/lint/*.config.yml, never cases). `sigmacc check -t spl ARGS CASE` must print
# exactly tests/golden/lint/CASE.err (standard error, then "exit N"). Run from the source
# root; prints TAP. With --update the expected files are rewritten: review with git diff.
set -u
bin=$1
update=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cases=$(cd tests/lint && ls | sed -n -e '/\.config\.yml$/d' -e '/\.args$/d' -e 's/\.yml$//p' \
	-e '/\./!p' | sort -u)
echo "1..$(echo "$cases" | wc -l)"
n=0
fail=0
for c in $cases; do
	n=$((n + 1))
	path=tests/lint/$c
	[ -d "$path" ] || path=$path.yml
	args=
	[ -f "tests/lint/$c.args" ] && args=$(cat "tests/lint/$c.args")
	# shellcheck disable=SC2086 # args is a word list
	"$bin" check -t spl $args "$path" >/dev/null 2>"$tmp/got"
	echo "exit $?" >>"$tmp/got"
	want=tests/golden/lint/$c.err
	if [ "$update" = --update ]; then
		cp "$tmp/got" "$want"
		echo "ok $n - $c (updated)"
	elif cmp -s "$tmp/got" "$want"; then
		echo "ok $n - $c"
	else
		echo "not ok $n - $c"
		diff "$want" "$tmp/got" 2>&1 | head -20 | sed 's/^/#   /'
		fail=1
	fi
done
exit $fail
