#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Fetches the DPDK driver-SDK headers (ethdev_driver.h, ethdev_vdev.h,
# bus_vdev_driver.h, ...) that Debian's libdpdk-dev does not install, from
# Debian's dpdk source package of exactly the installed libdpdk-dev version
# (shared/reference/environment.md, "DPDK 22.11 (Debian)"). Nothing is copied
# into the repository: the headers go to OUTDIR (in the build tree) and the
# source tarball is kept in a cache folder, so that later runs work offline.
#
# usage: scripts/fetch-dpdk-sdk.sh OUTDIR [CACHEDIR]
#   CACHEDIR defaults to $VMSG_DPDK_SDK_CACHE, else
#   ${XDG_CACHE_HOME:-$HOME/.cache}/librte_vmsg/dpdk-sdk.
# Exit 0 with OUTDIR/include holding the headers; otherwise 1 and one line on
# stderr saying why (the caller then builds without net_vmsg).
set -eu

HEADERS="
	lib/ethdev/ethdev_driver.h
	lib/ethdev/ethdev_vdev.h
	drivers/bus/vdev/bus_vdev_driver.h
	lib/eal/include/dev_driver.h
	lib/eal/include/bus_driver.h
"

die() {
	echo "fetch-dpdk-sdk: $*" >&2
	exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || {
	echo "usage: $0 OUTDIR [CACHEDIR]" >&2
	exit 2
}
out=$1
cache=${2:-${VMSG_DPDK_SDK_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/librte_vmsg/dpdk-sdk}}

ver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || true)
[ -n "$ver" ] || die "libdpdk-dev is not installed (scripts/install-deps.sh installs it)"
upstream=${ver#*:}
upstream=${upstream%-*}

# Up to date already: nothing to do.
if [ -f "$out/version" ] && [ "$(cat "$out/version")" = "$ver" ] &&
	[ -f "$out/include/ethdev_driver.h" ]; then
	exit 0
fi

verdir="$cache/$ver"
mkdir -p "$verdir" || die "cannot create the cache folder $verdir"
orig=$(ls "$verdir"/dpdk_"$upstream".orig.tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$orig" ]; then
	command -v apt-get >/dev/null 2>&1 || die "no apt-get to fetch Debian's dpdk source package"
	[ -f /etc/apt/sources.list.d/debian.sources ] ||
		die "no /etc/apt/sources.list.d/debian.sources (deb822) to derive deb-src from"
	apt="$verdir/apt"
	mkdir -p "$apt/lists/partial" "$apt/parts"
	sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
		>"$apt/parts/debian-src.sources"
	set -- -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$apt/parts" \
		-o Dir::State::lists="$apt/lists" -o APT::Sandbox::User=root \
		-o Debug::NoLocking=1
	log="$verdir/apt.log"
	apt-get -q "$@" update >"$log" 2>&1 ||
		die "apt-get update of the deb-src lists failed (offline? see $log)"
	(cd "$verdir" && apt-get -q "$@" source --download-only "dpdk=$ver") >>"$log" 2>&1 ||
		die "apt-get source dpdk=$ver failed (see $log)"
	orig=$(ls "$verdir"/dpdk_"$upstream".orig.tar.* 2>/dev/null | head -n 1 || true)
	[ -n "$orig" ] || die "the source package of dpdk=$ver has no orig tarball"
	rm -rf "$apt"
fi

tmp="$out.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/x" "$tmp/include"
top=$(tar -tf "$orig" | head -n 1 | cut -d/ -f1)
members=
for h in $HEADERS; do
	members="$members $top/$h"
done
# shellcheck disable=SC2086 # a list of member names without blanks
tar -xf "$orig" -C "$tmp/x" $members 2>/dev/null ||
	die "the headers are not all in $orig (another DPDK layout?)"
for h in $HEADERS; do
	cp "$tmp/x/$top/$h" "$tmp/include/"
done
rm -rf "$tmp/x"
echo "$ver" >"$tmp/version"
rm -rf "$out"
mv "$tmp" "$out"
