#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# The whole test run of librte_vmsg, as CI runs it (.ci/run): dependencies,
# hugepages, the clang-format check, then five builds, each in its own
# build-ci-* directory (wiped first):
#   asan     gcc debug, ASan+UBSan: suites unit, stress (small counts) and flip
#            (the flipper process: races on purpose, never under TSan)
#   release  gcc release, -Werror: every suite but hw and vm; hw may only skip
#   vm       suite vm on the release build: vfio-pci in QEMU guests on the
#            test card (doc/vm-tests.md); with CI=true it may not skip
#   tsan     gcc, TSan: suites unit and stress (small counts)
#   fuzz     clang, -Dfuzz=enabled: each libFuzzer target for FUZZ_SECONDS
#   install  meson install of the release build into a DESTDIR, checked
# Every step runs even when an earlier one failed (except a failed install of
# the dependencies); the summary at the end lists each with its time.
#
# Environment: CI=true (FUZZ_SECONDS defaults to 30, else 10, and
# VTEST_REQUIRE_HUGE=1: no hugepages is a failure, not a skip), FUZZ_SECONDS,
# VMSG_STEPS="format asan release vm tsan fuzz install" (the steps to run after
# deps and hugepages; default all).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

# CI: 30 s per target, two at a time: with a dozen targets the fuzz step
# (build included) stays under 6 minutes.
if [ "${CI:-}" = true ]; then
	fuzz_seconds=${FUZZ_SECONDS:-30}
	# A CI machine has hugepages (the deps step sets them up): a test that
	# finds none fails there instead of skipping (test/common/vtest.h).
	export VTEST_REQUIRE_HUGE=${VTEST_REQUIRE_HUGE:-1}
else
	fuzz_seconds=${FUZZ_SECONDS:-10}
fi
steps=${VMSG_STEPS:-format asan release vm tsan fuzz install}

# Sanitizers stop at the first report (meson 1.0 sets no *SAN_OPTIONS).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:print_summary=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

summary=()
failed=0
t_all=$EPOCHREALTIME

elapsed() { # start time -> "12.3s"
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'
}

# run_step NAME FUNCTION: a banner, the function in a subshell with set -e,
# and its result and time in the summary.
run_step() {
	local name=$1 fn=$2 t0 rc result
	printf '\n==============================================================\n'
	printf '== %s\n' "$name"
	printf '==============================================================\n'
	t0=$EPOCHREALTIME
	set +e
	(set -e; "$fn")
	rc=$?
	set -e
	case $rc in
	0) result=PASS ;;
	77) result=SKIP ;;
	*) result=FAIL; failed=$((failed + 1)) ;;
	esac
	printf -- '-- %s: %s in %s\n' "$name" "$result" "$(elapsed "$t0")"
	summary+=("$(printf '%-10s %-4s %8s' "$name" "$result" "$(elapsed "$t0")")")
}

# setup DIR ARGS...: a fresh build directory, configured and built.
setup() {
	local dir=$1
	shift
	rm -rf "$dir"
	meson setup "$dir" "$@" >"$root/.ci-setup.log" 2>&1 || {
		cat "$root/.ci-setup.log"
		rm -f "$root/.ci-setup.log"
		return 1
	}
	mv "$root/.ci-setup.log" "$dir/setup.log"
	sed -n '/^librte_vmsg/,$p' "$dir/setup.log"
	# Quiet unless it fails: -Werror makes every warning a failure.
	meson compile -C "$dir" >"$dir/compile.log" 2>&1 || {
		grep -v '^\[[0-9]*/[0-9]*\] ' "$dir/compile.log" | tail -n 80
		return 1
	}
	echo "built $(grep -c '^\[[0-9]*/[0-9]*\] ' "$dir/compile.log") targets in $dir"
}

# mtest DIR ARGS...: meson test on DIR. When a test fails, its name and the
# end of its output also go to $failures, which the summary repeats last: a
# CI log that keeps only its tail still says which test failed, and how.
failures=$root/.ci-failures.log
: >"$failures"
mtest() {
	local dir=$1
	shift
	meson test -C "$dir" --no-rebuild "$@" && return 0
	# testlog.json, or testlog-<wrapper>.json: the newest one is this run's.
	python3 - "$(ls -t "$dir"/meson-logs/testlog*.json | head -n 1)" "$dir" \
		>>"$failures" <<-'EOF'
		import json, sys
		for line in open(sys.argv[1]):
		    t = json.loads(line)
		    if t["result"] in ("OK", "SKIP", "EXPECTEDFAIL"):
		        continue
		    print("-- %s: %s %s after %.1fs; the end of its output:"
		          % (sys.argv[2], t["name"], t["result"], t.get("duration", 0)))
		    out = (t.get("stdout") or "") + (t.get("stderr") or "")
		    print("\n".join(out.rstrip().splitlines()[-25:]))
	EOF
	return 1
}

