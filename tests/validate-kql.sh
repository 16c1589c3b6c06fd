#!/bin/sh
# validate-kql.sh VALIDATOR_DIR GOLDEN_DIR: every golden KQL query must pass
# Microsoft's parser with the Defender/Sentinel schema (one node process).
set -eu
validator=$1
dir=$2
if [ ! -f "$validator/check-kql.js" ] || [ ! -d "$validator/node_modules" ]; then
	echo "validator not installed in $validator (./build.sh test installs it)" >&2
	exit 1
fi
set -- "$dir"/*.kql
echo "validating $# golden KQL queries"
node "$validator/check-kql.js" "$@"
