#!/bin/sh
# build.sh: build, try, test and install sigmacc from a fresh checkout.
#
#   ./build.sh                   the release binary: build/sigmacc (optimised, no sanitizers)
#   ./build.sh demo              the same, then compile the T1102 rules for every target
#                                and run their tests (sigmacc test)
#   ./build.sh test              the test build: build-asan/ (ASan + UBSan), the KQL checker's
#                                npm dependency installed into it, then the whole suite
#   ./build.sh install [PREFIX]  the release binary, data, man page and bash completion
#                                installed under PREFIX (default /usr/local)
#   ./build.sh update-golden     rewrite the golden files from the current output
#   ./build.sh bench             an optimised binary and bench/run.sh
#   ./build.sh fuzz [SECONDS]    fuzz every libFuzzer target (clang) for SECONDS each
#
# The release build needs a C compiler, meson, ninja, pkg-config, libyaml and
# libcyaml; the tests add cmocka, node and npm. Missing packages are installed
# with apt-get when run as root, else the command to run is printed. The corpus
# test runs when SIGMACC_CORPUS names the rules/ folder of SigmaHQ/sigma.
set -eu
cd "$(dirname "$0")"
RELEASE=build
TESTS=build-asan

# ninja, quiet unless it fails (it writes compiler errors to standard output)
build_quietly() {
	ninja -C "$1" >"$1/build.log" 2>&1 || { cat "$1/build.log" >&2; exit 1; }
}

need_packages() {	# base|tests: the Debian packages missing for that build
	missing=""
	command -v meson >/dev/null 2>&1 || missing="$missing meson"
	command -v ninja >/dev/null 2>&1 || missing="$missing ninja-build"
	command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
	command -v cc >/dev/null 2>&1 || missing="$missing gcc"
	libs="yaml-0.1:libyaml-dev libcyaml:libcyaml-dev nettle:nettle-dev"
	[ "$1" = tests ] && libs="$libs cmocka:libcmocka-dev"
	for lib in $libs; do
		if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "${lib%%:*}"; then
			missing="$missing ${lib#*:}"
		fi
	done
	if [ "$1" = tests ]; then
		command -v node >/dev/null 2>&1 || missing="$missing nodejs"
		command -v npm >/dev/null 2>&1 || missing="$missing npm"
	fi
	echo "$missing"
}

ensure_packages() {
	missing=$(need_packages "$1")
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "build.sh: installing:$missing" >&2
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
	else
		echo "build.sh: missing packages; install them with:" >&2
		echo "    sudo apt-get install$missing" >&2
		exit 1
	fi
}

# build/ is the release build; an older checkout may have a sanitizer build there.
is_release() {
	opts=$(meson introspect --buildoptions "$RELEASE" 2>/dev/null) || return 1
	case $opts in *'"name": "buildtype", "value": "release"'*) ;; *) return 1 ;; esac
	case $opts in *'"name": "b_sanitize", "value": "none"'*) ;; *) return 1 ;; esac
}

release() {
	ensure_packages base
	if [ ! -f "$RELEASE/build.ninja" ]; then
		meson setup "$RELEASE" --buildtype=release -Db_sanitize=none -Dtests=false >/dev/null
	elif ! is_release; then
		echo "build.sh: $RELEASE/ becomes the release build (tests are in $TESTS/)" >&2
		meson configure "$RELEASE" -Dbuildtype=release -Db_sanitize=none -Dtests=false >/dev/null
	fi
	build_quietly "$RELEASE"
}

sanitized() {
	ensure_packages tests
	if [ ! -f "$TESTS/build.ninja" ]; then
		meson setup "$TESTS" --buildtype=debugoptimized \
			-Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all >/dev/null
	fi
	build_quietly "$TESTS"
}

# The KQL checker (tests/kqlcheck) runs from the source tree; its npm
# dependency goes into the build tree, reinstalled when the lock file changes.
kqlcheck() {
	dir=$TESTS/kqlcheck
	lock=tests/kqlcheck/package-lock.json
	if [ ! -d "$dir/node_modules" ] || ! cmp -s "$lock" "$dir/package-lock.json"; then
		rm -rf "$dir"
		mkdir -p "$dir"
		cp tests/kqlcheck/package.json "$lock" "$dir/"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
}

demo() {
	for target in $("$RELEASE/sigmacc" list targets | cut -d' ' -f1); do
		for rule in rules/*.yml; do
			case $rule in *.vars.yml | *.tests.yml) continue ;; esac
			printf '==> %s (%s)\n' "$rule" "$target"
			# a target that cannot express a rule exactly refuses it, with the reason
			"$RELEASE/sigmacc" convert -t "$target" --vars rules/web_service.vars.yml "$rule" ||
				echo "(not compiled for $target: see the error above)"
			echo
		done
	done
	# the pack's correlation: several web services from one host within 10 minutes
	corr=tests/correlations/t1102_web_service_domains.yml
	for target in $("$RELEASE/sigmacc" list targets | cut -d' ' -f1); do
		printf '==> %s (%s)\n' "$corr" "$target"
		"$RELEASE/sigmacc" convert -t "$target" --vars rules/web_service.vars.yml "$corr" ||
			echo "(not compiled for $target: see the error above)"
		echo
	done
	printf '==> sigmacc test rules/ %s (the test cases beside each rule)\n' "$corr"
	"$RELEASE/sigmacc" test --vars rules/web_service.vars.yml rules/ "$corr"
	echo "The binary is $RELEASE/sigmacc; './build.sh install [PREFIX]' installs it."
}

do_install() {
	prefix=${1:-/usr/local}
	mkdir -p "$prefix"
	prefix=$(cd "$prefix" && pwd)
	meson configure "$RELEASE" -Dprefix="$prefix" >/dev/null
	build_quietly "$RELEASE"	# the configured data directory changed
	meson install -C "$RELEASE" --quiet --no-rebuild
	echo "installed $prefix/bin/sigmacc (data in $prefix/share/sigmacc, man page sigmacc(1))"
}

case ${1:-build} in
build) release ;;
demo) release; demo ;;
test) sanitized; kqlcheck; meson test -C "$TESTS" --print-errorlogs ;;
install) release; shift; do_install "$@" ;;
update-golden) sanitized; "$TESTS/tests/golden" --update-all ;;
bench) ensure_packages base; sh bench/run.sh ;;
fuzz) ensure_packages base; sh tests/fuzz/run.sh "${2:-60}" ;;
*) echo "usage: ./build.sh [build|demo|test|install [PREFIX]|update-golden|bench|fuzz [SECONDS]]" >&2; exit 2 ;;
esac
