/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg: a DPDK ethdev whose ports are virtio-net devices over
 * virtio-msg (ARCHITECTURE §2.8), in the driver role (attach a bus file or a
 * bare AMP link and drive the device in it: rte_vmsg_net_drv_*) or the
 * device role (create it and be the device: rte_vmsg_net_dev_*, APP
 * backend).
 *
 * Threads. The bursts run on the application's lcores, one per queue as
 * ethdev wants. Everything that talks to the bus (polls, bring-up, resets,
 * lost peers) runs on one control thread per port, from probe to close,
 * which never touches a packet. In the device role the library's per-pair
 * gate keeps the bursts idle while the device changes. In the driver role
 * the handle itself is replaced after a lost peer: each burst raises its
 * queue's busy word, then reads the port's live word; the control thread
 * clears live and waits for every busy word to fall before it resets or
 * destroys the handle (a Dekker pair, no lock). The store-load order each
 * side needs is a full barrier on the control thread's side only, where the
 * kernel has membarrier(PRIVATE_EXPEDITED): it runs a full barrier on every
 * CPU running a thread of the process (a thread not running passed one when
 * it was switched out), so either it comes after a burst's busy store and
 * the control thread sees busy, or before the burst's live load, which
 * then sees live cleared; the burst itself only keeps the compiler from
 * reordering. Without membarrier both sides use a full barrier.
 *
 * Link changes are reported through rte_eal_alarm: the control thread sets
 * an alarm whose callback, on DPDK's interrupt thread, updates the link and
 * runs the LSC callbacks.
 *
 * Files: this one (ethdev ops, probe, close), net_vmsg_rxtx.c (the bursts),
 * net_vmsg_ctl.c (the control thread), net_vmsg_priv.h (the port's state).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_alarm.h>
#include <rte_kvargs.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "net_vmsg_priv.h"
#include "rte_pmd_net_vmsg.h"

RTE_LOG_REGISTER(nvm_logtype, pmd.net.vmsg, NOTICE);

/* librte_vmsg's lines (why a card or a file could not be opened...) into DPDK's log. */
static void nvm_lib_log(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	static const uint32_t map[] = { RTE_LOG_ERR, RTE_LOG_ERR, RTE_LOG_WARNING, RTE_LOG_INFO,
					RTE_LOG_DEBUG };

	(void)arg;
	rte_log(map[(unsigned int)level < 5u ? (unsigned int)level : 0u], nvm_logtype,
		"net_vmsg: librte_vmsg: %s\n", msg);
}

/*
 * At the first probe, unless the application installed its own handler
 * (the library is silent without one): DPDK's log level of the PMD filters.
 */
static void nvm_log_init(void)
{
	if (rte_vmsg_log_handler() == NULL)
		rte_vmsg_log_set_handler(nvm_lib_log, RTE_VMSG_LOG_DEBUG, NULL);
}

/* ------------------------------------------------------------------------ */
/* ethdev ops                                                                */
/* ------------------------------------------------------------------------ */

static int nvm_configure(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;

	if (dev->data->nb_rx_queues > p->nq || dev->data->nb_tx_queues > p->nq) {
		NVM_LOG(ERR, p, "%u rx / %u tx queues asked, the port has queues=%u",
			dev->data->nb_rx_queues, dev->data->nb_tx_queues, p->nq);
		return -EINVAL;
	}
	return 0;
}

static int nvm_start(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;
	uint16_t i;

	p->started = 1;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	dev->data->dev_started = 1;
	rte_eal_alarm_set(1, nvm_lsc_alarm, dev);
	return 0;
}

static int nvm_stop(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;
	struct rte_eth_link l;
	uint16_t i;

	p->started = 0;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	dev->data->dev_started = 0;
	nvm_fill_link(p, &l);
	rte_eth_linkstatus_set(dev, &l);
	return 0;
}

static void rxq_free(struct nvm_port *p, uint16_t q)
{
	struct nvm_rxq *rq;

	/* The control thread's detach frees a queue's pending packets under the lock too. */
	pthread_mutex_lock(&p->lock);
	rq = p->rxq[q];
	p->rxq[q] = NULL;
	if (rq != NULL)
		p->zc_rx_gone += rq->zc_packets; /* the xstat only grows */
	pthread_mutex_unlock(&p->lock);
	if (rq == NULL)
		return;
	if (rq->hole < NVM_BURST)
		rte_pktmbuf_free_bulk(&rq->stash[rq->hole], NVM_BURST - rq->hole);
	nvm_zc_pend_free(rq);
	rte_free(rq->bounce);
	rte_free(rq);
}

static void txq_free(struct nvm_port *p, uint16_t q)
{
	struct nvm_txq *tq;

	/* Under the lock, as rxq_free(): stats_get() may run on another thread. */
	pthread_mutex_lock(&p->lock);
	tq = p->txq[q];
	p->txq[q] = NULL;
	pthread_mutex_unlock(&p->lock);
	if (tq == NULL)
		return;
	rte_free(tq->bounce);
	rte_free(tq);
}

static void port_free(struct nvm_port *p)
{
	uint16_t q;

	if (p->ctl_running) {
		__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
		pthread_join(p->ctl, NULL);
		p->ctl_running = 0;
	}
	rte_eal_alarm_cancel(nvm_lsc_alarm, p->eth);
	nvm_quiesce(p);
	if (p->a.role == RTE_VMSG_BUS_DEVICE) {
		rte_vmsg_net_dev_destroy(p->ndev);
		p->ndev = NULL;
		nvm_bus_close(p);
	} else {
		nvm_drv_detach(p);
		nvm_zc_sweep(p, 1); /* what is still out goes to the process's orphans (said) */
		free(p->retired);
		nvm_zc_orphans_sweep();
		p->retired = NULL;
		p->nretired = p->cap_retired = 0;
	}
	for (q = 0; q < NVM_MAX_QUEUES; q++) {
		rxq_free(p, q);
		txq_free(p, q);
	}
	pthread_mutex_destroy(&p->lock);
}

static int nvm_close(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	port_free(p);
	dev->data->mac_addrs = NULL; /* ours, in dev_private */
	return 0;
}

static int nvm_infos(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct nvm_port *p = dev->data->dev_private;

	info->max_rx_queues = p->nq;
	info->max_tx_queues = p->nq;
	info->max_mac_addrs = 1;
	info->min_mtu = 68;
	info->max_mtu = p->mtu;
	info->max_rx_pktlen = (uint32_t)p->mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 4u;
	info->min_rx_bufsize = 64;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (p->a.role == RTE_VMSG_BUS_DRIVER) {
		/* What the driver helper asks for; used only when the device took it. */
		info->tx_offload_capa |=
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		if (p->a.tso)
			info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	} else if (p->a.tso) {
		/* The driver's TSO packets arrive whole, as LRO mbufs. */
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
	}
	/* A packet larger than an Rx mbuf comes as a chain (zerocopy=1: always so). */
	info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_SCATTER;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	info->rx_desc_lim.nb_max = 32768;
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.burst_size = NVM_BURST;
	info->default_txportconf.burst_size = NVM_BURST;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	return 0;
}

static int nvm_rxq_setup(struct rte_eth_dev *dev, uint16_t q, uint16_t nb_desc, unsigned int socket,
			 const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	struct nvm_port *p = dev->data->dev_private;
	struct nvm_rxq *rq;
	uint32_t room = rte_pktmbuf_data_room_size(mp), i, frame, bytes;

	(void)nb_desc;
	if (q >= p->nq || room <= RTE_PKTMBUF_HEADROOM)
		return -EINVAL;
	/* Pools whose mbufs carry pinned external buffers: the data is elsewhere. */
	if ((rte_pktmbuf_priv_flags(mp) & RTE_PKTMBUF_POOL_F_PINNED_EXT_BUF) != 0) {
		NVM_LOG(ERR, p,
			"Rx queue %u: a mempool of pinned external buffers is not supported", q);
		return -ENOTSUP;
	}
	rxq_free(p, q);
	rq = rte_zmalloc_socket("net_vmsg_rxq", sizeof(*rq), RTE_CACHE_LINE_SIZE, (int)socket);
	if (rq == NULL)
		return -ENOMEM;
	rq->cap = room - RTE_PKTMBUF_HEADROOM;
	/* Without Rx L4 checksum offload, partial checksums are finished (rx_done()). */
	rq->csum_partial =
		((dev->data->dev_conf.rxmode.offloads | (conf != NULL ? conf->offloads : 0)) &
		 (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)) != 0;
	/*
	 * Scattered Rx. Driver role: a packet of several receive buffers is
	 * merged in the bounce buffer first. Device role, mbufs smaller than
	 * the largest packet the device takes (MTU + 18; an LRO packet with
	 * tso=1): the library copies a burst into the bounce slots.
	 */
	if (p->a.role == RTE_VMSG_BUS_DRIVER) {
		bytes = NVM_TSO_MAX;
	} else {
		frame = p->a.tso ? NVM_LRO_MAX : (uint32_t)p->mtu + NVM_ETH_OVERHEAD;
		if (rq->cap < frame)
			rq->slot = RTE_ALIGN_CEIL(frame, RTE_CACHE_LINE_SIZE);
		bytes = NVM_BURST * rq->slot;
	}
	if (bytes != 0) {
		rq->bounce = rte_malloc_socket("net_vmsg_rx_bounce", bytes, RTE_CACHE_LINE_SIZE,
					       (int)socket);
		if (rq->bounce == NULL) {
			rte_free(rq);
			return -ENOMEM;
		}
	}
	/* Device role, scattering: the bursts' packets land in the slots (the library sets len and hdr). */
	for (i = 0; rq->slot != 0 && i < NVM_BURST; i++) {
		rq->lv[i].data = rq->bounce + (size_t)i * rq->slot;
		rq->lv[i].cap = rq->slot;
	}
	rq->p = p;
	rq->q = q;
	rq->busy = &p->rxw[q].busy;
	rq->broke = &p->rxw[q].broke;
	rq->port_id = dev->data->port_id;
	rq->mp = mp;
	rq->data_off = (uint32_t)sizeof(struct rte_mbuf) + rte_pktmbuf_priv_size(mp) +
		       RTE_PKTMBUF_HEADROOM;
	for (i = 0; i < NVM_BURST; i++)
		rq->v[i].cap = rq->cap; /* the library writes len and hdr only */
	rq->hole = NVM_BURST;		/* filled by the first burst */
	pthread_mutex_lock(&p->lock);
	p->rxq[q] = rq;
	pthread_mutex_unlock(&p->lock);
	dev->data->rx_queues[q] = rq;
	return 0;
}

static int nvm_txq_setup(struct rte_eth_dev *dev, uint16_t q, uint16_t nb_desc, unsigned int socket,
			 const struct rte_eth_txconf *conf)
{
	struct nvm_port *p = dev->data->dev_private;
	struct nvm_txq *tq;

	(void)nb_desc;
	(void)conf;
	if (q >= p->nq)
		return -EINVAL;
	txq_free(p, q);
	tq = rte_zmalloc_socket("net_vmsg_txq", sizeof(*tq), RTE_CACHE_LINE_SIZE, (int)socket);
	if (tq == NULL)
		return -ENOMEM;
	tq->bounce =
		rte_malloc_socket("net_vmsg_bounce", NVM_TSO_MAX, RTE_CACHE_LINE_SIZE, (int)socket);
	if (tq->bounce == NULL) {
		rte_free(tq);
		return -ENOMEM;
	}
	tq->p = p;
	tq->q = q;
	tq->busy = &p->txw[q].busy;
	tq->broke = &p->txw[q].broke;
	pthread_mutex_lock(&p->lock);
	p->txq[q] = tq;
	pthread_mutex_unlock(&p->lock);
	dev->data->tx_queues[q] = tq;
	return 0;
}

static void nvm_rxq_release(struct rte_eth_dev *dev, uint16_t q)
{
	struct nvm_port *p = dev->data->dev_private;

	if (q < NVM_MAX_QUEUES)
		rxq_free(p, q);
	dev->data->rx_queues[q] = NULL;
}

static void nvm_txq_release(struct rte_eth_dev *dev, uint16_t q)
{
	struct nvm_port *p = dev->data->dev_private;

	if (q < NVM_MAX_QUEUES)
		txq_free(p, q);
	dev->data->tx_queues[q] = NULL;
}

static int nvm_link_update(struct rte_eth_dev *dev, int wait)
{
	struct nvm_port *p = dev->data->dev_private;
	struct rte_eth_link l;

	(void)wait;
	nvm_fill_link(p, &l);
	return rte_eth_linkstatus_set(dev, &l);
}

/* The device forwards every frame to the other side: no filter to program. */
static int nvm_ok(struct rte_eth_dev *dev)
{
	(void)dev;
	return 0;
}

static int nvm_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct nvm_port *p = dev->data->dev_private;

	return mtu >= 68 && mtu <= p->mtu ? 0 : -EINVAL;
}

