/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The library version, from the meson project version.
 */

#include "rte_vmsg_common.h"

const char *rte_vmsg_version(void)
{
	return RTE_VMSG_VERSION_STRING;
}
