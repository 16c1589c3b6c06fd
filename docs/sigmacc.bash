# bash completion for sigmacc. Targets, formats and pipelines are asked of the
# sigmacc being completed, so the completion follows the installed data.

_sigmacc_list() {	# targets|formats|pipelines: the names, in sigmacc's order, once each
	local col=1
	[[ $1 == formats ]] && col=2
	"${COMP_WORDS[0]}" list "$1" 2>/dev/null | awk -v c="$col" '!seen[$c]++ { print $c }'
}

_sigmacc() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="convert build check ir test list"
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	local command=${COMP_WORDS[1]}
	if [[ $command == list ]]; then
		((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "targets formats pipelines" -- "$cur"))
		return
	fi
	case $prev in
	-t | --target)
		local targets
		targets=$(_sigmacc_list targets)
		[[ $command == build ]] && targets="all $targets"
		COMPREPLY=($(compgen -W "$targets" -- "$cur"))
		return
		;;
	-f | --format)
		COMPREPLY=($(compgen -W "$(_sigmacc_list formats)" -- "$cur"))
		return
		;;
	-p | --pipeline)
		COMPREPLY=($(compgen -W "$(_sigmacc_list pipelines)" -- "$cur") $(compgen -f -- "$cur"))
		return
		;;
	-O | --backend-option)
		local keys="spl-index= spl-source-prefix= aql-table= eql-keyword-field= eql-index="
		COMPREPLY=($(compgen -W "$keys" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return
		;;
	--templates)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	--fail-on)
		COMPREPLY=($(compgen -W "error warning" -- "$cur"))
		return
		;;
	--max-rule-size | -j | --jobs | --time-field)
		return
		;;
	-o | --output | --vars | --filter | --lint-config | --events | --project)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		local opts="--target --pipeline --without-pipeline --vars --filter --unmapped=error
			--unmapped=passthrough --undefined-placeholder=error
			--undefined-placeholder=wildcard --format --backend-option --compact --output
			--templates --diagnostics=human --diagnostics=json --diagnostics=github
			--skip-unsupported --fail-unsupported --follow-symlinks --max-rule-size
			--file-pattern --json-indent
			--help --version"
		[[ $command == build ]] && opts="$opts --check --test --jobs --project --query-beside --rebuild"
		[[ $command == test ]] && opts="$opts --events --time-field"
		[[ $command == check ]] && opts="$opts --lint-config --fail-on"
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}

complete -o filenames -F _sigmacc sigmacc