static int nvm_mac_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct nvm_port *p = dev->data->dev_private;

	p->mac = *addr; /* the port's own address; the device does not filter on it */
	/* Kept when the device comes back: no more the device's (drv_bringup()). */
	__atomic_store_n(&p->mac_app, 1, __ATOMIC_RELAXED);
	return 0;
}

/* The library's counters of the live handle plus those of the handles gone. Under the lock. */
static void lib_counts(const struct nvm_port *p, struct nvm_lib_counts *c)
{
	struct rte_vmsg_net_queue_stats rx, tx;
	uint32_t q;
	int rc;

	*c = p->gone;
	for (q = 0; q < p->nq; q++) {
		if (p->a.role == RTE_VMSG_BUS_DEVICE) {
			if (p->ndev == NULL)
				break;
			rc = rte_vmsg_net_dev_stats_get(p->ndev, 2 * q, &rx, NULL);
			rc |= rte_vmsg_net_dev_stats_get(p->ndev, 2 * q + 1, &tx, NULL);
		} else {
			if (p->ndrv == NULL)
				break;
			rc = rte_vmsg_net_drv_stats_get(p->ndrv, 2 * q, &rx, NULL);
			rc |= rte_vmsg_net_drv_stats_get(p->ndrv, 2 * q + 1, &tx, NULL);
		}
		if (rc != 0)
			continue;
		nvm_counts_add(c, &rx, &tx);
	}
}

