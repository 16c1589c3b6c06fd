#!/bin/sh
# install.sh BUILDDIR SIGMACC PREFIX BINDIR: `meson install` into a temporary
# directory, move the installed prefix somewhere else, and use it from there:
# the binary must find its data relative to itself, not through the build.
# Also: the overrides, a missing data directory, the man page and the bash
# completion against the binary's own help. Run from the source root; prints TAP.
set -u
build=$(cd "$1" && pwd)
bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
prefix=$3
bindir=$4
src=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset SIGMACC_TEMPLATES SIGMACC_DATADIR
n=0
vars=$src/rules/web_service.vars.yml
rule=$src/rules/proc_creation_win_web_service_c2.yml
# the one target list, in its order
targets=$(sed -n "s/^TARGET(\([a-z0-9_]*\),.*/\1/p" "$src/backends/targets.def" | tr "\n" " ")
targets=${targets% }
ntargets=$(echo $targets | wc -w)

# t DESCRIPTION SCRIPT: SCRIPT runs in a subshell, in $tmp, and must exit 0.
t() {
	n=$((n + 1))
	if (cd "$tmp" && eval "$2") >"$tmp/log" 2>&1; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed 's/^/#   /' "$tmp/log" | head -20
	fi
}
has() { grep -qF -- "$2" "$1" || { echo "'$2' not found in $1:"; cat "$1"; return 1; }; }

echo "1..13"
t "meson install into a staging directory" '
	meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/stage" &&
	mv "$tmp/stage$prefix" "$tmp/moved" && rm -rf "$tmp/stage"'
moved=$tmp/moved
inst=$moved/$bindir/sigmacc
data=$moved/share/sigmacc
t "the prefix holds binary, pipelines, formats, man page and completion" '
	[ -x "$inst" ] && [ -f "$data/pipelines/defender_xdr.yml" ] &&
	[ -f "$data/formats/kql/sentinel-rule.yml" ] && [ -f "$moved/share/man/man1/sigmacc.1" ] &&
	[ -f "$moved/share/bash-completion/completions/sigmacc" ]'
t "no build or checkout path is compiled into the binary (debug info aside)" '
	objcopy -O binary --only-section=.rodata "$inst" rodata && [ -s rodata ] &&
	! grep -qF "$src" rodata && ! grep -qF "$build" rodata'
t "--version from the moved prefix" '
	"$inst" --version >out && grep -qx "sigmacc [0-9][0-9.]*" out'
t "list pipelines reads the moved data directory" '
	sed "s/^name: falcon$/name: moved_marker/" "$data/pipelines/falcon.yml" \
		>"$data/pipelines/moved_marker.yml" &&
	"$inst" list pipelines >out && has out "defender_xdr" && has out "moved_marker"'
t "convert for every target from the moved prefix, as the build does" '
	"$inst" list targets | cut -d" " -f1 >targets && [ "$(wc -l <targets)" = "$ntargets" ] &&
	for target in $(cat targets); do
		"$inst" convert -t $target --vars "$vars" "$rule" >moved.out &&
		"$bin" convert -t $target --vars "$vars" "$rule" >build.out &&
		[ -s moved.out ] && cmp moved.out build.out || { echo "target $target"; exit 1; }
	done'
t "a native format and check (with the ATT&CK table) from the moved prefix" '
	"$inst" convert -t kql -f sentinel-rule --vars "$vars" "$rule" >out &&
	has out "query: |" && [ -f "$data/attack/enterprise.yml" ] &&
	"$inst" check --vars "$vars" "$rule" 2>err && ! grep -q "error:" err'
t "--templates and SIGMACC_TEMPLATES/SIGMACC_DATADIR override the data directory" '
	mkdir -p alt/pipelines && cp "$data/pipelines/falcon.yml" alt/pipelines/ &&
	"$inst" convert -t logscale --templates alt --vars "$vars" "$rule" >out &&
	"$inst" convert -t kql --templates alt --vars "$vars" "$rule" >out 2>err; [ $? = 2 ] &&
	has err "nor a pipeline in alt/pipelines" &&
	SIGMACC_TEMPLATES=$tmp/alt "$inst" list pipelines >out && ! grep -q defender_xdr out &&
	SIGMACC_DATADIR=$tmp/alt "$inst" list pipelines >out && has out falcon &&
	! grep -q defender_xdr out'
