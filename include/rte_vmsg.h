/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * librte_vmsg umbrella header: includes every public header of the library
 * but <rte_vmsg_pcie.h>, which exists only where the library is built with
 * drivers/pcie_amp (Linux VFIO): include it by name.
 */

#ifndef RTE_VMSG_H
#define RTE_VMSG_H

#include <rte_vmsg_bus.h>
#include <rte_vmsg_common.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_transport.h>
#include <rte_vmsg_virtq.h>

#endif /* RTE_VMSG_H */
