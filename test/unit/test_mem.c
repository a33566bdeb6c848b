/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Description: lib/mem. Every region kind (a hugetlbfs file created here and
 * attached from a forked child, a hugetlb memfd mapped again by a child, an
 * anonymous hugepage region shared across fork), the fallback to normal pages
 * and its log lines, guard pages (a child touching past either end dies with
 * SIGSEGV), the allocator, every edge of bus-address translation, NUMA
 * binding (every kind bound to node 0: the policy is MPOL_BIND to node 0 and
 * every page is on node 0 by move_pages(); nodes that do not exist, or are out
 * of range, are refused), and the argument checks of each constructor.
 *
 * Hugepage kinds are checked for real when this machine has free hugepages
 * (and, for files, a hugetlbfs mount); otherwise the test says why and checks
 * the fallback in their place. VTEST_REQUIRE_HUGE=1 turns their absence into
 * a failure.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/mempolicy.h>

#include "rte_vmsg_mem.h"
#include "vtest.h"

#define MIB ((size_t)1 << 20)
#define PG2M RTE_VMSG_PAGE_SIZE_2M
/* Hugepages the test holds at most at once (a 4 MiB file, a memfd, guards). */
#define HUGE_NEEDED 8

static size_t page4k;
static char tag[64]; /* unique per run: names of files */

/* ---- log capture ---- */

static struct {
	int warn;
	int err;
	char last[256];
} logs;

static void log_capture(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level == RTE_VMSG_LOG_WARNING)
		logs.warn++;
	else if (level == RTE_VMSG_LOG_ERR)
		logs.err++;
	snprintf(logs.last, sizeof(logs.last), "%s", msg);
}

static void logs_reset(void)
{
	memset(&logs, 0, sizeof(logs));
}

/* ---- what this machine has ---- */

static struct {
	long total;
	long free_pages;
	long overcommit;
	bool have_mnt;
	char mnt[PATH_MAX];
	bool huge;	/* anon and memfd regions must get hugepages */
	bool huge_file; /* bare-name files must get hugepages */
} env;

