/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Memory regions: hugepage memory made here (hugetlbfs file, memfd, anonymous),
 * the fallback to normal shared memory, external mappings, the bump allocator.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#define RTE_VMSG_LOG_PREFIX "mem: "
#include "log_priv.h"
#include "mem_priv.h"
#include "region_priv.h"

/* Older C libraries lack some of these; the values are the kernel's ABI. */
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Where files go without hugepages. */
#define SHM_DIR "/dev/shm"
/* The commands that give this machine hugepages, named in logs. */
#define FIX_PAGES "echo 512 > /proc/sys/vm/nr_hugepages"
#define FIX_MOUNT "mkdir -p /dev/hugepages; mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages"

#define KNOWN_OPTS                                                                                \
	(RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_NO_FALLBACK |                           \
	 RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_REPLACE | RTE_VMSG_REGION_OPT_UNLINK | \
	 RTE_VMSG_REGION_OPT_GUARD | RTE_VMSG_REGION_OPT_LOCK | RTE_VMSG_REGION_OPT_PREFAULT |    \
	 RTE_VMSG_REGION_OPT_NUMA)
#define FILE_ONLY_OPTS \
	(RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_REPLACE | RTE_VMSG_REGION_OPT_UNLINK)

static size_t base_page(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096u;
}

/* Rounds @p n up to a multiple of the power of two @p a; false on overflow. */
static bool round_up(size_t n, size_t a, size_t *out)
{
	if (n > SIZE_MAX - (a - 1))
		return false;
	*out = (n + a - 1) & ~(a - 1);
	return true;
}

/* The page-size bits of MAP_HUGETLB / MFD_HUGETLB: log2 of the size, shifted. */
static unsigned int huge_bits(size_t pgsz, unsigned int shift)
{
	return (unsigned int)__builtin_ctzll((unsigned long long)pgsz) << shift;
}

static const char *errstr(int err, char *buf, size_t n)
{
	return strerror_r(err, buf, n); /* the GNU one: returns the text */
}

static char *join(const char *dir, const char *name)
{
	char *s;

	return asprintf(&s, "%s/%s", dir, name) < 0 ? NULL : s;
}

