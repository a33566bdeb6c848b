/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd: DPDK ethdev ports (net_tap, net_ring, a NIC...). The only file
 * that includes DPDK headers: it is built as its own static library so that
 * DPDK's flags do not reach the other files. Packets are copied between
 * mbufs from a pool made here and the forwarder's packet buffers.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fwd.h"
#include "vmsg_util.h"

#define POOL_CACHE 256u

struct fwd_dpdk_port {
	uint16_t port_id;
	uint16_t nq;
	struct rte_mempool *pool;
	int started;
};

static int eal_up;

uint32_t fwd_dpdk_frame_max(void)
{
	return UINT16_MAX - RTE_PKTMBUF_HEADROOM;
}

int fwd_dpdk_available(void)
{
	return 1;
}

int fwd_dpdk_init(int argc, char **argv)
{
	int rc = rte_eal_init(argc, argv);

	if (rc < 0) {
		fprintf(stderr, FWD_NAME ": --dpdk: the EAL did not start: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	eal_up = 1;
	return 0;
}

void fwd_dpdk_fini(void)
{
	if (eal_up)
		rte_eal_cleanup();
	eal_up = 0;
}

/* The port named @p name: a port id, or a device name such as net_ring0. */
static int find_port(const char *name, uint16_t *id)
{
	uint64_t v;

	if (name[0] >= '0' && name[0] <= '9') {
		if (vmsg_util_parse_u64(name, 10, 0, 0, RTE_MAX_ETHPORTS - 1, &v) < 0 ||
		    !rte_eth_dev_is_valid_port((uint16_t)v))
			return -ENODEV;
		*id = (uint16_t)v;
		return 0;
	}
	return rte_eth_dev_get_port_by_name(name, id) == 0 ? 0 : -ENODEV;
}

int fwd_dpdk_open(struct fwd_port *p, uint32_t buf_cap)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct fwd_dpdk_port *d;
	char pname[RTE_MEMPOOL_NAMESIZE];
	uint32_t nmbuf;
	uint16_t q, avail = 0;
	int rc, socket;

	if (!eal_up) {
		fprintf(stderr, FWD_NAME ": --port %s: a DPDK port needs --dpdk (EAL arguments)\n",
			p->spec);
		return -FWD_EXIT_USAGE;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -FWD_EXIT_FAIL;
	if (find_port(p->dpdk_name, &d->port_id) < 0) {
		RTE_ETH_FOREACH_DEV(q)
		avail++;
		fprintf(stderr,
			FWD_NAME ": --port %s: no DPDK port '%s' (%u ports; give a port id or a "
				 "device name such as net_ring0)\n",
			p->spec, p->dpdk_name, avail);
		free(d);
		return -FWD_EXIT_USAGE;
	}
	rc = rte_eth_dev_info_get(d->port_id, &info);
	if (rc != 0 || p->qp > info.max_rx_queues || p->qp > info.max_tx_queues) {
		fprintf(stderr,
			FWD_NAME ": --port %s: the device has %u rx and %u tx queues, %u wanted\n",
			p->spec, rc == 0 ? info.max_rx_queues : 0, rc == 0 ? info.max_tx_queues : 0,
			p->qp);
		free(d);
		return -FWD_EXIT_USAGE;
	}
	d->nq = (uint16_t)p->qp;
	/* numa= or --numa-node, else the device's own socket (its NIC's node). */
	socket = p->numa >= 0 ? p->numa : rte_eth_dev_socket_id(d->port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	/* Enough for every descriptor of every queue, plus bursts in the forwarder. */
	nmbuf = 2u * p->qp * p->qsize + p->qp * 2u * FWD_MAX_BURST + POOL_CACHE * 2u + 1024u;
	snprintf(pname, sizeof(pname), "fwd_pool_%u", p->index);
	d->pool = rte_pktmbuf_pool_create(pname, nmbuf, POOL_CACHE, 0,
					  (uint16_t)(buf_cap + RTE_PKTMBUF_HEADROOM), socket);
	if (d->pool == NULL) {
		fprintf(stderr, FWD_NAME ": --port %s: mbuf pool of %u: %s\n", p->spec, nmbuf,
			rte_strerror(rte_errno));
		free(d);
		return -FWD_EXIT_FAIL;
	}
	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_configure(d->port_id, d->nq, d->nq, &conf);
	for (q = 0; rc == 0 && q < d->nq; q++) {
		rc = rte_eth_rx_queue_setup(d->port_id, q, (uint16_t)p->qsize, (unsigned int)socket,
					    NULL, d->pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(d->port_id, q, (uint16_t)p->qsize,
						    (unsigned int)socket, NULL);
	}
	if (rc == 0)
		rc = rte_eth_dev_start(d->port_id);
	if (rc != 0) {
		fprintf(stderr, FWD_NAME ": --port %s: configuring DPDK port %u: %s\n", p->spec,
			d->port_id, rte_strerror(-rc));
		rte_mempool_free(d->pool);
		free(d);
		return -FWD_EXIT_FAIL;
	}
	d->started = 1;
	rte_eth_promiscuous_enable(d->port_id); /* not every driver has it: ignored */
	p->dp = d;
	p->up = 1;
	snprintf(p->path, sizeof(p->path), "dpdk port %u", d->port_id);
	return 0;
}

void fwd_dpdk_close(struct fwd_port *p)
{
	struct fwd_dpdk_port *d = p->dp;

	if (d == NULL)
		return;
	if (d->started) {
		rte_eth_dev_stop(d->port_id);
		rte_eth_dev_close(d->port_id);
	}
	rte_mempool_free(d->pool);
	free(d);
	p->dp = NULL;
}

int fwd_dpdk_rx(struct fwd_port *p, uint32_t q, struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	struct fwd_dpdk_port *d = p->dp;
	struct rte_mbuf *m[FWD_MAX_BURST];
	uint16_t got, i, k = 0;

	if (q >= d->nq)
		return 0;
	got = rte_eth_rx_burst(d->port_id, (uint16_t)q, m, (uint16_t)n);
	for (i = 0; i < got; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(m[i]);
		const void *src;

		if (len > pkts[k].cap) {
			fwd_add(&p->qs[q].errors, 1);
			continue;
		}
		src = rte_pktmbuf_read(m[i], 0, len, pkts[k].data);
		if (src != pkts[k].data)
			memcpy(pkts[k].data, src, len);
		pkts[k].len = len;
		memset(&pkts[k].hdr, 0, sizeof(pkts[k].hdr));
		k++;
	}
	if (got != 0)
		rte_pktmbuf_free_bulk(m, got);
	return k;
}

int fwd_dpdk_tx(struct fwd_port *p, uint32_t q, const struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	struct fwd_dpdk_port *d = p->dp;
	struct rte_mbuf *m[FWD_MAX_BURST];
	uint16_t sent, i;

	if (q >= d->nq || n == 0)
		return 0;
	if (rte_pktmbuf_alloc_bulk(d->pool, m, n) != 0)
		return 0; /* no mbufs now: the packets stay held (retried, then dropped) */
	for (i = 0; i < n; i++) {
		/* len <= buf_cap, which plan() keeps within one mbuf: the 16-bit count holds it. */
		char *dst = rte_pktmbuf_append(m[i], (uint16_t)pkts[i].len);

		if (dst == NULL) {
			/* Larger than an mbuf: cannot happen, the pool's buffers are buf_cap. */
			rte_pktmbuf_free_bulk(m, n);
			return -EMSGSIZE;
		}
		memcpy(dst, pkts[i].data, pkts[i].len);
	}
	sent = rte_eth_tx_burst(d->port_id, (uint16_t)q, m, (uint16_t)n);
	if (sent < n)
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	return sent;
}

uint64_t fwd_dpdk_hw_drops(const struct fwd_port *p)
{
	struct rte_eth_stats st;

	if (p->dp == NULL || rte_eth_stats_get(p->dp->port_id, &st) != 0)
		return 0;
	return st.imissed + st.ierrors + st.oerrors + st.rx_nombuf;
}