static long read_key(const char *file, const char *key)
{
	char line[256];
	long v = 0;
	FILE *f = fopen(file, "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (key == NULL) {
			v = strtol(line, NULL, 10);
			break;
		}
		if (strncmp(line, key, strlen(key)) == 0) {
			v = strtol(line + strlen(key), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static void env_probe(void)
{
	env.total = read_key("/proc/meminfo", "HugePages_Total:");
	env.free_pages = read_key("/proc/meminfo", "HugePages_Free:");
	env.overcommit = read_key("/proc/sys/vm/nr_overcommit_hugepages", NULL);
	env.have_mnt = rte_vmsg_hugetlbfs_find(env.mnt, sizeof(env.mnt)) == 0;
	env.huge = env.free_pages >= HUGE_NEEDED;
	if (env.huge) {
		/* What counts is whether this process can reserve them (cgroups, other users). */
		void *p = mmap(NULL, HUGE_NEEDED * PG2M, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

		env.huge = p != MAP_FAILED;
		if (p != MAP_FAILED)
			munmap(p, HUGE_NEEDED * PG2M);
	}
	env.huge_file = env.huge && env.have_mnt;
	printf("hugepages: %ld total, %ld free (2 MiB), hugetlbfs mount: %s\n", env.total,
	       env.free_pages, env.have_mnt ? env.mnt : "none");
	if (!env.huge)
		printf("NOTE: %s: anon and memfd hugepage regions are checked as fallbacks\n",
		       env.total == 0 ? "no hugepages reserved (HugePages_Total 0)"
				      : "8 hugepages cannot be reserved");
	if (!env.huge_file)
		printf("NOTE: %s: hugetlbfs file regions are checked as fallbacks\n",
		       !env.have_mnt ? "no hugetlbfs mounted" : "not enough free hugepages");
	if (!env.huge_file)
		printf("NOTE: to test them for real (as root): echo 256 > "
		       "/proc/sys/vm/nr_hugepages; "
		       "mkdir -p /dev/hugepages; mount -t hugetlbfs -o pagesize=2M nodev "
		       "/dev/hugepages\n");
	if (vtest_require_huge()) {
		/* The CI asks for the real thing: its absence is a failure, not a note. */
		CHECK(env.huge_file);
	}
}

/* ---- helpers ---- */

static struct rte_vmsg_region_opts mkopts(uint32_t kind, uint32_t flags, size_t size,
					  const char *path)
{
	struct rte_vmsg_region_opts o;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.kind = kind;
	o.flags = flags;
	o.size = size;
	o.path = path;
	return o;
}

/* A value per 4 KiB page and at the last 8 bytes, so every page is touched. */
static void pattern_write(uint8_t *p, size_t len, uint64_t seed)
{
	size_t off;
	uint64_t v;

	for (off = 0; off + 8 <= len; off += 4096) {
		v = seed ^ off;
		memcpy(p + off, &v, 8);
	}
	v = ~seed;
	memcpy(p + len - 8, &v, 8);
}

static bool pattern_ok(const uint8_t *p, size_t len, uint64_t seed)
{
	size_t off;
	uint64_t v;

	for (off = 0; off + 8 <= len - 8; off += 4096) {
		memcpy(&v, p + off, 8);
		if (v != (seed ^ off))
			return false;
	}
	memcpy(&v, p + len - 8, 8);
	return v == ~seed;
}

/* Runs @p fn in a forked child; returns its wait status. */
static int in_child(void (*fn)(void *), void *arg)
{
	int st = 0;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		vtest_failures = 0;
		fn(arg);
		_exit(vtest_failures != 0 ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static bool exited_ok(int st)
{
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static bool is_fs(const char *path, uint32_t magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (uint32_t)st.f_type == magic;
}

/* Checks the kind-independent facts of a fresh region. */
static void check_region(const struct rte_vmsg_region *r, size_t size, bool want_huge)
{
	uint32_t f = rte_vmsg_region_flags(r);
	size_t pg = want_huge ? PG2M : page4k;

	CHECK((f & RTE_VMSG_REGION_F_SHARED) != 0);
	CHECK((f & RTE_VMSG_REGION_F_EXTERNAL) == 0);
	CHECK_EQ(!!(f & RTE_VMSG_REGION_F_HUGE), want_huge);
	CHECK_EQ(rte_vmsg_region_page_size(r), pg);
	CHECK_EQ(rte_vmsg_region_len(r), (size + pg - 1) / pg * pg);
	CHECK(rte_vmsg_region_addr(r) != NULL);
	CHECK_EQ((uintptr_t)rte_vmsg_region_addr(r) % pg, 0);
}

/* ---- hugetlbfs_find ---- */

static void test_find(void)
{
	char buf[PATH_MAX];
	int ret = rte_vmsg_hugetlbfs_find(buf, sizeof(buf));

	if (env.have_mnt) {
		CHECK_EQ(ret, 0);
		CHECK(is_fs(buf, HUGETLBFS_MAGIC));
		CHECK_EQ(rte_vmsg_hugetlbfs_find(buf, 1), -ENAMETOOLONG);
	} else {
		CHECK_EQ(ret, -ENOENT);
	}
	CHECK_EQ(rte_vmsg_hugetlbfs_find(NULL, sizeof(buf)), -EINVAL);
	CHECK_EQ(rte_vmsg_hugetlbfs_find(buf, 0), -EINVAL);
}

/* ---- FILE: create here, attach in a child ---- */

struct attach_arg {
	const char *name;
	const char *parent_path;
	size_t len;
	bool huge;
	uint64_t seed;
};

static void child_attach_write(void *p)
{
	const struct attach_arg *a = p;
	struct rte_vmsg_region_opts o =
		mkopts(RTE_VMSG_REGION_KIND_FILE, RTE_VMSG_REGION_OPT_ATTACH, 0, a->name);
	struct rte_vmsg_region *r = NULL;

	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (r == NULL)
		return;
	CHECK_EQ(rte_vmsg_region_len(r), a->len);
	CHECK(strcmp(rte_vmsg_region_path(r), a->parent_path) == 0);
	CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_ATTACHED) != 0);
	CHECK_EQ(!!(rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_HUGE), a->huge);
	pattern_write(rte_vmsg_region_addr(r), rte_vmsg_region_len(r), a->seed);
	rte_vmsg_region_destroy(r);
}

static void test_file_named(const char *name, bool want_huge, const char *want_path)
{
	struct rte_vmsg_region_opts o =
		mkopts(RTE_VMSG_REGION_KIND_FILE,
		       RTE_VMSG_REGION_OPT_UNLINK | RTE_VMSG_REGION_OPT_PREFAULT, 3 * MIB, name);
	struct rte_vmsg_region *r = NULL, *r2 = NULL;
	struct attach_arg a;
	char path[PATH_MAX];
	struct stat st;

	logs_reset();
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (r == NULL)
		return;
	check_region(r, 3 * MIB, want_huge);
	CHECK_EQ(!!(rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_FALLBACK), !want_huge);
	CHECK_EQ(logs.warn, want_huge ? 0 : 1);
	CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_ATTACHED) == 0);
	CHECK(rte_vmsg_region_fd(r) >= 0);
	snprintf(path, sizeof(path), "%s", rte_vmsg_region_path(r));
	if (want_path != NULL && strcmp(path, want_path) != 0) {
		fprintf(stderr, "file at %s, expected %s\n", path, want_path);
		CHECK(0);
	}
	CHECK(is_fs(path, want_huge ? HUGETLBFS_MAGIC : TMPFS_MAGIC));
	CHECK(stat(path, &st) == 0 && (size_t)st.st_size == rte_vmsg_region_len(r));
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);

	/* A second creator of the same name is refused. */
	o.flags = 0;
	CHECK_EQ(rte_vmsg_region_create(&o, &r2), -EEXIST);
	CHECK(r2 == NULL);

	/* Another process attaches by the same name and writes; this one reads. */
	a.name = name;
	a.parent_path = path;
	a.len = rte_vmsg_region_len(r);
	a.huge = want_huge;
	a.seed = 0x1234567890abcdefull;
	CHECK(exited_ok(in_child(child_attach_write, &a)));
	CHECK(pattern_ok(rte_vmsg_region_addr(r), rte_vmsg_region_len(r), a.seed));

	/* Attaching a part of it, or more than it holds. */
	o = mkopts(RTE_VMSG_REGION_KIND_FILE, RTE_VMSG_REGION_OPT_ATTACH, 1, name);
	CHECK_EQ(rte_vmsg_region_create(&o, &r2), 0);
	CHECK_EQ(rte_vmsg_region_len(r2), rte_vmsg_region_page_size(r));
	rte_vmsg_region_destroy(r2);
	o.size = rte_vmsg_region_len(r) + 1;
	CHECK_EQ(rte_vmsg_region_create(&o, &r2), -EINVAL);

	/* REPLACE puts a fresh file under the name; the old region keeps its memory. */
	o = mkopts(RTE_VMSG_REGION_KIND_FILE,
		   RTE_VMSG_REGION_OPT_REPLACE | RTE_VMSG_REGION_OPT_UNLINK, 3 * MIB, name);
	CHECK_EQ(rte_vmsg_region_create(&o, &r2), 0);
	if (r2 != NULL) {
		CHECK(strcmp(rte_vmsg_region_path(r2), path) == 0);
		CHECK_EQ(*(volatile uint8_t *)rte_vmsg_region_addr(r2), 0);
	}
	CHECK(pattern_ok(rte_vmsg_region_addr(r), rte_vmsg_region_len(r), a.seed));
	/* Destroying the old region must not unlink the new file. */
	rte_vmsg_region_destroy(r);
	CHECK(exists(path));
	rte_vmsg_region_destroy(r2);
	CHECK(!exists(path));

	/* Nothing left to attach. */
	o = mkopts(RTE_VMSG_REGION_KIND_FILE, RTE_VMSG_REGION_OPT_ATTACH, 0, name);
	CHECK_EQ(rte_vmsg_region_create(&o, &r2), -ENOENT);
}

static void test_file(void)
{
	char name[128], path[PATH_MAX + 128], want[PATH_MAX + 128];

	/* A bare name: into the hugetlbfs mount, or /dev/shm. */
	snprintf(name, sizeof(name), "%s-file", tag);
	if (env.huge_file)
		snprintf(want, sizeof(want), "%s/%s", env.mnt, name);
	else
		snprintf(want, sizeof(want), "/dev/shm/%s", name);
	test_file_named(name, env.huge_file, want);

	/* An explicit path in the hugetlbfs mount. */
	if (env.huge_file) {
		snprintf(path, sizeof(path), "%s/%s-path", env.mnt, tag);
		test_file_named(path, true, path);
	}

	/* A directory that does not exist: the file goes to /dev/shm by its last component. */
	snprintf(path, sizeof(path), "/nonexistent-vmsg-dir/%s-nodir", tag);
	snprintf(want, sizeof(want), "/dev/shm/%s-nodir", tag);
	test_file_named(path, false, want);
}

/* ---- fallback and its log lines ---- */

static void test_fallback(void)
{
	struct rte_vmsg_region_opts o;
	struct rte_vmsg_region *r = NULL;
	char path[PATH_MAX];
	size_t big;

	/* A path on tmpfs stays where it is, with a warning. */
	snprintf(path, sizeof(path), "/dev/shm/%s-fb", tag);
	o = mkopts(RTE_VMSG_REGION_KIND_FILE, RTE_VMSG_REGION_OPT_UNLINK, 5000, path);
	logs_reset();
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	check_region(r, 5000, false);
	CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_FALLBACK) != 0);
	CHECK(r != NULL && strcmp(rte_vmsg_region_path(r), path) == 0);
	CHECK_EQ(logs.warn, 1);
	CHECK(strstr(logs.last, "no hugepages") != NULL);
	CHECK(strstr(logs.last, "nr_hugepages") != NULL);
	CHECK(strchr(logs.last, '\n') == NULL);
	printf("fallback warning: %s\n", logs.last);
	rte_vmsg_region_destroy(r);
	CHECK(!exists(path));

	/* Without fallback: -ENOMEM, the commands that fix it, and no file left. */
	o.flags |= RTE_VMSG_REGION_OPT_NO_FALLBACK;
	logs_reset();
	CHECK_EQ(rte_vmsg_region_create(&o, &r), -ENOMEM);
	CHECK(r == NULL);
	CHECK_EQ(logs.err, 1);
	CHECK(strstr(logs.last, "echo 512 > /proc/sys/vm/nr_hugepages") != NULL);
	CHECK(strstr(logs.last, "mount -t hugetlbfs") != NULL);
	printf("no-fallback error: %s\n", logs.last);
	CHECK(!exists(path));

	/* NO_HUGE: plain memory by request, no warning, no FALLBACK flag. */
	o = mkopts(RTE_VMSG_REGION_KIND_FILE,
		   RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_UNLINK, 5000, path);
	o.mode = 0640;
	logs_reset();
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	check_region(r, 5000, false);
	CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_FALLBACK) == 0);
	{
		struct stat st;

		CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
	}
	rte_vmsg_region_destroy(r);
	for (uint32_t kind = RTE_VMSG_REGION_KIND_ANON; kind <= RTE_VMSG_REGION_KIND_MEMFD;
	     kind++) {
		o = mkopts(kind, RTE_VMSG_REGION_OPT_NO_HUGE, 5000, NULL);
		CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
		check_region(r, 5000, false);
		CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_FALLBACK) == 0);
		rte_vmsg_region_destroy(r);
	}
	CHECK_EQ(logs.warn + logs.err, 0);

	/*
	 * More hugepages than the machine has: the real "no hugepages" path of
	 * anon, memfd and bare-name file, whatever this machine has. The fallback
	 * mapping is lazy, so the size costs nothing. Surplus pages would satisfy it.
	 */
	if (env.overcommit != 0) {
		printf("NOTE: nr_overcommit_hugepages %ld: exhaustion not tested\n",
		       env.overcommit);
		return;
	}
	big = (size_t)(env.total + 1) * PG2M;
	snprintf(path, sizeof(path), "%s-big", tag);
	for (uint32_t kind = 0; kind <= RTE_VMSG_REGION_KIND_FILE; kind++) {
		o = mkopts(kind, kind == RTE_VMSG_REGION_KIND_FILE ? RTE_VMSG_REGION_OPT_UNLINK : 0,
			   big, kind == RTE_VMSG_REGION_KIND_FILE ? path : NULL);
		logs_reset();
		CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
		check_region(r, big, false);
		CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_FALLBACK) != 0);
		CHECK_EQ(logs.warn, 1);
		rte_vmsg_region_destroy(r);
		o.flags |= RTE_VMSG_REGION_OPT_NO_FALLBACK;
		logs_reset();
		CHECK_EQ(rte_vmsg_region_create(&o, &r), -ENOMEM);
		CHECK_EQ(logs.err, 1);
		CHECK(strstr(logs.last, "nr_hugepages") != NULL);
	}

	/* 1 GiB pages: real if some are free, else the fallback (sized in 4 KiB pages). */
	o = mkopts(RTE_VMSG_REGION_KIND_ANON, 0, 4096, NULL);
	o.page_size = RTE_VMSG_PAGE_SIZE_1G;
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (read_key("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", NULL) > 0) {
		CHECK_EQ(rte_vmsg_region_page_size(r), RTE_VMSG_PAGE_SIZE_1G);
	} else {
		CHECK_EQ(rte_vmsg_region_len(r), 4096);
		CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_FALLBACK) != 0);
	}
	rte_vmsg_region_destroy(r);
}

/* ---- MEMFD ---- */

struct fd_arg {
	int fd;
	size_t len;
	uint64_t seed;
};