static const char *last_component(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* The directory that holds @p path into @p dir (PATH_MAX bytes): 0 or -ENAMETOOLONG. */
static int dir_of(const char *path, char *dir)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else {
		n = (size_t)(slash - path);
		if (n >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	return 0;
}

/* statfs() of the directory that holds @p path. */
static int dir_statfs(const char *path, struct statfs *st)
{
	char dir[PATH_MAX];
	int rc = dir_of(path, dir);

	if (rc < 0)
		return rc;
	return statfs(dir, st) == 0 ? 0 : -errno;
}

/*
 * Where a FILE goes without hugepages: a path whose directory is a tmpfs
 * stays where it is; anything else (a bare name, a hugetlbfs or disk
 * directory, a directory that does not exist) goes to /dev/shm under its last
 * component. Creating and attaching agree on this, so both find the file.
 */
static char *fallback_path(const char *path)
{
	struct statfs st;

	if (strchr(path, '/') != NULL && dir_statfs(path, &st) == 0 &&
	    rte_vmsg__fs_is(&st, TMPFS_MAGIC))
		return strdup(path);
	return join(SHM_DIR, last_component(path));
}

static int check_opts(const struct rte_vmsg_region_opts *o)
{
	if ((o->flags & ~KNOWN_OPTS) != 0 || o->kind > RTE_VMSG_REGION_KIND_FILE ||
	    (o->mode & ~07777u) != 0)
		return -EINVAL;
	if (o->kind != RTE_VMSG_REGION_KIND_FILE &&
	    ((o->flags & FILE_ONLY_OPTS) != 0 || o->mode != 0))
		return -EINVAL;
	if (o->kind == RTE_VMSG_REGION_KIND_ANON && o->path != NULL)
		return -EINVAL;
	if (o->kind == RTE_VMSG_REGION_KIND_MEMFD && o->path != NULL && strlen(o->path) > 249)
		return -EINVAL; /* memfd_create()'s limit on names */
	if (o->kind == RTE_VMSG_REGION_KIND_FILE &&
	    (o->path == NULL || o->path[0] == '\0' || o->path[strlen(o->path) - 1] == '/'))
		return -EINVAL;
	if ((o->flags & RTE_VMSG_REGION_OPT_ATTACH) != 0 &&
	    ((o->flags & (RTE_VMSG_REGION_OPT_REPLACE | RTE_VMSG_REGION_OPT_UNLINK)) != 0 ||
	     o->mode != 0))
		return -EINVAL;
	if ((o->flags & RTE_VMSG_REGION_OPT_NO_HUGE) != 0 &&
	    ((o->flags & RTE_VMSG_REGION_OPT_NO_FALLBACK) != 0 || o->page_size != 0))
		return -EINVAL;
	if (o->page_size != 0 && o->page_size != RTE_VMSG_PAGE_SIZE_2M &&
	    o->page_size != RTE_VMSG_PAGE_SIZE_1G)
		return -EINVAL;
	if ((o->flags & RTE_VMSG_REGION_OPT_ATTACH) == 0 && o->size == 0)
		return -EINVAL;
	/* The pages of an attached file may exist already: its creator places them. */
	if ((o->flags & RTE_VMSG_REGION_OPT_NUMA) == 0
		    ? o->numa_node != 0
		    : (o->flags & RTE_VMSG_REGION_OPT_ATTACH) != 0)
		return -EINVAL;
	if ((o->flags & RTE_VMSG_REGION_OPT_NUMA) != 0)
		return rte_vmsg__numa_check(o->numa_node);
	return 0;
}

/*
 * Hugepages could not be had for the @p what (named @p name, if any): logs
 * one warning and returns 0 to fall back to normal pages (in @p to, if it is
 * a file), or, with NO_FALLBACK, logs the fix and returns -ENOMEM.
 */
static int no_huge(const struct rte_vmsg_region_opts *o, const char *what, const char *name,
		   const char *to, size_t len, const char *why)
{
	bool file = o->kind == RTE_VMSG_REGION_KIND_FILE;
	const char *sp = name != NULL ? " " : "";

	if (name == NULL)
		name = "";
	if ((o->flags & RTE_VMSG_REGION_OPT_NO_FALLBACK) != 0) {
		RTE_VMSG_LOG(ERR, "no hugepages for a %zu-byte %s%s%s (%s); fix: %s%s%s", len, what,
			     sp, name, why, FIX_PAGES, file ? "; " : "", file ? FIX_MOUNT : "");
		return -ENOMEM;
	}
	RTE_VMSG_LOG(WARNING,
		     "no hugepages for a %zu-byte %s%s%s (%s): using normal pages%s%s; fix: %s%s",
		     len, what, sp, name, why, to != NULL ? " in " : "", to != NULL ? to : "",
		     FIX_PAGES, file ? " and a hugetlbfs mount" : "");
	return 0;
}

static void unmap(struct rte_vmsg_region *r)
{
	if (r->addr == NULL || (r->flags & RTE_VMSG_REGION_F_EXTERNAL) != 0)
		return;
	munmap(r->addr, r->len);
	if (r->guard != 0) {
		munmap(r->addr - r->guard, r->guard);
		munmap(r->addr + r->len, r->guard);
	}
	r->addr = NULL;
	r->len = 0;
	r->guard = 0;
	r->flags &= ~RTE_VMSG_REGION_F_GUARD;
}

static int prefault(const struct rte_vmsg_region *r);

/*
 * Maps @p len bytes of @p fd (anonymous memory when @p fd < 0) shared and
 * read-write at an address aligned to @p pgsz. With @p guard, the mapping
 * replaces (MAP_FIXED) the middle of a larger PROT_NONE reservation, which is
 * then trimmed to one base page on each side: those are the guard pages.
 * Hugetlb mappings need the alignment; the guards do not.
 */
static int map_shared(struct rte_vmsg_region *r, int fd, unsigned int huge, size_t len, size_t pgsz,
		      bool guard)
{
	int mflags = MAP_SHARED | (int)huge | (fd < 0 ? MAP_ANONYMOUS : 0);
	size_t g = base_page(), resv;
	uintptr_t base, data, end;
	void *p;
	int ret;

	if (!guard) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, mflags, fd, 0);
		if (p == MAP_FAILED)
			return -errno;
		r->addr = p;
		r->len = len;
		goto bind;
	}
	if (len > SIZE_MAX - 2 * g - pgsz)
		return -ENOMEM;
	resv = len + 2 * g + pgsz;
	p = mmap(NULL, resv, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	base = (uintptr_t)p;
	data = (base + g + pgsz - 1) & ~(uintptr_t)(pgsz - 1);
	p = mmap((void *)data, len, PROT_READ | PROT_WRITE, mflags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		munmap((void *)base, resv);
		return ret;
	}
	if (data - g > base)
		munmap((void *)base, data - g - base);
	end = data + len + g;
	if (base + resv > end)
		munmap((void *)end, base + resv - end);
	r->addr = (uint8_t *)data;
	r->len = len;
	r->guard = g;
	r->flags |= RTE_VMSG_REGION_F_GUARD;
bind:
	if (r->numa_want < 0)
		return 0;
	/* Nothing has touched the mapping yet: every page is allocated under the policy. */
	ret = rte_vmsg__numa_bind(r->addr, r->len, (uint32_t)r->numa_want);
	if (ret == 0) {
		/*
		 * Fault every page in now, on the node: hugetlb reservations are
		 * not per node, so a node without free hugepages must fail here
		 * (and the caller fall back to normal pages on the node, or fail)
		 * rather than with SIGBUS at the first touch.
		 */
		r->page_size = pgsz;
		ret = prefault(r);
		/* Normal pages are the last resort: nothing falls back from them. */
		if (ret == -ENOMEM && pgsz > base_page())
			RTE_VMSG_LOG(WARNING, "NUMA node %d: no free hugepages for %zu bytes",
				     r->numa_want, len);
		else if (ret == -ENOMEM)
			RTE_VMSG_LOG(ERR, "NUMA node %d: no free memory for %zu bytes",
				     r->numa_want, len);
	}
	if (ret < 0) {
		unmap(r);
		return ret;
	}
	return 0;
}

/* Unlinks the region's file if its name still refers to it (REPLACE elsewhere may have moved it). */
static void unlink_own(const struct rte_vmsg_region *r)
{
	struct stat a, b;

	if (r->path != NULL && r->fd >= 0 && stat(r->path, &a) == 0 && fstat(r->fd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		unlink(r->path);
}

static int make_anon(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o)
{
	bool guard = (o->flags & RTE_VMSG_REGION_OPT_GUARD) != 0;
	size_t pgsz = o->page_size != 0 ? o->page_size : RTE_VMSG_PAGE_SIZE_2M, len;
	char eb[64];
	int ret;

	if ((o->flags & RTE_VMSG_REGION_OPT_NO_HUGE) == 0) {
		if (!round_up(o->size, pgsz, &len))
			return -EINVAL;
		ret = map_shared(r, -1, MAP_HUGETLB | huge_bits(pgsz, MAP_HUGE_SHIFT), len, pgsz,
				 guard);
		if (ret == 0) {
			r->flags |= RTE_VMSG_REGION_F_HUGE;
			r->page_size = pgsz;
			return 0;
		}
		ret = no_huge(o, "anonymous region", NULL, NULL, len, errstr(-ret, eb, sizeof(eb)));
		if (ret < 0)
			return ret;
		r->flags |= RTE_VMSG_REGION_F_FALLBACK;
	}
	pgsz = base_page();
	if (!round_up(o->size, pgsz, &len))
		return -EINVAL;
	ret = map_shared(r, -1, 0, len, pgsz, guard);
	if (ret == 0)
		r->page_size = pgsz;
	return ret;
}

static int memfd_map(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o,
		     unsigned int huge, size_t pgsz)
{
	const char *name = o->path != NULL ? o->path : "rte_vmsg";
	size_t len;
	int fd, ret;

	if (!round_up(o->size, pgsz, &len))
		return -EINVAL;
	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | huge);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len) != 0) {
		ret = -errno;
		goto out_close;
	}
	/*
	 * A peer holding the fd must not shrink the file under this mapping (the
	 * next access would be SIGBUS). Kernels that cannot seal hugetlb memfds
	 * (before 4.16) say EINVAL: go on without the seal.
	 */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) != 0 && errno != EINVAL) {
		ret = -errno;
		goto out_close;
	}
	ret = map_shared(r, fd, 0, len, pgsz, (o->flags & RTE_VMSG_REGION_OPT_GUARD) != 0);
	if (ret < 0)
		goto out_close;
	r->fd = fd;
	r->page_size = pgsz;
	return 0;
