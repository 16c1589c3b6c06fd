#!/bin/sh
# fs.sh SIGMACC: `sigmacc build` against a hostile OUTDIR and rule tree: planted
# manifests and symbolic links, forged file names, concurrent and killed builds.
# Each test asserts the exact diagnostic, that nothing outside OUTDIR changed and
# that nothing sigmacc did not write was deleted. Run from the source root; TAP.
# shellcheck source=tests/hostile/lib.sh
. "$(dirname "$0")/lib.sh"

# build ARGS...: a build of OUTDIR with the T1102 value lists; runb STATUS ARGS...: the same with run.
build() { "$bin" build -o "$out" --vars "$vars" "$@"; }
runb() { want_=$1; shift; run "$want_" build -o "$out" --vars "$vars" "$@"; }
header='# Outputs written by sigmacc build; it removes them when their rule is gone.'
# same_manifest PATHS: the manifest tracks exactly these outputs (its records aside).
same_manifest() { grep -v '^#' "$out/.sigmacc-manifest" | cut -f1 > "$io/tracked"; same "$io/tracked" "$1"; }

manifest_climbing_out() {
	cp "$net" rules/ && build -t kql rules 2>/dev/null &&
	echo 'kql/../../victim/file' >> "$out/.sigmacc-manifest" &&
	echo "$box/victim/file" >> "$out/.sigmacc-manifest" &&
	before=$(outside) &&
	runb 0 -t kql rules &&
	same "$io/stderr" "$out/.sigmacc-manifest:5:1: warning: entry 'kql/../../victim/file' ignored: it has an empty, '.' or '..' component
$out/.sigmacc-manifest:6:1: warning: entry '$box/victim/file' ignored: it is an absolute path
sigmacc build: 0 written, 1 unchanged, 0 removed, 0 failed" &&
	unchanged "$before" "$(outside)" &&
	same_manifest "kql/net_connection_win_web_service_c2.kql"
}
t "manifest entries climbing out of OUTDIR are reported, never deleted, not carried forward" manifest_climbing_out

