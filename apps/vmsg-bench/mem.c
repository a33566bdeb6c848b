/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The memory vmsg-bench measures in: one lib/mem file region (hugetlbfs, or
 * plain shared memory), attached again by path by a peer process; and the
 * optional NUMA binding.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifdef VMSG_BENCH_HAVE_NUMA
#include <numa.h>
#endif

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>

#include "bench.h"

#define HUGETLBFS_MAGIC_ 0x958458f6

#define FIX_PAGES "echo 512 > /proc/sys/vm/nr_hugepages"
#define FIX_MOUNT \
	"mkdir -p /dev/hugepages && mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages"

int bench_numa_bind(int node)
{
#ifdef VMSG_BENCH_HAVE_NUMA
	struct bitmask *bm;

	if (numa_available() < 0) {
		fprintf(stderr,
			"vmsg-bench: --numa-node %d: NUMA is not available on this system\n", node);
		return -1;
	}
	if (node < 0 || node > numa_max_node() ||
	    !numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned int)node)) {
		fprintf(stderr, "vmsg-bench: --numa-node %d: no such node (nodes 0-%d)\n", node,
			numa_max_node());
		return -1;
	}
	bm = numa_allocate_nodemask();
	if (bm == NULL) {
		fprintf(stderr, "vmsg-bench: --numa-node: out of memory\n");
		return -1;
	}
	numa_bitmask_setbit(bm, (unsigned int)node);
	/* Binds every later allocation of this process and its children (the memory is prefaulted
	 * at create time, so this is where its pages come from). */
	numa_set_membind(bm);
	numa_free_nodemask(bm);
	return 0;
#else
	fprintf(stderr,
		"vmsg-bench: --numa-node %d: this vmsg-bench was built without libnuma (install "
		"libnuma-dev and reconfigure the build)\n",
		node);
	return -1;
#endif
}

/* The file to remove if the run is interrupted (a hugetlbfs file keeps its pages). */
static char cleanup_path[256];

static void on_signal(int sig)
{
	if (cleanup_path[0] != '\0')
		unlink(cleanup_path);
	_exit(128 + sig);
}

static void hugepage_fix(void)
{
	fprintf(stderr, "vmsg-bench: to get hugepages, as root:\n"
			"    " FIX_PAGES "\n"
			"    " FIX_MOUNT "\n"
			"or run with --hugepages none (plain shared memory)\n");
}

int bench_mem_open(struct bench_env *env, size_t area_len)
{
	const char *hp = env->cfg->hugepages;
	struct rte_vmsg_region_opts o;
	char path[200];
	struct sigaction sa;
	uint32_t fl;
	int rc;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.kind = RTE_VMSG_REGION_KIND_FILE;
	o.size = BENCH_CTL_SIZE + area_len;
	o.flags = RTE_VMSG_REGION_OPT_REPLACE | RTE_VMSG_REGION_OPT_UNLINK |
		  RTE_VMSG_REGION_OPT_PREFAULT;
	if (strcmp(hp, "none") == 0) {
		/* A bare name without hugepages goes to /dev/shm. */
		snprintf(path, sizeof(path), "vmsg-bench.%d", (int)getpid());
		o.flags |= RTE_VMSG_REGION_OPT_NO_HUGE;
	} else if (strcmp(hp, "auto") == 0) {
		/* A bare name goes into the hugetlbfs mount, or /dev/shm with a warning. */
		snprintf(path, sizeof(path), "vmsg-bench.%d", (int)getpid());
	} else {
		struct statfs sfs;
		struct stat st;

		if (stat(hp, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "vmsg-bench: --hugepages %s: not a directory\n", hp);
			return -BENCH_EXIT_USAGE;
		}
		if (statfs(hp, &sfs) != 0 || (unsigned long)sfs.f_type != HUGETLBFS_MAGIC_) {
			fprintf(stderr, "vmsg-bench: --hugepages %s: not a hugetlbfs mount\n", hp);
			hugepage_fix();
			return -BENCH_EXIT_FAIL;
		}
		snprintf(path, sizeof(path), "%s/vmsg-bench.%d", hp, (int)getpid());
		o.flags |= RTE_VMSG_REGION_OPT_NO_FALLBACK;
	}
	o.path = path;
	rc = rte_vmsg_region_create(&o, &env->region);
	if (rc < 0) {
		fprintf(stderr, "vmsg-bench: cannot make a %zu-byte shared memory file %s: %s\n",
			(size_t)o.size, path, strerror(-rc));
		if (rc == -ENOMEM && strcmp(hp, "none") != 0)
			hugepage_fix();
		return -BENCH_EXIT_FAIL;
	}
	env->base = rte_vmsg_region_addr(env->region);
	env->len = rte_vmsg_region_len(env->region);
	env->ctl = (struct bench_ctl *)(void *)env->base;
	env->area = env->base + BENCH_CTL_SIZE;
	env->area_len = env->len - BENCH_CTL_SIZE;
	snprintf(env->mem_path, sizeof(env->mem_path), "%s", rte_vmsg_region_path(env->region));
	fl = rte_vmsg_region_flags(env->region);
	if (fl & RTE_VMSG_REGION_F_HUGE)
		snprintf(env->mem_kind, sizeof(env->mem_kind), "hugetlbfs (%zu MiB pages)",
			 rte_vmsg_region_page_size(env->region) >> 20);
	else if (fl & RTE_VMSG_REGION_F_FALLBACK)
		snprintf(env->mem_kind, sizeof(env->mem_kind),
			 "plain shared memory (no hugepages: fallback)");
	else
		snprintf(env->mem_kind, sizeof(env->mem_kind),
			 "plain shared memory (--hugepages none)");
	memset(env->base, 0, BENCH_CTL_SIZE);

	snprintf(cleanup_path, sizeof(cleanup_path), "%s", env->mem_path);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return 0;
}

int bench_mem_attach(const struct bench_env *env, struct rte_vmsg_region **out, uint8_t **base)
{
	struct rte_vmsg_region_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.kind = RTE_VMSG_REGION_KIND_FILE;
	o.flags = RTE_VMSG_REGION_OPT_ATTACH;
	if ((rte_vmsg_region_flags(env->region) & RTE_VMSG_REGION_F_HUGE) == 0)
		o.flags |= RTE_VMSG_REGION_OPT_NO_HUGE; /* known: no warning per attach */
	o.path = env->mem_path;
	o.size = env->len;
	rc = rte_vmsg_region_create(&o, out);
	if (rc < 0) {
		fprintf(stderr, "vmsg-bench: attaching %s: %s\n", env->mem_path, strerror(-rc));
		return -1;
	}
	*base = rte_vmsg_region_addr(*out);
	return 0;
}

void bench_mem_close(struct bench_env *env)
{
	rte_vmsg_region_destroy(env->region);
	env->region = NULL;
	cleanup_path[0] = '\0';
}

uint32_t bench_shm_path(const struct bench_cfg *cfg, const char *tag, char *buf, size_t cap)
{
	if (strcmp(cfg->hugepages, "auto") == 0) {
		snprintf(buf, cap, "vmsg_bench_%s_%d", tag, (int)getpid());
		return 0;
	}
	if (strcmp(cfg->hugepages, "none") == 0) {
		snprintf(buf, cap, "/dev/shm/vmsg_bench_%s_%d", tag, (int)getpid());
		return RTE_VMSG_BUS_SHM_F_NO_HUGE;
	}
	snprintf(buf, cap, "%s/vmsg_bench_%s_%d", cfg->hugepages, tag, (int)getpid());
	return RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
}
