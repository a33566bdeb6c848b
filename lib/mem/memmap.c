/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Bus-address maps: a small array of regions sorted by bus address, and the
 * bounds-checked translations between bus addresses and local pointers.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem_priv.h"

struct memmap_ent {
	uint64_t bus; /* bus address of the first byte */
	uint64_t len; /* bytes, ≥ 1; bus + len - 1 does not wrap (checked at region create) */
	uint8_t *addr;
};

/*
 * No cache of the last hit: it would make translate write to the map, so
 * concurrent translations would race on it. With a handful of regions the
 * scan is a few compares of one or two cache lines.
 */
struct rte_vmsg_memmap {
	uint32_t n;
	struct memmap_ent e[RTE_VMSG_MEMMAP_MAX_REGIONS];
};

int rte_vmsg_memmap_create(struct rte_vmsg_memmap **out)
{
	struct rte_vmsg_memmap *m;

	if (out == NULL)
		return -EINVAL;
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	*out = m;
	return 0;
}

void rte_vmsg_memmap_destroy(struct rte_vmsg_memmap *m)
{
	free(m);
}

int rte_vmsg_memmap_add(struct rte_vmsg_memmap *m, const struct rte_vmsg_region *r)
{
	uint64_t last;
	uint32_t i;

	if (m == NULL || r == NULL || r->len == 0)
		return -EINVAL;
	if (m->n == RTE_VMSG_MEMMAP_MAX_REGIONS)
		return -ENOSPC;
	last = r->bus_addr + ((uint64_t)r->len - 1);
	for (i = 0; i < m->n && m->e[i].bus <= r->bus_addr; i++)
		;
	/* Entry i - 1 starts at or below the new one, entry i above it. */
	if (i > 0 && m->e[i - 1].bus + (m->e[i - 1].len - 1) >= r->bus_addr)
		return -EEXIST;
	if (i < m->n && m->e[i].bus <= last)
		return -EEXIST;
	memmove(&m->e[i + 1], &m->e[i], (m->n - i) * sizeof(m->e[0]));
	m->e[i].bus = r->bus_addr;
	m->e[i].len = r->len;
	m->e[i].addr = r->addr;
	m->n++;
	return 0;
}

void *rte_vmsg_memmap_translate(const struct rte_vmsg_memmap *m, uint64_t bus_addr, uint64_t len)
{
	uint64_t off;
	uint32_t i;

	if (m == NULL)
		return NULL;
	if (len == 0)
		len = 1;
	for (i = 0; i < m->n; i++) {
		/*
		 * Wraps to a huge value when bus_addr is below the entry, so one
		 * compare covers both ends; the length is checked against what is
		 * left of the entry, never by adding to bus_addr, which could wrap.
		 */
		off = bus_addr - m->e[i].bus;
		if (off < m->e[i].len && len <= m->e[i].len - off)
			return m->e[i].addr + (size_t)off;
	}
	return NULL;
}

int rte_vmsg_memmap_to_bus(const struct rte_vmsg_memmap *m, const void *ptr, size_t len,
			   uint64_t *bus)
{
	uintptr_t off;
	uint32_t i;

	if (m == NULL || bus == NULL)
		return -EINVAL;
	if (len == 0)
		len = 1;
	for (i = 0; i < m->n; i++) {
		off = (uintptr_t)ptr - (uintptr_t)m->e[i].addr;
		if (off < m->e[i].len && len <= m->e[i].len - off) {
			*bus = m->e[i].bus + off;
			return 0;
		}
	}
	return -EFAULT;
}
