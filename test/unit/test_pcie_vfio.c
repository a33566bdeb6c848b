/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Description: the VFIO layer of drivers/pcie_amp without a card: its
 * checks on a made-up sysfs tree (each named error with its fix), the IOVA
 * window parser and allocator and the sparse-mmap parser on byte images
 * (hostile capability chains included), and DMA memory over the
 * in-process VFIO layer (vfio_fake.c).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <rte_vmsg_mem.h>
#include <rte_vmsg_pcie.h>

#include "pcie_amp_priv.h"
#include "vfio_fake.h"
#include "vtest.h"
#include "test_pcie.h"

/* ------------------------------------------------------------------------ */
/* The IOVA window                                                           */

/* A VFIO_IOMMU_GET_INFO answer with an IOVA range capability (and another before it). */
static size_t iova_image(uint8_t *buf, const uint64_t (*ranges)[2], uint32_t n)
{
	struct vfio_iommu_type1_info info;
	struct vfio_info_cap_header other;
	struct vfio_iommu_type1_info_cap_iova_range cap;
	size_t off = sizeof(info), cap_off;
	uint32_t i;

	memset(&info, 0, sizeof(info));
	info.flags = VFIO_IOMMU_INFO_CAPS | VFIO_IOMMU_INFO_PGSIZES;
	info.cap_offset = (uint32_t)off;
	memset(&other, 0, sizeof(other));
	other.id = 99; /* an unknown capability is skipped */
	cap_off = off + 16;
	other.next = (uint32_t)cap_off;
	memcpy(buf + off, &other, sizeof(other));
	memset(&cap, 0, sizeof(cap));
	cap.header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
	cap.header.version = 1;
	cap.nr_iovas = n;
	memcpy(buf + cap_off, &cap, sizeof(cap));
	for (i = 0; i < n; i++) {
		struct vfio_iova_range r = { ranges[i][0], ranges[i][1] };

		memcpy(buf + cap_off + sizeof(cap) + i * sizeof(r), &r, sizeof(r));
	}
	info.argsz = (uint32_t)(cap_off + sizeof(cap) + n * sizeof(struct vfio_iova_range));
	memcpy(buf, &info, sizeof(info));
	return info.argsz;
}

static void test_iova(void)
{
	/* As Intel VT-d reports: everything but the MSI window at 0xfee00000. */
	const uint64_t vtd[2][2] = { { 0, 0xfedfffffull }, { 0xfef00000ull, 0xffffffffffffull } };
	const uint64_t low[1][2] = { { 0, 0xffff } };
	struct vfio_iommu_type1_info plain;
	struct pcie_amp_iova w;
	uint8_t buf[512];
	uint64_t a = 0, b = 0;
	size_t len;

	/* No capability: [64 KiB, 2^39). */
	memset(&plain, 0, sizeof(plain));
	plain.argsz = sizeof(plain);
	CHECK_EQ(pcie_amp_iova_parse(&w, &plain, sizeof(plain)), 0);
	CHECK_EQ(w.n, 1);
	CHECK_U64(w.start[0], 0x10000);
	CHECK_U64(w.end[0], (1ull << 39) - 1);
	CHECK_EQ(pcie_amp_iova_parse(&w, &plain, 8), -EPROTO);

	memset(buf, 0, sizeof(buf));
	len = iova_image(buf, vtd, 2);
	CHECK_EQ(pcie_amp_iova_parse(&w, buf, len), 0);
	CHECK_EQ(w.n, 2);
	CHECK_U64(w.start[0], 0x10000); /* the low 64 KiB are never handed out */
	CHECK_U64(w.end[0], 0xfedfffffull);
	CHECK_U64(w.start[1], 0xfef00000ull);
	/* Allocations: aligned, inside one range, skipping the hole. */
	CHECK_EQ(pcie_amp_iova_alloc(&w, 2u << 20, 2u << 20, &a), 0);
	CHECK_U64(a, 2u << 20);
	CHECK_EQ(pcie_amp_iova_alloc(&w, 4096, 4096, &b), 0);
	CHECK_U64(b, 4u << 20);
	/* Does not fit below the hole any more: taken above it. */
	CHECK_EQ(pcie_amp_iova_alloc(&w, 0xfed00000ull, 4096, &a), 0);
	CHECK_U64(a, 0xfef00000ull);
	CHECK_EQ(pcie_amp_iova_alloc(&w, 3, 4096, &a), 0);
	CHECK_U64(a, 0xfef00000ull + 0xfed00000ull);
	CHECK_EQ(pcie_amp_iova_alloc(&w, 4096, 3, &a), -EINVAL);
	CHECK_EQ(pcie_amp_iova_alloc(&w, 1ull << 62, 4096, &a), -ENOSPC);
	CHECK_EQ(pcie_amp_iova_alloc(&w, 0, 4096, &a), -EINVAL);

	/* Only a range below 64 KiB: nothing usable. */
	memset(buf, 0, sizeof(buf));
	len = iova_image(buf, low, 1);
	CHECK_EQ(pcie_amp_iova_parse(&w, buf, len), -ENOSPC);

	/* Malformed chains: a capability pointing outside, a loop, a count past the end. */
	memset(buf, 0, sizeof(buf));
	len = iova_image(buf, vtd, 2);
	CHECK_EQ(pcie_amp_iova_parse(&w, buf, len - 1), -EPROTO);
	{
		struct vfio_iommu_type1_info info;
		struct vfio_info_cap_header ch;

		memcpy(&info, buf, sizeof(info));
		memcpy(&ch, buf + info.cap_offset, sizeof(ch));
		ch.next = info.cap_offset; /* points at itself */
		memcpy(buf + info.cap_offset, &ch, sizeof(ch));
		CHECK_EQ(pcie_amp_iova_parse(&w, buf, len), -EPROTO);
		ch.next = 4000;
		memcpy(buf + info.cap_offset, &ch, sizeof(ch));
		CHECK_EQ(pcie_amp_iova_parse(&w, buf, len), -EPROTO);
		ch.next = 8; /* inside the header */
		memcpy(buf + info.cap_offset, &ch, sizeof(ch));
		CHECK_EQ(pcie_amp_iova_parse(&w, buf, len), -EPROTO);
	}
}

