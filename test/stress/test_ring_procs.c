/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Stress: two processes over a hugetlbfs file pass 10^8 sequence-numbered
 * messages of varying lengths (both element formats, 64- and 256-byte
 * elements, both directions, one at a time) and check every byte and the order.
 *
 * The parent creates the file by path, lays the link out as the device side
 * and forks a child for each run; the child maps the file again by path (it
 * makes the inherited mapping inaccessible first, so only the new mapping can
 * work), attaches as the driver side, runs the handshake and reports its
 * result by exit status. Each process is pinned to its own CPU; the parent
 * waits for the child with a bounded timeout and kills it on expiry.
 *
 * Exits 77 when this machine has no hugetlbfs mount or no free hugepages (the
 * message names the command that fixes it); CI machines have both.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_mem.h>
#include <rte_vmsg_ring.h>

#include "stress_common.h"
#include "vmsg_util.h"
#include "vtest.h"

#define NUM_ELEMS 1024u
#define REGION_SIZE RTE_VMSG_PAGE_SIZE_2M
#define SEC 1000000000ull

#define FIX_MOUNT \
	"mkdir -p /dev/hugepages && mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages"
#define FIX_PAGES "echo 512 > /proc/sys/vm/nr_hugepages"

/* Child exit statuses, so that the parent can say what went wrong. */
enum child_status {
	CHILD_OK = 0,
	CHILD_ATTACH = 10,  /* the file could not be mapped again by path */
	CHILD_MAPPING = 11, /* the new mapping is not hugetlbfs or is the inherited one */
	CHILD_LINK = 12,    /* rte_vmsg_link_create() as driver failed */
	CHILD_HANDSHAKE = 13,
	CHILD_DATA = 14, /* a message was wrong, missing or late */
	CHILD_SETUP = 15,
};

static const char *child_status_str(int st)
{
	switch (st) {
	case CHILD_ATTACH:
		return "attach by path failed";
	case CHILD_MAPPING:
		return "new mapping not hugetlbfs, or the inherited one";
	case CHILD_LINK:
		return "driver link create failed";
	case CHILD_HANDSHAKE:
		return "handshake timed out";
	case CHILD_DATA:
		return "data check failed";
	case CHILD_SETUP:
		return "setup failed";
	default:
		return "unknown";
	}
}

struct run {
	enum rte_vmsg_link_format fmt;
	uint32_t esize;
	int dev_produces; /* 1: device -> driver; 0: driver -> device */
	uint64_t total;
	uint64_t deadline; /* CLOCK_MONOTONIC ns, the same in both processes */
};