out_close:
	close(fd);
	return ret;
}

static int make_memfd(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o)
{
	size_t pgsz = o->page_size != 0 ? o->page_size : RTE_VMSG_PAGE_SIZE_2M, len;
	char eb[64];
	int ret;

	if ((o->flags & RTE_VMSG_REGION_OPT_NO_HUGE) == 0) {
		ret = memfd_map(r, o, MFD_HUGETLB | huge_bits(pgsz, MFD_HUGE_SHIFT), pgsz);
		if (ret == 0) {
			r->flags |= RTE_VMSG_REGION_F_HUGE;
			return 0;
		}
		/* Any failure here is hugetlb's: the name was checked, the size is rounded. */
		if (!round_up(o->size, pgsz, &len))
			return -EINVAL;
		ret = no_huge(o, "memfd", o->path, NULL, len, errstr(-ret, eb, sizeof(eb)));
		if (ret < 0)
			return ret;
		r->flags |= RTE_VMSG_REGION_F_FALLBACK;
	}
	return memfd_map(r, o, 0, base_page());
}

/*
 * Removes the temporary files of @p path ("PATH.PID.SEQ.tmp", file_make())
 * that a process killed while making it left: their PID is gone, and they
 * were last changed 10 s ago or more (a process of another pid namespace
 * may be making one right now: it links it within milliseconds). On
 * hugetlbfs each holds its pages for good otherwise. Best effort.
 */
