/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The I/O accessors of lib/mem: aligned 16/32/64-bit reads and writes and
 * 64-bit-word copies of I/O regions (BARs), counted per region, through an
 * optional private alias or an emulation. The inline core is
 * lib/common/io_priv.h; these are its checked, exported forms.
 */

#define RTE_VMSG__ALLOW_PVT 1

#include <errno.h>

#include "rte_vmsg_atomic_pvt.h"
#include "mem_priv.h"

struct rte_vmsg__io_win *rte_vmsg__region_io_win(struct rte_vmsg_region *r)
{
	return r != NULL && (r->flags & RTE_VMSG_REGION_F_IO) != 0 ? &r->io : NULL;
}

/* Where plain accesses go when the emulation is removed: the alias, else addr. */
static void io_base_update(struct rte_vmsg_region *r)
{
	r->io.base = r->io_alias != NULL ? r->io_alias : r->addr;
}

int rte_vmsg_region_io_ops_set(struct rte_vmsg_region *r, const struct rte_vmsg_region_io_ops *ops,
			       void *arg)
{
	struct rte_vmsg_region_io_ops oc;

	if (r == NULL || (r->flags & RTE_VMSG_REGION_F_IO) == 0)
		return -EINVAL;
	if (ops != NULL && (rte_vmsg__opts_copy(&oc, sizeof(oc), ops) < 0 || oc.read32 == NULL ||
			    oc.write32 == NULL))
		return -EINVAL;
	r->io.ops = ops;
	r->io.arg = arg;
	return 0;
}

int rte_vmsg_region_io_alias_set(struct rte_vmsg_region *r, void *alias)
{
	if (r == NULL || (r->flags & RTE_VMSG_REGION_F_IO) == 0)
		return -EINVAL;
	/* Same congruence as addr modulo 8: the accessors' alignment holds in both views. */
	if (alias != NULL && (((uintptr_t)alias ^ (uintptr_t)r->addr) & 7u) != 0)
		return -EINVAL;
	if (alias != NULL && r->len > UINTPTR_MAX - (uintptr_t)alias)
		return -EINVAL;
	r->io_alias = alias;
	io_base_update(r);
	return 0;
}

/*
 * Emulated accesses. The ops are 32-bit (register blocks): a 64-bit access
 * is two of them, low word first; a 16-bit read takes its half of the
 * aligned 32-bit word, a 16-bit write is a 32-bit read-modify-write of it
 * (an emulation of RAM-like memory, such as a test's alias, is unaffected;
 * the library writes registers 32 bits at a time).
 */
uint64_t rte_vmsg__io_emul_read(const struct rte_vmsg__io_win *w, uint64_t off, unsigned int width)
{
	uint32_t lo;

	if (width == 8)
		return w->ops->read32(w->arg, off) | (uint64_t)w->ops->read32(w->arg, off + 4u)
							     << 32;
	lo = w->ops->read32(w->arg, off & ~(uint64_t)3);
	if (width == 2)
		return (uint16_t)(lo >> ((off & 2u) * 8u));
	return lo;
}

void rte_vmsg__io_emul_write(const struct rte_vmsg__io_win *w, uint64_t off, unsigned int width,
			     uint64_t v)
{
	uint64_t a = off & ~(uint64_t)3;
	unsigned int shift = (unsigned int)(off & 2u) * 8u;
	uint32_t cur;

	if (width == 8) {
		w->ops->write32(w->arg, off, (uint32_t)v);
		w->ops->write32(w->arg, off + 4u, (uint32_t)(v >> 32));
	} else if (width == 4) {
		w->ops->write32(w->arg, off, (uint32_t)v);
	} else {
		cur = w->ops->read32(w->arg, a);
		cur = (cur & ~(0xFFFFu << shift)) | (uint32_t)((v & 0xFFFFu) << shift);
		w->ops->write32(w->arg, a, cur);
	}
}

/*
 * The window of @p r if [off, off + width) is an aligned access inside it.
 * The exported accessors serve any region, as rte_vmsg_region_io_read32()
 * always has (an I/O region is where they are the only way in).
 */