/* ------------------------------------------------------------------------ */
/* BAR regions: the sparse-mmap areas around the MSI-X table                 */

/* A VFIO_DEVICE_GET_REGION_INFO answer with a sparse-mmap capability of @p n areas. */
static size_t sparse_image(uint8_t *buf, const uint64_t (*areas)[2], uint32_t n)
{
	struct vfio_region_info ri;
	struct vfio_region_info_cap_sparse_mmap sm;
	size_t off = sizeof(ri);
	uint32_t i;

	memset(&ri, 0, sizeof(ri));
	ri.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		   VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
	ri.index = 1;
	ri.cap_offset = (uint32_t)off;
	ri.size = 0x4000;
	memset(&sm, 0, sizeof(sm));
	sm.header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sm.header.version = 1;
	sm.nr_areas = n;
	memcpy(buf + off, &sm, sizeof(sm));
	for (i = 0; i < n; i++) {
		struct vfio_region_sparse_mmap_area a = { areas[i][0], areas[i][1] };

		memcpy(buf + off + sizeof(sm) + i * sizeof(a), &a, sizeof(a));
	}
	ri.argsz = (uint32_t)(off + sizeof(sm) + n * sizeof(struct vfio_region_sparse_mmap_area));
	memcpy(buf, &ri, sizeof(ri));
	return ri.argsz;
}

static void test_sparse(void)
{
	/* A 16 KiB BAR whose MSI-X table is the page at 8 KiB: two areas around it, one empty. */
	const uint64_t hole[3][2] = { { 0, 0x2000 }, { 0x2000, 0 }, { 0x3000, 0x1000 } };
	const uint64_t outside[1][2] = { { 0x3000, 0x2000 } };
	struct vfio_region_info plain;
	struct pcie_amp_sparse sp;
	uint8_t buf[512];
	int found = 9;
	size_t len;

	memset(&plain, 0, sizeof(plain));
	plain.argsz = sizeof(plain);
	plain.flags = VFIO_REGION_INFO_FLAG_MMAP;
	CHECK_EQ(pcie_amp_sparse_parse(&plain, sizeof(plain), 0x4000, &sp, &found), 0);
	CHECK_EQ(found, 0); /* no capability: all of it mmap'able */
	CHECK_EQ(pcie_amp_sparse_parse(&plain, 8, 0x4000, &sp, &found), -EPROTO);

	memset(buf, 0, sizeof(buf));
	len = sparse_image(buf, hole, 3);
	CHECK_EQ(pcie_amp_sparse_parse(buf, len, 0x4000, &sp, &found), 0);
	CHECK_EQ(found, 1);
	CHECK_EQ(sp.n, 2);
	CHECK_U64(sp.off[0], 0);
	CHECK_U64(sp.len[0], 0x2000);
	CHECK_U64(sp.off[1], 0x3000);
	CHECK_U64(sp.len[1], 0x1000);
	/* Truncated: the areas would be read past the answer. */
	CHECK_EQ(pcie_amp_sparse_parse(buf, len - 1, 0x4000, &sp, &found), -EPROTO);
	/* An area past the end of the BAR. */
	memset(buf, 0, sizeof(buf));
	len = sparse_image(buf, outside, 1);
	CHECK_EQ(pcie_amp_sparse_parse(buf, len, 0x4000, &sp, &found), -EPROTO);
	/* A chain that loops. */
	memset(buf, 0, sizeof(buf));
	len = sparse_image(buf, hole, 3);
	{
		struct vfio_info_cap_header ch;

		memcpy(&ch, buf + sizeof(struct vfio_region_info), sizeof(ch));
		ch.next = sizeof(struct vfio_region_info);
		memcpy(buf + sizeof(struct vfio_region_info), &ch, sizeof(ch));
		CHECK_EQ(pcie_amp_sparse_parse(buf, len, 0x4000, &sp, &found), -EPROTO);
	}
}

