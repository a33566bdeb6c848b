/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * What the CPU has, asked once before main(): PREFETCHW
 * (rte_vmsg__prefetch_w() in rte_vmsg_common.h), MOVDIR64B (the stamped
 * format's direct streaming stores, rte_vmsg_link_stream_direct()), and
 * 64-byte vector stores the OS keeps (rte_vmsg__direct_wide, how
 * lib/ring/ring_stream.c builds each direct element).
 */

#include "rte_vmsg_ring.h"
#include "cpu_priv.h"

int rte_vmsg__has_direct64;
int rte_vmsg__direct_wide;

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

#if !defined(__PRFCHW__)
int rte_vmsg__has_prefetchw;
#endif

static void __attribute__((constructor)) cpu_probe(void)
{
	unsigned int a, b, c, d;

#if !defined(__PRFCHW__)
	/* CPUID 0x80000001, ECX bit 8: PRFCHW (3DNowPrefetch). */
	if (__get_cpuid(0x80000001u, &a, &b, &c, &d) != 0)
		rte_vmsg__has_prefetchw = (c >> 8) & 1u;
#endif
#if defined(__x86_64__)
	/* CPUID leaf 7, subleaf 0, ECX bit 28: MOVDIR64B. */
	if (__get_cpuid_count(7u, 0u, &a, &b, &c, &d) != 0)
		rte_vmsg__has_direct64 = (c >> 28) & 1u;
	/* AVX-512 F and BW, with the OS keeping the registers (XCR0). */
	__builtin_cpu_init();
	rte_vmsg__direct_wide =
		__builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0;
#endif
}
#endif
