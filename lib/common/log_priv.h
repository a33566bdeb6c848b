/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Library-internal logging. Each file defines RTE_VMSG_LOG_PREFIX (e.g.
 * "ring: ") before including this header. Never used on the fast path.
 */

#ifndef RTE_VMSG_LOG_PRIV_H
#define RTE_VMSG_LOG_PRIV_H

#include "rte_vmsg_common.h"

#ifndef RTE_VMSG_LOG_PREFIX
#define RTE_VMSG_LOG_PREFIX ""
#endif

/* The current level; 0 while no handler is installed, so the check is one load. */
extern int rte_vmsg__log_level;

__attribute__((format(printf, 2, 3), cold)) void rte_vmsg__log(enum rte_vmsg_log_level level,
							       const char *fmt, ...);

#define RTE_VMSG_LOG(level, fmt, ...)                                                \
	do {                                                                         \
		if ((int)RTE_VMSG_LOG_##level <= rte_vmsg__log_level)                \
			rte_vmsg__log(RTE_VMSG_LOG_##level, RTE_VMSG_LOG_PREFIX fmt, \
				      ##__VA_ARGS__);                                \
	} while (0)

#endif /* RTE_VMSG_LOG_PRIV_H */