# has_tests DIR SUITE: the suite has at least one test ("project:suite / name").
has_tests() {
	local list
	list=$(meson test -C "$1" --no-rebuild --list --suite "$2" 2>/dev/null || true)
	[[ $list == *" / "* ]]
}

# no_skips DIR: in the last meson test run, only tests of suite hw skipped.
no_skips() {
	python3 - "$1/meson-logs/testlog.json" <<-'EOF'
		import json, sys
		bad = []
		for line in open(sys.argv[1]):
		    t = json.loads(line)
		    # "project:suite1+suite2 / name"
		    suites = t["name"].split(" / ")[0].split(":")[-1].split("+")
		    if t["result"] == "SKIP" and "hw" not in suites:
		        bad.append(t["name"])
		for n in bad:
		    print("skipped, and not in suite hw: " + n)
		sys.exit(1 if bad else 0)
	EOF
}

step_format() {
	scripts/check-format.sh
}

step_asan() {
	local dir=build-ci-asan
	setup $dir -Dbuildtype=debug -Dwerror=true \
		-Db_sanitize=address,undefined -Db_lundef=false
	mtest $dir --print-errorlogs --suite unit
	no_skips $dir
	if has_tests $dir stress; then
		VMSG_STRESS_SCALE=small mtest $dir --print-errorlogs --suite stress
		no_skips $dir
	else
		echo "stress: no tests yet"
	fi
	# The flipper (test/stress/test_flip.c): races on purpose, so ASan, never TSan.
	mtest $dir --print-errorlogs --suite flip
	no_skips $dir
}

step_release() {
	local dir=build-ci-release
	setup $dir -Dbuildtype=release -Dwerror=true
	mtest $dir --print-errorlogs --no-suite hw --no-suite vm
	no_skips $dir
	if has_tests $dir hw; then
		# Without a card these skip (exit 77), which is the one allowed skip.
		mtest $dir --print-errorlogs --suite hw
	else
		echo "hw: no tests yet"
	fi
}

step_vm() {
	local dir=build-ci-release
	if [ ! -f $dir/build.ninja ]; then
		setup $dir -Dbuildtype=release -Dwerror=true
	else
		# Run alone (VMSG_STEPS=vm) on an older release build: bring it up to date.
		meson compile -C $dir >$dir/compile-vm.log 2>&1 || {
			grep -v '^\[[0-9]*/[0-9]*\] ' $dir/compile-vm.log | tail -n 80
			return 1
		}
	fi
	# The guest kernel is cached outside the build directories, which CI wipes.
	export VMSG_VM_CACHE=${VMSG_VM_CACHE:-$root/.cache/vm}
	# --verbose: the one line per scenario that the suite prints.
	mtest $dir --verbose --suite vm
	no_skips $dir
}

step_tsan() {
	local dir=build-ci-tsan
	# The suites do not depend on the build options: ask the release build.
	if [ -f build-ci-release/meson-info/intro-tests.json ] &&
		! has_tests build-ci-release stress; then
		echo "tsan: the stress suite has no tests yet; nothing to run"
		return 77
	fi
	# DPDK stays out: TSan reports false positives inside rte_ring.
	setup $dir -Db_sanitize=thread -Db_lundef=false -Dwerror=true -Ddpdk=disabled
	if ! has_tests $dir stress; then
		echo "tsan: the stress suite has no tests yet; nothing to run"
		return 77
	fi
	mtest $dir --print-errorlogs --suite unit
	no_skips $dir
	VMSG_STRESS_SCALE=small mtest $dir --print-errorlogs --suite stress
	no_skips $dir
	# Said, not skipped in silence: the DPDK scenario is not in this build.
	echo "tsan: vmsg_fwd_dpdk is not built here (-Ddpdk=disabled); it runs in the asan and release steps"
}

