#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# The README's main job: installs what is needed, builds a release build in
# build-release/, reserves hugepages, and runs vmsg-bench with no mode: the
# demo, under a minute. A device process and a driver process on hugepages
# (the first two allowed CPUs) measure message latency (ring ping-pong 64 B
# burst 1 against the cache-line limit), transport round trips
# (GET_DEVICE_STATUS, GET_CONFIG 32 B) and virtio-net pps (64 and 1518 B,
# polling); it ends with a summary table and writes vmsg-bench.json and
# vmsg-bench.svg in the current directory. Extra arguments go to vmsg-bench,
# e.g. scripts/run-bench.sh --vhost-ref --perf, or scripts/run-bench.sh all
# for the full suite (about 10 minutes); see doc/vmsg-bench.md.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/setup-hugepages.sh || echo "run-bench: continuing without hugepages (vmsg-bench says what it uses)"
if [ ! -f build-release/build.ninja ]; then
	meson setup build-release --buildtype=release >/dev/null
fi
ninja -C build-release >/dev/null
exec build-release/apps/vmsg-bench/vmsg-bench "$@"
