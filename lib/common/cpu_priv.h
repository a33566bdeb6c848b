/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * What lib/common/cpu.c found the CPU to have, for the library's own parts.
 */

#ifndef RTE_VMSG_CPU_PRIV_H
#define RTE_VMSG_CPU_PRIV_H

/* Nonzero when the CPU has MOVDIR64B (x86-64 only). */
extern int rte_vmsg__has_direct64;

#endif /* RTE_VMSG_CPU_PRIV_H */