static void sweep_tmp(const char *path)
{
	const char *base = last_component(path);
	size_t blen = strlen(base);
	char dir[PATH_MAX], *end;
	time_t now = time(NULL);
	struct dirent *e;
	unsigned long pid;
	struct stat st;
	DIR *d;

	if (dir_of(path, dir) < 0 || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, base, blen) != 0 || e->d_name[blen] != '.')
			continue;
		pid = strtoul(e->d_name + blen + 1, &end, 10);
		if (end == e->d_name + blen + 1 || *end != '.' || pid == 0 || pid > INT32_MAX)
			continue;
		(void)strtoul(end + 1, &end, 10);
		if (strcmp(end, ".tmp") != 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_mtime > now - 10)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			RTE_VMSG_LOG(INFO, "removed %s/%s, left by process %lu, which is gone", dir,
				     e->d_name, pid);
	}
	closedir(d);
}

/*
 * Makes the file @p path and maps @p o->size bytes of it. The file is made
 * under a temporary name in the same directory, sized and mapped (which
 * reserves its hugetlbfs pages), and only then linked under its name (or
 * renamed over an existing file with REPLACE): a process attaching by name
 * never sees a file that is still empty, nor one about to be removed for a
 * fallback.
 */
static int file_make(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o,
		     const char *path, size_t pgsz)
{
	static uint32_t seq;
	bool replace = (o->flags & RTE_VMSG_REGION_OPT_REPLACE) != 0;
	char *tmp = NULL, *name;
	size_t len;
	int fd, ret;

	if (!round_up(o->size, pgsz, &len))
		return -EINVAL;
	name = strdup(path);
	if (name == NULL)
		return -ENOMEM;
	sweep_tmp(path);
	if (asprintf(&tmp, "%s.%d.%u.tmp", path, (int)getpid(),
		     __atomic_fetch_add(&seq, 1u, __ATOMIC_RELAXED)) < 0) {
		tmp = NULL;
		ret = -ENOMEM;
		goto out_free;
	}
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		goto out_free;
	}
	if (fchmod(fd, o->mode != 0 ? (mode_t)o->mode : 0600) != 0 ||
	    ftruncate(fd, (off_t)len) != 0) {
		ret = -errno;
		goto out_unlink;
	}
	ret = map_shared(r, fd, 0, len, pgsz, (o->flags & RTE_VMSG_REGION_OPT_GUARD) != 0);
	if (ret < 0)
		goto out_unlink;
	if ((replace ? rename(tmp, path) : link(tmp, path)) != 0) {
		ret = -errno;
		goto out_unmap;
	}
	if (!replace)
		unlink(tmp);
	r->fd = fd;
	r->path = name;
	r->page_size = pgsz;
	r->unlink = (o->flags & RTE_VMSG_REGION_OPT_UNLINK) != 0;
	free(tmp);
	return 0;
