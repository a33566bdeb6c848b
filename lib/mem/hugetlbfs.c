/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Finding a mounted hugetlbfs through /proc/mounts.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>

#include <linux/magic.h>

#include "mem_priv.h"

int rte_vmsg__hugetlbfs_find(char *buf, size_t cap, size_t want, size_t *pgsz)
{
	char line[4096], first[4096] = "";
	size_t first_pgsz = 0, n;
	const char *dir = NULL;
	struct mntent ent;
	struct statfs st;
	FILE *f;

	f = setmntent("/proc/mounts", "re");
	if (f == NULL)
		return -ENOENT;
	while (getmntent_r(f, &ent, line, sizeof(line)) != NULL) {
		if (strcmp(ent.mnt_type, "hugetlbfs") != 0 || hasmntopt(&ent, "ro") != NULL)
			continue;
		/* The mount's f_bsize is its huge page size, whatever its options say. */
		if (statfs(ent.mnt_dir, &st) != 0 || !rte_vmsg__fs_is(&st, HUGETLBFS_MAGIC))
			continue;
		if ((size_t)st.f_bsize == want) {
			dir = ent.mnt_dir;
			*pgsz = want;
			break;
		}
		if (first_pgsz == 0 && strlen(ent.mnt_dir) < sizeof(first)) {
			strcpy(first, ent.mnt_dir);
			first_pgsz = (size_t)st.f_bsize;
		}
	}
	if (dir == NULL && first_pgsz != 0) {
		dir = first;
		*pgsz = first_pgsz;
	}
	n = dir != NULL ? strlen(dir) : 0;
	if (dir != NULL && n < cap)
		memcpy(buf, dir, n + 1);
	endmntent(f);
	if (dir == NULL)
		return -ENOENT;
	return n < cap ? 0 : -ENAMETOOLONG;
}

int rte_vmsg_hugetlbfs_find(char *buf, size_t cap)
{
	size_t pgsz;

	if (buf == NULL || cap == 0)
		return -EINVAL;
	return rte_vmsg__hugetlbfs_find(buf, cap, RTE_VMSG_PAGE_SIZE_2M, &pgsz);
}