step_fuzz() {
	local dir=build-ci-fuzz t seeds out rc=0 pids=() targets=() seed_dirs=() i a
	# The libFuzzer binaries only: the test programs (the corpus replays
	# among them) and gbench are built and run by the other steps.
	CC=clang-14 CXX=clang++-14 setup $dir -Dfuzz=enabled -Dwerror=true -Dtests=disabled \
		-Dgbench=disabled
	for t in "$dir"/test/fuzz/fuzz_*; do
		[ -x "$t" ] && [ -f "$t" ] && targets+=("$(basename "$t")")
	done
	if [ ${#targets[@]} -eq 0 ]; then
		echo "fuzz: no libFuzzer targets were built"
		return 1
	fi
	out=$dir/fuzz-artifacts
	rm -rf "$dir/fuzz-corpus" "$out"
	mkdir -p "$out"
	echo "fuzz: ${targets[*]}, ${fuzz_seconds}s each, two at a time (two cores)"
	for t in "${targets[@]}"; do
		# The seeds of fuzz_<name> are in test/fuzz/corpus/<name> when there
		# is such a folder, else in test/fuzz/corpus/<prefix> for
		# fuzz_<prefix>_<what>; the run grows a copy, never the committed corpus.
		seeds=${t#fuzz_}
		[ -d "test/fuzz/corpus/$seeds" ] || seeds=${seeds%%_*}
		seed_dirs+=("test/fuzz/corpus/$seeds")
	done
	fuzz_report() { # index: waits for target i and says how it went
		local t=${targets[$1]}
		if wait "${pids[$1]}"; then
			printf '%s: ok, %s runs, corpus %s -> %s files\n' "$t" \
				"$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")" \
				"$(find "${seed_dirs[$1]}" -type f | wc -l)" \
				"$(find "$dir/fuzz-corpus/$t" -type f | wc -l)"
		else
			rc=1
			echo "$t: FAILED; the end of its log:"
			tail -n 60 "$out/$t.log"
		fi
	}
	for i in "${!targets[@]}"; do
		t=${targets[$i]}
		mkdir -p "$dir/fuzz-corpus/$t"
		cp "${seed_dirs[$i]}"/* "$dir/fuzz-corpus/$t/"
		"$dir/test/fuzz/$t" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$out/$t-" \
			"$dir/fuzz-corpus/$t" >"$out/$t.log" 2>&1 &
		pids+=($!)
		# Two running: the older one ends first (same time budget).
		if [ $((i % 2)) -eq 1 ]; then
			fuzz_report $((i - 1))
			fuzz_report "$i"
		fi
	done
	if [ $((${#targets[@]} % 2)) -eq 1 ]; then
		fuzz_report $((${#targets[@]} - 1))
	fi
	if [ $rc -ne 0 ]; then
		for a in "$out"/*-*; do
			[ -f "$a" ] || continue
			case "$a" in *.log) continue ;; esac
			echo "crash input $a:"
			od -A d -t x1 "$a" | head -n 20
		done
		echo "fuzz: reproduce with $dir/test/fuzz/<target> <input>, or any build's"
		echo "fuzz: test/fuzz/replay_<target> <input>; keep the input as a seed if it is a bug"
	fi
	return $rc
}

step_install() {
	local build=build-ci-release dest prefix libdir includedir mandir bindir m lib syms pc h n bad cc
	if [ ! -f $build/build.ninja ]; then
		setup $build -Dbuildtype=release -Dwerror=true
	fi
	dest=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: $dest is local
	trap "rm -rf '$dest'" EXIT
	meson install -C $build --no-rebuild --quiet --destdir "$dest"
	read -r prefix libdir includedir mandir bindir < <(meson introspect $build --buildoptions |
		python3 -c 'import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o["prefix"], o["libdir"], o["includedir"], o["mandir"], o["bindir"])')
	libdir=$dest$prefix/$libdir
	includedir=$dest$prefix/$includedir
	mandir=$dest$prefix/$mandir
	bindir=$dest$prefix/$bindir
	echo "install: $dest: prefix $prefix"

	# Every header of include/ is installed.
	for h in include/*.h; do
		if [ ! -f "$includedir/$(basename "$h")" ]; then
			echo "install: $h is not installed in $includedir"
			return 1
		fi
	done
	echo "install: $(find include -maxdepth 1 -name '*.h' | wc -l) headers ok"

	# Every program with a man page is installed with it.
	for m in doc/man/*.1; do
		n=$(basename "$m" .1)
		if [ ! -x "$bindir/$n" ] || [ ! -f "$mandir/man1/$n.1" ]; then
			echo "install: $n or its man page is not installed ($bindir, $mandir/man1)"
			return 1
		fi
	done
	echo "install: programs and man pages ok: $(cd doc/man && echo *.1)"

	# The .pc file works from the DESTDIR, for a shared and a static link.
	pc="env PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest pkg-config"
	$pc --exists --print-errors librte_vmsg
	cc=${CC:-cc}
	cat >"$dest/t.c" <<-'EOF'
		#include <stdio.h>
		#include <string.h>
		#include <rte_vmsg.h>

		int main(void)
		{
			struct rte_vmsg_msg m, p;
			unsigned char buf[64];
			int n;

			memset(&m, 0, sizeof(m));
			m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
			m.u.ping = 0x1234;
			n = rte_vmsg_msg_build(buf, sizeof(buf), &m);
			if (n != 12 || rte_vmsg_msg_parse(buf, (size_t)n, 264, &p, NULL) != 0 ||
			    p.kind != m.kind || p.u.ping != 0x1234)
				return 1;
			printf("librte_vmsg %s\n", rte_vmsg_version());
			return 0;
		}
	EOF
	# shellcheck disable=SC2046 # pkg-config output is a list of flags
	$cc -Wall -Werror -o "$dest/t-shared" "$dest/t.c" $($pc --cflags --libs librte_vmsg)
	LD_LIBRARY_PATH=$libdir "$dest/t-shared"
	# shellcheck disable=SC2046
	$cc -Wall -Werror -o "$dest/t-static" "$dest/t.c" $($pc --static --cflags --libs librte_vmsg |
		sed 's/-lrte_vmsg\b/-Wl,-Bstatic -lrte_vmsg -Wl,-Bdynamic/')
	readelf -d "$dest/t-static" >"$dest/t-static.dynamic"
	if grep -q 'NEEDED.*librte_vmsg' "$dest/t-static.dynamic"; then
		echo "install: the static link still needs librte_vmsg.so"
		return 1
	fi
	"$dest/t-static" >/dev/null
	echo "install: pkg-config, shared and static link ok"

	# The shared library exports rte_vmsg_* only, each in a version node, and
	# every function the headers mark RTE_VMSG_API.
	lib=$(readlink -f "$libdir/librte_vmsg.so")
	syms=$(nm -D --defined-only "$lib")
	echo "install: $(basename "$lib"), SONAME $(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
	bad=$(echo "$syms" | awk '
		$3 ~ /^RTE_VMSG_[0-9]+\.[0-9]+$/ { next }         # the version nodes
		$3 ~ /^rte_vmsg_[A-Za-z0-9_]*@@?RTE_VMSG_[0-9]+\.[0-9]+$/ { next }
		{ print }')
	if [ -n "$bad" ]; then
		echo "install: symbols outside rte_vmsg_* or without a version node:"
		echo "$bad"
		return 1
	fi
	n=0
	for f in $(grep -ho 'RTE_VMSG_API[^(]*(' include/*.h | grep -o 'rte_vmsg_[A-Za-z0-9_]*($' |
		tr -d '(' | sort -u); do
		n=$((n + 1))
		if [[ $syms != *" $f@"* ]]; then
			echo "install: $f is RTE_VMSG_API in include/ but not exported (lib/rte_vmsg.map?)"
			return 1
		fi
	done
	echo "install: $(echo "$syms" | grep -c ' rte_vmsg_') symbols exported," \
		"all rte_vmsg_* and versioned; the $n RTE_VMSG_API functions among them"
}

echo "librte_vmsg test-all: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores," \
	"CI=${CI:-}, FUZZ_SECONDS=$fuzz_seconds"

run_step deps scripts/install-deps.sh
if [ $failed -ne 0 ]; then
	echo "test-all: the dependencies are missing; nothing else can run"
	exit 1
fi
run_step hugepages scripts/setup-hugepages.sh
for s in $steps; do
	case $s in
	format | asan | release | vm | tsan | fuzz | install) run_step "$s" "step_$s" ;;
	*) echo "test-all: unknown step $s" >&2; exit 2 ;;
	esac
done

printf '\n== summary\n'
printf '%s\n' "${summary[@]}"
if [ -s "$failures" ]; then
	printf '\n== failed tests\n'
	cat "$failures"
fi
printf '%-10s %-4s %8s\n' total "$([ $failed -eq 0 ] && echo PASS || echo FAIL)" "$(elapsed "$t_all")"
[ $failed -eq 0 ]
