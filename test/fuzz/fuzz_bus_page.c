/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: the shm bus page as the driver side checks it (lib/bus/shm.c,
 * through the public attach path rte_vmsg_bus_shm_create()). Once per
 * process a real device side lays out a small file (bus page, link, 4 KiB
 * of DMA area); its bytes are the template. Each input XORs its bytes into
 * the template's bus page (an all-zero input is the valid page), may change
 * the file's length, and the driver side attaches to the file, with
 * RTE_VMSG_BUS_SHM_F_ADOPT or with options that match the template. An
 * attach either fails with a documented errno or gives a bus that polls,
 * whose DMA area lies inside the file.
 *
 * Input: byte 0: bit 0 ADOPT, bits 7:1 how much to cut from or add to
 * the file's length (in 4 KiB pages, signed); the rest XORs the bus page.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>

#include "fuzz.h"

#define DMA 4096u

static char path[64];
static uint8_t *tmpl;
static size_t tmpl_len;
static int fd = -1;

static void cleanup(void)
{
	if (fd >= 0)
		unlink(path);
}

static struct rte_vmsg_bus_shm_opts dev_opts(void)
{
	struct rte_vmsg_bus_shm_opts o;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.path = path;
	o.role = RTE_VMSG_BUS_DEVICE;
	o.flags = RTE_VMSG_BUS_SHM_F_REPLACE;
	o.dma_size = DMA;
	o.num_elems = 4;
	o.elem_size = 512;
	o.transport_revision = 1;
	o.max_msg_size = 264;
	return o;
}

/* The template: what a device side writes, read back from the file. */
static void setup(void)
{
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *dev;
	off_t len;

	snprintf(path, sizeof(path), "/dev/shm/vmsg-fuzz-bus-page-%d", (int)getpid());
	o = dev_opts();
	FUZZ_CHECK(rte_vmsg_bus_shm_create(&o, &dev) == 0);
	fd = open(path, O_RDWR);
	FUZZ_CHECK(fd >= 0);
	atexit(cleanup);
	len = lseek(fd, 0, SEEK_END);
	FUZZ_CHECK(len > 0);
	tmpl_len = (size_t)len;
	tmpl = malloc(tmpl_len);
	FUZZ_CHECK(tmpl != NULL && pread(fd, tmpl, tmpl_len, 0) == (ssize_t)tmpl_len);
	rte_vmsg_bus_shm_destroy(dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm_stats st;
	struct rte_vmsg_bus_shm *drv = NULL;
	struct rte_vmsg_bus_opts bo;
	uint64_t bus_addr, dma_len;
	uint8_t page[RTE_VMSG_SHM_PAGE_SIZE];
	size_t i, len;
	void *dma;
	int rc, delta;

	if (fd < 0) {
		/* FUZZ_LOG=1: the library's reasons for refusing, on stderr. */
		if (getenv("FUZZ_LOG") != NULL)
			rte_vmsg_log_set_handler(rte_vmsg_log_stderr, RTE_VMSG_LOG_DEBUG, NULL);
		setup();
	}
	if (size < 1)
		return 0;
	memcpy(page, tmpl, sizeof(page));
	for (i = 1; i < size && i - 1 < sizeof(page); i++)
		page[i - 1] ^= data[i];
	delta = (int)(int8_t)(data[0] & 0xFE) / 2 * 4096;
	len = delta < 0 && (size_t)-delta > tmpl_len ? 0 : (size_t)((long)tmpl_len + delta);
	FUZZ_CHECK(ftruncate(fd, (off_t)len) == 0);
	i = len < tmpl_len ? len : tmpl_len;
	FUZZ_CHECK(pwrite(fd, tmpl, i, 0) == (ssize_t)i);
	i = len < sizeof(page) ? len : sizeof(page);
	FUZZ_CHECK(pwrite(fd, page, i, 0) == (ssize_t)i);

	o = dev_opts();
	o.role = RTE_VMSG_BUS_DRIVER;
	o.flags = data[0] & 1 ? RTE_VMSG_BUS_SHM_F_ADOPT : 0;
	o.num_elems = 0;
	o.elem_size = 0;
	if (o.flags != 0) {
		o.transport_revision = 0;
		o.max_msg_size = 0;
	}
	o.dma_size = 0;
	rc = rte_vmsg_bus_shm_create(&o, &drv);
	/* An empty file cannot be mapped: rte_vmsg_region_create() refuses it. */
	FUZZ_CHECK(rc == 0 || rc == -EAGAIN || rc == -EPROTO || (len == 0 && rc == -EINVAL));
	FUZZ_CHECK((rc == 0) == (drv != NULL));
	if (rc != 0)
		return 0;
	FUZZ_CHECK(rte_vmsg_bus_shm_bus_opts(drv, &bo) == 0);
	FUZZ_CHECK(bo.max_msg_size >= RTE_VMSG_MAX_SIZE_MIN &&
		   bo.max_msg_size <= RTE_VMSG_MAX_SIZE_MAX);
	FUZZ_CHECK(rte_vmsg_bus_shm_dma(drv, &dma, &bus_addr, &dma_len) == 0);
	FUZZ_CHECK(bus_addr <= len && dma_len <= len - bus_addr);
	rc = rte_vmsg_bus_shm_poll(drv);
	FUZZ_CHECK(rc >= 0 || rc == -EIO);
	FUZZ_CHECK(rte_vmsg_bus_shm_stats_get(drv, &st) == 0);
	rte_vmsg_bus_shm_destroy(drv);
	return 0;
}
