# lib.sh: shared helpers of the hostile-input tests (sourced; prints TAP).
# Each test builds in its own sandbox $box (rules/, generated/ = OUTDIR, victim/,
# outside/) below a temporary directory that is removed at exit.
# shellcheck disable=SC2034 # the variables are for the scripts that source this file
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp"	# readable by the unprivileged user of the read-only test
io=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp" "$io"' EXIT
n=0
vars=$src/rules/web_service.vars.yml
net=$src/rules/net_connection_win_web_service_c2.yml
proc=$src/rules/proc_creation_win_web_service_c2.yml

# sandbox: a fresh $box with rules/, victim/file and outside/; OUTDIR is $box/generated.
sandbox() {
	box=$tmp/$n
	out=$box/generated
	mkdir -p "$box/rules" "$box/victim" "$box/outside" && echo secret > "$box/victim/file"
}

# t DESCRIPTION FUNCTION: FUNCTION runs in a subshell in its sandbox and must exit 0.
t() {
	n=$((n + 1))
	sandbox
	(cd "$box" && "$2") >"$io/log" 2>&1 && echo "ok $n - $1" && return
	echo "not ok $n - $1"
	sed 's/^/#   /' "$io/log" | head -30
}

# expect STATUS COMMAND...: COMMAND must exit with STATUS within 60 s (a walk that loops
# fails instead of hanging the suite); its output is in $io/stdout and $io/stderr.
expect() {
	want_=$1
	shift
	timeout 60 "$@" >"$io/stdout" 2>"$io/stderr"
	got_=$?
	[ "$got_" = "$want_" ] && return
	echo "$*: exit status $got_, want $want_"
	cat "$io/stderr"
	return 1
}
# run STATUS ARGS...: sigmacc ARGS must exit with STATUS.
run() { want_=$1; shift; expect "$want_" "$bin" "$@"; }
has() { grep -qF -- "$2" "$1" || { echo "'$2' not found in:"; cat "$1"; return 1; }; }
hasnt() { ! grep -qF -- "$2" "$1" || { echo "'$2' found in:"; cat "$1"; return 1; }; }
# same FILE TEXT: FILE holds exactly TEXT (and a final newline).
same() { printf '%s\n' "$2" | cmp -s - "$1" || { echo "$1 is not:"; printf '%s\n' "$2"; echo "but:"; cat "$1"; return 1; }; }

# outside: every entry of the sandbox outside OUTDIR (type, size, inode, mtime, link).
outside() { (cd "$box" && find . -mindepth 1 -path ./generated -prune -o -printf '%p %y %s %i %T@ %l\n' | LC_ALL=C sort); }
# inside: the same for OUTDIR.
inside() { (cd "$out" && find . -printf '%p %y %s %i %T@ %l\n' | LC_ALL=C sort); }
# unchanged BEFORE AFTER: two snapshots are equal.
unchanged() { [ "$1" = "$2" ] || { echo "changed:"; printf '%s\n' "$1" > "$io/a"; printf '%s\n' "$2" > "$io/b"; diff "$io/a" "$io/b"; return 1; }; }
