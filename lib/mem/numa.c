/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * NUMA placement of regions: node checks in sysfs, the mbind() binding and
 * the get_mempolicy() query. System calls only: the library does not link
 * libnuma.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/mempolicy.h>

#define RTE_VMSG_LOG_PREFIX "mem: "
#include "log_priv.h"
#include "mem_priv.h"

#define NODE_DIR "/sys/devices/system/node"
#define ULONG_BITS (sizeof(unsigned long) * CHAR_BIT)

/*
 * Whether @p node is in the sysfs node list @p file ("0", "0-1,3"): 1 or 0;
 * -ENOENT when the file cannot be read.
 */
static int node_listed(const char *file, uint32_t node)
{
	char buf[1024], *s, *end;
	unsigned long a, b;
	FILE *f;

	f = fopen(file, "re");
	if (f == NULL)
		return -ENOENT;
	s = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (s == NULL)
		return -ENOENT;
	while (*s >= '0' && *s <= '9') {
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (node >= a && node <= b)
			return 1;
		if (*end != ',')
			break;
		s = end + 1;
	}
	return 0;
}

/* The online nodes as sysfs lists them, for messages. */
static const char *online(char *buf, size_t cap)
{
	FILE *f = fopen(NODE_DIR "/online", "re");
	size_t n;

	buf[0] = '\0';
	if (f != NULL) {
		if (fgets(buf, (int)cap, f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf[0] != '\0' ? buf : "unknown";
}

int rte_vmsg__numa_check(uint32_t node)
{
	char path[64], nodes[128];
	int rc;

	if (node >= RTE_VMSG__NUMA_NODES) {
		RTE_VMSG_LOG(ERR, "NUMA node %u: out of range (0-%u)", node,
			     RTE_VMSG__NUMA_NODES - 1);
		return -EINVAL;
	}
	if (access(NODE_DIR, F_OK) != 0) {
		/* A kernel without NUMA: all memory is node 0's. */
		if (node == 0)
			return 0;
		RTE_VMSG_LOG(ERR,
			     "NUMA node %u does not exist (no NUMA in this kernel: node 0 only)",
			     node);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), NODE_DIR "/node%u", node);
	if (access(path, F_OK) != 0) {
		RTE_VMSG_LOG(ERR, "NUMA node %u does not exist (online nodes: %s)", node,
			     online(nodes, sizeof(nodes)));
		return -ENODEV;
	}
	rc = node_listed(NODE_DIR "/has_memory", node);
	if (rc == 0) {
		RTE_VMSG_LOG(ERR, "NUMA node %u has no memory (nodes with memory: see %s)", node,
			     NODE_DIR "/has_memory");
		return -ENODEV;
	}
	return 0; /* listed, or an old kernel without has_memory: mbind() decides */
}

int rte_vmsg__numa_bind(void *addr, size_t len, uint32_t node)
{
	unsigned long mask[RTE_VMSG__NUMA_NODES / ULONG_BITS];
	char eb[64];
	int err;

	memset(mask, 0, sizeof(mask));
	mask[node / ULONG_BITS] = 1ul << (node % ULONG_BITS);
	/*
	 * Before any page is touched: MPOL_BIND makes every later fault allocate
	 * on the node (or fail). On shmem (memfd, tmpfs files) the policy is the
	 * file's, so every process mapping it allocates there; on hugetlbfs it is
	 * this mapping's, which is why created regions are prefaulted. STRICT
	 * fails with EIO if a page already exists elsewhere (none should).
	 * The kernel reads maxnode - 1 bits.
	 */
	if (syscall(SYS_mbind, addr, (unsigned long)len, (unsigned long)MPOL_BIND, mask,
		    (unsigned long)RTE_VMSG__NUMA_NODES + 1, (unsigned long)MPOL_MF_STRICT) == 0)
		return 0;
	err = errno;
	if (err == ENOSYS && node == 0)
		return 0; /* no NUMA in this kernel: node 0 is all there is */
	RTE_VMSG_LOG(ERR, "binding %zu bytes to NUMA node %u: mbind: %s", len, node,
		     strerror_r(err, eb, sizeof(eb)));
	return -err;
}

int rte_vmsg__numa_node_of(const void *addr)
{
	int node = -1;

	if (syscall(SYS_get_mempolicy, &node, NULL, 0ul, addr,
		    (unsigned long)(MPOL_F_NODE | MPOL_F_ADDR)) != 0)
		return errno == ENOSYS ? 0 : -errno;
	return node;
}
