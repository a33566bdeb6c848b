#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# The guest kernel of the vm suite: the current Debian cloud kernel
# (linux-image-cloud-amd64's dependency), fetched with apt-get download and
# unpacked into a cache, then its vmlinuz and the six VFIO modules
# (irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci) in
# DIR/<version>/. Nothing is installed. A cached kernel is reused; when apt
# cannot answer (no network), the newest cached one is used.
#
# usage: test/vm/vm-assets.sh CACHE_DIR
# Prints the directory with vmlinuz and the .ko files on stdout.
# Exit 0; 77 when no kernel can be had (the caller decides whether that is
# a skip or a failure); 1 on other errors.
set -euo pipefail

cache=${1:?usage: $0 CACHE_DIR}
modules=(irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci)
mkdir -p "$cache"

complete() { # dir: has vmlinuz and every module
	local m
	[ -f "$1/vmlinuz" ] || return 1
	for m in "${modules[@]}"; do
		[ -f "$1/$m.ko" ] || return 1
	done
}

newest_cached() {
	local d best=
	for d in "$cache"/*/; do
		d=${d%/}
		complete "$d" && best=$d
	done
	[ -n "$best" ] && echo "$best"
}

pkg=
if command -v apt-cache >/dev/null; then
	pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n 1)
fi
if [ -z "$pkg" ]; then
	if d=$(newest_cached); then
		echo "vm-assets: apt does not know linux-image-cloud-amd64; using the cached $d" >&2
		echo "$d"
		exit 0
	fi
	echo "vm-assets: apt does not know linux-image-cloud-amd64 (apt-get update?) and nothing is cached in $cache" >&2
	exit 77
fi
ver=${pkg#linux-image-}
dir=$cache/$ver
if complete "$dir"; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "vm-assets: fetching $pkg into $cache" >&2
# apt's sandbox user cannot write a root-owned directory; it falls back to
# root with a warning: run it as root in the first place when we are.
if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
	if d=$(newest_cached); then
		echo "vm-assets: apt-get download $pkg failed; using the cached $d" >&2
		echo "$d"
		exit 0
	fi
	echo "vm-assets: apt-get download $pkg failed and nothing is cached" >&2
	exit 77
fi
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
mkdir -p "$tmp/out"
cp "$tmp/x/boot/vmlinuz-$ver" "$tmp/out/vmlinuz"
for m in "${modules[@]}"; do
	f=$(find "$tmp/x/lib/modules/$ver" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
	if [ -z "$f" ]; then
		echo "vm-assets: $pkg has no $m.ko" >&2
		exit 1
	fi
	case $f in
	*.xz) xz -dc "$f" >"$tmp/out/$m.ko" ;;
	*) cp "$f" "$tmp/out/$m.ko" ;;
	esac
done
rm -rf "$dir"
mv "$tmp/out" "$dir"
echo "$dir"
