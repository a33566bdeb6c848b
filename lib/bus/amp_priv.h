/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The amp backend's state, for the backends set up over it (shm, and
 * drivers/pcie_amp): they embed it as their first member, so that the amp
 * ops table serves them as it is (its context is their own pointer), with
 * no call added on the fast path.
 */

#ifndef RTE_VMSG_BUS_AMP_PRIV_H
#define RTE_VMSG_BUS_AMP_PRIV_H

#include "rte_vmsg_bus.h"

struct rte_vmsg_bus_amp {
	struct rte_vmsg_link *link;
	struct rte_vmsg_ring *tx;
	struct rte_vmsg_ring *rx;
	struct rte_vmsg_bell *tx_bell; /* rings the peer after our frames */
	struct rte_vmsg_bell *rx_wait; /* rte_vmsg_bus_amp_wait() sleeps on it */
	const struct rte_vmsg_memmap *map;
	rte_vmsg_bus_amp_live_fn live;
	void *live_arg;
	uint32_t role;
	uint32_t max_msg;
	int state;	     /* last enum rte_vmsg_link_state, or -EIO */
	int lost;	     /* a loss was reported and the link has not been up since */
	int declared;	     /* the bus endpoint's keepalive declared the peer lost */
	uint64_t reconnects; /* link reconnect counter at the last pass */
	uint64_t breaks;     /* link break counter at the last pass */
	/* st.peer_lost as rte_vmsg_bus_amp_poll() and the control op last reported it. */
	uint64_t api_seen;
	uint64_t ctl_seen;
	struct rte_vmsg_bus_amp_stats st;
};

/**
 * Sets up @p a (storage of the caller's) as rte_vmsg_bus_amp_create() does.
 * On failure nothing is left to free.
 */
int rte_vmsg__bus_amp_init(struct rte_vmsg_bus_amp *a, const struct rte_vmsg_bus_amp_opts *opts);

/** Tears down what rte_vmsg__bus_amp_init() set up (the storage stays). */
void rte_vmsg__bus_amp_fini(struct rte_vmsg_bus_amp *a);

#endif /* RTE_VMSG_BUS_AMP_PRIV_H */