out_unmap:
	unmap(r);
out_unlink:
	unlink(tmp);
	close(fd);
out_free:
	free(tmp);
	free(name);
	return ret;
}

/*
 * The hugetlbfs attempt at @p hpath failed for want of pages (@p ret
 * -ENOMEM or -ENOSPC). If the name is taken there, a fallback file would
 * never be found (attachers look in the mount first): without REPLACE the
 * file exists (-EEXIST); with it, the old file goes (and its pages, when
 * nobody maps it any more) and the mount is tried again. Returns that
 * attempt's result, or @p ret when the name is free.
 */
static int huge_name_taken(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o,
			   const char *hpath, size_t pgsz, int ret)
{
	struct stat st;

	if (lstat(hpath, &st) != 0)
		return ret;
	if ((o->flags & RTE_VMSG_REGION_OPT_REPLACE) == 0) {
		RTE_VMSG_LOG(ERR,
			     "%s exists (no hugepages were free for a new file beside it, and a "
			     "file of that name elsewhere would not be found)",
			     hpath);
		return -EEXIST;
	}
	if (unlink(hpath) != 0)
		return -errno;
	return file_make(r, o, hpath, pgsz);
}

static int file_create(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o)
{
	const char *path = o->path, *why = NULL;
	bool bare = strchr(o->path, '/') == NULL;
	size_t pgsz = 0, len;
	char *hpath = NULL, *fpath = NULL;
	char mnt[PATH_MAX], eb[64], wb[PATH_MAX + 96];
	struct statfs st;
	int ret;

	if ((o->flags & RTE_VMSG_REGION_OPT_NO_HUGE) == 0) {
		if (strchr(path, '/') == NULL) {
			/* A bare name goes into the hugetlbfs mount, of the page size asked if any. */
			ret = rte_vmsg__hugetlbfs_find(
				mnt, sizeof(mnt),
				o->page_size != 0 ? o->page_size : RTE_VMSG_PAGE_SIZE_2M, &pgsz);
			if (ret == 0 && (o->page_size == 0 || pgsz == o->page_size)) {
				hpath = join(mnt, path);
				if (hpath == NULL)
					return -ENOMEM;
			} else {
				why = ret == 0 ? "no hugetlbfs mount of that page size"
					       : "no hugetlbfs mount";
			}
		} else if (dir_statfs(path, &st) == 0 && rte_vmsg__fs_is(&st, HUGETLBFS_MAGIC)) {
			pgsz = (size_t)st.f_bsize;
			if (o->page_size != 0 && o->page_size != pgsz)
				return -EINVAL;
			hpath = strdup(path);
			if (hpath == NULL)
				return -ENOMEM;
		} else {
			why = "not on hugetlbfs";
		}
		if (hpath != NULL) {
			ret = file_make(r, o, hpath, pgsz);
			if (ret == -ENOMEM || ret == -ENOSPC)
				ret = huge_name_taken(r, o, hpath, pgsz, ret);
			if (ret == 0) {
				r->flags |= RTE_VMSG_REGION_F_HUGE;
				goto out;
			}
			if (bare && (ret == -EACCES || ret == -EPERM || ret == -EROFS)) {
				/* A mount this user cannot write to (root's, 0755): as no mount. */
				snprintf(wb, sizeof(wb),
					 "the hugetlbfs mount %s is not writable: %s", mnt,
					 errstr(-ret, eb, sizeof(eb)));
				why = wb;
			} else if (ret != -ENOMEM && ret != -ENOSPC) {
				goto out;
			} else {
				why = errstr(-ret, eb, sizeof(eb));
			}
		}
	}
	fpath = fallback_path(path);
	if (fpath == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	if ((o->flags & RTE_VMSG_REGION_OPT_NO_HUGE) == 0) {
		if (!round_up(o->size, base_page(), &len)) {
			ret = -EINVAL;
			goto out;
		}
		ret = no_huge(o, "file", path, fpath, len, why);
		if (ret < 0)
			goto out;
		r->flags |= RTE_VMSG_REGION_F_FALLBACK;
	}
	ret = file_make(r, o, fpath, base_page());
out:
	free(hpath);
	free(fpath);
	return ret;
}

/*
 * Attaches an existing file, looking where a creator with the same options
 * would have put it: for a bare name the hugetlbfs mount, then /dev/shm; for
 * a path, the path, then its fallback place.
 */
static int file_attach(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o)
{
	const char *path = o->path;
	char *cand[2] = { NULL, NULL };
	size_t pgsz, len, want;
	char mnt[PATH_MAX];
	struct statfs sfs;
	struct stat st;
	int fd = -1, ret;
	unsigned int i;
	bool huge;

	if (strchr(path, '/') == NULL) {
		if ((o->flags & RTE_VMSG_REGION_OPT_NO_HUGE) == 0 &&
		    rte_vmsg__hugetlbfs_find(mnt, sizeof(mnt), RTE_VMSG_PAGE_SIZE_2M, &pgsz) == 0) {
			cand[0] = join(mnt, path);
			if (cand[0] == NULL)
				return -ENOMEM;
		}
		cand[1] = join(SHM_DIR, path);
	} else {
		cand[0] = strdup(path);
		if (cand[0] == NULL)
			return -ENOMEM;
		cand[1] = fallback_path(path);
	}
	if (cand[1] == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < 2 && fd < 0; i++) {
		if (cand[i] == NULL || (i == 1 && cand[0] != NULL && strcmp(cand[0], cand[1]) == 0))
			continue;
		fd = open(cand[i], O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT) {
			ret = -errno;
			goto out;
		}
		if (fd >= 0) {
			r->path = cand[i];
			cand[i] = NULL;
		}
	}
	if (fd < 0) {
		ret = -ENOENT;
		goto out;
	}
	if (fstat(fd, &st) != 0 || fstatfs(fd, &sfs) != 0) {
		ret = -errno;
		goto out_close;
	}
	huge = rte_vmsg__fs_is(&sfs, HUGETLBFS_MAGIC);
	pgsz = huge ? (size_t)sfs.f_bsize : base_page();
	ret = -EINVAL;
	if (st.st_size <= 0 || (size_t)st.st_size % pgsz != 0) {
		RTE_VMSG_LOG(ERR,
			     "%s: %lld bytes, not a whole number of its %zu-byte pages: not a file "
			     "that was made to be shared, or one cut short",
			     r->path, (long long)st.st_size, pgsz);
		goto out_close;
	}
	len = (size_t)st.st_size;
	if (o->size != 0) {
		if (!round_up(o->size, pgsz, &want) || want > len)
			goto out_close;
		len = want;
	}
	if (!huge && (o->flags & RTE_VMSG_REGION_OPT_NO_HUGE) == 0) {
		ret = no_huge(o, "file", r->path, NULL, len, "not on hugetlbfs");
		if (ret < 0)
			goto out_close;
		r->flags |= RTE_VMSG_REGION_F_FALLBACK;
	}
	ret = map_shared(r, fd, 0, len, pgsz, (o->flags & RTE_VMSG_REGION_OPT_GUARD) != 0);
	if (ret < 0)
		goto out_close;
	r->fd = fd;
	r->page_size = pgsz;
	r->flags |= RTE_VMSG_REGION_F_ATTACHED | (huge ? RTE_VMSG_REGION_F_HUGE : 0);
	goto out;
out_close:
	close(fd);
out:
	free(cand[0]);
	free(cand[1]);
	return ret;
}

/* Faults in every page without changing its contents. */
static int prefault(const struct rte_vmsg_region *r)
{
	size_t off;

	if (madvise(r->addr, r->len, MADV_POPULATE_WRITE) == 0)
		return 0;
	if (errno == EFAULT || errno == ENOMEM)
		return -ENOMEM; /* the backing store is full: better now than SIGBUS later */
	if (errno != EINVAL)
		return -errno;
	/* Before Linux 5.14: read one byte per page; on shared memory that allocates it too. */
	for (off = 0; off < r->len; off += r->page_size)
		(void)*(volatile const uint8_t *)(r->addr + off);
	return 0;
}

/*
 * A NUMA-bound region was prefaulted on its node by map_shared(): records
 * the node of its first page for rte_vmsg_region_numa_node().
 */
static int numa_finish(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o)
{
	int ret = rte_vmsg__numa_node_of(r->addr);

	if (ret < 0)
		return ret;
	if ((uint32_t)ret != o->numa_node) {
		RTE_VMSG_LOG(ERR, "NUMA node %u wanted, the memory is on node %d", o->numa_node,
			     ret);
		return -EIO;
	}
	r->numa_node = ret;
	r->flags |= RTE_VMSG_REGION_F_NUMA;
	return 0;
}

static int finish(struct rte_vmsg_region *r, const struct rte_vmsg_region_opts *o)
{
	int ret;

	if ((uint64_t)r->len - 1 > UINT64_MAX - o->bus_addr || o->alloc_offset > r->len)
		return -EINVAL;
	r->bus_addr = o->bus_addr;
	r->alloc_start = o->alloc_offset;
	r->alloc_next = o->alloc_offset;
	if ((o->flags & RTE_VMSG_REGION_OPT_LOCK) != 0) {
		if (mlock(r->addr, r->len) != 0)
			return -errno;
		r->flags |= RTE_VMSG_REGION_F_LOCKED;
	}
	if ((o->flags & RTE_VMSG_REGION_OPT_PREFAULT) != 0) {
		ret = prefault(r);
		if (ret < 0)
			return ret;
	}
	if ((o->flags & RTE_VMSG_REGION_OPT_NUMA) != 0)
		return numa_finish(r, o);
	return 0;
}

int rte_vmsg_region_create(const struct rte_vmsg_region_opts *opts, struct rte_vmsg_region **out)
{
	struct rte_vmsg_region_opts o;
	struct rte_vmsg_region *r;
	int ret;

	if (out != NULL)
		*out = NULL;
	if (opts == NULL || out == NULL)
		return -EINVAL;
	ret = rte_vmsg__opts_copy(&o, sizeof(o), opts);
	if (ret == 0)
		ret = check_opts(&o);
	if (ret < 0)
		return ret;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->fd = -1;
	r->numa_want = (o.flags & RTE_VMSG_REGION_OPT_NUMA) != 0 ? (int)o.numa_node : -1;
	r->numa_node = -1;
	if (o.kind == RTE_VMSG_REGION_KIND_ANON)
		ret = make_anon(r, &o);
	else if (o.kind == RTE_VMSG_REGION_KIND_MEMFD)
		ret = make_memfd(r, &o);
	else if ((o.flags & RTE_VMSG_REGION_OPT_ATTACH) != 0)
		ret = file_attach(r, &o);
	else
		ret = file_create(r, &o);
	if (ret < 0)
		goto err_free;
	r->flags |= RTE_VMSG_REGION_F_SHARED;
	ret = finish(r, &o);
	if (ret < 0)
		goto err_release;
	/* The 32-bit register accessors have always served any region: same view. */
	r->io.base = r->addr;
	r->io.len = r->len;
	*out = r;
	return 0;
err_release:
	if ((r->flags & RTE_VMSG_REGION_F_ATTACHED) == 0)
		unlink_own(r);
	unmap(r);
	if (r->fd >= 0)
		close(r->fd);
err_free:
	free(r->path);
	free(r);
	return ret;
}

int rte_vmsg_region_register(void *addr, size_t len, uint64_t bus_addr, uint32_t flags,
			     struct rte_vmsg_region **out)
{
	struct rte_vmsg_region *r;

	if (out != NULL)
		*out = NULL;
	if (addr == NULL || out == NULL || len == 0 ||
	    (flags & ~(RTE_VMSG_REGION_F_IO | RTE_VMSG_REGION_F_SHARED)) != 0)
		return -EINVAL;
	if (len > UINTPTR_MAX - (uintptr_t)addr || (uint64_t)len - 1 > UINT64_MAX - bus_addr)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->addr = addr;
	r->len = len;
	r->bus_addr = bus_addr;
	r->flags = flags | RTE_VMSG_REGION_F_EXTERNAL;
	r->page_size = base_page();
	r->fd = -1;
	r->numa_want = -1;
	r->numa_node = -1;
	r->io.base = addr; /* the accessors' view until an alias is set */
	r->io.len = len;
	*out = r;
	return 0;
}

int rte_vmsg__region_unlink_set(struct rte_vmsg_region *r, bool on)
{
	if (r == NULL || r->path == NULL || r->fd < 0)
		return -EINVAL;
	r->unlink = on;
	return 0;
}

void rte_vmsg_region_destroy(struct rte_vmsg_region *r)
{
	if (r == NULL)
		return;
	if (r->unlink)
		unlink_own(r);
	unmap(r);
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r);
}

