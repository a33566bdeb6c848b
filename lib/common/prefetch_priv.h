/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Prefetching a line the caller is about to write, for the data paths that
 * write into shared memory the peer's CPU read last (a transmit buffer the
 * device copied out, a receive buffer the driver read): a read prefetch
 * brings such a line in shared, and the store then waits for a second
 * trip across the cores to own it; a write prefetch asks for it owned at
 * once. On x86 that is PREFETCHW, which the compiler emits for
 * __builtin_prefetch(p, 1) only when built for a CPU that has it: without
 * -mprfchw the library asks CPUID once (prefetch.c) and uses it where the
 * CPU has it, a read prefetch elsewhere.
 */

#ifndef RTE_VMSG_PREFETCH_PRIV_H
#define RTE_VMSG_PREFETCH_PRIV_H

#include "rte_vmsg_common.h"

#if (defined(__x86_64__) || defined(__i386__)) && !defined(__PRFCHW__)
/* Nonzero when the CPU has PREFETCHW (set before main() by prefetch.c). */
extern int rte_vmsg__has_prefetchw;
#endif

/* Prefetches the line at @p p for writing. */
static inline __attribute__((always_inline)) void rte_vmsg__prefetch_w(const void *p)
{
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__PRFCHW__)
	if (RTE_VMSG_LIKELY(rte_vmsg__has_prefetchw))
		__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
	else
		__builtin_prefetch(p, 0);
#else
	__builtin_prefetch(p, 1);
#endif
}

/* Prefetches the line at @p p for reading. */
static inline __attribute__((always_inline)) void rte_vmsg__prefetch_r(const void *p)
{
	__builtin_prefetch(p, 0);
}

#endif /* RTE_VMSG_PREFETCH_PRIV_H */
