#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# The README's main job: installs what is needed, builds a release build in
# build-release/, reserves hugepages, and runs vmsg-bench with its embedded
# defaults (between two endpoints on hugepage memory). Extra arguments go to
# vmsg-bench, e.g. scripts/run-bench.sh ring --cpus 0,1 --json out.json
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/setup-hugepages.sh || echo "run-bench: continuing without hugepages (vmsg-bench says what it uses)"
if [ ! -f build-release/build.ninja ]; then
	meson setup build-release --buildtype=release >/dev/null
fi
ninja -C build-release >/dev/null
exec build-release/apps/vmsg-bench/vmsg-bench "$@"
