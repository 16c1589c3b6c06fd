#!/bin/sh
# identical.sh SIGMACC DIGESTS [--update]: `sigmacc build` of the whole corpus
# for every target with each of its shipped pipelines and formats; the output
# tree (names and bytes; not the manifest, which records hashes of the pipeline
# and template files themselves), the messages and the exit status
# are hashed per combination and compared with the stored digests. Refactoring
# the backends must keep every line of DIGESTS; a commit that changes one names
# the bug it fixes. The corpus is $SIGMACC_CORPUS; without one the test is
# skipped (exit 77). The corpus is passed as `.`, so the digests do not depend
# on where it lives.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
digests=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
update=${3:-}
corpus=${SIGMACC_CORPUS:-}
if [ -z "$corpus" ] || [ ! -d "$corpus" ]; then
	echo "identical: no corpus (set SIGMACC_CORPUS): skipped"
	exit 77
fi
# build fsyncs every file it writes: on a tmpfs that costs nothing, on a disk
# it turns a second's work into minutes
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
tmp=$(mktemp -d "$shm/identical.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$corpus" || exit 1

# one line per target, pipeline and format, from the binary's own lists
"$bin" list targets | while read -r t _; do
	"$bin" list pipelines | awk -v t="$t" '$2 == t { print $1 }' | while read -r p; do
		"$bin" list formats "$t" | awk '{ print $2 }' | while read -r f; do
			echo "$t $p $f"
		done
	done
done >"$tmp/combos"
[ -s "$tmp/combos" ] || { echo "identical: no target listed"; exit 1; }

while read -r t p f; do
	rm -rf "$tmp/o"
	o=	# a format's option only the user knows
	[ "$f" = ngsiem-correlation-rule ] && o="-O ngsiem-cid=0123456789abcdef0123456789abcdef"
	# shellcheck disable=SC2086
	"$bin" build -t "$t" -p "$p" -f "$f" $o -o "$tmp/o" . >"$tmp/msg" 2>&1
	echo "rc=$?" >>"$tmp/msg"
	sum=$( (cd "$tmp/o" && find . -type f ! -name .sigmacc-lock ! -name .sigmacc-manifest | LC_ALL=C sort |
		xargs -d '\n' sha256sum; cat "$tmp/msg") | sha256sum | cut -d' ' -f1)
	echo "$t $p $f $sum"
done <"$tmp/combos" >"$tmp/now"

if [ "$update" = --update ]; then
	cp "$tmp/now" "$digests"
	echo "identical: wrote $digests"
	exit 0
fi
if ! diff "$digests" "$tmp/now" >"$tmp/diff"; then
	echo "identical: the corpus output changed (< stored, > now):"
	cat "$tmp/diff"
	exit 1
fi
echo "identical: $(wc -l <"$digests") combinations byte-identical"
