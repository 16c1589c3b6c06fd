#!/bin/sh
# filters.sh SIGMACC [--update]: goldens of meta filters. Each tests/filters/NAME/
# holds filter/ (given with --filter) and rules/, and lists its targets in
# NAME/targets (ir = the IR dump); NAME.T.out is the expected stderr, stdout
# and exit status. tests/filters/tree/rules is a rules tree with a filters/
# folder: its IR, and its build for spl (the list and text of the outputs).
# Run from the source root; prints TAP. --update rewrites the goldens.
set -u
bin=$1
update=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

check() {	# check NAME GOLDEN: compares $tmp/got with GOLDEN
	n=$((n + 1))
	[ "$update" = --update ] && cp "$tmp/got" "$2"
	if cmp -s "$tmp/got" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		diff "$2" "$tmp/got" | head -20 | sed 's/^/#   /'
		fail=1
	fi
}

for dir in tests/filters/*/; do
	dir=${dir%/}
	[ -f "$dir/targets" ] || continue
	for t in $(cat "$dir/targets"); do
		if [ "$t" = ir ]; then
			"$bin" ir --filter "$dir/filter" "$dir/rules" >"$tmp/out" 2>"$tmp/err"
		else
			"$bin" convert -t "$t" --filter "$dir/filter" "$dir/rules" \
				>"$tmp/out" 2>"$tmp/err"
		fi
		st=$?
		cat "$tmp/err" "$tmp/out" >"$tmp/got"
		echo "exit $st" >>"$tmp/got"
		check "$dir ($t)" "$dir.$t.out"
	done
done

# ir of a tree: its filters/ folder applies, and is not compiled as rules
"$bin" ir tests/filters/tree/rules >"$tmp/out" 2>"$tmp/err"
st=$?
cat "$tmp/err" "$tmp/out" >"$tmp/got"
echo "exit $st" >>"$tmp/got"
check "ir of tests/filters/tree/rules" tests/filters/tree.ir.out

# build: the filters/ folder applies to the tree and is not compiled as rules
"$bin" build -t spl -o "$tmp/build" tests/filters/tree/rules >"$tmp/out" 2>"$tmp/err"
st=$?
{
	cat "$tmp/err"
	(cd "$tmp/build" && find spl -type f | sort)
	cat "$tmp/build"/spl/*.spl
	echo "exit $st"
} >"$tmp/got"
check "build of tests/filters/tree/rules (spl)" tests/filters/tree.build.out
echo "1..$n"
exit $fail