static void child_map_fd_write(void *p)
{
	const struct fd_arg *a = p;
	void *m = mmap(NULL, a->len, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	pattern_write(m, a->len, a->seed);
	munmap(m, a->len);
}

/*
 * A hugetlbfs mount of one page (made here: root), a file that holds it,
 * and a second create of the same name finding no page: without REPLACE
 * it fails (-EEXIST: a fallback file in /dev/shm would never be found,
 * attachers look in the mount first); with REPLACE the old name goes and
 * the new file, in /dev/shm, is the one an attacher finds; with the old
 * file mapped by nobody, REPLACE frees its page and stays on hugetlbfs.
 */
static void test_huge_name_taken(void)
{
	struct rte_vmsg_region *a = NULL, *b = NULL, *att = NULL;
	struct rte_vmsg_region_opts o;
	char dir[128], path[256], shm[256];

	snprintf(dir, sizeof(dir), "/tmp/%s-hp", tag);
	snprintf(path, sizeof(path), "%s/%s-x", dir, tag);
	snprintf(shm, sizeof(shm), "/dev/shm/%s-x", tag);
	if (exists(shm)) {
		printf("NOTE: %s exists: the taken-name case is not checked\n", shm);
		return;
	}
	if (mkdir(dir, 0700) != 0 ||
	    mount("nodev", dir, "hugetlbfs", 0, "pagesize=2M,size=2M") != 0) {
		printf("NOTE: no hugetlbfs mount of one page at %s (%s): the taken-name case "
		       "is not checked (it needs root)\n",
		       dir, strerror(errno));
		rmdir(dir);
		if (vtest_require_huge())
			CHECK(0); /* the CI runs it as root */
		return;
	}
	o = mkopts(RTE_VMSG_REGION_KIND_FILE, 0, PG2M, path);
	CHECK_EQ(rte_vmsg_region_create(&o, &a), 0);
	CHECK(a != NULL && (rte_vmsg_region_flags(a) & RTE_VMSG_REGION_F_HUGE) != 0);
	logs_reset();
	CHECK_EQ(rte_vmsg_region_create(&o, &b), -EEXIST);
	CHECK(b == NULL && !exists(shm));
	CHECK_EQ(logs.err, 1);
	o.flags = RTE_VMSG_REGION_OPT_REPLACE | RTE_VMSG_REGION_OPT_UNLINK;
	CHECK_EQ(rte_vmsg_region_create(&o, &b), 0);
	CHECK(b != NULL && (rte_vmsg_region_flags(b) & RTE_VMSG_REGION_F_FALLBACK) != 0);
	CHECK(b != NULL && strcmp(rte_vmsg_region_path(b), shm) == 0);
	CHECK(!exists(path));
	o = mkopts(RTE_VMSG_REGION_KIND_FILE, RTE_VMSG_REGION_OPT_ATTACH, 0, path);
	CHECK_EQ(rte_vmsg_region_create(&o, &att), 0);
	if (att != NULL && b != NULL) {
		CHECK(strcmp(rte_vmsg_region_path(att), shm) == 0);
		((volatile uint8_t *)rte_vmsg_region_addr(b))[7] = 0x5a;
		CHECK_EQ(((volatile uint8_t *)rte_vmsg_region_addr(att))[7], 0x5a);
	}
	rte_vmsg_region_destroy(att);
	rte_vmsg_region_destroy(b);
	CHECK(!exists(shm));
	rte_vmsg_region_destroy(a);
	/* A stale file nobody maps: REPLACE takes its page back, on hugetlbfs. */
	o = mkopts(RTE_VMSG_REGION_KIND_FILE, 0, PG2M, path);
	a = NULL;
	CHECK_EQ(rte_vmsg_region_create(&o, &a), 0);
	rte_vmsg_region_destroy(a); /* the file stays, with its page */
	o.flags = RTE_VMSG_REGION_OPT_REPLACE | RTE_VMSG_REGION_OPT_UNLINK;
	b = NULL;
	CHECK_EQ(rte_vmsg_region_create(&o, &b), 0);
	CHECK(b != NULL && (rte_vmsg_region_flags(b) & RTE_VMSG_REGION_F_HUGE) != 0);
	rte_vmsg_region_destroy(b);
	CHECK(!exists(path) && !exists(shm));
	CHECK_EQ(umount(dir), 0);
	rmdir(dir);
}

/*
 * The temporary file of a create whose process was killed while making it
 * ("PATH.PID.SEQ.tmp"): the next create of PATH removes it when PID is gone
 * and the file is 10 s old or more; a fresh one (a process of another pid
 * namespace may be making it) and a live PID's stay.
 */
static void test_stale_tmp(void)
{
	char path[256], dead[300], fresh[300], live[300];
	struct timespec old[2] = { { 0, 0 }, { 0, 0 } };
	struct rte_vmsg_region_opts o;
	struct rte_vmsg_region *r = NULL;
	int status, fd, i;
	const char *f[3];
	pid_t pid;

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	CHECK_EQ(waitpid(pid, &status, 0), pid); /* pid is gone now */
	snprintf(path, sizeof(path), "/dev/shm/%s-tmp", tag);
	snprintf(dead, sizeof(dead), "%s.%d.3.tmp", path, (int)pid);
	snprintf(fresh, sizeof(fresh), "%s.%d.4.tmp", path, (int)pid);
	snprintf(live, sizeof(live), "%s.%d.5.tmp", path, (int)getpid());
	f[0] = dead;
	f[1] = fresh;
	f[2] = live;
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 60;
	for (i = 0; i < 3; i++) {
		fd = open(f[i], O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		CHECK(fd >= 0);
		if (fd >= 0 && i != 1)
			CHECK_EQ(futimens(fd, old), 0);
		if (fd >= 0)
			close(fd);
	}
	o = mkopts(RTE_VMSG_REGION_KIND_FILE,
		   RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_UNLINK, 5000, path);
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	CHECK(!exists(dead));
	CHECK(exists(fresh) && exists(live));
	rte_vmsg_region_destroy(r);
	for (i = 0; i < 3; i++)
		unlink(f[i]);
}

/*
 * A user who cannot write to the hugetlbfs mount (root's, 0755): a bare
 * name falls back to /dev/shm with the warning, as with no mount, instead
 * of failing with -EACCES. In a child that became nobody (65534).
 */
static void test_huge_not_writable(void)
{
	int status = 0;
	pid_t pid;

	if (geteuid() != 0 || !env.have_mnt) {
		printf("NOTE: %s: the unwritable-mount case is not checked\n",
		       geteuid() != 0 ? "not root" : "no hugetlbfs mount");
		return;
	}
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct rte_vmsg_region_opts o;
		struct rte_vmsg_region *r = NULL;
		char name[96];
		int rc;

		if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
			_exit(3);
		if (access(env.mnt, W_OK) == 0)
			_exit(4); /* writable to all: nothing to show */
		snprintf(name, sizeof(name), "%s-nobody", tag);
		o = mkopts(RTE_VMSG_REGION_KIND_FILE, RTE_VMSG_REGION_OPT_UNLINK, 5000, name);
		logs_reset();
		rc = rte_vmsg_region_create(&o, &r);
		if (rc != 0) {
			fprintf(stderr, "as nobody: create %s: %d\n", name, rc);
			_exit(1);
		}
		if ((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_FALLBACK) == 0 ||
		    strncmp(rte_vmsg_region_path(r), "/dev/shm/", 9) != 0 || logs.warn != 1 ||
		    strstr(logs.last, "not writable") == NULL) {
			fprintf(stderr, "as nobody: %s, flags 0x%x, %d warnings: %s\n",
				rte_vmsg_region_path(r), rte_vmsg_region_flags(r), logs.warn,
				logs.last);
			_exit(2);
		}
		rte_vmsg_region_destroy(r);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
		printf("NOTE: %s is writable by all: the unwritable-mount case is not checked\n",
		       env.mnt);
		return;
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_memfd(void)
{
	struct rte_vmsg_region_opts o = mkopts(RTE_VMSG_REGION_KIND_MEMFD, 0, 3 * MIB, "vmsg-test");
	struct rte_vmsg_region *r = NULL;
	struct fd_arg a;
	struct stat st;
	int fd;

	logs_reset();
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (r == NULL)
		return;
	check_region(r, 3 * MIB, env.huge);
	CHECK_EQ(logs.warn, env.huge ? 0 : 1);
	CHECK(rte_vmsg_region_path(r) == NULL);
	fd = rte_vmsg_region_fd(r);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && (size_t)st.st_size == rte_vmsg_region_len(r));
	/* Sealed: whoever holds the fd cannot shrink the memory under us. */
	CHECK(ftruncate(fd, 0) != 0 && errno == EPERM);

	/* A process that only has the fd maps it and writes; this one reads. */
	a.fd = fd;
	a.len = rte_vmsg_region_len(r);
	a.seed = 0xfeedface12345678ull;
	CHECK(exited_ok(in_child(child_map_fd_write, &a)));
	CHECK(pattern_ok(rte_vmsg_region_addr(r), rte_vmsg_region_len(r), a.seed));
	rte_vmsg_region_destroy(r);
	/* The region closed its fd. */
	CHECK(fcntl(fd, F_GETFD) == -1 && errno == EBADF);
}

/* ---- ANON, locked and prefaulted ---- */

struct mem_arg {
	uint8_t *p;
	size_t len;
	uint64_t seed;
};

static void child_write(void *p)
{
	const struct mem_arg *a = p;

	pattern_write(a->p, a->len, a->seed);
}

static void test_anon(void)
{
	struct rte_vmsg_region_opts o =
		mkopts(RTE_VMSG_REGION_KIND_ANON,
		       RTE_VMSG_REGION_OPT_LOCK | RTE_VMSG_REGION_OPT_PREFAULT, 1 * MIB, NULL);
	struct rte_vmsg_region *r = NULL;
	struct mem_arg a;
	unsigned char *vec;
	size_t i, n;

	logs_reset();
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (r == NULL)
		return;
	check_region(r, 1 * MIB, env.huge);
	CHECK_EQ(logs.warn, env.huge ? 0 : 1);
	CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_LOCKED) != 0);
	CHECK_EQ(rte_vmsg_region_fd(r), -ENOENT);
	CHECK(rte_vmsg_region_path(r) == NULL);
	CHECK_EQ(rte_vmsg_region_bus_addr(r), 0);

	/* Prefaulted: every page is resident before anyone touches it. */
	n = rte_vmsg_region_len(r) / page4k;
	vec = calloc(n, 1);
	CHECK(vec != NULL && mincore(rte_vmsg_region_addr(r), rte_vmsg_region_len(r), vec) == 0);
	for (i = 0; vec != NULL && i < n; i++)
		if ((vec[i] & 1) == 0)
			break;
	CHECK_EQ(i, n);
	free(vec);

	/* MAP_SHARED: a forked child's writes are seen here. */
	a.p = rte_vmsg_region_addr(r);
	a.len = rte_vmsg_region_len(r);
	a.seed = 0xabad1deaull;
	CHECK(exited_ok(in_child(child_write, &a)));
	CHECK(pattern_ok(a.p, a.len, a.seed));
	rte_vmsg_region_destroy(r);
}

/* ---- guard pages ---- */

