#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# /init of the vm suite's guest (busybox): mounts, loads the VFIO modules in
# order, binds the ivshmem functions listed in /vm/bind to vfio-pci, then
# runs each line of /vm/scenarios ("NAME SECONDS COMMAND...") with a bound,
# its output prefixed with "NAME| ", and reports "VMTEST NAME EXIT rc" on the
# serial console. The host (run-vm-tests.py) judges each scenario from that.
# Power off at the end, whatever happened.

/bin/busybox mkdir -p /proc /sys /dev /tmp /bin /sbin /var/run
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/vm
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/hugepages
mount -t hugetlbfs hugetlbfs /dev/hugepages
echo 16 >/proc/sys/vm/nr_hugepages

echo "VMTEST-BOOT $(uname -r) $(cat /proc/cmdline)"
for m in irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci; do
	insmod "/vm/$m.ko" || echo "VMTEST-ERROR insmod $m"
done
for bdf in $(cat /vm/bind 2>/dev/null); do
	d=/sys/bus/pci/devices/$bdf
	if [ ! -d "$d" ]; then
		echo "VMTEST-ERROR no PCI function $bdf"
		continue
	fi
	echo vfio-pci >"$d/driver_override"
	[ -e "$d/driver" ] && echo "$bdf" >"$d/driver/unbind"
	echo "$bdf" >/sys/bus/pci/drivers_probe
	echo "VMTEST-BIND $bdf -> $(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)" \
		"group $(basename "$(readlink "$d/iommu_group" 2>/dev/null)" 2>/dev/null)"
done

while read -r name secs cmd; do
	case $name in '' | '#'*) continue ;; esac
	echo "VMTEST $name START"
	# The exit status goes through a file: the pipe's would be sed's.
	(timeout "$secs" sh -c "$cmd" 2>&1; echo $? >/tmp/rc) |
		while IFS= read -r line; do echo "$name| $line"; done
	echo "VMTEST $name EXIT $(cat /tmp/rc)"
done </vm/scenarios

echo "VMTEST-END"
sync
poweroff -f
