/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Private parts of lib/mem: the region object, shared by region.c and
 * memmap.c, and the helpers the files share.
 */

#ifndef RTE_VMSG_MEM_PRIV_H
#define RTE_VMSG_MEM_PRIV_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/statfs.h>

#include "rte_vmsg_mem.h"
#include "io_priv.h"
#include "opts_priv.h"

struct rte_vmsg_region {
	uint8_t *addr;	    /* first usable byte */
	size_t len;	    /* usable bytes */
	uint64_t bus_addr;  /* bus address of addr */
	uint32_t flags;	    /* RTE_VMSG_REGION_F_* */
	size_t page_size;   /* page size backing the mapping */
	size_t guard;	    /* PROT_NONE bytes on each side of the mapping, 0 without */
	size_t alloc_start; /* the allocator's first offset */
	size_t alloc_next;  /* the allocator's next free offset */
	int fd;		    /* -1 without */
	bool unlink;	    /* destroy unlinks path */
	char *path;	    /* FILE kind: the file actually used */
	int numa_want;	    /* RTE_VMSG_REGION_OPT_NUMA: the node to bind to; -1 without */
	int numa_node;	    /* bound regions: the node of the first page after prefault; -1 */
	/*
	 * I/O regions (io.c): where the accessors go (addr, or the alias),
	 * emulated accesses, and the counts of the accessors' accesses.
	 */
	struct rte_vmsg__io_win io;
	uint8_t *io_alias; /* rte_vmsg_region_io_alias_set(); NULL: addr */
};

/* Whether statfs() says the file system is of type @p magic (linux/magic.h). */
static inline bool rte_vmsg__fs_is(const struct statfs *st, uint32_t magic)
{
	return (uint32_t)st->f_type == magic;
}

/*
 * Finds a read-write hugetlbfs mount, preferring one with pages of
 * @p want bytes. Returns 0 and the mount's page size in *pgsz, -ENOENT or
 * -ENAMETOOLONG.
 */
int rte_vmsg__hugetlbfs_find(char *buf, size_t cap, size_t want, size_t *pgsz);

/* Nodes a NUMA option may name: Linux has at most 1 << 10 (NODES_SHIFT ≤ 10). */
#define RTE_VMSG__NUMA_NODES 1024u

/*
 * Checks that NUMA node @p node exists and has memory (sysfs); logs why not.
 * Returns 0, -EINVAL (beyond RTE_VMSG__NUMA_NODES) or -ENODEV.
 */
int rte_vmsg__numa_check(uint32_t node);

/* mbind(MPOL_BIND, MPOL_MF_STRICT) of [addr, addr + len) to @p node; logs failures. 0 or -errno. */
int rte_vmsg__numa_bind(void *addr, size_t len, uint32_t node);

/* The node of the page at @p addr (faulted in if it was not), or -errno. */
int rte_vmsg__numa_node_of(const void *addr);

#endif /* RTE_VMSG_MEM_PRIV_H */
