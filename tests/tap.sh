# shellcheck shell=sh
# tap.sh: helpers of the shell tests that print TAP (cli.sh, eval.sh), sourced after
# they set bin (the sigmacc binary) and tmp (a scratch directory); n counts the tests.
# shellcheck disable=SC2154 # bin and tmp are the sourcing script's
n=0

# t DESCRIPTION SCRIPT: SCRIPT runs in a subshell and must exit 0.
t() {
	n=$((n + 1))
	if (eval "$2") >"$tmp/log" 2>&1; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed 's/^/#   /' "$tmp/log" | head -20
	fi
}

# run STATUS ARGS...: sigmacc must exit with STATUS; output in $tmp/stdout, $tmp/stderr.
run() {
	want=$1
	shift
	"$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "sigmacc $*: exit status $got, want $want"
		cat "$tmp/stderr"
		return 1
	fi
}
has() { grep -qF -- "$2" "$1" || { echo "'$2' not found in:"; cat "$1"; return 1; }; }
hasnt() { ! grep -qF -- "$2" "$1" || { echo "'$2' found in:"; cat "$1"; return 1; }; }