static void child_touch(void *p)
{
	struct rlimit no_core = { 0, 0 };

	/* Die quietly of the fault: no core, and not through a sanitizer's handler. */
	setrlimit(RLIMIT_CORE, &no_core);
	prctl(PR_SET_DUMPABLE, 0);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	*(volatile uint8_t *)p = 0x5a;
}

static bool died_segv(int st)
{
	return st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

static void test_guard_one(const char *what, struct rte_vmsg_region_opts o)
{
	struct rte_vmsg_region *r = NULL;
	uint8_t *p;
	size_t len;

	o.flags |= RTE_VMSG_REGION_OPT_GUARD;
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (r == NULL)
		return;
	p = rte_vmsg_region_addr(r);
	len = rte_vmsg_region_len(r);
	CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_GUARD) != 0);
	CHECK(exited_ok(in_child(child_touch, p)));
	CHECK(exited_ok(in_child(child_touch, p + len - 1)));
	if (!died_segv(in_child(child_touch, p - 1))) {
		fprintf(stderr, "%s: the byte before the region is not guarded\n", what);
		CHECK(0);
	}
	if (!died_segv(in_child(child_touch, p + len))) {
		fprintf(stderr, "%s: the byte after the region is not guarded\n", what);
		CHECK(0);
	}
	/* The guards do not change what the region is. */
	p[0] = 1;
	p[len - 1] = 2;
	CHECK(p[0] == 1 && p[len - 1] == 2);
	rte_vmsg_region_destroy(r);
}

static void test_guard(void)
{
	char path[PATH_MAX];

	logs_reset();
	test_guard_one("anon", mkopts(RTE_VMSG_REGION_KIND_ANON, 0, 4096, NULL));
	test_guard_one("anon 4k", mkopts(RTE_VMSG_REGION_KIND_ANON, RTE_VMSG_REGION_OPT_NO_HUGE,
					 3 * 4096, NULL));
	test_guard_one("memfd", mkopts(RTE_VMSG_REGION_KIND_MEMFD, 0, 4096, NULL));
	snprintf(path, sizeof(path), "%s-guard", tag);
	test_guard_one("file",
		       mkopts(RTE_VMSG_REGION_KIND_FILE, RTE_VMSG_REGION_OPT_UNLINK, 4096, path));
}

/* ---- allocator ---- */

static void test_alloc(void)
{
	struct rte_vmsg_region_opts o =
		mkopts(RTE_VMSG_REGION_KIND_ANON, RTE_VMSG_REGION_OPT_NO_HUGE, 64 * 1024, NULL);
	struct rte_vmsg_region *r = NULL;
	uint8_t *base;
	void *p = NULL;
	uint64_t bus = 0;
	size_t rest;
	void *buf;

	o.alloc_offset = 4096;
	o.bus_addr = 0x100000;
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (r == NULL)
		return;
	base = rte_vmsg_region_addr(r);
	CHECK_U64(rte_vmsg_region_bus_addr(r), 0x100000);

	CHECK_EQ(rte_vmsg_region_alloc(r, 100, 64, &p, &bus), 0);
	CHECK(p == base + 4096);
	CHECK_U64(bus, 0x100000 + 4096);
	CHECK_EQ(rte_vmsg_region_alloc(r, 1, 1, &p, NULL), 0);
	CHECK(p == base + 4196);
	CHECK_EQ(rte_vmsg_region_alloc(r, 8, 64, &p, &bus), 0);
	CHECK(p == base + 4224);
	CHECK_EQ(rte_vmsg_region_alloc(r, 8, 4096, &p, &bus), 0);
	CHECK(p == base + 8192);
	CHECK_U64(bus, 0x100000 + 8192);

	/* Bad arguments leave the pointer alone. */
	p = NULL;
	CHECK_EQ(rte_vmsg_region_alloc(r, 8, 0, &p, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_region_alloc(r, 8, 3, &p, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_region_alloc(r, 8, 48, &p, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_region_alloc(r, 0, 8, &p, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_region_alloc(r, 8, 8, NULL, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_region_alloc(NULL, 8, 8, &p, NULL), -EINVAL);
	CHECK(p == NULL);

	/* Exhaustion, to the byte; absurd sizes and alignments do not wrap. */
	rest = 64 * 1024 - (8192 + 8);
	CHECK_EQ(rte_vmsg_region_alloc(r, rest + 1, 1, &p, NULL), -ENOMEM);
	CHECK_EQ(rte_vmsg_region_alloc(r, SIZE_MAX, 1, &p, NULL), -ENOMEM);
	CHECK_EQ(rte_vmsg_region_alloc(r, 1, (size_t)1 << 40, &p, NULL), -ENOMEM);
	CHECK_EQ(rte_vmsg_region_alloc(r, 1, (SIZE_MAX >> 1) + 1, &p, NULL), -ENOMEM);
	CHECK_EQ(rte_vmsg_region_alloc(r, rest, 1, &p, &bus), 0);
	CHECK(p == base + 8200);
	CHECK_EQ(rte_vmsg_region_alloc(r, 1, 1, &p, NULL), -ENOMEM);

	/* Reset starts again at the offset. */
	rte_vmsg_region_alloc_reset(r);
	rte_vmsg_region_alloc_reset(NULL);
	CHECK_EQ(rte_vmsg_region_alloc(r, 100, 64, &p, NULL), 0);
	CHECK(p == base + 4096);
	rte_vmsg_region_destroy(r);

	/* The offset may be the whole region (nothing to hand out), not more. */
	o.alloc_offset = 64 * 1024;
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	CHECK_EQ(rte_vmsg_region_alloc(r, 1, 1, &p, NULL), -ENOMEM);
	rte_vmsg_region_destroy(r);
	o.alloc_offset = 64 * 1024 + 1;
	CHECK_EQ(rte_vmsg_region_create(&o, &r), -EINVAL);

	/* Local and bus addresses must agree on the alignment. */
	buf = aligned_alloc(65536, 65536);
	CHECK_EQ(rte_vmsg_region_register(buf, 65536, 0x1000, 0, &r), 0);
	CHECK_EQ(rte_vmsg_region_alloc(r, 8, 8192, &p, &bus), -EINVAL);
	CHECK_EQ(rte_vmsg_region_alloc(r, 8, 4096, &p, &bus), 0);
	CHECK(p == buf);
	CHECK_U64(bus, 0x1000);
	rte_vmsg_region_destroy(r);
	free(buf);

	/* Hugepage regions carve at 2 MiB. */
	o = mkopts(RTE_VMSG_REGION_KIND_ANON, 0, 4 * MIB, NULL);
	logs_reset();
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (r != NULL && env.huge) {
		base = rte_vmsg_region_addr(r);
		CHECK_EQ(rte_vmsg_region_alloc(r, 1, PG2M, &p, NULL), 0);
		CHECK(p == base);
		CHECK_EQ(rte_vmsg_region_alloc(r, 1, PG2M, &p, &bus), 0);
		CHECK(p == base + PG2M);
		CHECK_U64(bus, PG2M);
		CHECK_EQ(rte_vmsg_region_alloc(r, 1, PG2M, &p, NULL), -ENOMEM);
	}
	rte_vmsg_region_destroy(r);
}

/* ---- external regions ---- */

static void test_register(void)
{
	uint8_t *buf = malloc(8192);
	struct rte_vmsg_region *r = (struct rte_vmsg_region *)&r;

	CHECK(buf != NULL);
	CHECK_EQ(rte_vmsg_region_register(buf, 8192, 0xA0000,
					  RTE_VMSG_REGION_F_IO | RTE_VMSG_REGION_F_SHARED, &r),
		 0);
	CHECK(rte_vmsg_region_addr(r) == buf);
	CHECK_EQ(rte_vmsg_region_len(r), 8192);
	CHECK_U64(rte_vmsg_region_bus_addr(r), 0xA0000);
	CHECK_EQ(rte_vmsg_region_flags(r),
		 RTE_VMSG_REGION_F_IO | RTE_VMSG_REGION_F_SHARED | RTE_VMSG_REGION_F_EXTERNAL);
	CHECK_EQ(rte_vmsg_region_page_size(r), page4k);
	CHECK_EQ(rte_vmsg_region_fd(r), -ENOENT);
	CHECK(rte_vmsg_region_path(r) == NULL);
	rte_vmsg_region_destroy(r);
	/* Not unmapped or freed by destroy: still ours. */
	buf[0] = 1;
	buf[8191] = 2;
	CHECK(buf[0] == 1 && buf[8191] == 2);

	/* Bad arguments; *out is NULL after each. */
	r = (struct rte_vmsg_region *)&r;
	CHECK_EQ(rte_vmsg_region_register(NULL, 8192, 0, 0, &r), -EINVAL);
	CHECK(r == NULL);
	CHECK_EQ(rte_vmsg_region_register(buf, 0, 0, 0, &r), -EINVAL);
	CHECK_EQ(rte_vmsg_region_register(buf, 8192, 0, 0, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_region_register(buf, 8192, 0, RTE_VMSG_REGION_F_HUGE, &r), -EINVAL);
	CHECK_EQ(rte_vmsg_region_register(buf, 8192, 0, RTE_VMSG_REGION_F_EXTERNAL, &r), -EINVAL);
	CHECK_EQ(rte_vmsg_region_register(buf, 8192, 0, 1u << 31, &r), -EINVAL);
	CHECK_EQ(rte_vmsg_region_register((void *)(UINTPTR_MAX - 10), 100, 0, 0, &r), -EINVAL);
	/* The bus range may end on the last address, not past it. */
	CHECK_EQ(rte_vmsg_region_register(buf, 8192, UINT64_MAX - 8190, 0, &r), -EINVAL);
	CHECK_EQ(rte_vmsg_region_register(buf, 8192, UINT64_MAX, 0, &r), -EINVAL);
	CHECK_EQ(rte_vmsg_region_register(buf, 8192, UINT64_MAX - 8191, 0, &r), 0);
	rte_vmsg_region_destroy(r);
	free(buf);
}

/* ---- bus-address maps ---- */

static struct rte_vmsg_region *reg(void *p, size_t len, uint64_t bus)
{
	struct rte_vmsg_region *r = NULL;

	CHECK_EQ(rte_vmsg_region_register(p, len, bus, 0, &r), 0);
	return r;
}

static void test_memmap_edges(uint8_t *buf)
{
	struct rte_vmsg_region *a, *b, *c, *d, *e[8];
	struct rte_vmsg_memmap *m = NULL;
	const uint64_t top = UINT64_MAX - 0xfff;
	uint64_t bus = 0;
	unsigned int i;

	CHECK_EQ(rte_vmsg_memmap_create(&m), 0);
	if (m == NULL)
		return;
	a = reg(buf, 0x1000, 0x10000);
	b = reg(buf + 0x1000, 0x2000, 0x20000);
	c = reg(buf + 0x3000, 0x1000, top);
	d = reg(buf + 0x4000, 0x1000, 0x11000); /* right after a on the bus, elsewhere in memory */
	/* Added out of order. */
	CHECK_EQ(rte_vmsg_memmap_add(m, c), 0);
	CHECK_EQ(rte_vmsg_memmap_add(m, b), 0);
	CHECK_EQ(rte_vmsg_memmap_add(m, a), 0);
	CHECK_EQ(rte_vmsg_memmap_add(m, d), 0);

	/* First byte, last byte, one past, one before, the whole, one more than the whole. */
	CHECK(rte_vmsg_memmap_translate(m, 0x10000, 1) == buf);
	CHECK(rte_vmsg_memmap_translate(m, 0x10fff, 1) == buf + 0xfff);
	CHECK(rte_vmsg_memmap_translate(m, 0x0ffff, 1) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x0ffff, 2) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x10000, 0x1000) == buf);
	CHECK(rte_vmsg_memmap_translate(m, 0x10000, 0x1001) == NULL);
	/* Adjacent on the bus is still two regions: no range straddles them. */
	CHECK(rte_vmsg_memmap_translate(m, 0x10fff, 2) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x11000, 1) == buf + 0x4000);
	CHECK(rte_vmsg_memmap_translate(m, 0x11fff, 1) == buf + 0x4fff);
	/* Gaps. */
	CHECK(rte_vmsg_memmap_translate(m, 0x12000, 1) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x1ffff, 1) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x1ffff, 2) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0, 1) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x22000, 1) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x20000, 0x2000) == buf + 0x1000);
	CHECK(rte_vmsg_memmap_translate(m, 0x21fff, 1) == buf + 0x2fff);
	CHECK(rte_vmsg_memmap_translate(m, 0x21fff, 2) == NULL);
	/* Length 0 is checked as 1 byte. */
	CHECK(rte_vmsg_memmap_translate(m, 0x10000, 0) == buf);
	CHECK(rte_vmsg_memmap_translate(m, 0x10fff, 0) == buf + 0xfff);
	CHECK(rte_vmsg_memmap_translate(m, 0x12000, 0) == NULL);
	/* The top of the bus space, and lengths that would wrap. */
	CHECK(rte_vmsg_memmap_translate(m, top, 0x1000) == buf + 0x3000);
	CHECK(rte_vmsg_memmap_translate(m, top, 0x1001) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, UINT64_MAX, 1) == buf + 0x3fff);
	CHECK(rte_vmsg_memmap_translate(m, UINT64_MAX, 2) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, UINT64_MAX, UINT64_MAX) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, top + 1, UINT64_MAX) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x10000, UINT64_MAX) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x10800, UINT64_MAX - 0x107ff) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x10800, (uint64_t)0 - 0x10800 + 0x10) == NULL);
	CHECK(rte_vmsg_memmap_translate(NULL, 0x10000, 1) == NULL);

	/* The reverse, same rules. */
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf, 1, &bus), 0);
	CHECK_U64(bus, 0x10000);
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf + 0xfff, 0, &bus), 0);
	CHECK_U64(bus, 0x10fff);
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf + 0x1000, 0x2000, &bus), 0);
	CHECK_U64(bus, 0x20000);
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf + 0x3fff, 1, &bus), 0);
	CHECK_U64(bus, UINT64_MAX);
	bus = 42;
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf + 0xfff, 2, &bus), -EFAULT);
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf + 0x1000, 0x2001, &bus), -EFAULT);
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf + 0x5000, 1, &bus), -EFAULT);
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf - 1, 1, &bus), -EFAULT);
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf, SIZE_MAX, &bus), -EFAULT);
	CHECK_U64(bus, 42);
	CHECK_EQ(rte_vmsg_memmap_to_bus(NULL, buf, 1, &bus), -EINVAL);
	CHECK_EQ(rte_vmsg_memmap_to_bus(m, buf, 1, NULL), -EINVAL);

	/* Overlaps are refused; adjacency is fine. */
	e[0] = reg(buf, 0x1000, 0x10800);      /* inside a and d */
	e[1] = reg(buf, 0x1000, 0xf800);       /* over a's start */
	e[2] = reg(buf, 0x3000, 0xf000);       /* covers a and d */
	e[3] = reg(buf, 0x1001, 0x1f000);      /* ends on b's first byte */
	e[4] = reg(buf, 0x2000, top - 0x1000); /* ends on c's first byte */
	e[5] = reg(buf, 0x1000, 0x1f000);      /* just below b */
	e[6] = reg(buf, 0x1000, 0x22000);      /* just above b */
	e[7] = reg(buf, 1, 0x21fff);	       /* b's last byte */
	for (i = 0; i < 5; i++)
		CHECK_EQ(rte_vmsg_memmap_add(m, e[i]), -EEXIST);
	CHECK_EQ(rte_vmsg_memmap_add(m, a), -EEXIST);
	CHECK_EQ(rte_vmsg_memmap_add(m, e[7]), -EEXIST);
	CHECK_EQ(rte_vmsg_memmap_add(m, e[5]), 0);
	CHECK_EQ(rte_vmsg_memmap_add(m, e[6]), 0);
	CHECK(rte_vmsg_memmap_translate(m, 0x1ffff, 1) == buf + 0xfff);
	CHECK(rte_vmsg_memmap_translate(m, 0x1ffff, 2) == NULL);
	CHECK(rte_vmsg_memmap_translate(m, 0x22000, 0x1000) == buf);
	CHECK(rte_vmsg_memmap_translate(m, 0x10000, 1) == buf);

	CHECK_EQ(rte_vmsg_memmap_add(NULL, a), -EINVAL);
	CHECK_EQ(rte_vmsg_memmap_add(m, NULL), -EINVAL);
	rte_vmsg_memmap_destroy(m);
	rte_vmsg_memmap_destroy(NULL);
	CHECK_EQ(rte_vmsg_memmap_create(NULL), -EINVAL);
	for (i = 0; i < 8; i++)
		rte_vmsg_region_destroy(e[i]);
	rte_vmsg_region_destroy(a);
	rte_vmsg_region_destroy(b);
	rte_vmsg_region_destroy(c);
	rte_vmsg_region_destroy(d);
}

