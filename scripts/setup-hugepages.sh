#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Reserves 2 MiB hugepages and mounts hugetlbfs for the tests and benchmarks
# that use them (the code also runs without: it falls back to memfd or
# /dev/shm). Says what it did. When it cannot (not root, the kernel refuses),
# it prints the command that fixes it and still exits 0, unless asked to be
# strict.
#
# usage: scripts/setup-hugepages.sh [--strict] [DIR]
#   DIR                    where to mount hugetlbfs if none is mounted (/dev/hugepages)
#   VMSG_HUGEPAGES=N       how many 2 MiB pages to have reserved (512)
#   VMSG_HUGEPAGES_STRICT=1  same as --strict: exit 1 when it cannot
set -eu

strict=${VMSG_HUGEPAGES_STRICT:-0}
dir=/dev/hugepages
for arg in "$@"; do
	case "$arg" in
	--strict) strict=1 ;;
	-*) echo "usage: $0 [--strict] [DIR]" >&2; exit 2 ;;
	*) dir=$arg ;;
	esac
done
want=${VMSG_HUGEPAGES:-512}
case "$want" in
'' | *[!0-9]*) echo "hugepages: VMSG_HUGEPAGES must be a number, not '$want'" >&2; exit 2 ;;
esac

sysfs=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
failed=0

cannot() {
	echo "hugepages: $1" >&2
	echo "hugepages: to fix, as root: $2" >&2
	failed=1
}

# The reservation. /proc/sys/vm/nr_hugepages counts pages of the default size,
# so it is used only when that size is 2 MiB; else the 2 MiB sysfs knob.
if [ ! -e "$sysfs" ]; then
	cannot "this kernel has no 2 MiB hugepages" "(none: use a kernel with CONFIG_HUGETLBFS)"
else
	knob=$sysfs
	if grep -q '^Hugepagesize: *2048 kB' /proc/meminfo 2>/dev/null; then
		knob=/proc/sys/vm/nr_hugepages
	fi
	have=$(cat "$knob")
	fix="echo $want > $knob"
	if [ "$have" -ge "$want" ]; then
		echo "hugepages: $have pages of 2 MiB reserved (wanted $want)"
	elif [ "$(id -u)" -ne 0 ]; then
		cannot "$have pages of 2 MiB reserved, $want wanted, and not root" "$fix"
	elif ! (echo "$want" >"$knob") 2>/dev/null; then
		cannot "the kernel refused $knob (read-only /proc or /sys?)" "$fix"
	else
		got=$(cat "$knob")
		if [ "$got" -ge "$want" ]; then
			echo "hugepages: reserved $got pages of 2 MiB (had $have)"
		else
			# Memory too fragmented, or not enough of it.
			cannot "asked for $want pages of 2 MiB, the kernel gave $got" \
				"sync; echo 3 > /proc/sys/vm/drop_caches; echo 1 > /proc/sys/vm/compact_memory; $fix"
		fi
	fi
fi

# The mount: any hugetlbfs mount will do.
mnt=$(awk '$3 == "hugetlbfs" { print $2; exit }' /proc/mounts)
fix="mkdir -p $dir && mount -t hugetlbfs -o pagesize=2M nodev $dir"
if [ -n "$mnt" ]; then
	echo "hugepages: hugetlbfs mounted at $mnt"
elif [ "$(id -u)" -ne 0 ]; then
	cannot "no hugetlbfs mounted, and not root" "$fix"
elif mkdir -p "$dir" && mount -t hugetlbfs -o pagesize=2M nodev "$dir"; then
	echo "hugepages: mounted hugetlbfs at $dir"
else
	cannot "could not mount hugetlbfs at $dir" "$fix"
fi

if [ $failed -ne 0 ] && [ "$strict" = 1 ]; then
	exit 1
fi
exit 0
