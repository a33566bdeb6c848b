#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Installs from Debian 12 packages everything librte_vmsg needs to build,
# test, fuzz and benchmark (shared/reference/environment.md). Idempotent and
# silent when everything is there; otherwise installs what is missing, as
# root, non-interactively, running apt-get update only if the install fails
# without it. Prints the command to run when it cannot install (not root).
#
# usage: scripts/install-deps.sh [-n]   (-n: only list what is missing)
set -eu

PACKAGES="
	meson ninja-build pkg-config gcc g++ binutils
	clang-14 clang lld libclang-rt-14-dev clang-format
	libnuma-dev numactl libdpdk-dev dpdk-dev libbenchmark-dev
	python3 groff-base
	qemu-system-x86 busybox-static
"

dry_run=0
if [ "${1:-}" = "-n" ]; then
	dry_run=1
elif [ $# -ne 0 ]; then
	echo "usage: $0 [-n]" >&2
	exit 2
fi

# One dpkg-query for all: it lists the known ones, with their state.
# shellcheck disable=SC2086 # $PACKAGES is a list of plain names
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $PACKAGES 2>/dev/null |
	awk '$2 == "installed" { print $1 }' || true)
missing=
for p in $PACKAGES; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ $dry_run -eq 1 ]; then
	echo "missing:$missing"
	exit 1
fi

apt_install="apt-get -o DPkg::Lock::Timeout=600 -y --no-install-recommends install$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing:$missing" >&2
	echo "install-deps: run as root: $apt_install" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Quiet on success; the log is shown when the second attempt fails too.
if ! $apt_install >"$log" 2>&1 </dev/null; then
	echo "install-deps: install failed, updating the package lists and retrying"
	if ! apt-get -o DPkg::Lock::Timeout=600 -y update >"$log" 2>&1 </dev/null ||
	   ! $apt_install >"$log" 2>&1 </dev/null; then
		cat "$log" >&2
		echo "install-deps: failed: $apt_install" >&2
		exit 1
	fi
fi
echo "install-deps: done"