/* ------------------------------------------------------------------------ */
/* The kernel layer's checks, on a made-up sysfs tree                        */

static char tree[PATH_MAX];

static void mkdirs(const char *rel)
{
	char p[2 * PATH_MAX], *c;

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	for (c = p + 1; *c != '\0'; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(p, 0755);
			*c = '/';
		}
	mkdir(p, 0755);
}

static void sym(const char *target, const char *rel)
{
	char p[2 * PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	unlink(p);
	CHECK_EQ(symlink(target, p), 0);
}

static int kopen(void)
{
	char sysfs[PATH_MAX + 8], dev[PATH_MAX + 8];
	struct pcie_amp_vfio_env env;
	void *d = NULL;
	int rc;

	snprintf(sysfs, sizeof(sysfs), "%s/sys", tree);
	snprintf(dev, sizeof(dev), "%s/dev", tree);
	env.sysfs = sysfs;
	env.dev_vfio = dev;
	log_clear();
	rc = pcie_amp_vfio_kernel.open(&env, BDF, &d);
	if (rc == 0)
		pcie_amp_vfio_kernel.close(d);
	return rc;
}

/* pcie_amp_vfio_bound() on the made-up tree: quiet, 1 for vfio-pci alone. */
static int kbound(void)
{
	char sysfs[PATH_MAX + 8];
	struct pcie_amp_vfio_env env;
	int rc;

	snprintf(sysfs, sizeof(sysfs), "%s/sys", tree);
	env.sysfs = sysfs;
	env.dev_vfio = NULL;
	log_clear();
	rc = pcie_amp_vfio_bound(&env, BDF);
	CHECK(!log_has(BDF));
	return rc;
}

static void test_vfio_errors(void)
{
	char cmd[2 * PATH_MAX];

	snprintf(tree, sizeof(tree), "/tmp/test_pcie_%d", (int)getpid());
	mkdirs("dev");
	/* No such device. */
	CHECK_EQ(kopen(), -ENODEV);
	CHECK(log_has("no such PCI device"));
	CHECK_EQ(kbound(), 0);
	/* The device, no IOMMU group: the IOMMU is off. */
	mkdirs("sys/bus/pci/devices/" BDF);
	CHECK_EQ(kopen(), -ENODEV);
	CHECK(log_has("no IOMMU group"));
	CHECK(log_has("intel_iommu=on"));
	/* In a group, bound to another driver: the commands that bind it. */
	sym("../../../../kernel/iommu_groups/7", "sys/bus/pci/devices/" BDF "/iommu_group");
	sym("../../../bus/pci/drivers/ivshmem", "sys/bus/pci/devices/" BDF "/driver");
	CHECK_EQ(kopen(), -ENODEV);
	CHECK(log_has("bound to ivshmem, not vfio-pci"));
	CHECK(log_has("/bus/pci/devices/" BDF "/driver_override"));
	CHECK(log_has("/unbind"));
	CHECK(log_has("echo " BDF " > "));
	CHECK(log_has("/bus/pci/drivers_probe"));
	CHECK_EQ(kbound(), 0);
	/* Not bound at all. */
	snprintf(cmd, sizeof(cmd), "%s/sys/bus/pci/devices/%s/driver", tree, BDF);
	unlink(cmd);
	CHECK_EQ(kopen(), -ENODEV);
	CHECK(log_has("bound to no driver, not vfio-pci"));
	CHECK_EQ(kbound(), 0);
	sym("../../../bus/pci/drivers/vfio-pci-core", "sys/bus/pci/devices/" BDF "/driver");
	CHECK_EQ(kbound(), 0); /* the name whole, not a prefix */
	/* Bound, but another device of the group is held by a host driver. */
	sym("../../../bus/pci/drivers/vfio-pci", "sys/bus/pci/devices/" BDF "/driver");
	CHECK_EQ(kbound(), 1);
	mkdirs("sys/kernel/iommu_groups/7/devices");
	sym("../../../../bus/pci/devices/" BDF, "sys/kernel/iommu_groups/7/devices/" BDF);
	mkdirs("sys/bus/pci/devices/0000:00:04.0");
	sym("../../../bus/pci/drivers/e1000e", "sys/bus/pci/devices/0000:00:04.0/driver");
	sym("../../../../bus/pci/devices/0000:00:04.0",
	    "sys/kernel/iommu_groups/7/devices/0000:00:04.0");
	CHECK_EQ(kopen(), -EBUSY);
	CHECK(log_has("IOMMU group 7 is not viable"));
	CHECK(log_has("0000:00:04.0 (driver e1000e)"));
	/* A bridge in the group is fine; then no /dev/vfio/vfio: the module is missing. */
	sym("../../../bus/pci/drivers/pcieport", "sys/bus/pci/devices/0000:00:04.0/driver");
	CHECK_EQ(kopen(), -ENOENT);
	CHECK(log_has("modprobe vfio-pci"));
	/* Through the public call too (its layer is the kernel's, whose sysfs has no such device). */
	log_clear();
	{
		struct rte_vmsg_pcie *c = (struct rte_vmsg_pcie *)1;

		CHECK_EQ(rte_vmsg_pcie_open("ff:1f.7", NULL, &c), -ENODEV);
		CHECK(c == NULL);
	}
	CHECK_EQ(rte_vmsg_pcie_bound("ff:1f.7"), 0);
	CHECK_EQ(rte_vmsg_pcie_bound("ff:20.7"), -EINVAL);
	CHECK_EQ(rte_vmsg_pcie_bound(NULL), -EINVAL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	CHECK_EQ(system(cmd), 0);
}

/* ------------------------------------------------------------------------ */
/* DMA memory                                                                */

static long free_pages(const char *kb)
{
	char p[128];
	long n = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/sys/kernel/mm/hugepages/hugepages-%skB/free_hugepages", kb);
	f = fopen(p, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

static void test_dma(void)
{
	struct pcie_fake_cfg fc = { .can_reset = false };
	struct pcie_fake *f = pcie_fake_create(&fc);
	struct pcie_fake_stats st;
	struct pcie_amp_dma d;
	void *dev = NULL;
	int rc;

	CHECK_EQ(pcie_fake_ops.open(f, BDF, &dev), 0);
	/* 1 GiB pages, none reserved: the named error, no fallback to small pages. */
	if (free_pages("1048576") == 0) {
		log_clear();
		CHECK_EQ(pcie_amp_dma_alloc(&pcie_fake_ops, dev, BDF, 4096, RTE_VMSG_PAGE_SIZE_1G,
					    false, &d),
			 -ENOMEM);
		CHECK(log_has("no hugepages"));
		CHECK(log_has("hugepages-1048576kB/nr_hugepages"));
		CHECK(d.mem == NULL);
	}
	if (free_pages("2048") >= 1) {
		rc = pcie_amp_dma_alloc(&pcie_fake_ops, dev, BDF, 4096, 0, false, &d);
		CHECK_EQ(rc, 0);
		if (rc == 0) {
			CHECK(rte_vmsg_region_flags(d.mem) & RTE_VMSG_REGION_F_HUGE);
			CHECK_U64(d.len, RTE_VMSG_PAGE_SIZE_2M);
			CHECK_U64(rte_vmsg_region_bus_addr(d.view), d.iova);
			CHECK(rte_vmsg_region_addr(d.view) == rte_vmsg_region_addr(d.mem));
			pcie_amp_dma_free(&pcie_fake_ops, dev, &d, NULL);
			pcie_fake_stats_get(f, &st);
			CHECK_U64(st.dma_maps, 1);
			CHECK_U64(st.dma_unmaps, 1);
		}
	}
	pcie_fake_ops.close(dev);
	pcie_fake_destroy(f);
}

int main(void)
{
	rte_vmsg_log_set_handler(log_capture, RTE_VMSG_LOG_DEBUG, NULL);
	test_iova();
	test_sparse();
	test_vfio_errors();
	test_dma();
	return vtest_done("test_pcie_vfio");
}