/*
 * The library's part of ierrors and oerrors. Driver role: the helper's
 * receive errors are packets this side refused; its transmit drops,
 * transmissions lost in a reset. Device role: receive drops are packets
 * for which the driver had no buffer.
 */
static void lib_errors(const struct nvm_port *p, const struct nvm_lib_counts *c, uint64_t *ie,
		       uint64_t *oe)
{
	if (p->a.role == RTE_VMSG_BUS_DRIVER) {
		*ie = c->rx_errors;
		*oe = c->tx_drops + c->tx_errors;
	} else {
		*ie = c->tx_errors;
		*oe = c->rx_drops + c->rx_errors;
	}
}

static int nvm_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *s)
{
	struct nvm_port *p = dev->data->dev_private;
	struct nvm_lib_counts c;
	uint64_t ie, oe;
	uint16_t q;

	memset(s, 0, sizeof(*s));
	/*
	 * Under the lock: an application may read the stats on another thread
	 * (telemetry) while a stopped port's queues are set up or released.
	 */
	pthread_mutex_lock(&p->lock);
	for (q = 0; q < p->nq; q++) {
		const struct nvm_rxq *rq = p->rxq[q];
		const struct nvm_txq *tq = p->txq[q];

		if (rq != NULL) {
			s->ipackets += rq->packets;
			s->ibytes += rq->bytes;
			s->rx_nombuf += rq->nombuf;
			if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
				s->q_ipackets[q] = rq->packets;
				s->q_ibytes[q] = rq->bytes;
			}
		}
		if (tq != NULL) {
			s->opackets += tq->packets;
			s->obytes += tq->bytes;
			s->oerrors += tq->errors;
			if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
				s->q_opackets[q] = tq->packets;
				s->q_obytes[q] = tq->bytes;
			}
		}
	}
	lib_counts(p, &c);
	lib_errors(p, &c, &ie, &oe);
	s->ierrors += ie - p->ierr_base;
	s->oerrors += oe - p->oerr_base;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static int nvm_stats_reset(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;
	struct nvm_lib_counts c;
	uint16_t q;

	pthread_mutex_lock(&p->lock);
	for (q = 0; q < p->nq; q++) {
		if (p->rxq[q] != NULL) {
			p->rxq[q]->packets = 0;
			p->rxq[q]->bytes = 0;
			p->rxq[q]->nombuf = 0;
		}
		if (p->txq[q] != NULL) {
			p->txq[q]->packets = 0;
			p->txq[q]->bytes = 0;
			p->txq[q]->errors = 0;
		}
	}
	/* The library's counters only grow: what they read now is the new zero. */
	lib_counts(p, &c);
	lib_errors(p, &c, &p->ierr_base, &p->oerr_base);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static const char *const xnames[] = {
	"broken_queues",	"resets",	"peer_lost",	   "link_ups",
	"link_downs",		"lib_rx_drops", "lib_rx_errors",   "lib_tx_drops",
	"lib_tx_errors",	"events_sent",	"events_received", "rx_zero_copy_packets",
	"tx_zero_copy_packets",
};
_Static_assert(sizeof(xnames) / sizeof(xnames[0]) == NVM_NXSTATS, "xnames and NVM_NXSTATS");

static int nvm_xstats_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			    unsigned int size)
{
	unsigned int i;

	(void)dev;
	if (names == NULL || size < NVM_NXSTATS)
		return (int)NVM_NXSTATS;
	for (i = 0; i < NVM_NXSTATS; i++)
		snprintf(names[i].name, sizeof(names[i].name), "%s", xnames[i]);
	return (int)NVM_NXSTATS;
}

