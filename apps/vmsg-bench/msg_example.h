/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * One example message of each kind, shared by vmsg-bench describe and the
 * codec benchmarks of vmsg-bench-gbench (C++).
 */

#ifndef VMSG_BENCH_MSG_EXAMPLE_H
#define VMSG_BENCH_MSG_EXAMPLE_H

#include <rte_vmsg_msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Fills @p m with a typical message of @p kind: recognisable field values,
 * small variable parts (two feature blocks, 8 config bytes, a 64-device
 * bitmap, 16 implementation bytes) pointing at static data, so that every
 * frame stays well under the default 264-byte maximum.
 */
void bench_msg_example(struct rte_vmsg_msg *m, enum rte_vmsg_msg_kind kind);

#ifdef __cplusplus
}
#endif

#endif
