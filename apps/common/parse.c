/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Numbers from the command line: the whole string, in a range; and the
 * directory of a path the command line names.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsg_util.h"

int vmsg_util_parse_u64(const char *s, int base, unsigned int flags, uint64_t lo, uint64_t hi,
			uint64_t *out)
{
	unsigned long long v, e;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0)
		return -ERANGE;
	if ((flags & VMSG_UTIL_PARSE_EXP) != 0 && (*end == 'e' || *end == 'E')) {
		const char *x = end + 1;

		if (*x < '0' || *x > '9')
			return -EINVAL;
		e = strtoull(x, &end, 10);
		if (errno != 0 || e > 19)
			return -ERANGE;
		while (e-- > 0) {
			if (v > hi / 10)
				return -ERANGE;
			v *= 10;
		}
	}
	if (*end != '\0')
		return -EINVAL;
	if (v < lo || v > hi)
		return -ERANGE;
	*out = v;
	return 0;
}

int vmsg_util_parse_u32(const char *s, int base, uint32_t lo, uint32_t hi, uint32_t *out)
{
	uint64_t v;
	int rc = vmsg_util_parse_u64(s, base, 0, lo, hi, &v);

	if (rc == 0)
		*out = (uint32_t)v;
	return rc;
}

void vmsg_util_dir_of(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(buf, cap, ".");
	else if (slash == path)
		snprintf(buf, cap, "/");
	else
		snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

int vmsg_util_same_name(const char *a, const char *b)
{
	char da[PATH_MAX], db[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];
	const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');

	if (strcmp(a, b) == 0)
		return 1;
	ba = ba == NULL ? a : ba + 1;
	bb = bb == NULL ? b : bb + 1;
	if (strcmp(ba, bb) != 0)
		return 0;
	vmsg_util_dir_of(a, da, sizeof(da));
	vmsg_util_dir_of(b, db, sizeof(db));
	return realpath(da, ra) != NULL && realpath(db, rb) != NULL && strcmp(ra, rb) == 0;
}