void *rte_vmsg_region_addr(const struct rte_vmsg_region *r)
{
	return r != NULL ? r->addr : NULL;
}

size_t rte_vmsg_region_len(const struct rte_vmsg_region *r)
{
	return r != NULL ? r->len : 0;
}

uint64_t rte_vmsg_region_bus_addr(const struct rte_vmsg_region *r)
{
	return r != NULL ? r->bus_addr : 0;
}

uint32_t rte_vmsg_region_flags(const struct rte_vmsg_region *r)
{
	return r != NULL ? r->flags : 0;
}

size_t rte_vmsg_region_page_size(const struct rte_vmsg_region *r)
{
	return r != NULL ? r->page_size : 0;
}

int rte_vmsg_region_fd(const struct rte_vmsg_region *r)
{
	if (r == NULL)
		return -EINVAL;
	return r->fd >= 0 ? r->fd : -ENOENT;
}

const char *rte_vmsg_region_path(const struct rte_vmsg_region *r)
{
	return r != NULL ? r->path : NULL;
}

int rte_vmsg_region_numa_node(const struct rte_vmsg_region *r)
{
	if (r == NULL)
		return -EINVAL;
	if ((r->flags & RTE_VMSG_REGION_F_EXTERNAL) != 0)
		return -ENOENT;
	if (r->numa_node >= 0)
		return r->numa_node;
	return rte_vmsg__numa_node_of(r->addr);
}

int rte_vmsg_region_alloc(struct rte_vmsg_region *r, size_t len, size_t align, void **ptr,
			  uint64_t *bus_addr)
{
	uintptr_t base, start;
	size_t off;

	if (r == NULL || ptr == NULL || len == 0 || align == 0 || (align & (align - 1)) != 0)
		return -EINVAL;
	base = (uintptr_t)r->addr;
	start = base + r->alloc_next;
	if (align - 1 > UINTPTR_MAX - start)
		return -ENOMEM;
	off = (size_t)(((start + align - 1) & ~(uintptr_t)(align - 1)) - base);
	if (off > r->len || len > r->len - off)
		return -ENOMEM;
	/* A DMA peer needs the bus address aligned as much as the CPU needs the pointer. */
	if (((r->bus_addr + off) & ((uint64_t)align - 1)) != 0)
		return -EINVAL;
	r->alloc_next = off + len;
	*ptr = r->addr + off;
	if (bus_addr != NULL)
		*bus_addr = r->bus_addr + off;
	return 0;
}

void rte_vmsg_region_alloc_reset(struct rte_vmsg_region *r)
{
	if (r != NULL)
		r->alloc_next = r->alloc_start;
}