t "without data: list pipelines says where it looked, list targets works, no crash" '
	SIGMACC_DATADIR=$tmp/none "$inst" list pipelines >out 2>err; [ $? = 1 ] &&
	has err "no pipelines in $tmp/none" &&
	SIGMACC_DATADIR=$tmp/none "$inst" list formats >out && has out "kql" &&
	SIGMACC_DATADIR=$tmp/none "$inst" list targets >out && [ "$(wc -l <out)" = "$ntargets" ]'
t "the build binary finds the source tree from any directory" '
	"$bin" list pipelines >out && has out defender_xdr'
t "list targets and the README table of targets follow backends/targets.def" '
	[ "$("$bin" list targets | cut -d" " -f1 | tr "\n" " ")" = "$targets " ] &&
	[ "$(awk -F"\`" "/^## Targets/ { on = 1 } on && /^\\| \`/ { print \$2; seen = 1 }
			 on && seen && /^\$/ { exit }" "$src/README.md" | tr "\n" " ")" = "$targets " ]'
t "the man page names every command, option, target, format, pipeline, -O key, variable, check" '
	sed "s/\\\\-/-/g; s/\\\\f[BIRP]//g" "$src/docs/sigmacc.1" >man.txt &&
	for word in $("$bin" --help | sed -n "s/^  \([a-z][a-z]*\)  .*/\1/p") \
		$( (for c in convert build list; do "$bin" $c --help; done) |
		   grep -o -- "--[a-z][a-z-]*" | sort -u) \
		$("$bin" list targets | cut -d" " -f1) $("$bin" list formats | tr -s " " | cut -d" " -f2) \
		$("$bin" list pipelines | cut -d" " -f1) \
		$(grep -ohE "getenv\(\"[A-Z_]+\"\)" "$src"/compiler/*.c "$src"/backends/*.c |
		  cut -d\" -f2 | sort -u) \
		$(grep -ohE "options_get\([^,]+, \"[a-z-]+\"\)" "$src"/compiler/*.c "$src"/backends/*.c |
		  cut -d\" -f2 | sort -u) \
		$(sed -n "/^options:/,/^[a-z]/p" "$src"/templates/formats/*/*.yml |
		  grep -oE "name: [a-z-]+" | cut -d" " -f2) \
		$(sed -n "s/^LINT([A-Z_]*, \"\([a-z-]*\)\".*/\1/p" "$src"/compiler/lint.def); do
		grep -qF -- "$word" man.txt || { echo "not in the man page: $word"; exit 1; }
	done'
t "bash completion completes commands, targets and every option" '
	command -v bash >/dev/null || exit 0
	cat >complete.bash <<-EOF
		. "$src/docs/sigmacc.bash"
		complete -p sigmacc >/dev/null || exit 1
		PATH=$(dirname "$bin"):\$PATH
		COMP_WORDS=(sigmacc con); COMP_CWORD=1; _sigmacc; echo "\${COMPREPLY[*]}"
		COMP_WORDS=(sigmacc convert -t ""); COMP_CWORD=3; _sigmacc; echo "\${COMPREPLY[*]}"
		COMP_WORDS=(sigmacc convert --wi); COMP_CWORD=2; _sigmacc; echo "\${COMPREPLY[*]}"
	EOF
	bash complete.bash >out && sed -n 1p out | grep -qx convert &&
	sed -n 2p out | grep -qF "$targets" &&
	sed -n 3p out | grep -qx -- "--without-pipeline" &&
	for opt in $( (for c in convert build; do "$bin" $c --help; done) |
		      grep -o -- "--[a-z][a-z-]*" | sort -u); do
		grep -qF -- "$opt" "$src/docs/sigmacc.bash" || { echo "not completed: $opt"; exit 1; }
	done'