static void test_memmap_capacity(uint8_t *buf)
{
	struct rte_vmsg_region *r[RTE_VMSG_MEMMAP_MAX_REGIONS + 1];
	struct rte_vmsg_memmap *m = NULL;
	unsigned int i;

	CHECK_EQ(rte_vmsg_memmap_create(&m), 0);
	for (i = 0; i <= RTE_VMSG_MEMMAP_MAX_REGIONS; i++)
		r[i] = reg(buf + i * 16, 16, (uint64_t)(RTE_VMSG_MEMMAP_MAX_REGIONS - i) << 32);
	for (i = 0; i < RTE_VMSG_MEMMAP_MAX_REGIONS; i++)
		CHECK_EQ(rte_vmsg_memmap_add(m, r[i]), 0);
	CHECK_EQ(rte_vmsg_memmap_add(m, r[i]), -ENOSPC);
	for (i = 0; i < RTE_VMSG_MEMMAP_MAX_REGIONS; i++) {
		uint64_t bus = (uint64_t)(RTE_VMSG_MEMMAP_MAX_REGIONS - i) << 32;

		CHECK(rte_vmsg_memmap_translate(m, bus + 15, 1) == buf + i * 16 + 15);
		CHECK(rte_vmsg_memmap_translate(m, bus + 15, 2) == NULL);
	}
	rte_vmsg_memmap_destroy(m);
	for (i = 0; i <= RTE_VMSG_MEMMAP_MAX_REGIONS; i++)
		rte_vmsg_region_destroy(r[i]);
}

