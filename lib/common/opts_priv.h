/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The one options rule of the library (STYLE.md point 5), for every
 * size-prefixed *_opts struct (and ops table) a constructor takes.
 */

#ifndef RTE_VMSG_OPTS_PRIV_H
#define RTE_VMSG_OPTS_PRIV_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Copies size-prefixed options (their first member is size_t sz) into a
 * zeroed struct of @p known bytes. An older caller's smaller struct is
 * accepted: the fields past its sz read as zero. A newer caller's larger
 * struct is accepted when every byte this library does not know is zero,
 * and refused otherwise. An sz below sizeof(size_t) is refused.
 *
 * @return 0, or -EINVAL (NULL @p opts, bad sz, unknown non-zero bytes).
 */
static inline int rte_vmsg__opts_copy(void *dst, size_t known, const void *opts)
{
	const uint8_t *p = (const uint8_t *)opts;
	size_t sz, i;

	if (opts == NULL)
		return -EINVAL;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(sz))
		return -EINVAL;
	for (i = known; i < sz; i++)
		if (p[i] != 0)
			return -EINVAL;
	memset(dst, 0, known);
	memcpy(dst, opts, sz < known ? sz : known);
	return 0;
}

#endif /* RTE_VMSG_OPTS_PRIV_H */
