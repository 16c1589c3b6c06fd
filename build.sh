#!/bin/sh
# build.sh: set up, build and run sigmacc from a fresh checkout.
#
#   ./build.sh                build into build/ (installing missing packages first)
#   ./build.sh demo           build, compile the T1102 rules for every target, run their tests
#   ./build.sh test           build, then run the whole test suite (meson test)
#   ./build.sh update-golden  rewrite the golden files from the current output
#   ./build.sh bench          build an optimised binary and run bench/run.sh
#   ./build.sh fuzz [SECONDS] fuzz every libFuzzer target (clang) for SECONDS each
#
# The build uses ASan and UBSan. The KQL validator is copied from ../shared into
# build/validators/kql and installed there with npm ci.
set -eu
cd "$(dirname "$0")"
SHARED=${SIGMACC_SHARED:-$(cd .. && pwd)/shared}
BUILD=build

need_packages() {
	missing=""
	command -v meson >/dev/null 2>&1 || missing="$missing meson"
	command -v ninja >/dev/null 2>&1 || missing="$missing ninja-build"
	command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
	command -v cc >/dev/null 2>&1 || missing="$missing gcc"
	if command -v pkg-config >/dev/null 2>&1; then
		pkg-config --exists yaml-0.1 || missing="$missing libyaml-dev"
		pkg-config --exists libcyaml || missing="$missing libcyaml-dev"
		pkg-config --exists cmocka || missing="$missing libcmocka-dev"
	else
		missing="$missing libyaml-dev libcyaml-dev libcmocka-dev"
	fi
	command -v node >/dev/null 2>&1 || missing="$missing nodejs"
	command -v npm >/dev/null 2>&1 || missing="$missing npm"
	echo "$missing"
}

ensure_packages() {
	missing=$(need_packages)
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

configure() {
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" --buildtype=debugoptimized \
			-Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all >/dev/null
	fi
	ninja -C "$BUILD" >/dev/null
}

validator() {
	dir=$BUILD/validators/kql
	if [ ! -d "$dir/node_modules" ]; then
		if [ ! -d "$SHARED/validators/kql" ]; then
			echo "build.sh: $SHARED/validators/kql not found; set SIGMACC_SHARED" >&2
			exit 1
		fi
		mkdir -p "$BUILD/validators"
		rm -rf "$dir"
		cp -R "$SHARED/validators/kql" "$dir"
		chmod -R u+w "$dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
}

demo() {
	for target in $("$BUILD/sigmacc" list targets | cut -d' ' -f1); do
		for rule in rules/*.yml; do
			case $rule in *.vars.yml | *.tests.yml) continue ;; esac
			printf '==> %s (%s)\n' "$rule" "$target"
			# a target that cannot express a rule exactly refuses it, with the reason
			"$BUILD/sigmacc" convert -t "$target" --vars rules/web_service.vars.yml "$rule" ||
				echo "(not compiled for $target: see the error above)"
			echo
		done
	done
	printf '==> sigmacc test rules/ (the test cases beside each rule)\n'
	"$BUILD/sigmacc" test --vars rules/web_service.vars.yml rules/
}

ensure_packages
case ${1:-build} in
build) configure ;;
demo) configure; demo ;;
test) configure; validator; SIGMACC_SHARED=$SHARED meson test -C "$BUILD" --print-errorlogs ;;
update-golden) configure; "$BUILD/tests/golden" --update-all ;;
bench) sh bench/run.sh ;;
fuzz) sh tests/fuzz/run.sh ${2:-60} ;;
*) echo "usage: ./build.sh [build|demo|test|update-golden|bench|fuzz [SECONDS]]" >&2; exit 2 ;;
esac