/* Random queries near region edges against a 128-bit reference. */
static void test_memmap_random(uint8_t *buf, size_t buflen)
{
	enum { N = 8, Q = 20000 };
	struct rte_vmsg_region *r[N];
	struct rte_vmsg_memmap *m = NULL;
	uint64_t rbus[N], rlen[N], s = vtest_seed();
	size_t roff[N];
	unsigned int i, q, bad = 0;

	CHECK_EQ(rte_vmsg_memmap_create(&m), 0);
	for (i = 0; i < N; i++) {
		/* Disjoint: region i lives in bus slot i of 2^60, at a random start in it. */
		rlen[i] = 1 + vtest_rand(&s) % (buflen / N);
		roff[i] = (size_t)(vtest_rand(&s) % (buflen / N - rlen[i] + 1)) + i * (buflen / N);
		rbus[i] = ((uint64_t)i << 60) + (vtest_rand(&s) % ((1ull << 60) - rlen[i] + 1));
		if (i == N - 1 && (vtest_rand(&s) & 1) != 0)
			rbus[i] = UINT64_MAX - rlen[i] + 1; /* sometimes at the very top */
		r[i] = reg(buf + roff[i], (size_t)rlen[i], rbus[i]);
		CHECK_EQ(rte_vmsg_memmap_add(m, r[i]), 0);
	}
	for (q = 0; q < Q; q++) {
		uint64_t x = vtest_rand(&s), k = vtest_rand(&s) % 5;
		unsigned int j = (unsigned int)(vtest_rand(&s) % N);
		uint64_t bus, len;
		uint8_t *want = NULL, *got;

		/* Near the start or end of a region, or anywhere. */
		bus = k == 0	? x
		      : (k & 1) ? rbus[j] + (x % 16) - 8
				: rbus[j] + rlen[j] + (x % 16) - 8;
		x = vtest_rand(&s);
		switch (x % 6) {
		case 0:
			len = 0;
			break;
		case 1:
			len = 1 + (x >> 8) % 16;
			break;
		case 2:
			len = rlen[j] - (x >> 8) % 4;
			break;
		case 3:
			len = UINT64_MAX - (x >> 8) % 16;
			break;
		case 4:
			len = (x >> 8) % (rlen[j] + 2);
			break;
		default:
			len = x >> 3;
			break;
		}
		for (i = 0; i < N; i++) {
			unsigned __int128 lo = rbus[i], hi = (unsigned __int128)rbus[i] + rlen[i];
			unsigned __int128 b = bus,
					  e = (unsigned __int128)bus + (len == 0 ? 1 : len);

			if (b >= lo && e <= hi)
				want = buf + roff[i] + (bus - rbus[i]);
		}
		got = rte_vmsg_memmap_translate(m, bus, len);
		if (got != want && bad++ < 5)
			fprintf(stderr, "translate(0x%" PRIx64 ", 0x%" PRIx64 ") = %p, want %p\n",
				bus, len, (void *)got, (void *)want);
	}
	CHECK_EQ(bad, 0);
	rte_vmsg_memmap_destroy(m);
	for (i = 0; i < N; i++)
		rte_vmsg_region_destroy(r[i]);
}

static void test_memmap(void)
{
	size_t len = 1 << 16;
	uint8_t *buf = malloc(len);

	if (buf == NULL) {
		CHECK(0);
		return;
	}
	test_memmap_edges(buf);
	test_memmap_capacity(buf);
	test_memmap_random(buf, len);
	free(buf);
}

/* ---- constructor argument checks ---- */

static int create_rc(struct rte_vmsg_region_opts o)
{
	struct rte_vmsg_region *r = (struct rte_vmsg_region *)&o;
	int ret = rte_vmsg_region_create(&o, &r);

	if (ret < 0)
		CHECK(r == NULL);
	rte_vmsg_region_destroy(r);
	return ret;
}

static void test_negative(void)
{
	const uint32_t A = RTE_VMSG_REGION_KIND_ANON, M = RTE_VMSG_REGION_KIND_MEMFD,
		       F = RTE_VMSG_REGION_KIND_FILE;
	const uint32_t NH = RTE_VMSG_REGION_OPT_NO_HUGE;
	struct rte_vmsg_region_opts o = mkopts(A, NH, 4096, NULL);
	struct rte_vmsg_region *r = NULL;
	struct {
		struct rte_vmsg_region_opts o;
		uint8_t more[16];
	} big;
	char path[PATH_MAX], longname[300];
	int fd, ret;

	CHECK_EQ(rte_vmsg_region_create(NULL, &r), -EINVAL);
	CHECK_EQ(rte_vmsg_region_create(&o, NULL), -EINVAL);
	CHECK_EQ(create_rc(o), 0);

	/* The size prefix. */
	o.sz = 0;
	CHECK_EQ(create_rc(o), -EINVAL);
	o.sz = 4;
	CHECK_EQ(create_rc(o), -EINVAL);
	memset(&big, 0, sizeof(big));
	big.o = mkopts(A, NH, 4096, NULL);
	big.o.sz = sizeof(big);
	CHECK_EQ(rte_vmsg_region_create(&big.o, &r), 0); /* a newer caller, unknown bytes zero */
	rte_vmsg_region_destroy(r);
	big.more[15] = 1;
	CHECK_EQ(rte_vmsg_region_create(&big.o, &r), -EINVAL);
	CHECK(r == NULL);
	/* An older caller: fields past its sz are not read, whatever they hold. */
	o = mkopts(A, NH, 4096, (const char *)"garbage");
	o.numa_node = 0xdead;
	o.bus_addr = UINT64_MAX;
	o.sz = offsetof(struct rte_vmsg_region_opts, size) + sizeof(o.size);
	CHECK_EQ(create_rc(o), 0);

	/* Kind, flags and fields. */
	o = mkopts(3, NH, 4096, NULL);
	CHECK_EQ(create_rc(o), -EINVAL);
	o.kind = UINT32_MAX;
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(A, NH | (1u << 9), 4096, NULL);
	CHECK_EQ(create_rc(o), -EINVAL);
	o.flags = 1u << 31;
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(A, NH, 4096, NULL);
	o.numa_node = 1; /* without RTE_VMSG_REGION_OPT_NUMA */
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(A, NH, 0, NULL);
	CHECK_EQ(create_rc(o), -EINVAL);
	o.size = SIZE_MAX;
	CHECK_EQ(create_rc(o), -EINVAL);
	o.flags = 0;
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(A, NH, SIZE_MAX >> 1, NULL);
	ret = create_rc(o); /* mmap() refuses it: ENOMEM (EINVAL under valgrind) */
	CHECK(ret == -ENOMEM || ret == -EINVAL);
	o = mkopts(A, 0, 4096, NULL);
	o.page_size = 4096;
	CHECK_EQ(create_rc(o), -EINVAL);
	o.page_size = 3 * MIB;
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(A, NH, 4096, NULL);
	o.page_size = PG2M;
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(A, NH | RTE_VMSG_REGION_OPT_NO_FALLBACK, 4096, NULL);
	CHECK_EQ(create_rc(o), -EINVAL);

	/* Options of another kind. */
	o = mkopts(A, NH, 4096, "name");
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(A, NH | RTE_VMSG_REGION_OPT_ATTACH, 4096, NULL);
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(M, NH | RTE_VMSG_REGION_OPT_REPLACE, 4096, NULL);
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(M, NH | RTE_VMSG_REGION_OPT_UNLINK, 4096, NULL);
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(M, NH, 4096, NULL);
	o.mode = 0600;
	CHECK_EQ(create_rc(o), -EINVAL);
	memset(longname, 'x', 250);
	longname[250] = '\0';
	o = mkopts(M, 0, 4096, longname);
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(F, NH, 4096, NULL);
	CHECK_EQ(create_rc(o), -EINVAL);
	o.path = "";
	CHECK_EQ(create_rc(o), -EINVAL);
	o.path = "/dev/shm/";
	CHECK_EQ(create_rc(o), -EINVAL);
	snprintf(path, sizeof(path), "/dev/shm/%s-neg", tag);
	o = mkopts(F, RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_REPLACE, 0, path);
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(F, RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_UNLINK, 0, path);
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(F, RTE_VMSG_REGION_OPT_ATTACH, 0, path);
	o.mode = 0600;
	CHECK_EQ(create_rc(o), -EINVAL);
	o = mkopts(F, NH, 4096, path);
	o.mode = 010000;
	CHECK_EQ(create_rc(o), -EINVAL);
	CHECK(!exists(path));

	/* Checks that come after the mapping unwind it, the file included. */
	o = mkopts(F, NH | RTE_VMSG_REGION_OPT_UNLINK, 4096, path);
	o.bus_addr = UINT64_MAX;
	CHECK_EQ(create_rc(o), -EINVAL);
	CHECK(!exists(path));
	o.bus_addr = UINT64_MAX - 4095; /* ends on the last bus address: fine */
	CHECK_EQ(create_rc(o), 0);
	CHECK(!exists(path));
	o.bus_addr = 0;
	o.alloc_offset = 4097;
	CHECK_EQ(create_rc(o), -EINVAL);
	CHECK(!exists(path));

	/* Attaching files that are not usable. */
	o = mkopts(F, RTE_VMSG_REGION_OPT_ATTACH, 0, path);
	CHECK_EQ(create_rc(o), -ENOENT);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(create_rc(o), -EINVAL); /* empty */
	CHECK(ftruncate(fd, 5000) == 0);
	CHECK_EQ(create_rc(o), -EINVAL); /* not a multiple of the page */
	CHECK(ftruncate(fd, 8192) == 0);
	logs_reset();
	CHECK_EQ(create_rc(o), 0);
	CHECK_EQ(logs.warn, 1); /* not on hugetlbfs */
	o.flags |= RTE_VMSG_REGION_OPT_NO_HUGE;
	CHECK_EQ(create_rc(o), 0);
	CHECK_EQ(logs.warn, 1);
	o.flags = RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_NO_FALLBACK;
	CHECK_EQ(create_rc(o), -ENOMEM);
	close(fd);
	unlink(path);

	/* Accessors and destroy on NULL. */
	CHECK(rte_vmsg_region_addr(NULL) == NULL);
	CHECK_EQ(rte_vmsg_region_len(NULL), 0);
	CHECK_EQ(rte_vmsg_region_bus_addr(NULL), 0);
	CHECK_EQ(rte_vmsg_region_flags(NULL), 0);
	CHECK_EQ(rte_vmsg_region_page_size(NULL), 0);
	CHECK_EQ(rte_vmsg_region_fd(NULL), -EINVAL);
	CHECK(rte_vmsg_region_path(NULL) == NULL);
	rte_vmsg_region_destroy(NULL);
}

