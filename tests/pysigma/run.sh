#!/bin/sh
# run.sh SIGMACC [--update]: pySigma processing pipelines given to -p, against
# tests/pysigma/golden/. Each pipelines/NAME.yml maps transformations onto ours:
# the rules of rules/ converted with it for SPL, or the target a line
# '# target: T' names (golden NAME.txt). Each
# refused/NAME.yml is one the compiler must refuse with its position and
# reason (golden refused-NAME.txt). Run from the source root; prints TAP.
# --update rewrites the goldens.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
update=${2:-}
dir=tests/pysigma
tmp=$(mktemp -d)
. "$(dirname "$0")/../transcript.sh"
trap 'rm -rf "$tmp"' EXIT
export SIGMACC_TEMPLATES=templates	# no absolute path in a message
n=0
fail=0

# case_ GOLDEN ARGS...: sigmacc ARGS, its status, stdout and stderr against GOLDEN.
case_() {
	golden=$dir/golden/$1
	shift
	transcript "$@" > "$tmp/case"
	n=$((n + 1))
	if [ "$update" = --update ]; then
		cp "$tmp/case" "$golden"
		echo "ok $n - $golden (updated)"
	elif [ ! -f "$golden" ]; then
		fail=1
		echo "not ok $n - missing golden $golden"
	elif diff -u "$golden" "$tmp/case" > "$tmp/why"; then
		echo "ok $n - $golden"
	else
		fail=1
		echo "not ok $n - $golden"
		sed 's/^/#   /' "$tmp/why" | head -40
	fi
}

for p in "$dir"/pipelines/*.yml; do
	name=$(basename "$p" .yml)
	target=$(sed -n 's/^# target: //p' "$p")
	case_ "$name.txt" convert -t "${target:-spl}" -p "$p" "$dir/rules"
done
for p in "$dir"/refused/*.yml; do
	name=$(basename "$p" .yml)
	case_ "refused-$name.txt" convert -t kql -p "$p" "$dir/rules"
done
# One-to-many field_name_mapping on every target, with a negated search (rules-many);
# YARA-L's names are UDM paths.
for t in kql spl eql esql aql sumo yaral logscale; do
	p=mapping_many
	[ "$t" = yaral ] && p=mapping_many_udm
	case_ "mapping_many-$t.txt" convert -t "$t" -p "$dir/pipelines/$p.yml" "$dir/rules-many"
done
# Stacked pySigma files: the added conditions of one and the dropped items of the other.
case_ stacked-add-drop.txt convert -t kql -p "$dir/pipelines/add_condition.yml" \
	-p "$dir/pipelines/drop.yml" "$dir/rules"
# On top of a named pipeline and under a local overlay: -p stacks in order.
case_ stacked.txt convert -t kql -p defender_xdr -p "$dir/pipelines/prefix.yml" \
	-p "$dir/pipelines/scopes.yml" "$dir/rules"
# A refusal stops the run at load: no rule is compiled, whatever the other -p.
case_ refused-stacked.txt convert -t kql -p "$dir/pipelines/scopes.yml" \
	-p "$dir/refused/set_state.yml" "$dir/rules"

echo "1..$n"
exit $fail
