/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd without DPDK: the dpdk: port type and --dpdk say so clearly.
 */

#include <errno.h>

#include "fwd.h"

int fwd_dpdk_available(void)
{
	return 0;
}

int fwd_dpdk_init(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, FWD_NAME ": --dpdk: DPDK ports are not in this build (DPDK was not found "
				 "when it was configured)\n");
	return -1;
}

uint32_t fwd_dpdk_frame_max(void)
{
	return 0; /* never asked: plan() refuses DPDK ports first */
}

void fwd_dpdk_fini(void)
{
}

int fwd_dpdk_open(struct fwd_port *p, uint32_t buf_cap)
{
	(void)buf_cap;
	fprintf(stderr, FWD_NAME ": --port %s: DPDK ports are not in this build\n", p->spec);
	return -FWD_EXIT_USAGE;
}

void fwd_dpdk_close(struct fwd_port *p)
{
	(void)p;
}

int fwd_dpdk_rx(struct fwd_port *p, uint32_t q, struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	(void)p;
	(void)q;
	(void)pkts;
	(void)n;
	return 0;
}

int fwd_dpdk_tx(struct fwd_port *p, uint32_t q, const struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	(void)p;
	(void)q;
	(void)pkts;
	(void)n;
	return -ENOTSUP;
}

uint64_t fwd_dpdk_hw_drops(const struct fwd_port *p)
{
	(void)p;
	return 0;
}