static struct rte_vmsg__io_win *io_at(struct rte_vmsg_region *r, uint64_t off, uint64_t width)
{
	struct rte_vmsg__io_win *w = r != NULL ? &r->io : NULL;

	return w != NULL && rte_vmsg__io_in(w, off, width) ? w : NULL;
}

int rte_vmsg_region_io_read16(struct rte_vmsg_region *r, uint64_t off, uint16_t *v)
{
	struct rte_vmsg__io_win *w = io_at(r, off, 2);

	if (v == NULL || w == NULL)
		return -EINVAL;
	*v = rte_vmsg__io_rd16(w, off);
	return 0;
}

int rte_vmsg_region_io_read32(struct rte_vmsg_region *r, uint64_t off, uint32_t *v)
{
	struct rte_vmsg__io_win *w = io_at(r, off, 4);

	if (v == NULL || w == NULL)
		return -EINVAL;
	*v = rte_vmsg__io_rd32(w, off);
	return 0;
}

int rte_vmsg_region_io_read64(struct rte_vmsg_region *r, uint64_t off, uint64_t *v)
{
	struct rte_vmsg__io_win *w = io_at(r, off, 8);

	if (v == NULL || w == NULL)
		return -EINVAL;
	*v = rte_vmsg__io_rd64(w, off);
	return 0;
}

int rte_vmsg_region_io_write16(struct rte_vmsg_region *r, uint64_t off, uint16_t v)
{
	struct rte_vmsg__io_win *w = io_at(r, off, 2);

	if (w == NULL)
		return -EINVAL;
	rte_vmsg__io_wr16(w, off, v);
	return 0;
}

int rte_vmsg_region_io_write32(struct rte_vmsg_region *r, uint64_t off, uint32_t v)
{
	struct rte_vmsg__io_win *w = io_at(r, off, 4);

	if (w == NULL)
		return -EINVAL;
	rte_vmsg__io_wr32(w, off, v);
	return 0;
}

int rte_vmsg_region_io_write64(struct rte_vmsg_region *r, uint64_t off, uint64_t v)
{
	struct rte_vmsg__io_win *w = io_at(r, off, 8);

	if (w == NULL)
		return -EINVAL;
	rte_vmsg__io_wr64(w, off, v);
	return 0;
}

/* The aligned 64-bit words covering [off, off + len) lie inside the window. */
static int io_words_in(const struct rte_vmsg__io_win *w, uint64_t off, size_t len)
{
	uint64_t a = off & ~(uint64_t)7;

	if (w->len < 8 || a > w->len - 8 || len > w->len - a)
		return 0;
	/* The last word: from the one holding byte off + len - 1. */
	return ((off + len - 1u) & ~(uint64_t)7) <= w->len - 8;
}

int rte_vmsg_region_io_copy_in(struct rte_vmsg_region *r, uint64_t off, const void *src, size_t len)
{
	struct rte_vmsg__io_win *w = r != NULL ? &r->io : NULL;

	if (w == NULL || (src == NULL && len != 0) || (off & 7u) != 0)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!io_words_in(w, off, len))
		return -EINVAL;
	rte_vmsg__io_copy_in(w, off, src, len);
	return 0;
}

int rte_vmsg_region_io_copy_out(struct rte_vmsg_region *r, uint64_t off, void *dst, size_t len)
{
	struct rte_vmsg__io_win *w = r != NULL ? &r->io : NULL;

	if (w == NULL || (dst == NULL && len != 0))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!io_words_in(w, off, len))
		return -EINVAL;
	rte_vmsg__io_copy_out(w, off, dst, len);
	return 0;
}

int rte_vmsg_region_io_stats(const struct rte_vmsg_region *r, uint64_t *reads, uint64_t *writes)
{
	if (r == NULL)
		return -EINVAL;
	if (reads != NULL)
		*reads = rte_vmsg__read_once(&r->io.reads);
	if (writes != NULL)
		*writes = rte_vmsg__read_once(&r->io.writes);
	return 0;
}
