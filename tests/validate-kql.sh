#!/bin/sh
# validate-kql.sh KQLCHECK DIR [OPTION...]: every .kql file in DIR through the
# project's KQL checker (Microsoft's Kusto parser and binder with the Defender
# XDR and Sentinel schemas), in one node process; OPTIONs go to the checker
# (--expect: the checker's own test files, each naming the error it must give).
set -eu
kqlcheck=$1
dir=$2
shift 2
set -- "$@" "$dir"/*.kql
echo "checking $(ls "$dir"/*.kql | wc -l) KQL queries of $dir"
exec node "$kqlcheck" "$@"