/* Every file this run made is gone, temporary names included. */
/* ---- NUMA ---- */

/* Whether every page of [p, p + len) is present and on @p node (move_pages() with no target). */
static bool pages_on_node(const void *p, size_t len, size_t pgsz, int node)
{
	size_t n = len / pgsz, i;
	void **pages = calloc(n, sizeof(*pages));
	int *status = calloc(n, sizeof(*status));
	bool ok = pages != NULL && status != NULL;

	for (i = 0; ok && i < n; i++)
		pages[i] = (uint8_t *)(uintptr_t)p + i * pgsz;
	if (ok && syscall(SYS_move_pages, 0, (unsigned long)n, pages, NULL, status, 0) != 0) {
		fprintf(stderr, "move_pages: %s\n", strerror(errno));
		ok = false;
	}
	for (i = 0; ok && i < n; i++) {
		if (status[i] != node) {
			fprintf(stderr, "page %zu of %zu: status %d, node %d wanted\n", i, n,
				status[i], node);
			ok = false;
		}
	}
	free(pages);
	free(status);
	return ok;
}

/* Whether the policy of the mapping at @p p is MPOL_BIND to @p node alone. */
static bool bound_to(const void *p, int node)
{
	unsigned long mask[1024 / (8 * sizeof(unsigned long))];
	int mode = -1;
	size_t i;

	memset(mask, 0, sizeof(mask));
	if (syscall(SYS_get_mempolicy, &mode, mask, 1024ul + 1, p, (unsigned long)MPOL_F_ADDR) !=
	    0) {
		fprintf(stderr, "get_mempolicy: %s\n", strerror(errno));
		return false;
	}
	for (i = 0; i < sizeof(mask) / sizeof(mask[0]); i++)
		if (mask[i] != (i == (size_t)node / (8 * sizeof(unsigned long))
					? 1ul << ((size_t)node % (8 * sizeof(unsigned long)))
					: 0ul))
			return false;
	return mode == MPOL_BIND;
}

static void test_numa_one(const char *what, struct rte_vmsg_region_opts o, bool want_huge)
{
	struct rte_vmsg_region *r = NULL;
	int ret;

	o.flags |= RTE_VMSG_REGION_OPT_NUMA;
	o.numa_node = 0;
	logs_reset();
	ret = rte_vmsg_region_create(&o, &r);
	if (ret != 0)
		fprintf(stderr, "%s bound to node 0: %s (%s)\n", what, strerror(-ret), logs.last);
	CHECK_EQ(ret, 0);
	if (r == NULL)
		return;
	CHECK_EQ(logs.err, 0);
	CHECK(rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_NUMA);
	if (want_huge)
		CHECK(rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_HUGE);
	CHECK_EQ(rte_vmsg_region_numa_node(r), 0);
	CHECK(bound_to(rte_vmsg_region_addr(r), 0));
	/* Prefaulted under the binding: every page exists already, on node 0. */
	CHECK(pages_on_node(rte_vmsg_region_addr(r), rte_vmsg_region_len(r),
			    rte_vmsg_region_page_size(r), 0));
	/* A memfd on shmem carries the policy itself: another mapping of it is bound too. */
	if (o.kind == RTE_VMSG_REGION_KIND_MEMFD &&
	    (rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_HUGE) == 0) {
		void *p = mmap(NULL, rte_vmsg_region_len(r), PROT_READ | PROT_WRITE, MAP_SHARED,
			       rte_vmsg_region_fd(r), 0);

		CHECK(p != MAP_FAILED);
		if (p != MAP_FAILED) {
			CHECK(bound_to(p, 0));
			munmap(p, rte_vmsg_region_len(r));
		}
	}
	rte_vmsg_region_destroy(r);
}

static void test_numa(void)
{
	struct rte_vmsg_region_opts o;
	struct rte_vmsg_region *r;
	char path[PATH_MAX], name[128];
	uint8_t buf[64];
	uint32_t missing;
	int ret;

	if (access("/sys/devices/system/node/node0", F_OK) != 0) {
		printf("NOTE: no /sys/devices/system/node/node0: NUMA binding not checked\n");
		return;
	}
	/* Node 0, in every kind, with and without hugepages (or their fallback). */
	test_numa_one("anon", mkopts(RTE_VMSG_REGION_KIND_ANON, 0, 4 * MIB, NULL), env.huge);
	test_numa_one("anon, normal pages",
		      mkopts(RTE_VMSG_REGION_KIND_ANON, RTE_VMSG_REGION_OPT_NO_HUGE, 1 * MIB, NULL),
		      false);
	test_numa_one("anon, guard pages",
		      mkopts(RTE_VMSG_REGION_KIND_ANON,
			     RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_GUARD, 64 * 1024,
			     NULL),
		      false);
	test_numa_one("anon, huge and locked",
		      mkopts(RTE_VMSG_REGION_KIND_ANON, RTE_VMSG_REGION_OPT_LOCK, 2 * MIB, NULL),
		      env.huge);
	test_numa_one("memfd", mkopts(RTE_VMSG_REGION_KIND_MEMFD, 0, 2 * MIB, NULL), env.huge);
	test_numa_one(
		"memfd, normal pages",
		mkopts(RTE_VMSG_REGION_KIND_MEMFD, RTE_VMSG_REGION_OPT_NO_HUGE, 1 * MIB, NULL),
		false);
	snprintf(name, sizeof(name), "%s-numa", tag);
	test_numa_one("file",
		      mkopts(RTE_VMSG_REGION_KIND_FILE, RTE_VMSG_REGION_OPT_UNLINK, 2 * MIB, name),
		      env.huge_file);
	snprintf(path, sizeof(path), "/dev/shm/%s-numa-shm", tag);
	test_numa_one("file in /dev/shm",
		      mkopts(RTE_VMSG_REGION_KIND_FILE,
			     RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_UNLINK |
				     RTE_VMSG_REGION_OPT_PREFAULT,
			     1 * MIB, path),
		      false);
	/* No 1 GiB pages: the fallback to normal pages keeps the binding. */
	if (read_key("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", NULL) == 0) {
		o = mkopts(RTE_VMSG_REGION_KIND_ANON, RTE_VMSG_REGION_OPT_NUMA, 4 * MIB, NULL);
		o.page_size = RTE_VMSG_PAGE_SIZE_1G;
		r = NULL;
		logs_reset();
		CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
		CHECK_EQ(logs.warn, 1);
		if (r != NULL) {
			CHECK(rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_FALLBACK);
			CHECK(rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_NUMA);
			CHECK(bound_to(rte_vmsg_region_addr(r), 0));
			CHECK(pages_on_node(rte_vmsg_region_addr(r), rte_vmsg_region_len(r),
					    rte_vmsg_region_page_size(r), 0));
			rte_vmsg_region_destroy(r);
		}
	}

	/* Nodes that do not exist: out of any kernel's range, or not on this machine. */
	o = mkopts(RTE_VMSG_REGION_KIND_ANON,
		   RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_NUMA, 4096, NULL);
	o.numa_node = 4095;
	logs_reset();
	CHECK_EQ(create_rc(o), -EINVAL);
	CHECK_EQ(logs.err, 1);
	CHECK(strstr(logs.last, "NUMA node 4095") != NULL);
	o.numa_node = UINT32_MAX;
	CHECK_EQ(create_rc(o), -EINVAL);
	for (missing = 1; missing < 1024; missing++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u", missing);
		if (access(path, F_OK) != 0)
			break;
	}
	if (missing < 1024) {
		o.numa_node = missing;
		logs_reset();
		CHECK_EQ(create_rc(o), -ENODEV);
		CHECK_EQ(logs.err, 1);
		CHECK(strstr(logs.last, "does not exist") != NULL);
	}
	/* A file to attach: its creator placed it. */
	snprintf(path, sizeof(path), "/dev/shm/%s-numa-att", tag);
	o = mkopts(RTE_VMSG_REGION_KIND_FILE,
		   RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_ATTACH |
			   RTE_VMSG_REGION_OPT_NUMA,
		   0, path);
	CHECK_EQ(create_rc(o), -EINVAL);

	/* Default options: no binding, no flag; the getter still says where the memory is. */
	o = mkopts(RTE_VMSG_REGION_KIND_ANON, RTE_VMSG_REGION_OPT_NO_HUGE, 4096, NULL);
	r = NULL;
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	if (r != NULL) {
		CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_NUMA) == 0);
		CHECK(!bound_to(rte_vmsg_region_addr(r), 0));
		CHECK_EQ(rte_vmsg_region_numa_node(r), 0); /* faults the page in, on node 0 */
		rte_vmsg_region_destroy(r);
	}
	CHECK_EQ(rte_vmsg_region_numa_node(NULL), -EINVAL);
	r = NULL;
	CHECK_EQ(rte_vmsg_region_register(buf, sizeof(buf), 0, 0, &r), 0);
	ret = rte_vmsg_region_numa_node(r);
	CHECK_EQ(ret, -ENOENT);
	rte_vmsg_region_destroy(r);
}

static void check_nothing_left(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, tag) != NULL) {
			fprintf(stderr, "left behind: %s/%s\n", dir, de->d_name);
			CHECK(0);
		}
	}
	closedir(d);
}

/* The I/O accessors: real accesses, emulated ones, counts and refusals. */
static uint32_t io_fake_regs[4];
static uint64_t io_fake_last_off;

static uint32_t io_fake_read(void *arg, uint64_t off)
{
	CHECK(arg == &io_fake_regs);
	io_fake_last_off = off;
	return io_fake_regs[off / 4] + 1;
}

