#!/bin/sh
# attack-refresh.sh SIGMACC: templates/attack/refresh.mjs turns a small STIX bundle
# (tests/attack-refresh/bundle.json) into exactly tests/golden/attack-refresh/enterprise.yml,
# and `sigmacc check` loads the result and validates tags against it. Run from the source
# root; prints TAP.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..2"
fail=0
mkdir -p "$tmp/templates/attack"
cp -R templates/pipelines "$tmp/templates/"
if node templates/attack/refresh.mjs tests/attack-refresh/bundle.json \
	>"$tmp/templates/attack/enterprise.yml" &&
	cmp -s "$tmp/templates/attack/enterprise.yml" tests/golden/attack-refresh/enterprise.yml; then
	echo "ok 1 - refresh.mjs output"
else
	echo "not ok 1 - refresh.mjs output"
	fail=1
	diff tests/golden/attack-refresh/enterprise.yml "$tmp/templates/attack/enterprise.yml" |
		head -20 | sed 's/^/#   /'
fi
"$bin" check -t spl --templates "$tmp/templates" tests/attack-refresh/rule.yml 2>"$tmp/err"
echo "exit $?" >>"$tmp/err"
cat >"$tmp/want" <<'END'
tests/attack-refresh/rule.yml:10:7: warning: rule 'Tags against a regenerated table' (6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d): tag 'attack.t1002': T1002 (Gone) is revoked in ATT&CK Enterprise 99.1 [deprecated-attack-tag]
        - attack.t1002
          ^
tests/attack-refresh/rule.yml:11:7: warning: rule 'Tags against a regenerated table' (6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d): tag 'attack.g0016': G0016 (APT29) is deprecated in ATT&CK Enterprise 99.1 [deprecated-attack-tag]
        - attack.g0016
          ^
tests/attack-refresh/rule.yml:14:7: error: rule 'Tags against a regenerated table' (6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d): tag 'attack.defense-evasion' is no ATT&CK tactic, technique, group, software, mitigation or data source [invalid-attack-tag]
        - attack.defense-evasion
          ^
sigmacc: lint: 1 rule(s), 1 error(s), 2 warning(s) (ATT&CK Enterprise 99.1)
sigmacc: check for spl: 1 rule(s), 0 failed
exit 1
END
if cmp -s "$tmp/want" "$tmp/err"; then
	echo "ok 2 - check against the regenerated table"
else
	echo "not ok 2 - check against the regenerated table"
	fail=1
	diff "$tmp/want" "$tmp/err" | head -20 | sed 's/^/#   /'
fi
exit $fail
