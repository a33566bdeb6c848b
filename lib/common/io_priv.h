/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The inline core of the lib/mem I/O accessors, for the library's own users
 * of I/O memory (lib/ring's I/O rings, drivers/pcie_amp): one window per I/O
 * region, counted accesses, no checks (the callers range-check at setup).
 */

#ifndef RTE_VMSG_IO_PRIV_H
#define RTE_VMSG_IO_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rte_vmsg_common.h"
#include "rte_vmsg_mem.h"

#ifndef RTE_VMSG__ALLOW_PVT
#define RTE_VMSG__ALLOW_PVT
#define RTE_VMSG__IO_PRIV_UNDEF
#endif
#include "rte_vmsg_atomic_pvt.h"
#ifdef RTE_VMSG__IO_PRIV_UNDEF
#undef RTE_VMSG__ALLOW_PVT
#undef RTE_VMSG__IO_PRIV_UNDEF
#endif

/*
 * How the accessors reach an I/O region (lib/mem keeps one in each region;
 * rte_vmsg__region_io_win() hands it out). Every access is one naturally
 * aligned volatile load or store of 16, 32 or 64 bits at base + off, or a
 * call of the region's emulation (io_ops). Accesses carry no barrier: the
 * caller places rte_vmsg__io_wmb()/rte_vmsg__io_rmb() (rte_vmsg_atomic_pvt.h)
 * and names the pairing.
 */
struct rte_vmsg__io_win {
	uint8_t *base; /* the alias if one is set, else the region's addr */
	size_t len;    /* bytes */
	const struct rte_vmsg_region_io_ops *ops; /* non-NULL: emulated accesses */
	void *arg;				  /* passed to ops */
	/* One writer at a time (the thread doing the I/O): see rte_vmsg__io_count(). */
	uint64_t reads;
	uint64_t writes;
};

/*
 * The window of an I/O region (RTE_VMSG_REGION_F_IO), or NULL for NULL or a
 * region of normal memory. Library-internal (not exported).
 */
struct rte_vmsg__io_win *rte_vmsg__region_io_win(struct rte_vmsg_region *r);

/* Emulated accesses (io.c): @p width 2, 4 or 8 bytes; values in CPU order. */
uint64_t rte_vmsg__io_emul_read(const struct rte_vmsg__io_win *w, uint64_t off, unsigned int width);
void rte_vmsg__io_emul_write(const struct rte_vmsg__io_win *w, uint64_t off, unsigned int width,
			     uint64_t v);

/*
 * The counts: relaxed single-copy accesses so that a reader on another
 * thread sees no torn value. Not an atomic increment: concurrent accessors
 * of one region may lose a count (documented at rte_vmsg_region_io_stats()).
 */
static inline void rte_vmsg__io_count(uint64_t *c, uint64_t k)
{
	rte_vmsg__write_once(c, rte_vmsg__read_once(c) + k);
}

/* Whether [off, off + width) lies inside the window and off is a multiple of width. */
static inline int rte_vmsg__io_in(const struct rte_vmsg__io_win *w, uint64_t off, uint64_t width)
{
	return (off & (width - 1)) == 0 && w->len >= width && off <= w->len - width;
}

static inline uint16_t rte_vmsg__io_rd16(struct rte_vmsg__io_win *w, uint64_t off)
{
	rte_vmsg__io_count(&w->reads, 1);
	if (RTE_VMSG_UNLIKELY(w->ops != NULL))
		return (uint16_t)rte_vmsg__io_emul_read(w, off, 2);
	return rte_vmsg_le16_to_cpu(rte_vmsg__io_read16(w->base + off));
}

static inline uint32_t rte_vmsg__io_rd32(struct rte_vmsg__io_win *w, uint64_t off)
{
	rte_vmsg__io_count(&w->reads, 1);
	if (RTE_VMSG_UNLIKELY(w->ops != NULL))
		return (uint32_t)rte_vmsg__io_emul_read(w, off, 4);
	return rte_vmsg_le32_to_cpu(rte_vmsg__io_read32(w->base + off));
}

static inline uint64_t rte_vmsg__io_rd64(struct rte_vmsg__io_win *w, uint64_t off)
{
	rte_vmsg__io_count(&w->reads, 1);
	if (RTE_VMSG_UNLIKELY(w->ops != NULL))
		return rte_vmsg__io_emul_read(w, off, 8);
	return rte_vmsg_le64_to_cpu(rte_vmsg__io_read64(w->base + off));
}

static inline void rte_vmsg__io_wr16(struct rte_vmsg__io_win *w, uint64_t off, uint16_t v)
{
	rte_vmsg__io_count(&w->writes, 1);
	if (RTE_VMSG_UNLIKELY(w->ops != NULL))
		rte_vmsg__io_emul_write(w, off, 2, v);
	else
		rte_vmsg__io_write16(w->base + off, rte_vmsg_cpu_to_le16(v));
}

static inline void rte_vmsg__io_wr32(struct rte_vmsg__io_win *w, uint64_t off, uint32_t v)
{
	rte_vmsg__io_count(&w->writes, 1);
	if (RTE_VMSG_UNLIKELY(w->ops != NULL))
		rte_vmsg__io_emul_write(w, off, 4, v);
	else
		rte_vmsg__io_write32(w->base + off, rte_vmsg_cpu_to_le32(v));
}

static inline void rte_vmsg__io_wr64(struct rte_vmsg__io_win *w, uint64_t off, uint64_t v)
{
	rte_vmsg__io_count(&w->writes, 1);
	if (RTE_VMSG_UNLIKELY(w->ops != NULL))
		rte_vmsg__io_emul_write(w, off, 8, v);
	else
		rte_vmsg__io_write64(w->base + off, rte_vmsg_cpu_to_le64(v));
}

/*
 * Copies @p len bytes from @p src to the window at @p off (a multiple of 8)
 * in aligned 64-bit writes, ceil(len / 8) of them: the bytes of the last
 * word past @p len are written as zeroes, so [off, off + len rounded up to
 * 8) must be the caller's to write. Bytes keep their memory order.
 */
static inline void rte_vmsg__io_copy_in(struct rte_vmsg__io_win *w, uint64_t off, const void *src,
					size_t len)
{
	const uint8_t *s = (const uint8_t *)src;
	size_t i, words = (len + 7u) / 8u;
	uint64_t v;

	for (i = 0; i + 8u <= len; i += 8u) {
		memcpy(&v, s + i, 8);
		if (RTE_VMSG_UNLIKELY(w->ops != NULL))
			rte_vmsg__io_emul_write(w, off + i, 8, rte_vmsg_le64_to_cpu(v));
		else
			rte_vmsg__io_write64(w->base + off + i, v);
	}
	if (i < len) {
		v = 0;
		memcpy(&v, s + i, len - i);
		if (RTE_VMSG_UNLIKELY(w->ops != NULL))
			rte_vmsg__io_emul_write(w, off + i, 8, rte_vmsg_le64_to_cpu(v));
		else
			rte_vmsg__io_write64(w->base + off + i, v);
	}
	rte_vmsg__io_count(&w->writes, words);
}

/*
 * Copies @p len bytes at @p off (any alignment) of the window to @p dst,
 * reading the aligned 64-bit words that cover them, each once: those words
 * must lie inside the window. Only @p len bytes of @p dst are written.
 */
static inline void rte_vmsg__io_copy_out(struct rte_vmsg__io_win *w, uint64_t off, void *dst,
					 size_t len)
{
	uint8_t *d = (uint8_t *)dst;
	uint64_t a = off & ~(uint64_t)7, end = off + len, v;
	size_t done = 0;

	if (len == 0)
		return;
	for (; a < end; a += 8u) {
		uint64_t from = a < off ? off - a : 0;
		uint64_t to = end - a < 8u ? end - a : 8u;

		if (RTE_VMSG_UNLIKELY(w->ops != NULL))
			v = rte_vmsg_cpu_to_le64(rte_vmsg__io_emul_read(w, a, 8));
		else
			v = rte_vmsg__io_read64(w->base + a);
		memcpy(d + done, (const uint8_t *)&v + from, (size_t)(to - from));
		done += (size_t)(to - from);
	}
	rte_vmsg__io_count(&w->reads, ((end + 7u) / 8u) - (off / 8u));
}

#endif /* RTE_VMSG_IO_PRIV_H */
