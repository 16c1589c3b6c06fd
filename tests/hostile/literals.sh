#!/bin/sh
# literals.sh SIGMACC: no byte of a rule leaves its literal. Every target and every format
# over rules full of control characters must print no raw control byte and only valid
# UTF-8; field names a target cannot quote are refused; savedsearches.conf keeps one
# setting per line; diagnostics cannot forge lines or reach the terminal. Run from the
# source root; prints TAP.
# shellcheck disable=SC2016 # each test body is a single-quoted script that t evaluates
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/tap.sh

# clean FILE: no control byte but tab and newline, and valid UTF-8.
clean() {
	left=$(tr -d '\t\n[:print:]\200-\377' <"$1" | wc -c)
	[ "$left" -eq 0 ] || { echo "$1: $left raw control bytes:"; od -c "$1" | head; return 1; }
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null || { echo "$1: not UTF-8"; return 1; }
}

# quiet FILE: clean, and no C1 control either (diagnostics go to a terminal).
quiet() {
	clean "$1" || return 1
	! LC_ALL=C grep -q "$(printf '\302')[$(printf '\200-\237')]" "$1" ||
		{ echo "$1: a C1 control character"; return 1; }
}

# The hostile rules: the constructs, plus metadata made of control characters.
mkdir "$tmp/rules"
cp tests/constructs/hostile_*.yml "$tmp/rules/"
cat >"$tmp/rules/meta.yml" <<'EOF'
title: "Meta]\n[injected] \e[31m\x01\u0085\u2028\u2029 ends \\"
id: 5a0c3e1e-7d1b-4c55-9f0e-2b8f6d4e1a10
description: "line one\nline two ends with a backslash \\"
author: "a\u0085b, c\u2028d, e\x7ff"
references: ["https://x/\u2029y"]
tags: [attack.execution, "attack.t1059\x01"]
falsepositives: ["fp\r\nmore"]
level: high
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        CommandLine|contains: "x\u0085y\u2028z"
        Image|endswith: 'tab	and\'
    condition: selection
EOF
# Every control character through every value form (one rule each, so that one refusal
# does not hide the other forms of the same target).
mkdir "$tmp/gen"
for c in 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 \
	1a 1b 1c 1d 1e 1f 7f; do
	i=0
	for form in ': "a\xCC"' '|contains: "a\xCC"' '|startswith: "\xCCb"' '|endswith: "a\xCC"' \
		'|cased: "\xCC"' '|contains|cased: "a\xCCb"' ': "a*\xCC?b"' '|re: "a\xCCb"' \
		'|re: "a\\\xCCb"' '|contains|all: ["\xCC", b]' '|windash|contains: "-a\xCC"' \
		'|base64offset|contains: "a\xCC"' '|utf16le|base64offset|contains: "\xCC"'; do
		i=$((i + 1))
		printf 'title: gen %s %s\nlogsource: {product: windows, category: process_creation}\n' \
			"$c" "$i" >"$tmp/gen/$c-$i.yml"
		printf 'detection:\n    sel:\n        CommandLine%s\n    condition: sel\n' \
			"$(printf '%s' "$form" | sed "s/CC/$c/g")" >>"$tmp/gen/$c-$i.yml"
	done
	printf 'title: gen %s kw\nlogsource: {product: windows}\ndetection:\n' "$c" >"$tmp/gen/$c-kw.yml"
	printf '    keywords: ["a\\x%s"]\n    condition: keywords\n' "$c" >>"$tmp/gen/$c-kw.yml"
done
printf 'title: names\nlogsource: {product: windows, category: process_creation}\n' >"$tmp/name.yml"
printf 'detection:\n    selection:\n        "Command\\nLine": x\n    condition: selection\n' \
	>>"$tmp/name.yml"

echo "1..10"
t "every target and format: no raw control byte, valid UTF-8" '
	"$bin" list formats | while read -r target format rest; do
		pl=; [ "$format" = tstats ] && pl="-p splunk_cim"
		[ "$format" = ngsiem-correlation-rule ] && pl="-O ngsiem-cid=0123456789abcdef0123456789abcdef"
		for how in "" --without-pipeline --unmapped=passthrough; do
			[ "$format" != default ] && [ -n "$how" ] && continue
			"$bin" convert -t "$target" -f "$format" $pl $how "$tmp/rules" >"$tmp/q" 2>"$tmp/e"
			[ $? -le 1 ] || { echo "$target $format $how crashed"; cat "$tmp/e"; exit 1; }
			[ -s "$tmp/q" ] || { echo "$target $format $how: no output"; cat "$tmp/e"; exit 1; }
			clean "$tmp/q" && quiet "$tmp/e" || { echo "in $target $format $how"; exit 1; }
		done
	done'
