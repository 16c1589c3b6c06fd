#!/bin/sh
# walk.sh SIGMACC: the rules walk against a hostile rule tree: links to secrets,
# to devices and to themselves, FIFOs, oversized files and control characters in
# names. Each test asserts the exact diagnostic and that no byte of a file outside
# PATH reaches the output. Run from the source root; prints TAP.
# shellcheck source=tests/hostile/lib.sh
. "$(dirname "$0")/lib.sh"

# checkk STATUS ARGS...: `check -t kql` with the T1102 value lists; the linter's summary
# line is dropped from $io/stderr (these tests are about the walk).
checkk() {
	want_=$1
	shift
	run "$want_" check -t kql --vars "$vars" "$@" || return 1
	grep -v '^sigmacc: lint: ' "$io/stderr" > "$io/stderr.walk"
	mv "$io/stderr.walk" "$io/stderr"
}
skipped='warning: symbolic link skipped (--follow-symlinks follows links that stay inside PATH)'
one='sigmacc: check for kql: 1 rule(s), 0 failed'

links_to_secrets() {
	export SIGMACC_TEST_SECRET=hunter2-token	# in the environment of sigmacc
	cp "$net" rules/ && ln -s /proc/self/environ rules/env.yml && ln -s ../victim/file rules/token.yml &&
	ln -s .. rules/up &&
	checkk 0 rules &&
	same "$io/stderr" "sigmacc: rules/env.yml: $skipped
sigmacc: rules/token.yml: $skipped
sigmacc: rules/up: $skipped
$one" && hasnt "$io/stderr" hunter2 &&
	checkk 0 --follow-symlinks rules &&
	same "$io/stderr" "sigmacc: rules/env.yml: warning: symbolic link to outside PATH skipped
sigmacc: rules/token.yml: warning: symbolic link to outside PATH skipped
sigmacc: rules/up: warning: symbolic link to outside PATH skipped
$one" && hasnt "$io/stderr" hunter2 && hasnt "$io/stderr" secret
}
t "links to /proc/self/environ and files outside PATH are never read, followed or not" links_to_secrets

link_loops() {
	cp "$net" rules/ && ln -s . rules/a && ln -s . rules/b && ln -s ../.. rules/c &&
	checkk 0 rules &&
	same "$io/stderr" "sigmacc: rules/a: $skipped
sigmacc: rules/b: $skipped
sigmacc: rules/c: $skipped
$one" &&
	checkk 0 --follow-symlinks rules &&
	same "$io/stderr" "sigmacc: rules/a: warning: directory already walked (a loop or a second link to it); skipped
sigmacc: rules/b: warning: directory already walked (a loop or a second link to it); skipped
sigmacc: rules/c: warning: symbolic link to outside PATH skipped
$one"
}
t "rules/a -> . and rules/b -> . cannot loop the walk" link_loops

link_ladder() {
	# d0/{l1,l2} -> d1, d1/{l1,l2} -> d2, ...: 2^30 paths if links were walked per path
	mkdir rules/d0 && cp "$net" rules/d0/ && i=0 &&
	while [ "$i" -lt 30 ]; do
		mkdir "rules/d$((i + 1))" && ln -s "../d$((i + 1))" "rules/d$i/l1" &&
		ln -s "../d$((i + 1))" "rules/d$i/l2" && i=$((i + 1)) || return 1
	done &&
	checkk 0 --follow-symlinks rules && has "$io/stderr" "$one"
}
t "a ladder of links to directories walks each directory once (by device and inode)" link_ladder

special_files() {
	cp "$net" rules/ && ln -s /dev/zero rules/zero.yml && mkfifo rules/fifo.yml &&
	checkk 0 rules &&
	same "$io/stderr" "sigmacc: rules/fifo.yml: warning: not a regular file; skipped
sigmacc: rules/zero.yml: $skipped
$one" &&
	checkk 0 --follow-symlinks rules &&
	same "$io/stderr" "sigmacc: rules/fifo.yml: warning: not a regular file; skipped
sigmacc: rules/zero.yml: warning: symbolic link to outside PATH skipped
$one" &&
	checkk 1 rules/fifo.yml && has "$io/stderr" "rules/fifo.yml: error: cannot read file: not a regular file" &&
	checkk 1 /dev/zero && has "$io/stderr" "/dev/zero: error: cannot read file: not a regular file"
}
t "FIFOs and devices are never read: skipped in a walk, refused as a PATH" special_files

size_cap() {
	cp "$net" rules/big.yml && head -c 5000000 /dev/zero | tr '\0' '#' >> rules/big.yml &&
	checkk 1 rules &&
	same "$io/stderr" "rules/big.yml: error: cannot read file: file is larger than the limit of 4194304 bytes (--max-rule-size)
sigmacc: check for kql: 1 rule(s), 1 failed" &&
	checkk 0 --max-rule-size 6000000 rules && same "$io/stderr" "$one" &&
	run 1 convert -t spl --max-rule-size 600 "$src/tests/constructs/condition_forms.yml" &&
	same "$io/stderr" "$src/tests/constructs/condition_forms.yml: error: cannot read file: file is larger than the limit of 600 bytes (--max-rule-size)" &&
	checkk 2 --max-rule-size 1900 "$net" &&
	same "$io/stderr" "sigmacc: $vars: cannot read file: file is larger than the limit of 1900 bytes (--max-rule-size)" &&
	for bad in 0 -1 4k 268435457 ''; do
		checkk 2 --max-rule-size "$bad" "$net" &&
		same "$io/stderr" "sigmacc: --max-rule-size takes a number of bytes from 1 to 268435456, not '$bad'
Try 'sigmacc --help'." || return 1
	done
}
t "a file above --max-rule-size (default 4 MiB) is refused naming the limit" size_cap

follow_inside() {
	mkdir rules/real && cp "$net" rules/real/x.yml && ln -s real/x.yml rules/linked.yml &&
	ln -s real rules/zlink &&
	run 0 build -t kql -o "$box/generated" --vars "$vars" --follow-symlinks rules &&
	same "$io/stderr" "sigmacc: rules/zlink: warning: directory already walked (a loop or a second link to it); skipped
sigmacc build: 2 written, 0 unchanged, 0 removed, 0 failed" &&
	[ -f generated/kql/linked.kql ] && cmp generated/kql/linked.kql generated/kql/real/x.kql &&
	run 0 build -t kql -o "$box/generated" --vars "$vars" rules &&
	same "$io/stderr" "sigmacc: rules/linked.yml: $skipped
sigmacc: rules/zlink: $skipped
sigmacc build: 0 written, 1 unchanged, 1 removed, 0 failed"
}
t "--follow-symlinks follows links that stay inside PATH" follow_inside

control_names() {
	cp "$net" rules/ && cp "$net" "rules/a	b.yml" && echo x > "rules/notes
.txt" && cp "$net" "rules/ok
.vars.yml" &&
	checkk 1 rules &&
	same "$io/stderr" "sigmacc: rules/a\\x09b.yml: error: file name contains a control character; refused
$one"
}
t "rule file names with control characters are refused, shown escaped" control_names

said_once() {
	cp "$proc" rules/ && ln -s ../victim/file rules/token.yml &&
	run 0 check --vars "$vars" rules &&
	[ "$(grep -c 'symbolic link skipped' "$io/stderr")" = 1 ] &&
	[ "$(grep -c '^sigmacc: check for ' "$io/stderr")" = "$("$bin" list targets | wc -l)" ]
}
t "check of every target says once what the walk skipped" said_once

echo "1..$n"
