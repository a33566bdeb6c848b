/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The I/O accessors of lib/mem: 32-bit register reads and writes of I/O
 * regions (BARs), counted per region, and emulated I/O regions.
 */

#define RTE_VMSG__ALLOW_PVT 1

#include <errno.h>

#include "rte_vmsg_atomic_pvt.h"
#include "mem_priv.h"

int rte_vmsg_region_io_ops_set(struct rte_vmsg_region *r, const struct rte_vmsg_region_io_ops *ops,
			       void *arg)
{
	struct rte_vmsg_region_io_ops oc;

	if (r == NULL || (r->flags & RTE_VMSG_REGION_F_IO) == 0)
		return -EINVAL;
	if (ops != NULL && (rte_vmsg__opts_copy(&oc, sizeof(oc), ops) < 0 || oc.read32 == NULL ||
			    oc.write32 == NULL))
		return -EINVAL;
	r->io_ops = ops;
	r->io_arg = arg;
	return 0;
}

/* Whether [off, off + 4) is an aligned register of @p r. */
static int io_ok(const struct rte_vmsg_region *r, uint64_t off)
{
	return r != NULL && (off & 3u) == 0 && r->len >= 4 && off <= r->len - 4;
}

/*
 * The counts: one writer at a time (the thread doing the I/O); relaxed
 * single-copy accesses so that a reader on another thread sees no torn
 * value. Not an atomic increment: concurrent accessors may lose a count.
 */
static void io_count(uint64_t *c)
{
	rte_vmsg__write_once(c, rte_vmsg__read_once(c) + 1u);
}

int rte_vmsg_region_io_read32(struct rte_vmsg_region *r, uint64_t off, uint32_t *v)
{
	if (v == NULL || !io_ok(r, off))
		return -EINVAL;
	io_count(&r->io_reads);
	if (r->io_ops != NULL)
		*v = r->io_ops->read32(r->io_arg, off);
	else
		/* Aligned: the region starts on a page and io_ok() checked off. */
		*v = rte_vmsg_le32_to_cpu(rte_vmsg__io_read32((void *)(r->addr + off)));
	return 0;
}

int rte_vmsg_region_io_write32(struct rte_vmsg_region *r, uint64_t off, uint32_t v)
{
	if (!io_ok(r, off))
		return -EINVAL;
	io_count(&r->io_writes);
	if (r->io_ops != NULL)
		r->io_ops->write32(r->io_arg, off, v);
	else
		rte_vmsg__io_write32((void *)(r->addr + off), rte_vmsg_cpu_to_le32(v));
	return 0;
}

int rte_vmsg_region_io_stats(const struct rte_vmsg_region *r, uint64_t *reads, uint64_t *writes)
{
	if (r == NULL)
		return -EINVAL;
	if (reads != NULL)
		*reads = rte_vmsg__read_once(&r->io_reads);
	if (writes != NULL)
		*writes = rte_vmsg__read_once(&r->io_writes);
	return 0;
}