t "every control character in every value form: escaped or refused, never raw" '
	"$bin" list formats | while read -r target format rest; do
		pl=; [ "$format" = tstats ] && pl="-p splunk_cim"
		[ "$format" = ngsiem-correlation-rule ] && pl="-O ngsiem-cid=0123456789abcdef0123456789abcdef"
		"$bin" convert -t "$target" -f "$format" $pl "$tmp/gen" >"$tmp/q" 2>"$tmp/e"
		[ $? -le 1 ] || { echo "$target $format crashed"; tail "$tmp/e"; exit 1; }
		clean "$tmp/q" && quiet "$tmp/e" || { echo "in $target $format"; exit 1; }
	done'
t "the IR dump quotes values and field names with control characters" '
	"$bin" ir "$tmp/rules" "$tmp/gen" "$tmp/name.yml" >"$tmp/q" 2>"$tmp/e"
	[ $? -le 1 ] && clean "$tmp/q" && quiet "$tmp/e" &&
	has "$tmp/q" "(str \"Command\x0aLine\" [\"x\"])"'
t "YAML formats: no NEL, U+2028 or U+2029 unescaped" '
	for tf in "kql sentinel-rule" "logscale scheduled-search"; do
		set -- $tf
		run 0 convert -t "$1" -f "$2" "$tmp/rules/meta.yml" &&
		! grep -q "$(printf "\302\205\|\342\200\250\|\342\200\251")" "$tmp/stdout" &&
		has "$tmp/stdout" "\\N" && has "$tmp/stdout" "\\L" || exit 1
	done'
t "savedsearches.conf: one stanza line, no continuation into the next setting" '
	run 0 convert -t spl -f savedsearches "$tmp/rules/meta.yml" &&
	[ "$(grep -c "^\[" "$tmp/stdout")" = 1 ] && head -1 "$tmp/stdout" | grep -q "^\[[^]]*\]$" &&
	grep -q "^description = line one \\\\$" "$tmp/stdout" &&
	grep -q "^line two ends with a backslash$" "$tmp/stdout" &&
	grep -q "^search = " "$tmp/stdout"'
t "field names with control characters are refused by every target" '
	for target in kql spl eql aql sumo yaral logscale; do
		run 1 convert -t "$target" --without-pipeline "$tmp/name.yml" &&
		has "$tmp/stderr" "error: rule '"'"'names'"'"': field name '"'"'Command\nLine'"'"' contains control character 0x0a, which target $target cannot quote" ||
		exit 1
	done'
t "SPL options written into strings cannot carry control characters" '
	for o in spl-index spl-source-prefix; do
		run 1 convert -t spl -O "$o=$(printf "main\nindex=secret")" "$tmp/rules/meta.yml" &&
		has "$tmp/stderr" "option $o contains control character 0x0a, which a literal of target spl cannot hold" &&
		[ ! -s "$tmp/stdout" ] || exit 1
	done'
t "YARA-L: names outside UDM path syntax are refused, rule and udm-search alike" '
	printf "title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        %s: x\n    condition: sel\n" \
		"'"'"'a = \"x\" or \$e.principal.hostname'"'"'" >"$tmp/udm.yml" &&
	for f in rule udm-search; do
		run 1 convert -t yaral -f $f --without-pipeline "$tmp/udm.yml" &&
		has "$tmp/stderr" "field name '"'"'a = \"x\" or \$e.principal.hostname'"'"' is not a path of the form [A-Za-z_][A-Za-z0-9_.]*, and target yaral has no quoting for field names" ||
		exit 1
	done'
t "diagnostics: a title cannot forge a line or an annotation" '
	run 1 convert -t kql tests/bad/hostile_title_controls.yml && quiet "$tmp/stderr" &&
	[ "$(wc -l <"$tmp/stderr")" = 3 ] &&
	run 1 convert -t kql --diagnostics=github tests/bad/hostile_title_controls.yml &&
	[ "$(wc -l <"$tmp/stderr")" = 1 ] && has "$tmp/stderr" "rule '"'"'Forged%0A::error" &&
	run 1 convert -t kql --diagnostics=json tests/bad/hostile_title_controls.yml &&
	[ "$(wc -l <"$tmp/stderr")" = 1 ] && has "$tmp/stderr" "\"message\": \"rule '"'"'Forged\n::error"'
t "diagnostics: shortened values are cut at a code point, JSON stays UTF-8" '
	v=$(printf "%040d" 0 | sed "s/0/é/g") &&
	printf "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n    sel:\n        DestinationIp|cidr: %s\n    condition: sel\n" "$v" >"$tmp/cidr.yml" &&
	run 1 convert -t kql --diagnostics=json "$tmp/cidr.yml" && clean "$tmp/stderr" &&
	has "$tmp/stderr" "invalid CIDR network" &&
	run 1 convert -t kql "$tmp/cidr.yml" && clean "$tmp/stderr"'
