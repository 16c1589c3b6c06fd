#!/bin/sh
# build.sh SIGMACC: how `sigmacc build` goes through a rule tree: each file loaded
# once for every target, and the output tree and messages independent of how the
# work is split. Run from the source root; prints TAP.
# shellcheck source=tests/hostile/lib.sh
. "$(dirname "$0")/hostile/lib.sh"

# count FILE TEXT N: TEXT occurs on exactly N lines of FILE.
count() {
	c_=$(grep -cF -- "$2" "$1")
	[ "$c_" = "$3" ] || { echo "'$2' on $c_ lines, want $3, in:"; cat "$1"; return 1; }
}

load_once() {
	cp "$src/tests/bad/yaml_tab_indent.yml" "$src/tests/bad/unmappable_field.yml" rules/ &&
	run 1 build -t kql,spl -o "$out" rules &&
	count "$io/stderr" "yaml_tab_indent.yml:3:1: error: YAML syntax error" 1 &&
	count "$io/stderr" "unmappable_field.yml:8:9: error:" 1 &&
	has "$io/stderr" "has no mapping in pipeline defender_xdr (target kql" &&
	has "$io/stderr" "sigmacc build: 1 written, 0 unchanged, 0 removed, 3 failed" &&
	[ -f "$out/spl/unmappable_field.spl" ] && [ ! -e "$out/kql/unmappable_field.kql" ]
}
t "a file that does not load is said once, and failed for each target" load_once

echo "1..$n"
