/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Library-internal calls on a lib/mem region, for the library's other
 * parts (lib/bus's shm backend). Not exported.
 */

#ifndef RTE_VMSG_REGION_PRIV_H
#define RTE_VMSG_REGION_PRIV_H

#include <stdbool.h>

#include "rte_vmsg_mem.h"

/*
 * Whether rte_vmsg_region_destroy() unlinks the region's file: as
 * RTE_VMSG_REGION_OPT_UNLINK, and likewise only while its name still
 * refers to this region's file (another process may have replaced it).
 * For a file attached (ATTACH) as for one created. 0, or -EINVAL for NULL
 * or a region without a file.
 */
int rte_vmsg__region_unlink_set(struct rte_vmsg_region *r, bool on);

#endif /* RTE_VMSG_REGION_PRIV_H */