/* Every xstat as its counters read (since the port was made); under p->lock. */
static void xstats_raw(const struct nvm_port *p, uint64_t v[NVM_NXSTATS])
{
	struct nvm_lib_counts c;
	unsigned int i;

	lib_counts(p, &c);
	v[0] = c.broken;
	v[1] = p->resets;
	v[2] = p->peer_lost;
	v[3] = p->link_ups;
	v[4] = p->link_downs;
	v[5] = c.rx_drops;
	v[6] = c.rx_errors;
	v[7] = c.tx_drops;
	v[8] = c.tx_errors;
	v[9] = c.notifies;
	v[10] = c.events;
	v[11] = p->zc_rx_gone;
	for (i = 0; i < p->nq; i++)
		if (p->rxq[i] != NULL)
			v[11] += p->rxq[i]->zc_packets;
	v[12] = c.tx_zc;
}

static int nvm_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n)
{
	struct nvm_port *p = dev->data->dev_private;
	uint64_t v[NVM_NXSTATS];
	unsigned int i;

	if (xs == NULL || n < NVM_NXSTATS)
		return (int)NVM_NXSTATS;
	pthread_mutex_lock(&p->lock);
	xstats_raw(p, v);
	for (i = 0; i < NVM_NXSTATS; i++) {
		xs[i].id = i;
		xs[i].value = v[i] - p->xbase[i];
	}
	pthread_mutex_unlock(&p->lock);
	return (int)NVM_NXSTATS;
}

