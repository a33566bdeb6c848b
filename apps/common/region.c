/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * An existing file mapped as it is, for the apps and tests that attach to a
 * peer's link or memory file (vmsg-fwd's bare AMP ports, test_vmsg_fwd).
 */

#include <string.h>

#include <rte_vmsg_mem.h>

#include "vmsg_util.h"

int vmsg_util_attach_file(const char *path, uint64_t base, struct rte_vmsg_region **out)
{
	struct rte_vmsg_region_opts ro;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.path = path;
	ro.bus_addr = base;
	return rte_vmsg_region_create(&ro, out);
}
