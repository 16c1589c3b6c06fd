# shellcheck shell=sh
# transcript.sh: sourced by the golden CLI tests (cli/golden.sh, pysigma/run.sh) after
# they set bin (the sigmacc binary) and tmp (a scratch directory).
# shellcheck disable=SC2154 # bin and tmp are the sourcing script's

# transcript ARGS...: runs sigmacc ARGS and prints the command, its exit status, its
# standard output and its standard error, the form their goldens hold.
transcript() {
	"$bin" "$@" > "$tmp/out" 2> "$tmp/err"
	status=$?
	echo "\$ sigmacc $*"
	echo "[exit $status]"
	echo "--- stdout"
	cat "$tmp/out"
	echo "--- stderr"
	cat "$tmp/err"
}