static long meminfo(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0) {
			v = strtol(line + strlen(key), NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* ---- child: the driver side, in its own mapping ---- */

static pid_t parent_pid;

/* Gives up waiting once the parent is gone. */
static int parent_gone(void *arg)
{
	(void)arg;
	return getppid() != parent_pid;
}

static int child_main(const struct run *run, const char *path, void *inherited, size_t inh_len,
		      int cpu)
{
	struct rte_vmsg_region_opts ro = { .sz = sizeof(ro) };
	struct rte_vmsg_link_opts lo = { .sz = sizeof(lo) };
	struct rte_vmsg_region *reg = NULL;
	struct rte_vmsg_link *drv = NULL;
	int ret, st = CHILD_OK;

	/* Die with the parent; it may already be gone. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent_pid)
		return CHILD_SETUP;
	if (vmsg_util_pin_self(cpu) != 0)
		return CHILD_SETUP;
	/*
	 * The parent's mapping is inherited across fork: make it inaccessible so
	 * that the child can only work through the mapping it makes itself.
	 */
	if (mprotect(inherited, inh_len, PROT_NONE) != 0) {
		perror("child: mprotect");
		return CHILD_SETUP;
	}
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_NO_FALLBACK;
	ro.path = path;
	ret = rte_vmsg_region_create(&ro, &reg);
	if (ret < 0) {
		fprintf(stderr, "child: attach %s: %s\n", path, strerror(-ret));
		return CHILD_ATTACH;
	}
	if ((rte_vmsg_region_flags(reg) & RTE_VMSG_REGION_F_HUGE) == 0 ||
	    rte_vmsg_region_addr(reg) == inherited) {
		fprintf(stderr, "child: mapping at %p, flags 0x%x\n", rte_vmsg_region_addr(reg),
			rte_vmsg_region_flags(reg));
		st = CHILD_MAPPING;
		goto out;
	}
	lo.role = RTE_VMSG_LINK_DRIVER;
	lo.require_format = 1u + (uint32_t)run->fmt;
	ret = rte_vmsg_link_create(rte_vmsg_region_addr(reg), rte_vmsg_region_len(reg), &lo, &drv);
	if (ret < 0) {
		fprintf(stderr, "child: driver link: %s\n", strerror(-ret));
		st = CHILD_LINK;
		goto out;
	}
	if (rte_vmsg_link_max_msg(drv) != run->esize - (run->fmt ? RTE_VMSG_STAMP_HDR_SIZE : 0)) {
		st = CHILD_LINK;
		goto out;
	}
	ret = rte_vmsg_link_wait_up(drv, 10 * SEC);
	if (ret < 0) {
		fprintf(stderr, "child: handshake: %s\n", strerror(-ret));
		st = CHILD_HANDSHAKE;
		goto out;
	}
	ret = run->dev_produces ? stress_consume_until(rte_vmsg_link_rx(drv), run->total,
						       run->deadline, parent_gone, NULL)
				: stress_produce_until(rte_vmsg_link_tx(drv), run->total,
						       run->deadline, parent_gone, NULL);
	if (ret < 0)
		st = CHILD_DATA;
out:
	rte_vmsg_link_destroy(drv);
	rte_vmsg_region_destroy(reg);
	return st;
}

/* ---- parent: the device side ---- */

struct child {
	pid_t pid;
	int reaped;
	int status;
};

/* Reaps the child if it has exited; gives up waiting when it failed. */
static int child_failed(void *arg)
{
	struct child *c = arg;

	if (!c->reaped && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->reaped = 1;
	return c->reaped && !(WIFEXITED(c->status) && WEXITSTATUS(c->status) == CHILD_OK);
}

/* Waits for the child until @p deadline; kills it then. Returns 0 when it exited with 0. */
static int child_wait(struct child *c, uint64_t deadline)
{
	uint64_t now = rte_vmsg_time_ns();
	int rc;

	if (!c->reaped) {
		rc = vmsg_util_wait_child(c->pid, deadline > now ? deadline - now : 0, 1000000,
					  &c->status);
		if (rc == -ETIMEDOUT) {
			fprintf(stderr, "child %d: timed out, killed\n", (int)c->pid);
			c->reaped = 1;
			return -1;
		}
		if (rc < 0) {
			errno = -rc;
			perror("waitpid");
			return -1;
		}
		c->reaped = 1;
	}
	if (WIFSIGNALED(c->status)) {
		fprintf(stderr, "child %d: killed by signal %d (%s)\n", (int)c->pid,
			WTERMSIG(c->status), strsignal(WTERMSIG(c->status)));
		return -1;
	}
	if (WEXITSTATUS(c->status) != CHILD_OK) {
		fprintf(stderr, "child %d: exit status %d: %s\n", (int)c->pid,
			WEXITSTATUS(c->status), child_status_str(WEXITSTATUS(c->status)));
		return -1;
	}
	return 0;
}

static void one_run(struct rte_vmsg_region *reg, const struct run *run, int cpu_parent,
		    int cpu_child)
{
	struct rte_vmsg_link_opts lo = { .sz = sizeof(lo) };
	struct rte_vmsg_link *dev = NULL;
	struct child c = { 0 };
	uint8_t *base = rte_vmsg_region_addr(reg);
	uint64_t t0, t1;
	double secs;
	int rc;

	/* Fresh memory for each run: the previous driver's queue head is gone. */
	memset(base, 0, rte_vmsg_link_layout_size(NUM_ELEMS, run->esize));
	lo.role = RTE_VMSG_LINK_DEVICE;
	lo.num_elems = NUM_ELEMS;
	lo.elem_size = run->esize;
	lo.format = run->fmt;
	CHECK_EQ(rte_vmsg_link_create(base, rte_vmsg_region_len(reg), &lo, &dev), 0);
	if (dev == NULL)
		return;

	fflush(NULL);
	c.pid = fork();
	if (c.pid < 0) {
		perror("fork");
		CHECK(0);
		rte_vmsg_link_destroy(dev);
		return;
	}
	if (c.pid == 0)
		exit(child_main(run, rte_vmsg_region_path(reg), base, rte_vmsg_region_len(reg),
				cpu_child));

	rc = rte_vmsg_link_wait_up(dev, 10 * SEC);
	if (rc != 0)
		fprintf(stderr, "parent: handshake: %s\n", strerror(-rc));
	t0 = rte_vmsg_time_ns();
	if (rc == 0)
		rc = run->dev_produces ? stress_produce_until(rte_vmsg_link_tx(dev), run->total,
							      run->deadline, child_failed, &c)
				       : stress_consume_until(rte_vmsg_link_rx(dev), run->total,
							      run->deadline, child_failed, &c);
	/* This side failed: the child cannot finish; do not wait for its deadline. */
	if (rc != 0 && !c.reaped)
		kill(c.pid, SIGKILL);
	/* Past the deadline the child gets a few seconds to notice and exit. */
	if (child_wait(&c, run->deadline + 5 * SEC) != 0)
		rc = -1;
	CHECK_EQ(rc, 0);
	t1 = rte_vmsg_time_ns();
	secs = (double)(t1 - t0) / 1e9;
	if (rc == 0)
		printf("%s esize %3u %s: %llu messages checked in %.3f s, %.1f M msg/s, CPUs "
		       "%d/%d\n",
		       run->fmt ? "stamped" : "compat ", run->esize,
		       run->dev_produces ? "device->driver" : "driver->device",
		       (unsigned long long)run->total, secs,
		       secs > 0 ? (double)run->total / secs / 1e6 : 0, cpu_parent, cpu_child);
	else
		printf("%s esize %3u %s: FAILED\n", run->fmt ? "stamped" : "compat ", run->esize,
		       run->dev_produces ? "device->driver" : "driver->device");
	fflush(stdout);
	rte_vmsg_link_destroy(dev);
}

int main(void)
{
	static const uint32_t esizes[] = { 64, 256 };
	struct rte_vmsg_region_opts ro = { .sz = sizeof(ro) };
	struct rte_vmsg_region *reg = NULL;
	uint64_t total = stress_messages(100000000ull) / 8;
	char mnt[256], name[64];
	int cpu[2], fmt, e, dir, ret;

	rte_vmsg_log_set_handler(rte_vmsg_log_stderr, RTE_VMSG_LOG_WARNING, NULL);
	if (rte_vmsg_hugetlbfs_find(mnt, sizeof(mnt)) != 0)
		VTEST_SKIP_NO_HUGE("no hugetlbfs mounted; fix (as root): " FIX_MOUNT);
	if (meminfo("HugePages_Free:") <= 0)
		VTEST_SKIP_NO_HUGE("no free 2 MiB hugepages; fix (as root): " FIX_PAGES);

	snprintf(name, sizeof(name), "vmsg-stress-procs.%d", (int)getpid());
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_NO_FALLBACK | RTE_VMSG_REGION_OPT_UNLINK;
	ro.size = REGION_SIZE;
	ro.path = name;
	ret = rte_vmsg_region_create(&ro, &reg);
	/*
	 * -ENOMEM is a missing resource only if the free hugepages are gone
	 * meanwhile (another process took them); with one still free it is
	 * the library failing.
	 */
	if (ret == -ENOMEM && meminfo("HugePages_Free:") <= 0)
		VTEST_SKIP_NO_HUGE("no hugepage for a file in %s; fix (as root): " FIX_PAGES, mnt);
	CHECK_EQ(ret, 0);
	if (reg == NULL)
		return vtest_done("test_ring_procs");

	parent_pid = getpid();
	vmsg_util_two_cpus(cpu);
	CHECK_EQ(vmsg_util_pin_self(cpu[0]), 0);
	printf("file %s; 8 runs of %llu messages, parent (device) on CPU %d, child (driver) on "
	       "CPU %d\n",
	       rte_vmsg_region_path(reg), (unsigned long long)total, cpu[0], cpu[1]);
	for (fmt = 0; fmt < 2; fmt++)
		for (e = 0; e < 2; e++)
			for (dir = 0; dir < 2; dir++) {
				struct run run = {
					.fmt = (enum rte_vmsg_link_format)fmt,
					.esize = esizes[e],
					.dev_produces = !dir,
					.total = total,
				};

				/*
				 * Generous: a release run takes 1-4 s here, TSan
				 * with small counts less than one.
				 */
				run.deadline = rte_vmsg_time_ns() + 60 * SEC;
				one_run(reg, &run, cpu[0], cpu[1]);
				if (vtest_failures != 0)
					goto out;
			}
out:
	rte_vmsg_region_destroy(reg);
	return vtest_done("test_ring_procs");
}