/* The basic counters and the port's own xstats start again from 0. */
static int nvm_xstats_reset(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;

	(void)nvm_stats_reset(dev);
	pthread_mutex_lock(&p->lock);
	xstats_raw(p, p->xbase);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static const struct eth_dev_ops nvm_ops = {
	.dev_configure = nvm_configure,
	.dev_start = nvm_start,
	.dev_stop = nvm_stop,
	.dev_close = nvm_close,
	.dev_infos_get = nvm_infos,
	.rx_queue_setup = nvm_rxq_setup,
	.tx_queue_setup = nvm_txq_setup,
	.rx_queue_release = nvm_rxq_release,
	.tx_queue_release = nvm_txq_release,
	.link_update = nvm_link_update,
	.promiscuous_enable = nvm_ok,
	.promiscuous_disable = nvm_ok,
	.allmulticast_enable = nvm_ok,
	.allmulticast_disable = nvm_ok,
	.mtu_set = nvm_mtu_set,
	.mac_addr_set = nvm_mac_set,
	.stats_get = nvm_stats_get,
	.stats_reset = nvm_stats_reset,
	.xstats_get = nvm_xstats_get,
	.xstats_reset = nvm_xstats_reset,
	.xstats_get_names = nvm_xstats_names,
};

__attribute__((visibility("default"))) int rte_pmd_net_vmsg_features_get(uint16_t port_id,
									 uint64_t *features)
{
	struct rte_eth_dev *dev;
	struct nvm_port *p;
	int rc = 0;

	if (features == NULL)
		return -EINVAL;
	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	dev = &rte_eth_devices[port_id];
	if (dev->dev_ops != &nvm_ops || dev->data->dev_private == NULL)
		return -ENODEV;
	p = dev->data->dev_private;
	pthread_mutex_lock(&p->lock);
	/* The link goes up after the set is stored, and down before it changes. */
	if (__atomic_load_n(&p->link, __ATOMIC_ACQUIRE) == 0)
		rc = -ENOTCONN;
	else
		*features = p->neg_feat;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Probe / remove                                                            */
/* ------------------------------------------------------------------------ */

static int dev_create(struct nvm_port *p)
{
	struct rte_vmsg_net_dev_opts no;
	int rc;

	rc = nvm_bus_open(p);
	if (rc == -EEXIST) {
		NVM_LOG(ERR, p, "%s exists (another process uses it, or it was left behind)",
			p->a.file);
		return rc;
	}
	if (rc < 0) {
		NVM_LOG(ERR, p, "creating the bus on %s: %s", p->a.file, strerror(-rc));
		return rc;
	}
	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = p->bus;
	no.map = rte_vmsg_bus_memmap(p->bus);
	no.dev_num = p->a.dev_num;
	no.max_queue_pairs = p->nq;
	no.mtu = p->mtu;
	no.queue_size = p->a.qsize;
	no.backend = RTE_VMSG_NET_BACKEND_APP;
	no.notify = p->a.notify;
	/*
	 * TSO from the driver only with tso=1: the DMA area was sized for it
	 * (dma_bytes()). ring=split, in_order=0: that layout feature is not
	 * offered (the driver's wants choose among the rest).
	 */
	no.features = rte_vmsg_net_dev_supported_features() & ~p->a.ring_off;
	if (!p->a.tso)
		no.features &=
			~((1ull << RTE_VMSG_NET_F_HOST_TSO4) | (1ull << RTE_VMSG_NET_F_HOST_TSO6));
	memcpy(no.mac, p->mac.addr_bytes, 6);
	rc = rte_vmsg_net_dev_create(&no, &p->ndev);
	if (rc < 0) {
		NVM_LOG(ERR, p, "creating the virtio-net device: %s", strerror(-rc));
		nvm_bus_close(p);
	}
	return rc;
}

static int nvm_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_eth_dev *dev;
	struct nvm_port *p;
	struct nvm_args a;
	char why[512];
	int rc;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		RTE_LOG(ERR, PMD, "net_vmsg: %s: secondary processes are not supported\n", name);
		return -ENOTSUP;
	}
	nvm_zc_orphans_sweep(); /* pools of ports closed before, now full */
	if (nvm_args_parse(rte_vdev_device_args(vdev), &a, why, sizeof(why)) < 0) {
		RTE_LOG(ERR, PMD, "net_vmsg: %s: bad devargs: %s\n", name, why);
		return -EINVAL;
	}
	nvm_log_init();
	dev = rte_eth_vdev_allocate(vdev, sizeof(*p));
	if (dev == NULL)
		return -ENOMEM;
	p = dev->data->dev_private;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->a = a;
	p->eth = dev;
	p->nq = a.queues;
	p->mtu = a.mtu != 0 ? a.mtu : 1500;
	pthread_mutex_init(&p->lock, NULL);
	if (a.have_mac) {
		memcpy(p->mac.addr_bytes, a.mac, 6);
	} else {
		rte_eth_random_addr(p->mac.addr_bytes);
	}
	dev->data->mac_addrs = &p->mac;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	dev->dev_ops = &nvm_ops;
	dev->rx_pkt_burst = nvm_rx_burst;
	dev->tx_pkt_burst = nvm_tx_burst;

	if (a.role == RTE_VMSG_BUS_DEVICE) {
		rc = dev_create(p);
		if (rc < 0)
			goto fail;
	} else {
		p->st = NVM_ATTACH;
		p->next_ns = 0;
		p->asym = nvm_asym_init();
		if (a.bus == NVM_BUS_PCIE) {
			/*
			 * A card is there or not, and set up right or not: opened
			 * at once, so that a wrong address, a function not bound
			 * to vfio-pci or the IOMMU off fails the probe with the
			 * library's line saying what to do. Only a card whose
			 * side has not written its layout yet is waited for.
			 */
			rc = nvm_drv_attach(p);
			if (rc < 0 && rc != -EAGAIN) {
				NVM_LOG(ERR, p, "opening the card %s: %s", a.file, strerror(-rc));
				goto fail;
			}
		}
	}
	p->pcie_wait = 1; /* the control thread's opens of a card wait for its layout */
	rc = rte_ctrl_thread_create(&p->ctl, "net_vmsg-ctl", NULL, nvm_ctl_main, p);
	if (rc != 0) {
		rc = -rc;
		NVM_LOG(ERR, p, "no control thread: %s", strerror(-rc));
		goto fail;
	}
	p->ctl_running = 1;
	rte_eth_dev_probing_finish(dev);
	NVM_LOG(INFO, p, "%s role on %s, %u queue pair(s)",
		a.role == RTE_VMSG_BUS_DEVICE ? "device" : "driver", a.file, p->nq);
	return 0;
fail:
	port_free(p);
	dev->data->mac_addrs = NULL;
	rte_eth_dev_release_port(dev);
	return rc;
}

static int nvm_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0; /* closed already */
	nvm_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver nvm_driver = {
	.probe = nvm_probe,
	.remove = nvm_remove,
};

RTE_PMD_REGISTER_VDEV(net_vmsg, nvm_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_vmsg, NVM_ARGS_HELP);