manifest_malformed() {
	mkdir -p "$out/kql" && echo mine > "$out/notes.md" && echo mine > "$out/kql/notes.md" &&
	printf '%s\n' "$header" 'kql//x.kql' './kql/x.kql' 'kql' 'notes.md' 'docs/x.kql' \
		'kql/notes.md' 'spl/x.kql' > "$out/.sigmacc-manifest" &&
	printf 'kql/a\rb.kql\nkql/x\033[2J.kql\n' >> "$out/.sigmacc-manifest" &&
	cp "$net" rules/ && before=$(outside) &&
	runb 0 -t kql rules &&
	same "$io/stderr" "$out/.sigmacc-manifest:2:1: warning: entry 'kql//x.kql' ignored: it has an empty, '.' or '..' component
$out/.sigmacc-manifest:3:1: warning: entry './kql/x.kql' ignored: it has an empty, '.' or '..' component
$out/.sigmacc-manifest:4:1: warning: entry 'kql' ignored: it is not below an output's directory
$out/.sigmacc-manifest:5:1: warning: entry 'notes.md' ignored: it is not below an output's directory
$out/.sigmacc-manifest:6:1: warning: entry 'docs/x.kql' ignored: it is not below an output's directory
$out/.sigmacc-manifest:7:1: warning: entry 'kql/notes.md' ignored: it does not end in .kql, the extension of this build's kql outputs
$out/.sigmacc-manifest:9:1: warning: entry 'kql/a\\x0db.kql' ignored: it contains a control character
$out/.sigmacc-manifest:10:1: warning: entry 'kql/x\\x1b[2J.kql' ignored: it contains a control character
sigmacc build: 1 written, 0 unchanged, 0 removed, 0 failed" &&
	unchanged "$before" "$(outside)" &&
	[ "$(cat "$out/notes.md" "$out/kql/notes.md")" = "mine
mine" ] &&
	same_manifest "kql/net_connection_win_web_service_c2.kql
spl/x.kql"
}
t "malformed manifest entries are reported with their line; another target's entry is carried" manifest_malformed

check_tampered_manifest() {
	cp "$net" rules/ && build -t kql rules 2>/dev/null &&
	echo 'kql/../../victim/file' >> "$out/.sigmacc-manifest" &&
	before=$(outside) && inner=$(inside) &&
	runb 1 --check -t kql rules &&
	has "$io/stderr" "$out/.sigmacc-manifest:5:1: warning: entry 'kql/../../victim/file' ignored" &&
	unchanged "$before" "$(outside)" && unchanged "$inner" "$(inside)"
}
t "build --check fails on a tampered manifest and writes nothing" check_tampered_manifest

linked_target_dir() {
	cp "$net" rules/ && mkdir -p "$out" && ln -s ../outside "$out/spl" &&
	before=$(outside) &&
	runb 1 -t kql,spl rules &&
	same "$io/stderr" "sigmacc: $out/spl: is a symbolic link; sigmacc does not follow links inside OUTDIR
sigmacc build: 1 written, 0 unchanged, 0 removed, 1 failed" &&
	unchanged "$before" "$(outside)" && [ -L "$out/spl" ] &&
	same_manifest "kql/net_connection_win_web_service_c2.kql" &&
	runb 1 --check -t spl rules &&
	has "$io/stderr" "sigmacc: $out/spl: is a symbolic link; sigmacc does not follow links inside OUTDIR"
}
t "a symbolic link to a directory inside OUTDIR is an error naming it; nothing written through it" linked_target_dir

linked_output() {
	cp "$net" rules/ && mkdir -p "$out/kql" &&
	ln -s ../../victim/file "$out/kql/net_connection_win_web_service_c2.kql" &&
	ln -s ../../victim/file "$out/kql/net_connection_win_web_service_c2.kql.tmp" &&
	before=$(outside) && inner=$(inside) &&
	runb 1 -t kql rules &&
	same "$io/stderr" "sigmacc: $out/kql/net_connection_win_web_service_c2.kql: is a symbolic link; sigmacc does not follow links inside OUTDIR
sigmacc build: 0 written, 0 unchanged, 0 removed, 1 failed" &&
	unchanged "$before" "$(outside)" && [ "$(cat "$box/victim/file")" = secret ] &&
	[ -L "$out/kql/net_connection_win_web_service_c2.kql" ] &&
	[ -L "$out/kql/net_connection_win_web_service_c2.kql.tmp" ]
}
t "a symbolic link planted as an output (or as an old-style .tmp) is never written through" linked_output

linked_own_files() {
	cp "$net" rules/ && mkdir -p "$out" &&
	for f in .sigmacc-manifest .sigmacc-lock .sigmacc-tmp .sigmacc-pending; do
		rm -f "$out/$f" && ln -s ../victim/file "$out/$f" && before=$(outside) &&
		runb 1 -t kql rules &&
		same "$io/stderr" "sigmacc: $out/$f: is a symbolic link; sigmacc does not follow links inside OUTDIR" &&
		unchanged "$before" "$(outside)" && [ -L "$out/$f" ] && rm "$out/$f" || return 1
	done
	ln -s ../outside "$out/.sigmacc-tmp" && before=$(outside) &&
	runb 1 -t kql rules && unchanged "$before" "$(outside)"
}
t "a link planted as the manifest, the lock or the temporary directory is an error naming it" linked_own_files

orphan_behind_link() {
	cp "$net" rules/ && build -t kql rules 2>/dev/null && rm "$out/kql/net_connection_win_web_service_c2.kql" &&
	ln -s ../../victim/file "$out/kql/net_connection_win_web_service_c2.kql" &&
	rm rules/*.yml && before=$(outside) &&
	runb 1 -t kql rules &&
	same "$io/stderr" "sigmacc: $out/kql/net_connection_win_web_service_c2.kql: is a symbolic link; not removed
sigmacc build: 0 written, 0 unchanged, 0 removed, 1 failed" &&
	unchanged "$before" "$(outside)" && has "$out/.sigmacc-manifest" "kql/net_connection_win_web_service_c2.kql"
}
t "an orphaned output replaced by a link is not removed and stays tracked" orphan_behind_link

forged_rule_name() {
	mkdir "rules/x
kql" && cp "$net" rules/ && cp "$net" "rules/x
kql/notes.md
z.yml" && mkdir -p "$out/kql" && echo mine > "$out/kql/notes.md" && before=$(outside) &&
	runb 1 -t kql rules &&
	same "$io/stderr" "sigmacc: rules/x\\nkql: error: file name contains a control character; refused
sigmacc build: 1 written, 0 unchanged, 0 removed, 1 failed" &&
	same_manifest "kql/net_connection_win_web_service_c2.kql" &&
	runb 1 -t kql rules && has "$out/kql/notes.md" mine && unchanged "$before" "$(outside)" &&
	runb 1 -t kql "rules/x
kql/notes.md
z.yml" && has "$io/stderr" "sigmacc: rules/x\\nkql/notes.md\\nz.yml: error: file name contains a control character; refused"
}
t "a rule file named with newlines is refused and cannot forge manifest lines" forged_rule_name

# The lock is held by flock(1) until $io/release exists (at most 60 s, so a failing
# test never leaves it behind).
# shellcheck disable=SC2016 # the holder's script has its own $1 and $2
lock_waits() {
	rm -f "$io/held" "$io/release" && cp "$net" rules/ && mkdir -p "$out" &&
	{ flock "$out/.sigmacc-lock" timeout 60 sh -c \
		'echo held > "$1"; while [ ! -e "$2" ]; do sleep 0.1; done' sh "$io/held" "$io/release" & } &&
	lock_waiters
	st=$?
	touch "$io/release"
	return $st
}
lock_waiters() {
	i=0 && while [ ! -s "$io/held" ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done &&
	{ "$bin" build -t kql -o "$out" --vars "$vars" rules > /dev/null 2> "$io/second" & pid=$!; } &&
	i=0 && while ! grep -q waiting "$io/second" && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done &&
	same "$io/second" "sigmacc: $out: waiting for another sigmacc build of this directory to finish" &&
	[ ! -e "$out/kql" ] && [ ! -e "$out/.sigmacc-manifest" ] &&
	{ "$bin" build --check -t kql -o "$out" --vars "$vars" rules > "$io/check" 2> "$io/third" & cpid=$!; } &&
	i=0 && while ! grep -q waiting "$io/third" && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done &&
	same "$io/third" "sigmacc: $out: waiting for another sigmacc build of this directory to finish" &&
	touch "$io/release" && wait "$pid" &&
	has "$io/second" "sigmacc build: 1 written, 0 unchanged, 0 removed, 0 failed" &&
	[ -f "$out/kql/net_connection_win_web_service_c2.kql" ] &&
	{ wait "$cpid" || has "$io/check" "missing: $out/kql/net_connection_win_web_service_c2.kql"; }
}
t "a second build (or --check) of one OUTDIR waits for the lock, with a message, then runs" lock_waits

concurrent_builds() {
	cp "$net" "$proc" rules/ && before=$(outside) &&
	{ build -t kql rules 2> "$io/kql" & a=$!; } && { build -t spl rules 2> "$io/spl" & b=$!; } &&
	wait "$a" && wait "$b" &&
	same_manifest "kql/net_connection_win_web_service_c2.kql
kql/proc_creation_win_web_service_c2.kql
spl/net_connection_win_web_service_c2.spl
spl/proc_creation_win_web_service_c2.spl" &&
	[ ! -e "$out/.sigmacc-tmp" ] && unchanged "$before" "$(outside)" &&
	runb 0 --check -t kql,spl rules
}
t "two builds of different targets run together and leave a manifest with both" concurrent_builds

read_only_outdir() {
	cp "$net" rules/ && build -t kql,spl rules 2>/dev/null && inner=$(inside) &&
	chmod -R a-w "$out" && chmod -R a+rX "$box" &&
	as="" && run_bin=$bin && run_vars=$vars &&
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		as="setpriv --reuid=65534 --regid=65534 --clear-groups"	# root ignores a-w
		# the unprivileged user may not reach the checkout (a clone below a private
		# directory): give it a copy of the binary, its data and the value list
		mkdir -p "$box/bin" && cp "$bin" "$box/bin/sigmacc" && cp -R "$src/templates" "$box/" &&
		cp "$vars" "$box/web_service.vars.yml" && chmod -R a+rX "$box/bin" "$box/templates" \
			"$box/web_service.vars.yml" &&
		run_bin=$box/bin/sigmacc && run_vars=$box/web_service.vars.yml
	fi &&
	$as "$run_bin" build -t kql,spl -o "$out" --vars "$run_vars" rules > "$io/stdout" 2> "$io/stderr" &&
	same "$io/stderr" "sigmacc build: 0 written, 2 unchanged, 0 removed, 0 failed" &&
	unchanged "$inner" "$(inside)"
}
t "a read-only OUTDIR whose outputs are up to date builds with success and is not touched" read_only_outdir

# ulimit -f counts 512-byte blocks: 5,632 bytes lie between the KQL of the two rules
file_size_limit() {
	cp "$net" "$proc" rules/ &&
	! (ulimit -f 11; exec "$bin" build -t kql -o "$out" --vars "$vars" rules) > /dev/null 2> "$io/stderr" &&
	same "$io/stderr" "sigmacc: $out/kql/proc_creation_win_web_service_c2.kql: cannot write: File too large
sigmacc build: 1 written, 0 unchanged, 0 removed, 1 failed" &&
	same_manifest "kql/net_connection_win_web_service_c2.kql" &&
	[ ! -e "$out/.sigmacc-tmp" ] && [ ! -e "$out/kql/proc_creation_win_web_service_c2.kql" ] &&
	rm rules/*.yml && runb 1 --check -t kql rules &&
	same "$io/stdout" "orphaned: $out/kql/net_connection_win_web_service_c2.kql"
}
t "disk full (file size limit): the failed output is not placed, the written one is tracked" file_size_limit

# every file below the targets' directories is in the manifest, or in the list of
# outputs a build named before its manifest tracked them
all_tracked() {
	(cd "$out" && find kql spl eql aql sumo yaral logscale -type f 2>/dev/null) | LC_ALL=C sort > "$io/files"
	cat "$out/.sigmacc-manifest" "$out/.sigmacc-pending" 2>/dev/null | grep -v '^#' | cut -f1 |
		LC_ALL=C sort -u > "$io/tracked"
	LC_ALL=C comm -23 "$io/files" "$io/tracked" > "$io/untracked"
	[ ! -s "$io/untracked" ] || { echo "untracked after a kill:"; cat "$io/untracked"; return 1; }
}

killed_builds() {
	mkdir -p rules/a rules/b && for i in $(seq 40); do cp "$net" "rules/a/n$i.yml"; cp "$proc" "rules/b/p$i.yml"; done &&
	# killed after a delay, or the moment the first output directory appears (while outputs
	# are being renamed into place)
	for when in 0.3 0.6 0.9 1.2 1.5 2 3 output output output; do
		rm -rf "$out"
		{ "$bin" build -o "$out" --vars "$vars" rules > /dev/null 2>&1 & pid=$!; } &&
		if [ $when = output ]; then
			while [ ! -e "$out/kql" ] && kill -0 $pid 2>/dev/null; do :; done
		else
			sleep $when
		fi
		kill -KILL $pid 2>/dev/null; wait "$pid"
		all_tracked || { echo "killed at $when"; return 1; }
	done
	mkdir -p "$out" && rm -r rules/a rules/b && before=$(outside) &&
	"$bin" build --check -o "$out" --vars "$vars" rules > "$io/check" 2>/dev/null
	sed "s|^orphaned: $out/||" "$io/check" | LC_ALL=C sort > "$io/orphans" &&
	(cd "$out" && find kql spl eql aql sumo yaral logscale -type f 2>/dev/null) | LC_ALL=C sort > "$io/files" &&
	LC_ALL=C comm -23 "$io/files" "$io/orphans" > "$io/unreported" && [ ! -s "$io/unreported" ] &&
	runb 0 rules && [ -z "$(cd "$out" && find kql spl eql aql sumo yaral logscale -type f 2>/dev/null)" ] &&
	[ ! -e "$out/.sigmacc-tmp" ] && unchanged "$before" "$(outside)"
}
t "a build killed (SIGKILL) at any point leaves every output tracked; the next build removes them" killed_builds

# shellcheck disable=SC2015 # any failure, in the kill or after it, fails the test
temporaries_removed() {
	mkdir -p "$out/.sigmacc-tmp" && echo x > "$out/.sigmacc-tmp/123-4" && echo mine > "$out/.sigmacc-tmp/keep" &&
	cp "$net" rules/ && runb 0 -t kql rules &&
	[ ! -e "$out/.sigmacc-tmp/123-4" ] && has "$out/.sigmacc-tmp/keep" mine &&
	rm "$out/.sigmacc-tmp/keep" && runb 0 -t kql rules && [ ! -e "$out/.sigmacc-tmp" ] &&
	for i in $(seq 150); do cp "$net" "rules/n$i.yml"; done &&
	for pair in TERM=143 INT=130 HUP=129; do
		# every output holding other bytes: the build replaces them, staged
		sig=${pair%=*} && rm -rf "$out" && runb 1 rules &&
		for f in "$out"/kql/*.kql; do echo x > "$f"; done &&
		# a background job starts with SIGINT ignored; sigmacc keeps an ignored signal ignored
		{ env --default-signal=INT "$bin" build -o "$out" --vars "$vars" rules > /dev/null 2>&1 & pid=$!; } &&
		i=0 && while [ -z "$(ls "$out/.sigmacc-tmp" 2>/dev/null)" ] && [ "$i" -lt 600 ]; do
			sleep 0.05; i=$((i + 1))
		done &&
		[ -n "$(ls "$out/.sigmacc-tmp")" ] && kill -"$sig" "$pid" && { wait "$pid"; [ $? = "${pair#*=}" ]; } &&
		[ ! -e "$out/.sigmacc-tmp" ] && all_tracked || { echo "after SIG$sig"; return 1; }
	done
}
t "temporaries a killed build left are removed by the next; SIGTERM, SIGINT, SIGHUP remove its own" temporaries_removed

# shellcheck disable=SC2046 # twenty times the two words -p defender_xdr
many_targets() {
	cp "$net" rules/ &&
	runb 0 -t "$(printf 'kql,%.0s' $(seq 20))spl" rules &&
	same "$io/stderr" "sigmacc build: 2 written, 0 unchanged, 0 removed, 0 failed" &&
	run 0 convert -t kql $(for i in $(seq 20); do printf -- '-p defender_xdr '; done) --vars "$vars" "$net" &&
	has "$io/stdout" DeviceNetworkEvents &&
	runb 2 -t kql,nosuch rules && has "$io/stderr" "unknown target 'nosuch'"
}
t "any number of -t targets and -p pipelines works" many_targets

echo "1..$n"
