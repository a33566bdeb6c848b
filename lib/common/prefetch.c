/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Whether the CPU has PREFETCHW (rte_vmsg__prefetch_w() in
 * rte_vmsg_common.h), asked once before main().
 */

#include "rte_vmsg_common.h"

#if (defined(__x86_64__) || defined(__i386__)) && !defined(__PRFCHW__)
#include <cpuid.h>

int rte_vmsg__has_prefetchw;

static void __attribute__((constructor)) prefetchw_probe(void)
{
	unsigned int a, b, c, d;

	/* CPUID 0x80000001, ECX bit 8: PRFCHW (3DNowPrefetch). */
	if (__get_cpuid(0x80000001u, &a, &b, &c, &d) != 0)
		rte_vmsg__has_prefetchw = (c >> 8) & 1u;
}
#else
typedef int rte_vmsg__prefetch_nothing_to_probe; /* not an empty unit */
#endif
