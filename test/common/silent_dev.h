/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * A device that never answers, for the tests of a driver that must not wait
 * for one: the device end of an shm bus file (plain pages), its link comes
 * up when polled, and no device stands behind any number, so each request
 * is dropped (drop_dev_num) and never answered.
 */

#ifndef SILENT_DEV_H
#define SILENT_DEV_H

#include <string.h>

#include <rte_vmsg_bus.h>

/* Creates @p path (removed at close): 0, or the error of rte_vmsg_bus_shm_open(). */
static inline int silent_dev_open(const char *path, struct rte_vmsg_bus_shm **shm,
				  struct rte_vmsg_bus **bus)
{
	struct rte_vmsg_bus_shm_open_opts oo;
	struct rte_vmsg_bus_shm_opts so;

	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = RTE_VMSG_BUS_SHM_F_UNLINK | RTE_VMSG_BUS_SHM_F_NO_HUGE;
	so.dma_size = 4u << 20;
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.flags = RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT;
	return rte_vmsg_bus_shm_open(&so, &oo, shm, bus);
}

/* Whether a driver's request reached it (and was dropped): the driver now waits. */
static inline int silent_dev_asked(const struct rte_vmsg_bus *bus)
{
	struct rte_vmsg_bus_stats st;

	return rte_vmsg_bus_stats_get(bus, &st) == 0 && st.drop_dev_num != 0;
}

#endif /* SILENT_DEV_H */