static void io_fake_write(void *arg, uint64_t off, uint32_t v)
{
	CHECK(arg == &io_fake_regs);
	io_fake_last_off = off;
	io_fake_regs[off / 4] = v;
}

static void test_io(void)
{
	struct rte_vmsg_region_io_ops ops = { sizeof(ops), io_fake_read, io_fake_write };
	struct rte_vmsg_region_io_ops bad = ops;
	uint32_t regs[4] = { 0 }, v = 0;
	struct rte_vmsg_region *r = NULL, *plain = NULL;
	uint64_t rd = 9, wr = 9;

	CHECK_EQ(rte_vmsg_region_register(regs, sizeof(regs), 0, RTE_VMSG_REGION_F_IO, &r), 0);
	CHECK_EQ(rte_vmsg_region_register(regs, sizeof(regs), 0, 0, &plain), 0);
	CHECK_EQ(rte_vmsg_region_io_write32(r, 8, 0x11223344u), 0);
	CHECK_U64(regs[2], rte_vmsg_cpu_to_le32(0x11223344u));
	CHECK_EQ(rte_vmsg_region_io_read32(r, 8, &v), 0);
	CHECK_U64(v, 0x11223344u);
	/* Misaligned, past the end, NULL: refused and not counted. */
	CHECK_EQ(rte_vmsg_region_io_read32(r, 2, &v), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_read32(r, 16, &v), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_read32(r, UINT64_MAX - 3, &v), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_read32(r, 0, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_write32(r, 13, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_write32(NULL, 0, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_stats(r, &rd, &wr), 0);
	CHECK_U64(rd, 1);
	CHECK_U64(wr, 1);
	CHECK_EQ(rte_vmsg_region_io_stats(NULL, &rd, &wr), -EINVAL);
	/* Emulated: the functions see every access, the memory none. */
	CHECK_EQ(rte_vmsg_region_io_ops_set(plain, &ops, io_fake_regs), -EINVAL);
	bad.write32 = NULL;
	CHECK_EQ(rte_vmsg_region_io_ops_set(r, &bad, io_fake_regs), -EINVAL);
	bad = ops;
	bad.sz = 4;
	CHECK_EQ(rte_vmsg_region_io_ops_set(r, &bad, io_fake_regs), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_ops_set(r, &ops, io_fake_regs), 0);
	CHECK_EQ(rte_vmsg_region_io_write32(r, 4, 7), 0);
	CHECK_U64(io_fake_regs[1], 7);
	CHECK_U64(io_fake_last_off, 4);
	CHECK_EQ(rte_vmsg_region_io_read32(r, 4, &v), 0);
	CHECK_U64(v, 8);
	CHECK_U64(regs[1], 0);
	CHECK_EQ(rte_vmsg_region_io_stats(r, &rd, NULL), 0);
	CHECK_U64(rd, 2);
	CHECK_EQ(rte_vmsg_region_io_ops_set(r, NULL, NULL), 0);
	CHECK_EQ(rte_vmsg_region_io_read32(r, 8, &v), 0);
	CHECK_U64(v, 0x11223344u);
	rte_vmsg_region_destroy(plain);
	rte_vmsg_region_destroy(r);
}

/*
 * The accessors of every width and the copies, through a private alias of a
 * PROT_NONE view (the memfd mapped twice: any plain access through the view
 * would fault), and over an emulation of 32-bit registers.
 */
static uint8_t io_emul_mem[64];

static uint32_t io_emul_read(void *arg, uint64_t off)
{
	uint32_t v;

	CHECK(arg == io_emul_mem);
	memcpy(&v, io_emul_mem + off, 4);
	return rte_vmsg_le32_to_cpu(v);
}

static void io_emul_write(void *arg, uint64_t off, uint32_t v)
{
	CHECK(arg == io_emul_mem);
	v = rte_vmsg_cpu_to_le32(v);
	memcpy(io_emul_mem + off, &v, 4);
}

static void io_widths(struct rte_vmsg_region *r, const uint8_t *mem)
{
	uint8_t buf[24], out[24];
	uint16_t v16 = 0;
	uint32_t v32 = 0;
	uint64_t v64 = 0, rd0, wr0, rd, wr;
	unsigned int i;

	CHECK_EQ(rte_vmsg_region_io_stats(r, &rd0, &wr0), 0);
	CHECK_EQ(rte_vmsg_region_io_write16(r, 2, 0xA1B2u), 0);
	CHECK_EQ(rte_vmsg_region_io_write32(r, 4, 0x01020304u), 0);
	CHECK_EQ(rte_vmsg_region_io_write64(r, 8, 0x1122334455667788ull), 0);
	CHECK_U64(mem[2], 0xB2);
	CHECK_U64(mem[3], 0xA1);
	CHECK_U64(mem[4], 0x04);
	CHECK_U64(mem[8], 0x88);
	CHECK_U64(mem[15], 0x11);
	CHECK_EQ(rte_vmsg_region_io_read16(r, 2, &v16), 0);
	CHECK_U64(v16, 0xA1B2u);
	CHECK_EQ(rte_vmsg_region_io_read32(r, 4, &v32), 0);
	CHECK_U64(v32, 0x01020304u);
	CHECK_EQ(rte_vmsg_region_io_read64(r, 8, &v64), 0);
	CHECK_U64(v64, 0x1122334455667788ull);
	/* Misaligned or outside: refused, not counted. */
	CHECK_EQ(rte_vmsg_region_io_read16(r, 1, &v16), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_write64(r, 4, 0), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_read64(r, 64, &v64), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_copy_in(r, 4, buf, 8), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_copy_in(r, 56, buf, 9), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_copy_out(r, 60, out, 5), -EINVAL);
	/* A copy of 21 bytes: 3 words, the tail of the last zeroed. */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0x30 + i);
	CHECK_EQ(rte_vmsg_region_io_write64(r, 32 + 16, UINT64_MAX), 0);
	CHECK_EQ(rte_vmsg_region_io_copy_in(r, 32, buf, 21), 0);
	CHECK(memcmp(mem + 32, buf, 21) == 0);
	CHECK_U64(mem[32 + 21], 0);
	CHECK_U64(mem[32 + 23], 0);
	/* Out at an odd offset: the covering words, each read once. */
	memset(out, 0xEE, sizeof(out));
	CHECK_EQ(rte_vmsg_region_io_copy_out(r, 35, out, 13), 0);
	CHECK(memcmp(out, buf + 3, 13) == 0);
	CHECK_U64(out[13], 0xEE);
	CHECK_EQ(rte_vmsg_region_io_stats(r, &rd, &wr), 0);
	CHECK_U64(rd - rd0, 3 + 2);	/* read16/32/64, then the two words of [35, 48) */
	CHECK_U64(wr - wr0, 3 + 1 + 3); /* write16/32/64, the write64, the copy's 3 words */
}

static void test_io_alias(void)
{
	struct rte_vmsg_region_io_ops ops = { sizeof(ops), io_emul_read, io_emul_write };
	size_t len = page4k;
	int fd = (int)syscall(SYS_memfd_create, "vmsg-io-alias", 0u);
	struct rte_vmsg_region *r = NULL, *plain = NULL;
	uint8_t *view, *alias, other[64];

	CHECK(fd >= 0);
	CHECK_EQ(ftruncate(fd, (off_t)len), 0);
	view = mmap(NULL, len, PROT_NONE, MAP_SHARED, fd, 0);
	alias = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(view != MAP_FAILED && alias != MAP_FAILED);
	CHECK_EQ(rte_vmsg_region_register(view, 64, 0, RTE_VMSG_REGION_F_IO, &r), 0);
	CHECK_EQ(rte_vmsg_region_register(other, sizeof(other), 0, 0, &plain), 0);
	CHECK_EQ(rte_vmsg_region_io_alias_set(NULL, alias), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_alias_set(plain, alias), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_alias_set(r, alias + 4), -EINVAL);
	CHECK_EQ(rte_vmsg_region_io_alias_set(r, alias), 0);
	CHECK(rte_vmsg_region_addr(r) == view);
	io_widths(r, alias);
	/* Emulated 32-bit registers serve every width and the copies too. */
	CHECK_EQ(rte_vmsg_region_io_ops_set(r, &ops, io_emul_mem), 0);
	io_widths(r, io_emul_mem);
	CHECK_EQ(rte_vmsg_region_io_ops_set(r, NULL, NULL), 0);
	/* Back to the alias (not the view) once the ops are gone. */
	alias[0] = 0x5A;
	{
		uint16_t v = 0;

		CHECK_EQ(rte_vmsg_region_io_read16(r, 0, &v), 0);
		CHECK_U64(v & 0xFF, 0x5A);
	}
	rte_vmsg_region_destroy(plain);
	rte_vmsg_region_destroy(r);
	munmap(view, len);
	munmap(alias, len);
	close(fd);
}

int main(void)
{
	page4k = (size_t)sysconf(_SC_PAGESIZE);
	snprintf(tag, sizeof(tag), "vmsg-test-mem-%d", (int)getpid());
	rte_vmsg_log_set_handler(log_capture, RTE_VMSG_LOG_DEBUG, NULL);
	env_probe();

	test_find();
	test_file();
	test_fallback();
	test_huge_name_taken();
	test_huge_not_writable();
	test_stale_tmp();
	test_memfd();
	test_anon();
	test_guard();
	test_alloc();
	test_register();
	test_io();
	test_io_alias();
	test_memmap();
	test_negative();
	test_numa();
	check_nothing_left("/dev/shm");
	if (env.have_mnt)
		check_nothing_left(env.mnt);
	return vtest_done("test_mem");
}
